/**
 * The private feeds' edge: which paths each change invalidates, how a failure is reported, how the window
 * follows publishes, and the local edge's cache key and invalidation rules (CloudFront's).
 */
import { describe, expect, it } from 'vitest';
import {
  ALL_PRIVATE_FEEDS,
  API_ROUTES,
  currentFeedInvalidation,
  feedToken,
  matchesRoutePath,
  newFeedKey,
  privateFeedPath,
  privateFeedUrls,
  publishedFeedWindow,
  recordPublish,
  reportingEdge,
  seededBytes,
  type EdgeCache,
  type Paper,
  type RunRecord,
} from '@paperboy/core';
import { LocalEdgeCache } from '../../packages/local/src/edge.js';
import { paper } from '../support/papers.js';

const SECRET = 'edge-secret-of-some-length';
const run = (startedAt: string): RunRecord => ({ kind: 'publish', startedAt, finishedAt: startedAt, counts: {}, errors: [] });

describe('what a change invalidates', () => {
  it('names every copy of a feed: its token\'s path, the one its URLs have before the query, and a wildcard', () => {
    const key = newFeedKey(seededBytes(1));
    const token = feedToken(SECRET, 'sub-1', key);
    const path = currentFeedInvalidation({ id: 'sub-1', feedKey: key }, SECRET)!;
    // The path and a wildcard: CloudFront keeps one copy per format, and a path without `*` names one query string only.
    expect(path).toBe(`${privateFeedPath(token)}*`);
    for (const url of Object.values(privateFeedUrls('https://papers.example.com/', token))) expect(new URL(url).pathname).toBe(privateFeedPath(token));
    expect(currentFeedInvalidation({ id: 'sub-1' }, SECRET)).toBeUndefined();
    expect(ALL_PRIVATE_FEEDS).toBe('/api/feed/*');
  });

  it('records the publish before it invalidates every feed, so a request the invalidation lets through sees the new run', async () => {
    const order: string[] = [];
    await recordPublish(run('2026-11-26T06:00:00.000Z'), {
      runs: { record: async (r) => void order.push(`record ${r.startedAt}`) },
      edge: { invalidate: async (paths) => void order.push(`invalidate ${paths.join(' ')}`) },
    });
    expect(order).toEqual(['record 2026-11-26T06:00:00.000Z', 'invalidate /api/feed/*']);
  });
});

describe('a failed invalidation', () => {
  it('is reported with how many paths failed, never which (a path is a feed\'s token), and not thrown', async () => {
    const failing: EdgeCache = { invalidate: async () => Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'TooManyInvalidationsInProgress' })) };
    const reports: unknown[] = [];
    const edge = reportingEdge(failing, (error, failed) => reports.push({ error: (error as Error).name, ...failed }));
    await expect(edge.invalidate(['/api/feed/secret-token-1', '/api/feed/secret-token-2'])).resolves.toBeUndefined();
    await edge.invalidate([ALL_PRIVATE_FEEDS]);
    await edge.invalidate([]);
    expect(reports).toEqual([
      { error: 'TooManyInvalidationsInProgress', paths: 2, everyFeed: false },
      { error: 'TooManyInvalidationsInProgress', paths: 1, everyFeed: true },
    ]);
    expect(JSON.stringify(reports)).not.toContain('secret-token');
  });
});

describe('the window a feed selects from', () => {
  it('is read again when, and only when, another publish has run', async () => {
    let reads = 0;
    let stored: Paper[] = [paper({ id: '2611.00001', listedOn: '2026-11-26' })];
    const papers = { listLatest: async () => (reads++, stored) };
    let latest: RunRecord | undefined = run('2026-11-26T06:00:00.000Z');
    const window = publishedFeedWindow(papers, { latest: async () => latest }, 50);
    expect((await window()).map((p) => p.id)).toEqual(['2611.00001']);
    stored = [paper({ id: '2611.00002', listedOn: '2026-11-27' }), ...stored];
    // Papers stored since, but not yet published: the feeds still show the published window.
    expect((await window()).map((p) => p.id)).toEqual(['2611.00001']);
    expect(reads).toBe(1);
    latest = run('2026-11-27T06:00:00.000Z');
    expect((await window()).map((p) => p.id)).toEqual(['2611.00002', '2611.00001']);
    expect(reads).toBe(2);
  });

  it('forgets a failed read, so the next request reads again', async () => {
    let fail = true;
    const papers = { listLatest: async () => (fail ? Promise.reject(new Error('throttled')) : [paper({ id: '2611.00003', listedOn: '2026-11-26' })]) };
    const window = publishedFeedWindow(papers, { latest: async () => run('2026-11-26T06:00:00.000Z') }, 50);
    await expect(window()).rejects.toThrow('throttled');
    fail = false;
    expect((await window()).map((p) => p.id)).toEqual(['2611.00003']);
  });
});

describe('API routes with a path parameter', () => {
  it('match one non-empty segment', () => {
    expect(matchesRoutePath('/api/feed/{token}', '/api/feed/abc')).toBe(true);
    expect(matchesRoutePath('/api/feed/{token}', '/api/feed/')).toBe(false);
    expect(matchesRoutePath('/api/feed/{token}', '/api/feed/a/b')).toBe(false);
    expect(matchesRoutePath('/api/feed/{token}', '/api/feed')).toBe(false);
    expect(API_ROUTES.filter((r) => matchesRoutePath(r.path, '/api/feed/abc')).map((r) => r.method)).toEqual(['GET', 'HEAD']);
  });
});

describe('the local edge (CloudFront\'s cache policy and invalidation rules)', () => {
  const at = new Date('2026-11-26T06:00:00.000Z');
  const ok = (body: string) => ({ status: 200, headers: { 'content-type': 'application/feed+json' }, body });
  const url = (path: string) => new URL(path, 'http://127.0.0.1/');

  it('keys on the path and `format` only, and caches nothing outside /api/feed/*', () => {
    const edge = new LocalEdgeCache();
    expect(edge.key(url('/api/feed/t1?format=json&utm=x'))).toBe(edge.key(url('/api/feed/t1?format=json')));
    expect(edge.key(url('/api/feed/t1?format=json'))).not.toBe(edge.key(url('/api/feed/t1?format=rss')));
    expect(edge.key(url('/api/feed/t1'))).not.toBe(edge.key(url('/api/feed/t1?format=rss')));
    expect(edge.key(url('/api/feed?token=t1'))).toBeUndefined();
    expect(edge.key(url('/api/preferences?token=t1'))).toBeUndefined();
  });

  it('keeps a 200 for the TTL and an error for 10 s', () => {
    const edge = new LocalEdgeCache();
    const key = edge.key(url('/api/feed/t1?format=json'))!;
    edge.put(key, at, ok('a'));
    expect(edge.get(key, new Date(at.getTime() + 86_399_000))?.body).toBe('a');
    expect(edge.get(key, new Date(at.getTime() + 86_400_000))).toBeUndefined();
    const gone = edge.key(url('/api/feed/t2?format=json'))!;
    edge.put(gone, at, { status: 404, headers: {}, body: 'no' });
    expect(edge.get(gone, new Date(at.getTime() + 9_000))?.status).toBe(404);
    expect(edge.get(gone, new Date(at.getTime() + 10_000))).toBeUndefined();
  });

  it('drops the one URI a path names, every URI a wildcard starts, and every feed for the publish wildcard', () => {
    const edge = new LocalEdgeCache();
    const keys = ['/api/feed/t1', '/api/feed/t1?format=json', '/api/feed/t1?format=rss', '/api/feed/u2?format=json', '/api/feed/v3?format=atom'];
    for (const path of keys) edge.put(edge.key(url(path))!, at, ok(path));
    // Without a wildcard, a path is one query string: the bare path drops the copy without `format` only.
    edge.invalidate(['/api/feed/t1']);
    expect(edge.size).toBe(4);
    edge.invalidate(['/api/feed/t1?format=json']);
    expect(edge.size).toBe(3);
    edge.invalidate(['/api/feed/u2*']);
    expect(edge.size).toBe(2);
    expect(edge.get(edge.key(url('/api/feed/v3?format=atom'))!, at)?.body).toBe('/api/feed/v3?format=atom');
    edge.invalidate([ALL_PRIVATE_FEEDS]);
    expect(edge.size).toBe(0);
  });
});
