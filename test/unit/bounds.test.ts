/**
 * The bounds that keep every stored paper well under DynamoDB's item limit, and what a reader sees of a
 * capped field: a long abstract cut at a word, a large collaboration with its true size.
 */
import { describe, expect, it } from 'vitest';
import { DomUtils, parseDocument } from 'htmlparser2';
import { itemBytes, MAX_ITEM_BYTES, paperItem } from '@paperboy/aws';
import { contentHashOf, excerpt, MAX_ABSTRACT_CHARS, MAX_STORED_AUTHORS, taxonomySchema, validatePaperInput, type Paper, type PaperInput } from '@paperboy/core';
import { renderSite } from '@paperboy/feeds';

const input = (extra: Partial<PaperInput>): PaperInput => ({ id: '2611.00001', title: 'A paper', abstract: 'Short.', authors: ['A'], listedOn: '2026-11-27', links: {}, categories: [], keywords: [], source: 'feed', ...extra });

describe('bounded fields', () => {
  it('cuts an abstract over the bound at a word, with "…", and keeps the paper', () => {
    const words = Array.from({ length: 6000 }, (_v, i) => `word${i}`).join(' ');
    const r = validatePaperInput(input({ abstract: words }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.paper.abstract.length).toBeLessThanOrEqual(MAX_ABSTRACT_CHARS + 1);
    expect(r.paper.abstract.endsWith('…')).toBe(true);
    expect(words.startsWith(r.paper.abstract.slice(0, -1))).toBe(true);
    expect(words[r.paper.abstract.length - 1]).toBe(' ');
  });

  it('keeps an abstract at the bound as it is', () => {
    const abstract = 'a'.repeat(MAX_ABSTRACT_CHARS);
    const r = validatePaperInput(input({ abstract }));
    expect(r.ok && r.paper.abstract).toBe(abstract);
  });

  it('never splits a surrogate pair when it cuts', () => {
    const cut = excerpt('🚀'.repeat(20), 9);
    expect(cut).toBe(`${'🚀'.repeat(4)}…`);
  });

  it('names the field and the size that arrived when a field is over a bound it cannot be cut to', () => {
    const r = validatePaperInput(input({ title: 't'.repeat(12_345) }));
    expect(r).toEqual({ ok: false, reason: 'title: title is longer than 1000 characters (got 12,345 characters)' });
    const k = validatePaperInput(input({ keywords: Array.from({ length: 150 }, (_v, i) => `k${i}`) }));
    expect(k.ok === false && k.reason).toMatch(/^keywords: .*\(got 150 entries\)$/);
  });

  it('keeps the largest paper every bound allows under the store\'s 380 KB guard, in 3-byte characters', () => {
    const wide = (n: number) => '語'.repeat(n);
    const r = validatePaperInput(
      input({
        title: wide(1000),
        abstract: wide(MAX_ABSTRACT_CHARS + 5000),
        authors: Array.from({ length: 5000 }, () => wide(300)),
        categories: Array.from({ length: 100 }, () => wide(100)),
        keywords: Array.from({ length: 100 }, () => wide(200)),
        comments: wide(5000),
        journalRef: wide(5000),
        summary: wide(2000),
        organization: wide(200),
        thumbnail: `https://a.example/${'a'.repeat(1980)}`,
        githubStars: 1e9,
        numComments: 1e9,
        links: { abs: `https://a.example/${'a'.repeat(1980)}`, pdf: `https://a.example/${'a'.repeat(1980)}`, code: `https://a.example/${'a'.repeat(1980)}`, hf: `https://a.example/${'a'.repeat(1980)}`, project: `https://a.example/${'a'.repeat(1980)}`, doi: wide(300) },
      }),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const { source, ...rest } = r.paper;
    const base = { ...rest, tags: ['llm'], sources: [source], firstSeenAt: '2026-11-27T00:00:00Z', updatedAt: '2026-11-27T00:00:00Z' };
    const stored: Paper = { ...base, contentHash: contentHashOf(base) };
    expect(itemBytes(paperItem(stored))).toBeLessThan(MAX_ITEM_BYTES);
  });
});

describe('a collaboration the store kept the first authors of', () => {
  const TOPICS = taxonomySchema.parse({ topics: [{ slug: 'llm', name: 'Language models', phrases: ['language model'] }] }).topics;
  const names = Array.from({ length: MAX_STORED_AUTHORS }, (_v, i) => `Member ${i}`);
  const big: Paper = {
    id: '2611.00002', title: 'Big science', abstract: 'A.', authors: names, authorCount: 4000, listedOn: '2026-11-27', links: {}, categories: [], keywords: [],
    tags: ['llm'], sources: ['t'], firstSeenAt: '2026-11-27T00:00:00Z', updatedAt: '2026-11-27T00:00:00Z', contentHash: 'big',
  };
  const objects = new Map(renderSite({ site: { title: 'p', description: 'd', url: 'https://papers.example.org/', language: 'en' }, topics: TOPICS, papers: [big], maxItems: 50, generatedAt: new Date('2026-11-28T00:00:00Z') }).map((o) => [o.key, o.body]));

  it('says on its card how many authors it has in all', () => {
    const text = DomUtils.textContent(parseDocument(objects.get('index.html')!)).replace(/\s+/g, ' ');
    expect(text).toMatch(/Member 0, Member 1, .* and 3,9\d\d more/);
    const shown = Number(/and ([\d,]+) more/.exec(text)![1]!.replace(',', ''));
    expect(shown + (text.match(/Member \d+/g) ?? []).length).toBe(4000);
  });

  it('says in the feed item how many more there are', () => {
    const json = JSON.parse(objects.get('feeds/all.json')!) as { items: { content_html: string }[] };
    expect(json.items[0]!.content_html).toContain(`Member 99 and 3,900 more`);
  });
});
