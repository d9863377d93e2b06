/**
 * HTTP for the sources: timeouts, retries with exponential backoff and full jitter, Retry-After on 429/503,
 * conditional GET (ETag / Last-Modified), a per-host minimum interval, and an honest User-Agent.
 */
import pkg from '../package.json' with { type: 'json' };
import { SourceError } from './types.js';

export const PAPERBOY_VERSION: string = pkg.version;

/** `paperboy/<version> (+<site url>)`: who is asking, and where to find out more. */
export function userAgent(siteUrl: string): string {
  return `paperboy/${PAPERBOY_VERSION} (+${siteUrl})`;
}

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Keeps at least `minIntervalMs` between the starts of consecutive calls (arXiv asks for 3 s). */
export class Pacer {
  private last = -Infinity;
  constructor(
    readonly minIntervalMs: number,
    private readonly sleep: Sleep = realSleep,
    private readonly now: () => number = Date.now,
  ) {}

  async wait(extraMs = 0): Promise<void> {
    const wait = Math.max(this.last + this.minIntervalMs - this.now(), extraMs);
    if (wait > 0) await this.sleep(wait);
    this.last = Math.max(this.now(), this.last + this.minIntervalMs);
  }
}

export interface FetchOptions {
  userAgent: string;
  timeoutMs?: number;
  /** Retries after the first attempt. */
  retries?: number;
  accept?: string;
  validators?: { etag?: string; lastModified?: string };
  pacer?: Pacer;
  sleep?: Sleep;
  random?: () => number;
  /** Base of the exponential backoff. */
  backoffMs?: number;
  /** A Retry-After longer than this is not waited for: the source fails for this run. */
  maxRetryAfterMs?: number;
  /** The most a response body may hold (default 20 MB); a larger one stops with DownloadTooLargeError. */
  limit?: DownloadLimit;
}

export const MB = 1024 * 1024;
/** The default download cap per source (`maxDownloadMB` in the config). */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 20 * MB;

export interface DownloadLimit {
  bytes: number;
  /** Whose limit it is, for the message: `source "hf"` (default "this source"). */
  owner?: string;
  /** How to raise it, for the message. */
  raise?: string;
}

export interface FetchResult {
  url: string;
  status: number;
  body: string;
  contentType: string;
  etag?: string;
  lastModified?: string;
  notModified: boolean;
  attempts: number;
}

export class FetchError extends SourceError {
  override name = 'FetchError';
}

/** A response larger than its source may download: it is never retried (the next attempt is as large). */
export class DownloadTooLargeError extends FetchError {
  override name = 'DownloadTooLargeError';
  constructor(
    readonly url: string,
    readonly limit: DownloadLimit,
    /** The size the server declared (Content-Length), when that is why. */
    readonly declared?: number,
  ) {
    const size = (bytes: number) => `${Number((bytes / MB).toFixed(1))} MB`;
    const how = declared !== undefined ? ` (Content-Length: ${size(declared)}); it was not read.` : '; it was stopped there.';
    super(`GET ${url}: the response is over the ${size(limit.bytes)} a download of ${limit.owner ?? 'this source'} may be${how}${limit.raise ? ` ${limit.raise}` : ''}`);
  }
}

/**
 * The body as text, read as a stream with a running byte count: it stops (and the connection is
 * dropped) as soon as the count passes the limit, so a huge or endless response never sits in memory.
 * A Content-Length over the limit is refused before anything is read.
 */
async function readBody(res: Response, url: string, limit: DownloadLimit): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit.bytes) {
    await res.body?.cancel().catch(() => {});
    throw new DownloadTooLargeError(url, limit, declared);
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > limit.bytes) {
      await reader.cancel().catch(() => {});
      throw new DownloadTooLargeError(url, limit);
    }
    parts.push(decoder.decode(value, { stream: true }));
  }
  parts.push(decoder.decode());
  return parts.join('');
}

/** Seconds or an HTTP date -> milliseconds from now. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/**
 * GETs `url`. 2xx and 304 come back as results; other 4xx come back too (the caller knows what the body
 * means, e.g. arXiv's 400 error feed). 429, 5xx, timeouts and network errors are retried, then thrown.
 */
export async function fetchWithRetry(url: string, opts: FetchOptions): Promise<FetchResult> {
  const retries = opts.retries ?? 3;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const sleep = opts.sleep ?? realSleep;
  const random = opts.random ?? Math.random;
  const backoff = opts.backoffMs ?? 1000;
  const maxRetryAfter = opts.maxRetryAfterMs ?? 120_000;
  const limit = opts.limit ?? { bytes: DEFAULT_MAX_DOWNLOAD_BYTES };
  const headers: Record<string, string> = { 'user-agent': opts.userAgent, accept: opts.accept ?? '*/*' };
  if (opts.validators?.etag) headers['if-none-match'] = opts.validators.etag;
  if (opts.validators?.lastModified) headers['if-modified-since'] = opts.validators.lastModified;
  let lastProblem = '';
  let extraWait = 0;
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) {
      // Full jitter: a random wait up to the exponential step, unless the server said how long.
      const wait = extraWait || Math.round(random() * backoff * 2 ** (attempt - 1));
      if (!opts.pacer) await sleep(wait);
      else extraWait = wait;
    }
    await opts.pacer?.wait(extraWait);
    extraWait = 0;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const res = await fetch(url, { headers, signal: controller.signal, redirect: 'follow' });
      const body = res.status === 304 ? '' : await readBody(res, url, limit);
      const result: FetchResult = {
        url,
        status: res.status,
        body,
        contentType: res.headers.get('content-type') ?? '',
        etag: res.headers.get('etag') ?? undefined,
        lastModified: res.headers.get('last-modified') ?? undefined,
        notModified: res.status === 304,
        attempts: attempt + 1,
      };
      if (res.status === 429 || res.status >= 500) {
        const after = retryAfterMs(res.headers.get('retry-after'));
        lastProblem = `HTTP ${res.status}${after !== undefined ? ` (Retry-After ${Math.round(after / 1000)} s)` : ''}`;
        if (after !== undefined && after > maxRetryAfter) break;
        if (after !== undefined) extraWait = after;
        continue;
      }
      return result;
    } catch (err) {
      if (err instanceof DownloadTooLargeError) throw err;
      const e = err as Error & { cause?: { code?: string } };
      lastProblem = controller.signal.aborted ? `timed out after ${timeoutMs} ms` : `${e.cause?.code ?? e.name}: ${e.cause ? String((e.cause as Error).message ?? e.cause) : e.message}`;
    } finally {
      clearTimeout(timer);
    }
  }
  throw new FetchError(`GET ${url} failed after ${retries + 1} attempt(s): ${lastProblem}`);
}
