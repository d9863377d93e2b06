/**
 * Complete Hugging Face listing days. Papers join a day all day long, and their upvotes, GitHub links and
 * summaries change after they are listed, so every run reads the last few days again, each one page by page
 * (`limit`, 0-based `p`) until a short page. A page that did not change since the last run (a 304 to its
 * validators, or the same items by content hash when the server ignores validators) contributes nothing,
 * and what is remembered about the days changes only when a day did: an unchanged day costs no writes.
 */
import { addDays, isWeekend, sha256, type ListingDayState, type ListingPageState, type PaperInput } from '@paperboy/core';
import { parseHfDaily } from './hf-daily.js';
import { healthy, SourceError, type SkippedItem, type SourceHealth } from './types.js';

/** The `count` calendar days ending on `today`, oldest first. */
export function lookbackDays(today: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => addDays(today, i - count + 1));
}

export interface PageAnswer {
  notModified: boolean;
  body: string;
  etag?: string;
  lastModified?: string;
}

/** Fetches page `p` (0-based) of `day` with `limit` items a page, sending the validators when given. */
export type FetchPage = (day: string, p: number, limit: number, validators?: { etag?: string; lastModified?: string }) => Promise<PageAnswer>;

/** A day of more pages than this is cut there, with a note: a Daily Papers day lists tens of papers. */
export const MAX_PAGES_PER_DAY = 20;

export interface DayRead {
  /** Items of the pages that changed since the last run (every page on a first read). */
  papers: PaperInput[];
  skipped: SkippedItem[];
  /** Items delivered in response bodies (a 304 delivers none). */
  fetched: number;
  /** Items the day lists now, read this time or known unchanged. */
  listed: number;
  /** Requests made. */
  pages: number;
  /** Whether anything remembered about the day differs from the last run. */
  changed: boolean;
  state: ListingDayState;
  notes: string[];
}

const validatorsOf = (page: ListingPageState | undefined) =>
  page && (page.etag || page.lastModified) ? { ...(page.etag ? { etag: page.etag } : {}), ...(page.lastModified ? { lastModified: page.lastModified } : {}) } : undefined;

/** Reads one day completely; `previous` is what the last run remembered about it. */
export async function readListingDay(fetchPage: FetchPage, day: string, limit: number, opts: { source: string; previous?: ListingDayState }): Promise<DayRead> {
  // Pages read with another size hold other items: start afresh.
  const before = opts.previous?.limit === limit ? opts.previous.pages : [];
  const read: DayRead = { papers: [], skipped: [], fetched: 0, listed: 0, pages: 0, changed: false, state: { limit, pages: [] }, notes: [] };
  for (let p = 0; ; p++) {
    if (p === MAX_PAGES_PER_DAY) {
      read.notes.push(`${day}: stopped after ${MAX_PAGES_PER_DAY} pages of ${limit}`);
      break;
    }
    const known = before[p];
    const answer = await fetchPage(day, p, limit, validatorsOf(known));
    read.pages++;
    let page: ListingPageState;
    if (answer.notModified) {
      if (!known) throw new SourceError(`source ${opts.source}: ${day} page ${p} answered 304 Not Modified to a request without validators`);
      page = known;
    } else {
      const parsed = parseHfDaily(answer.body, { source: opts.source, date: day, firstRank: p * limit + 1 });
      const count = parsed.papers.length + parsed.skipped.length;
      read.fetched += count;
      const hash = sha256(JSON.stringify(parsed.papers));
      if (known && known.hash === hash && known.count === count) {
        // The same items: keep the old validators as well, so a change upstream that paperboy does not
        // store (a comment count) costs no write.
        page = known;
      } else {
        page = { ...(answer.etag ? { etag: answer.etag } : {}), ...(answer.lastModified ? { lastModified: answer.lastModified } : {}), hash, count };
        read.papers.push(...parsed.papers);
        read.skipped.push(...parsed.skipped);
        read.changed = true;
      }
    }
    read.state.pages.push(page);
    read.listed += page.count;
    if (page.count < limit) break;
  }
  if (read.state.pages.length !== before.length) read.changed = true;
  return read;
}

export interface DaysRead {
  papers: PaperInput[];
  skipped: SkippedItem[];
  fetched: number;
  health: SourceHealth;
  /** What to remember: exactly the days read (older ones drop out). */
  days: Record<string, ListingDayState>;
  /** Whether any day changed since the last run. */
  changed: boolean;
}

/** Reads each day in turn; `previous` holds what the last run remembered, by day. */
export async function readListingDays(
  fetchPage: FetchPage,
  days: string[],
  limit: number,
  opts: { source: string; previous?: Record<string, ListingDayState> },
): Promise<DaysRead> {
  const out: DaysRead = { papers: [], skipped: [], fetched: 0, health: healthy(), days: {}, changed: false };
  let pages = 0;
  let changedDays = 0;
  for (const day of days) {
    const read = await readListingDay(fetchPage, day, limit, { source: opts.source, previous: opts.previous?.[day] });
    out.papers.push(...read.papers);
    out.skipped.push(...read.skipped);
    out.fetched += read.fetched;
    out.days[day] = read.state;
    out.health.notes.push(...read.notes);
    pages += read.pages;
    if (read.changed) changedDays++;
    if (read.listed === 0) {
      const weekend = isWeekend(day);
      if (!weekend) out.health.empty = true;
      out.health.notes.push(weekend ? `${day}: no papers on a weekend (normal)` : `${day}: no papers listed for this day`);
    }
  }
  out.changed = changedDays > 0;
  const span = days.length === 1 ? days[0] : `${days[0]} to ${days.at(-1)}`;
  out.health.notes.push(`${span}: ${days.length === 1 ? 'day' : `${days.length} days`} read in ${pages} page(s), ${changedDays} changed`);
  if (!out.changed) out.health.notModified = true;
  return out;
}

/** Whether two remembered day maps say the same (key order aside: DynamoDB does not keep it). */
export function sameDays(a: Record<string, ListingDayState> | undefined, b: Record<string, ListingDayState> | undefined): boolean {
  return canonical(a ?? null) === canonical(b ?? null);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
