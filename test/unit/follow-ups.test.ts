import { describe, expect, it } from 'vitest';
import { followUpKey, mergePaper, selectFollowUps, type LedgerHistory, type PaperInput, type Subscriber } from '@paperboy/core';
import { paper } from '../support/papers.js';

const subscriber = (followUps?: Subscriber['followUps']): Subscriber => ({
  id: 'fu-subscriber',
  email: 'fu@example.net',
  status: 'active',
  topics: ['llm'],
  frequency: 'daily',
  createdAt: '2026-11-01T00:00:00.000Z',
  confirmedAt: '2026-11-01T00:00:00.000Z',
  lastDigestAt: '2026-11-20T07:00:00.000Z',
  ...(followUps ? { followUps } : {}),
});
const history = (shown: Record<string, string>, followUps: string[] = []): LedgerHistory => ({
  offered: new Set(Object.keys(shown)),
  shown: new Map(Object.entries(shown)),
  followUps: new Set(followUps),
});
const input = (over: Partial<PaperInput> = {}): PaperInput => ({
  id: '2611.00001',
  title: 'A paper',
  abstract: 'An abstract.',
  authors: ['A. Author'],
  listedOn: '2026-11-18',
  links: {},
  categories: [],
  keywords: [],
  upvotes: 40,
  source: 'hf',
  ...over,
});

describe('mergePaper notes the moments follow-ups need, once', () => {
  it('sets codeAddedAt when a stored paper first gets code, and trendingAt when it first passes the line', () => {
    const first = mergePaper(undefined, input(), ['llm'], '2026-11-18T06:00:00.000Z', { trendingUpvotes: 100 });
    expect(first.codeAddedAt).toBeUndefined();
    const later = mergePaper(first, input({ links: { code: 'https://github.com/x/y' }, upvotes: 130 }), ['llm'], '2026-11-20T06:00:00.000Z', { trendingUpvotes: 100 });
    expect(later).toMatchObject({ codeAddedAt: '2026-11-20T06:00:00.000Z', trendingAt: '2026-11-20T06:00:00.000Z' });
    // Re-running the same record changes nothing, and a later change keeps the first moments.
    const again = mergePaper(later, input({ links: { code: 'https://github.com/x/y' }, upvotes: 150 }), ['llm'], '2026-11-21T06:00:00.000Z', { trendingUpvotes: 100 });
    expect(again).toMatchObject({ codeAddedAt: '2026-11-20T06:00:00.000Z', trendingAt: '2026-11-20T06:00:00.000Z' });
    // A paper first stored with code, or already over the line, has no follow-up moment.
    const born = mergePaper(undefined, input({ links: { code: 'https://github.com/x/y' }, upvotes: 300 }), ['llm'], '2026-11-18T06:00:00.000Z', { trendingUpvotes: 100 });
    const bumped = mergePaper(born, input({ links: { code: 'https://github.com/x/y' }, upvotes: 310 }), ['llm'], '2026-11-19T06:00:00.000Z', { trendingUpvotes: 100 });
    expect(bumped.codeAddedAt).toBeUndefined();
    expect(bumped.trendingAt).toBeUndefined();
  });
});

describe('selectFollowUps', () => {
  const coded = paper({ id: 'c-1', listedOn: '2026-11-18', firstSeenAt: '2026-11-18T06:00:00.000Z', codeAddedAt: '2026-11-20T09:00:00.000Z' });
  it('follows up a paper shown before its news, for a subscriber who opted in', () => {
    expect(selectFollowUps({ subscriber: subscriber('digest'), candidates: [coded], history: history({ 'c-1': '2026-11-18T07:00:00.000Z' }), maxPapers: 10 })).toEqual([{ kind: 'code', paper: coded }]);
  });
  it('not when the subscriber did not opt in, was never shown it, had the news already, or had this follow-up', () => {
    const shown = history({ 'c-1': '2026-11-18T07:00:00.000Z' });
    expect(selectFollowUps({ subscriber: subscriber(), candidates: [coded], history: shown, maxPapers: 10 })).toEqual([]);
    expect(selectFollowUps({ subscriber: subscriber('digest'), candidates: [coded], history: history({}), maxPapers: 10 })).toEqual([]);
    expect(selectFollowUps({ subscriber: subscriber('digest'), candidates: [coded], history: history({ 'c-1': '2026-11-20T10:00:00.000Z' }), maxPapers: 10 })).toEqual([]);
    expect(selectFollowUps({ subscriber: subscriber('digest'), candidates: [coded], history: history({ 'c-1': '2026-11-18T07:00:00.000Z' }, [followUpKey('code', 'c-1')]), maxPapers: 10 })).toEqual([]);
  });
});
