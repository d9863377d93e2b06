/** Complete Hugging Face days: the lookback window, paging until a short page, and per-page change detection. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256 } from '@paperboy/core';
import { lookbackDays, MAX_PAGES_PER_DAY, readListingDay, readListingDays, sameDays, SourceError, type FetchPage } from '@paperboy/sources';

type Entry = { paper: { id: string; upvotes: number } & Record<string, unknown> } & Record<string, unknown>;
const corpusDay = (day: string): Entry[] => JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'data', 'corpus', 'hf-daily', `${day}.json`), 'utf8'));

/** An in-memory API over mutable per-day lists; ETags (when on) are hashes of the page body. */
function fakeApi(lists: Record<string, Entry[]>, opts: { etags?: boolean } = {}) {
  const calls: { day: string; p: number; limit: number; sentEtag?: string }[] = [];
  const fetchPage: FetchPage = async (day, p, limit, validators) => {
    calls.push({ day, p, limit, ...(validators?.etag ? { sentEtag: validators.etag } : {}) });
    const body = JSON.stringify((lists[day] ?? []).slice(p * limit, (p + 1) * limit));
    const etag = opts.etags === false ? undefined : `"${sha256(body).slice(0, 12)}"`;
    if (etag && validators?.etag === etag) return { notModified: true, body: '', etag };
    return { notModified: false, body, ...(etag ? { etag } : {}) };
  };
  return { fetchPage, calls };
}

describe('lookbackDays', () => {
  it('is the calendar days ending today, oldest first, across month ends', () => {
    expect(lookbackDays('2026-05-01', 3)).toEqual(['2026-04-29', '2026-04-30', '2026-05-01']);
    expect(lookbackDays('2026-05-01', 1)).toEqual(['2026-05-01']);
  });
});

describe('readListingDay', () => {
  const day = '2026-05-12'; // 50 papers
  const source = 'hf';

  it('pages with limit and p until a short page, and an exact multiple reads one empty page more', async () => {
    const api = fakeApi({ [day]: corpusDay(day) });
    const read = await readListingDay(api.fetchPage, day, 20, { source });
    expect(api.calls.map((c) => [c.p, c.limit])).toEqual([[0, 20], [1, 20], [2, 20]]);
    expect(read).toMatchObject({ fetched: 50, listed: 50, pages: 3, changed: true });
    expect(read.papers).toHaveLength(50);
    // Each paper keeps its place in the whole day's listing, across pages.
    expect(read.papers.map((p) => p.rank)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(read.state.pages.map((p) => p.count)).toEqual([20, 20, 10]);

    const exact = fakeApi({ [day]: corpusDay(day) });
    const r2 = await readListingDay(exact.fetchPage, day, 25, { source });
    expect(exact.calls.map((c) => c.p)).toEqual([0, 1, 2]);
    expect(r2.state.pages.map((p) => p.count)).toEqual([25, 25, 0]);
  });

  it('an unchanged day: 304 to every page, nothing to store, the same state', async () => {
    const api = fakeApi({ [day]: corpusDay(day) });
    const first = await readListingDay(api.fetchPage, day, 20, { source });
    api.calls.length = 0;
    const again = await readListingDay(api.fetchPage, day, 20, { source, previous: first.state });
    expect(api.calls.map((c) => c.sentEtag)).toEqual(first.state.pages.map((p) => p.etag));
    expect(again).toMatchObject({ papers: [], fetched: 0, listed: 50, changed: false });
    expect(again.state).toEqual(first.state);
  });

  it('a server without validators: the content hash tells the unchanged pages', async () => {
    const list = corpusDay(day);
    const api = fakeApi({ [day]: list }, { etags: false });
    const first = await readListingDay(api.fetchPage, day, 20, { source });
    const again = await readListingDay(api.fetchPage, day, 20, { source, previous: first.state });
    expect(again).toMatchObject({ papers: [], fetched: 50, changed: false });
    expect(again.state).toEqual(first.state);

    // An upvote on the last page: only that page's papers come back.
    list[45]!.paper.upvotes += 7;
    const bumped = await readListingDay(api.fetchPage, day, 20, { source, previous: first.state });
    expect(bumped.changed).toBe(true);
    expect(bumped.papers.map((p) => p.id)).toEqual(list.slice(40).map((e) => e.paper.id));
    expect(bumped.papers.find((p) => p.id === list[45]!.paper.id)!.upvotes).toBe(list[45]!.paper.upvotes);
  });

  it('a field paperboy does not keep changing upstream costs nothing, even with a new ETag', async () => {
    const list = corpusDay(day);
    const api = fakeApi({ [day]: list });
    const first = await readListingDay(api.fetchPage, day, 20, { source });
    // Who submitted the paper to the page: nothing paperboy shows or stores.
    (list[0] as Record<string, unknown>).submittedBy = { name: 'someone-else' };
    const again = await readListingDay(api.fetchPage, day, 20, { source, previous: first.state });
    expect(again).toMatchObject({ papers: [], changed: false });
    expect(again.state).toEqual(first.state);
  });

  it('a growing day: the new papers are read, the full pages before them are not', async () => {
    const full = corpusDay(day);
    const list = full.slice(0, 30);
    const api = fakeApi({ [day]: list });
    const morning = await readListingDay(api.fetchPage, day, 20, { source });
    expect(morning.state.pages.map((p) => p.count)).toEqual([20, 10]);
    list.push(...full.slice(30));
    const later = await readListingDay(api.fetchPage, day, 20, { source, previous: morning.state });
    expect(later.papers.map((p) => p.id)).toEqual(full.slice(20).map((e) => e.paper.id));
    expect(later).toMatchObject({ listed: 50, changed: true });
    expect(later.state.pages.map((p) => p.count)).toEqual([20, 20, 10]);
  });

  it('another page size reads the day afresh; a 304 to a request without validators is an error', async () => {
    const api = fakeApi({ [day]: corpusDay(day) });
    const first = await readListingDay(api.fetchPage, day, 20, { source });
    const resized = await readListingDay(api.fetchPage, day, 50, { source, previous: first.state });
    expect(resized.papers).toHaveLength(50);
    const liar: FetchPage = async () => ({ notModified: true, body: '' });
    await expect(readListingDay(liar, day, 20, { source })).rejects.toThrow(new SourceError('source hf: 2026-05-12 page 0 answered 304 Not Modified to a request without validators'));
  });

  it('stops at a bounded number of pages', async () => {
    const endless: FetchPage = async (_d, p, limit) => ({
      notModified: false,
      body: JSON.stringify(Array.from({ length: limit }, (_, i) => ({ paper: { id: `2605.${String(p * limit + i).padStart(5, '0')}`, title: `Paper ${p}-${i}` } }))),
    });
    const read = await readListingDay(endless, day, 1, { source });
    expect(read.pages).toBe(MAX_PAGES_PER_DAY);
    expect(read.notes).toEqual([`2026-05-12: stopped after ${MAX_PAGES_PER_DAY} pages of 1`]);
  });
});

describe('readListingDays', () => {
  it('reads every day of the window, flags an empty weekday, calls a weekend normal, and remembers only these days', async () => {
    const days = lookbackDays('2026-05-11', 3); // Sat, Sun, Mon
    const api = fakeApi({ '2026-05-11': corpusDay('2026-05-11') });
    const first = await readListingDays(api.fetchPage, days, 100, { source: 'hf', previous: { '2026-05-01': { limit: 100, pages: [{ hash: 'x', count: 3 }] } } });
    expect(Object.keys(first.days)).toEqual(days);
    expect(first.papers).toHaveLength(41);
    expect(first.health).toMatchObject({ empty: false, notes: ['2026-05-09: no papers on a weekend (normal)', '2026-05-10: no papers on a weekend (normal)', '2026-05-09 to 2026-05-11: 3 days read in 3 page(s), 3 changed'] });
    expect(first.health.notModified).toBeUndefined();

    const again = await readListingDays(api.fetchPage, days, 100, { source: 'hf', previous: first.days });
    expect(again).toMatchObject({ papers: [], changed: false, health: { notModified: true } });
    expect(sameDays(again.days, first.days)).toBe(true);

    const weekday = await readListingDays(fakeApi({}).fetchPage, ['2026-05-12'], 100, { source: 'hf' });
    expect(weekday.health).toMatchObject({ empty: true, notes: ['2026-05-12: no papers listed for this day', '2026-05-12: day read in 1 page(s), 1 changed'] });
  });

  it('compares remembered days regardless of key order', () => {
    const a = { d1: { limit: 2, pages: [{ etag: 'e', hash: 'h', count: 1 }] }, d2: { limit: 2, pages: [{ hash: 'g', count: 0 }] } };
    const b = { d2: { pages: [{ count: 0, hash: 'g' }], limit: 2 }, d1: { pages: [{ count: 1, hash: 'h', etag: 'e' }], limit: 2 } };
    expect(sameDays(a, b)).toBe(true);
    expect(sameDays(a, { d1: a.d1 })).toBe(false);
    expect(sameDays(undefined, a)).toBe(false);
  });
});
