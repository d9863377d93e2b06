/** Loads one configured source into normalised paper inputs: fetch (or read a saved file), then parse. */
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { addDays, clampListingDay, MAX_DOWNLOAD_MB, type SourceConfig, type SourceState } from '@paperboy/core';
import { parseSnapshot } from './snapshot.js';
import { parseHfDaily } from './hf-daily.js';
import { lookbackDays, readListingDays, sameDays, type FetchPage } from './hf-days.js';
import { parseArxivApi } from './arxiv-api.js';
import { expectedAnnouncementDay, parseArxivRss } from './arxiv-rss.js';
import { parseFeed } from './generic-feed.js';
import { DownloadTooLargeError, fetchWithRetry, MB, Pacer, realSleep, type DownloadLimit, type FetchResult, type Sleep } from './fetch.js';
import { healthy, SourceError, type ParseResult, type SourceHealth } from './types.js';

export interface SourceContext {
  /** Directory that relative paths in the config resolve from. */
  baseDir: string;
  /** Today in the owner's time zone, YYYY-MM-DD. */
  today: string;
  /** Now, for the staleness check of the arXiv RSS (default: the system clock). */
  now?: Date;
  /** How to reach the network. */
  http?: { userAgent: string; sleep?: Sleep; random?: () => number };
  /** Validators remembered from the last successful run of this source. */
  state?: SourceState;
  /** Read this saved document instead of fetching (works offline). */
  file?: string;
  /** Backfill range (inclusive days), for the sources that have history. */
  from?: string;
  to?: string;
}

export interface LoadResult extends ParseResult {
  health: SourceHealth;
  /** Items the upstream delivered (before validation). */
  fetched: number;
  /** Validators to remember for the next run, when they changed. */
  state?: SourceState;
}

const JSON_TYPES = /json/i;
const XML_TYPES = /xml|rss|atom|text\/plain/i;

function checkResponse(res: FetchResult, id: string, expect: 'json' | 'xml' | 'feed', allow400 = false): void {
  if (res.status >= 400 && !(allow400 && res.status === 400)) throw new SourceError(`source ${id}: HTTP ${res.status} from ${res.url}`);
  if (res.notModified || !res.contentType) return;
  const json = JSON_TYPES.test(res.contentType);
  const xml = XML_TYPES.test(res.contentType);
  const ok = expect === 'json' ? json : expect === 'xml' ? xml : json || xml;
  if (!ok) throw new SourceError(`source ${id}: wrong content type "${res.contentType}" from ${res.url} (expected ${expect === 'json' ? 'JSON' : expect === 'xml' ? 'XML' : 'a feed'})`);
}

async function readSaved(path: string, id: string, limit?: DownloadLimit): Promise<string> {
  try {
    // A saved copy of a fetching source is held to the same cap as a download of it.
    if (limit && (await stat(path)).size > limit.bytes) throw new DownloadTooLargeError(path, limit);
    return await readFile(path, 'utf8');
  } catch (err) {
    if (err instanceof DownloadTooLargeError) throw err;
    throw new SourceError(`source ${id}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

function daysBetween(from: string, to: string): string[] {
  if (to < from) throw new SourceError(`--from ${from} is after --to ${to}`);
  const days: string[] = [];
  for (let d = from; d <= to && days.length < 366; d = addDays(d, 1)) days.push(d);
  return days;
}

function finish(parsed: ParseResult, fetched: number, state?: SourceState): LoadResult {
  return { ...parsed, health: parsed.health ?? healthy(), fetched, ...(state ? { state } : {}) };
}

/**
 * Loads one source. Every listing day is bounded here, once for all kinds: an impossible day (2026-02-30,
 * 0000-01-01) was already skipped with its reason by validation; a day more than a day after the fetch
 * (9999-12-31) becomes the day of fetching, and a note on the run record names each such item.
 */
export async function loadSource(source: SourceConfig, ctx: SourceContext): Promise<LoadResult> {
  return boundListingDays(await readSource(source, ctx), ctx.today);
}

/** Notes naming clamped items, at most this many (the rest are counted): the run record stays small. */
const MAX_CLAMP_NOTES = 5;

function boundListingDays(loaded: LoadResult, today: string): LoadResult {
  const clamped: string[] = [];
  const papers = loaded.papers.map((paper) => {
    const bounded = clampListingDay(paper.listedOn, today);
    if (!bounded.clamped) return paper;
    clamped.push(`${paper.id} ("${paper.title.slice(0, 80)}") said ${paper.listedOn}`);
    return { ...paper, listedOn: bounded.day };
  });
  if (clamped.length === 0) return loaded;
  const more = clamped.length > MAX_CLAMP_NOTES ? `, and ${clamped.length - MAX_CLAMP_NOTES} more` : '';
  const note = `${clamped.length} item(s) dated more than a day after the fetch were listed on ${today}, the day of fetching: ${clamped.slice(0, MAX_CLAMP_NOTES).join('; ')}${more}`;
  return { ...loaded, papers, health: { ...loaded.health, notes: [...loaded.health.notes, note] } };
}

async function readSource(source: SourceConfig, ctx: SourceContext): Promise<LoadResult> {
  const now = ctx.now ?? new Date();
  if (source.kind === 'snapshot') {
    const path = resolve(ctx.baseDir, ctx.file ?? source.path);
    const text = await readSaved(path, source.id);
    const parsed = parseSnapshot(text, { source: source.id, listedOn: source.listedOn ?? ctx.today });
    return finish(parsed, parsed.papers.length + parsed.skipped.length);
  }
  const http = ctx.http ?? { userAgent: 'paperboy' };
  const sleep = http.sleep ?? realSleep;
  const limit: DownloadLimit = {
    bytes: source.maxDownloadMB * MB,
    owner: `source "${source.id}"`,
    raise: `If the feed really is that large, raise "maxDownloadMB" for source "${source.id}" in paperboy.config.json (1 to ${MAX_DOWNLOAD_MB}).`,
  };
  const common = { userAgent: http.userAgent, timeoutMs: source.timeoutMs, retries: source.retries, sleep, random: http.random, limit };

  /** A single document with conditional GET: unchanged since the last run -> nothing to do. */
  const conditional = async (url: string, expect: 'json' | 'xml' | 'feed', accept: string) => {
    const validators = ctx.state?.url === url ? ctx.state : undefined;
    const res = await fetchWithRetry(url, { ...common, accept, validators });
    checkResponse(res, source.id, expect);
    const state: SourceState | undefined =
      !res.notModified && (res.etag || res.lastModified) && (res.etag !== validators?.etag || res.lastModified !== validators?.lastModified)
        ? { url, ...(res.etag ? { etag: res.etag } : {}), ...(res.lastModified ? { lastModified: res.lastModified } : {}), updatedAt: now.toISOString() }
        : undefined;
    return { res, state };
  };
  const notModified = (): LoadResult => ({ papers: [], skipped: [], fetched: 0, health: { ...healthy(['not modified since the last run (HTTP 304)']), notModified: true } });

  switch (source.kind) {
    case 'hf-daily': {
      if (ctx.file) {
        const parsed = parseHfDaily(await readSaved(resolve(ctx.file), source.id, limit), { source: source.id, date: source.date });
        return finish(parsed, parsed.papers.length + parsed.skipped.length);
      }
      // A backfill reads every page of its range and remembers nothing; a regular run re-reads the lookback window.
      const backfill = ctx.from !== undefined;
      const days = ctx.from ? daysBetween(ctx.from, ctx.to ?? ctx.today) : source.date ? [source.date] : lookbackDays(ctx.today, source.lookbackDays);
      const fetchPage: FetchPage = async (day, p, limit, validators) => {
        const url = `${source.url}?${new URLSearchParams({ date: day, limit: String(limit), p: String(p) })}`;
        const res = await fetchWithRetry(url, { ...common, accept: 'application/json', validators });
        checkResponse(res, source.id, 'json');
        return { notModified: res.notModified, body: res.body, ...(res.etag ? { etag: res.etag } : {}), ...(res.lastModified ? { lastModified: res.lastModified } : {}) };
      };
      const read = await readListingDays(fetchPage, days, source.pageSize, { source: source.id, previous: backfill ? undefined : ctx.state?.days });
      const { papers, skipped, fetched, health } = read;
      if (backfill) return { papers, skipped, fetched, health: { ...health, notModified: false } };
      // Remembered only when it differs, so an unchanged run writes nothing at all.
      const state = sameDays(read.days, ctx.state?.days) ? undefined : { days: read.days, updatedAt: now.toISOString() };
      return { papers, skipped, fetched, health, ...(state ? { state } : {}) };
    }
    case 'arxiv-api': {
      if (ctx.file) {
        const parsed = parseArxivApi(await readSaved(resolve(ctx.file), source.id, limit), { source: source.id });
        return finish(parsed, parsed.papers.length + parsed.skipped.length);
      }
      const range = ctx.from ? ` AND submittedDate:[${ctx.from.replaceAll('-', '')}0000 TO ${(ctx.to ?? ctx.today).replaceAll('-', '')}2359]` : '';
      const query = ctx.from ? `(${source.query})${range}` : source.query;
      const pacer = new Pacer(source.minIntervalMs, sleep);
      const all: LoadResult = { papers: [], skipped: [], fetched: 0, health: healthy() };
      let total = Infinity;
      for (let start = 0; start < Math.min(total, source.maxResults); ) {
        const size = Math.min(source.pageSize, source.maxResults - start);
        const params = new URLSearchParams({ search_query: query, start: String(start), max_results: String(size), sortBy: 'submittedDate', sortOrder: 'descending' });
        const url = `${source.url}?${params}`;
        const res = await fetchWithRetry(url, { ...common, accept: 'application/atom+xml', pacer });
        checkResponse(res, source.id, 'xml', true);
        const page = parseArxivApi(res.body, { source: source.id, status: res.status });
        if (start === 0) total = page.total;
        all.papers.push(...page.papers);
        all.skipped.push(...page.skipped);
        all.fetched += page.papers.length + page.skipped.length;
        const got = page.papers.length + page.skipped.length;
        if (got === 0) {
          if (start < total) all.health.notes.push(`arXiv returned an empty page at start=${start} although it reports ${total} results; stopped there`);
          break;
        }
        start += got;
      }
      all.health.total = Number.isFinite(total) ? total : 0;
      if (all.health.total === 0) all.health.notes.push('the query has no results');
      return all;
    }
    case 'arxiv-rss': {
      const opts = { source: source.id, announceTypes: source.announceTypes };
      if (ctx.file) {
        const parsed = parseArxivRss(await readSaved(resolve(ctx.file), source.id, limit), opts);
        return finish(parsed, parsed.papers.length + parsed.skipped.length);
      }
      if (ctx.from) throw new SourceError(`source ${source.id}: the arXiv RSS has no history; backfill with an arxiv-api source instead`);
      const url = `${source.url.replace(/\/?$/, '/')}${source.categories.join('+')}`;
      const { res, state } = await conditional(url, 'xml', 'application/rss+xml, application/xml;q=0.9');
      if (res.notModified) return notModified();
      const parsed = parseArxivRss(res.body, { ...opts, expectedDay: expectedAnnouncementDay(now) });
      return finish(parsed, parsed.papers.length + parsed.skipped.length, state);
    }
    case 'feed': {
      if (ctx.file) {
        const parsed = parseFeed(await readSaved(resolve(ctx.file), source.id, limit), { source: source.id, listedOn: ctx.today });
        return finish(parsed, parsed.papers.length + parsed.skipped.length);
      }
      const { res, state } = await conditional(source.url, 'feed', 'application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.8');
      if (res.notModified) return notModified();
      const parsed = parseFeed(res.body, { source: source.id, listedOn: ctx.today });
      return finish(parsed, parsed.papers.length + parsed.skipped.length, state);
    }
  }
}
