/**
 * Use case (called by publishSite): the search index objects of this publish, rendered incrementally.
 *
 * Only the months that hold a listing day whose revision moved (or an object a stopped publish may have
 * left half-done) are rendered again, from a per-month record of their papers' search docs kept under
 * `_paperboy/search/`; within such a month only the changed days are read from the store. The objects go
 * back to publishSite, which hashes them against the manifest and uploads the changed ones, like every
 * other object; the records are written by `commit`, after the manifest, so a crash before it only makes
 * the next publish read those days again.
 *
 * Why not Pagefind (1.6.0, the library the issue preferred): it rebuilds one whole-archive index each run,
 * in a 13 MB native binary that the 250 KB publish bundle cannot carry. Measured on the 2-core development
 * machine with its Node API: 1,000 records, 0.7 s wall, 1,017 files; 100,000 records, 140 s of the
 * binary's CPU, 100,098 files (22.6 MB), every publish. These month segments keep a new day's cost at one
 * month's size: see docs/feeds.md (Search, Benchmark) for the figures of both at 1,000 and 100,000 papers.
 */
import type { Paper, SiteObject } from '../model.js';
import type { ObjectStore } from '../ports.js';
import {
  renderSearchDay,
  renderSearchIndex,
  renderSearchMonth,
  searchDocs,
  searchKeys,
  SEARCH_INDEX_KEY,
  SEARCH_INDEX_VERSION,
  type SearchDoc,
  type SearchMonthEntry,
} from '../search-index.js';

const STATE_PREFIX = '_paperboy/search/';
/** Which months are rendered, and from which day revisions: vouches for the month records. */
export const SEARCH_STATE_KEY = `${STATE_PREFIX}state.json`;
const monthKey = (month: string) => `${STATE_PREFIX}${month}.json`;

/** Cache-Control of the index objects: a new day changes them, so as short as the pages'. */
const CACHE = 'public, max-age=60';
const JSON_TYPE = 'application/json; charset=utf-8';

interface SearchState {
  v: number;
  months: Record<string, { papers: number; days: Record<string, number> }>;
}

interface MonthRecord {
  v: number;
  days: Record<string, { rev: number; docs: SearchDoc[] }>;
}

export interface SearchPublish {
  objects: SiteObject[];
  /** Months rendered again this time. */
  monthsRendered: string[];
  /** Writes the records this publish rendered from; call after the manifest. */
  commit: () => Promise<void>;
}

export async function publishSearch(deps: {
  objects: ObjectStore;
  /** Every listing day and its revision (the store's). */
  revisions: readonly { day: string; rev: number }[];
  /** One listing day's papers (publishSite's cached read). */
  readDay: (day: string) => Promise<Paper[]>;
  /** Keys a stopped publish may have left with other bytes than the manifest says. */
  untrusted: ReadonlySet<string>;
}): Promise<SearchPublish> {
  const stored = parseJson<SearchState>(await deps.objects.get(SEARCH_STATE_KEY));
  const known = stored?.v === SEARCH_INDEX_VERSION && stored.months ? stored.months : {};

  const byMonth = new Map<string, Map<string, number>>();
  for (const { day, rev } of deps.revisions) {
    const m = day.slice(0, 7);
    if (!byMonth.has(m)) byMonth.set(m, new Map());
    byMonth.get(m)!.set(day, rev);
  }
  const untrusted = [...deps.untrusted].filter((k) => k.startsWith('search/'));
  const dirty = [...new Set([...byMonth.keys(), ...Object.keys(known)])].sort().filter((m) => {
    const was = known[m]?.days ?? {};
    const now = byMonth.get(m) ?? new Map<string, number>();
    if (now.size !== Object.keys(was).length) return true;
    for (const [day, rev] of now) if (was[day] !== rev) return true;
    return untrusted.some((k) => searchKeys.inMonth(k, m));
  });

  const next: SearchState = { v: SEARCH_INDEX_VERSION, months: {} };
  for (const [m, entry] of Object.entries(known)) if (byMonth.has(m)) next.months[m] = entry;
  const objects: SiteObject[] = [];
  const records: [string, string][] = [];
  const json = (key: string, body: string): SiteObject => ({ key, body, contentType: JSON_TYPE, cacheControl: CACHE });
  for (const m of dirty) {
    const days = byMonth.get(m);
    if (!days) continue;
    const was = parseJson<MonthRecord>(await deps.objects.get(monthKey(m)));
    const record: MonthRecord = { v: SEARCH_INDEX_VERSION, days: {} };
    for (const [day, rev] of [...days].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const seen = was?.v === SEARCH_INDEX_VERSION ? was.days?.[day] : undefined;
      record.days[day] = seen && seen.rev === rev ? seen : { rev, docs: searchDocs(await deps.readDay(day)) };
    }
    const docs = new Map(Object.entries(record.days).filter(([, d]) => d.docs.length > 0).map(([day, d]) => [day, d.docs]));
    const buckets = renderSearchMonth(docs);
    buckets.forEach((body, b) => objects.push(json(searchKeys.bucket(m, b), body)));
    for (const [day, list] of docs) renderSearchDay(list).forEach((body, k) => objects.push(json(searchKeys.dayChunk(day, k), body)));
    next.months[m] = { papers: [...docs.values()].reduce((n, d) => n + d.length, 0), days: Object.fromEntries(days) };
    records.push([monthKey(m), JSON.stringify(record)]);
  }
  const entries: SearchMonthEntry[] = Object.entries(next.months).map(([m, e]) => ({ m, papers: e.papers }));
  objects.push(json(SEARCH_INDEX_KEY, renderSearchIndex(entries)));

  const sortedState = JSON.stringify({ v: next.v, months: Object.fromEntries(Object.entries(next.months).sort(([a], [b]) => (a < b ? -1 : 1))) });
  const internal = (key: string, body: string) => deps.objects.put({ key, body, contentType: JSON_TYPE, cacheControl: 'no-store' });
  return {
    objects,
    monthsRendered: dirty.filter((m) => byMonth.has(m)),
    commit: async () => {
      // The month records first: the state vouches for them, so it goes last.
      for (const [key, body] of records) await internal(key, body);
      if (records.length > 0 || sortedState !== JSON.stringify(stored)) await internal(SEARCH_STATE_KEY, sortedState);
    },
  };
}

function parseJson<T>(text: string | undefined): T | undefined {
  if (!text) return undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as T) : undefined;
  } catch {
    return undefined;
  }
}
