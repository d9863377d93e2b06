/**
 * A local stand-in for the Hugging Face Daily Papers API that replays saved real days
 * (`data/corpus/hf-daily/YYYY-MM-DD.json`, see data/corpus/PROVENANCE.md) the way the API serves them:
 * `GET /api/daily_papers?date=D&limit=L&p=P` answers a bare JSON array, most upvoted first, paged by `limit`
 * and 0-based `p`; a day without a file is `[]`; every answer has an ETag, and a matching If-None-Match gets 304.
 *
 * The caller decides, per day, how much of the saved day is visible "now", so a day can grow and its upvotes
 * rise over simulated time. Every state is derived deterministically from the file: the papers submitted
 * earliest come first, upvotes are scaled down and bumped by fixed amounts, and nothing is random.
 * A caller can also supply the saved days itself (`load`, e.g. moved to other dates) and answer chosen
 * requests with a fault instead (`fault`: an error status, a cut-off body, a slow body).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '@paperboy/core';

/** The saved days shipped with the project. */
export const HF_CORPUS_DIR = join(import.meta.dirname, '..', '..', '..', '..', 'data', 'corpus', 'hf-daily');

/** How much of a saved day is visible now. Without a state, the whole day as saved. */
export interface HfDayState {
  /** Only the `count` papers submitted earliest (by `submittedOnDailyAt`, then file order). */
  count?: number;
  /** Only papers submitted to the day at or before this ISO time. */
  until?: string;
  /** Upvotes as a share of the saved ones, rounded down (0.5 halves them); default 1. */
  upvoteFactor?: number;
  /** Upvotes added per paper id, after the factor. */
  upvoteBumps?: Record<string, number>;
}

export interface HfReplayRequest {
  date: string | null;
  limit: string | null;
  p: string | null;
  headers: IncomingHttpHeaders;
  status: number;
  /** The fault this request was answered with, if any. */
  fault?: HfFault;
}

/** An answer other than the replayed page: an error status, the page cut off after `truncateAt` characters, or the page after a wait. */
export type HfFault = { status: number; headers?: Record<string, string>; body?: string } | { truncateAt: number } | { delayMs: number };

export interface HfReplay {
  /** The API endpoint: `http://127.0.0.1:<port>/api/daily_papers`. */
  url: string;
  /** Every request answered, in order. */
  requests: HfReplayRequest[];
  /** Sets (or, with undefined, clears) what is visible of a day. */
  setState(day: string, state: HfDayState | undefined): void;
  /** The full list a day shows now, before paging (what a client reading every page gets). */
  visible(day: string): HfEntry[];
  close(): Promise<void>;
}

export interface HfReplayOptions {
  /** Where the saved days are (default: the shipped corpus). */
  dir?: string;
  /** Send ETags and honour If-None-Match (default true); false behaves like a server without validators. */
  etags?: boolean;
  /** The state of a day no `setState` call has set (default: the whole day as saved). */
  defaultState?: (day: string) => HfDayState | undefined;
  /** The saved entries of a day, instead of reading `dir` (called once per day; `[]` for a day without papers). */
  load?: (day: string) => HfEntry[];
  /** Decides, for a valid request and the page it would get, whether to answer with a fault instead. */
  fault?: (request: HfReplayRequest, page: string) => HfFault | undefined;
}

export interface HfEntry {
  paper: { id: string; upvotes?: number; submittedOnDailyAt?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** The API's own limits: 50 a page unless asked, at most 100. */
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 100;

export async function startHfReplay(opts: HfReplayOptions = {}): Promise<HfReplay> {
  const dir = opts.dir ?? HF_CORPUS_DIR;
  const files = new Map<string, HfEntry[]>();
  const states = new Map<string, HfDayState>();
  const requests: HfReplayRequest[] = [];
  const waits = new Set<NodeJS.Timeout>();

  const saved = (day: string): HfEntry[] => {
    if (!files.has(day)) {
      const path = join(dir, `${day}.json`);
      files.set(day, opts.load ? opts.load(day) : existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as HfEntry[]) : []);
    }
    return files.get(day)!;
  };

  const visible = (day: string): HfEntry[] => {
    const state = states.get(day) ?? opts.defaultState?.(day) ?? {};
    const entries = saved(day).map((entry, order) => ({ entry, order }));
    const submitted = (e: HfEntry) => e.paper.submittedOnDailyAt ?? '';
    const until = state.until === undefined ? undefined : Date.parse(state.until);
    let shown = until === undefined ? entries : entries.filter(({ entry }) => Date.parse(submitted(entry)) <= until);
    if (state.count !== undefined) {
      shown = [...shown].sort((a, b) => submitted(a.entry).localeCompare(submitted(b.entry)) || a.order - b.order).slice(0, Math.max(0, state.count));
    }
    const factor = state.upvoteFactor ?? 1;
    return shown
      .map(({ entry, order }) => {
        const base = Math.floor((entry.paper.upvotes ?? 0) * factor);
        const upvotes = Math.max(0, base + (state.upvoteBumps?.[entry.paper.id] ?? 0));
        return { entry: { ...entry, paper: { ...entry.paper, upvotes } }, order };
      })
      .sort((a, b) => b.entry.paper.upvotes! - a.entry.paper.upvotes! || a.order - b.order)
      .map(({ entry }) => entry);
  };

  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://localhost');
    const q = u.searchParams;
    const seen: HfReplayRequest = { date: q.get('date'), limit: q.get('limit'), p: q.get('p'), headers: req.headers, status: 200 };
    requests.push(seen);
    const answer = (status: number, body: string, headers: Record<string, string> = {}) => {
      seen.status = status;
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(body);
    };
    if (req.method !== 'GET' || u.pathname !== '/api/daily_papers') return answer(404, JSON.stringify({ error: 'Not Found' }));
    const date = q.get('date') ?? '';
    const limit = q.has('limit') ? Number(q.get('limit')) : DEFAULT_LIMIT;
    const page = q.has('p') ? Number(q.get('p')) : 0;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return answer(400, JSON.stringify({ error: '"date" must be a day like 2026-04-01' }));
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return answer(400, JSON.stringify({ error: `"limit" must be an integer from 1 to ${MAX_LIMIT}` }));
    if (!Number.isInteger(page) || page < 0) return answer(400, JSON.stringify({ error: '"p" must be a non-negative integer' }));
    const body = JSON.stringify(visible(date).slice(page * limit, (page + 1) * limit));
    const fault = opts.fault?.(seen, body);
    if (fault) {
      seen.fault = fault;
      // Faults carry no validators: a client must not remember a broken page as the current one.
      if ('status' in fault) return answer(fault.status, fault.body ?? JSON.stringify({ error: 'Internal Error' }), fault.headers);
      if ('truncateAt' in fault) return answer(200, body.slice(0, fault.truncateAt));
      // The status line and headers now, the page after the wait: the client's timeout covers reading the body.
      seen.status = 200;
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).flushHeaders();
      const wait = setTimeout(() => {
        waits.delete(wait);
        res.end(body);
      }, fault.delayMs);
      waits.add(wait);
      return;
    }
    if (opts.etags === false) return answer(200, body);
    const etag = `W/"${sha256(body).slice(0, 32)}"`;
    const asked = (req.headers['if-none-match'] ?? '').split(',').map((t) => t.trim());
    if (asked.includes(etag) || asked.includes('*')) {
      seen.status = 304;
      res.writeHead(304, { etag }).end();
      return;
    }
    answer(200, body, { etag });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/daily_papers`,
    requests,
    setState: (day, state) => (state ? states.set(day, state) : states.delete(day)),
    visible,
    close: () =>
      new Promise<void>((r) => {
        for (const wait of waits) clearTimeout(wait);
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
