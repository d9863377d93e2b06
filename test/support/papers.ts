/** Builders for test papers. */
import { contentHashOf, type Paper } from '@paperboy/core';

export function paper(overrides: Partial<Paper> & { id: string }): Paper {
  const base: Omit<Paper, 'contentHash'> = {
    title: `Paper ${overrides.id}`,
    abstract: 'An abstract.',
    authors: ['A. Author'],
    listedOn: '2026-11-20',
    links: {},
    categories: [],
    keywords: [],
    tags: ['llm'],
    sources: ['test'],
    firstSeenAt: '2026-11-20T06:00:00.000Z',
    updatedAt: '2026-11-20T06:00:00.000Z',
    ...overrides,
  };
  return { ...base, contentHash: overrides.contentHash ?? contentHashOf(base) };
}
