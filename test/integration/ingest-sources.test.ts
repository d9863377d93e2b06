/**
 * The ingest handler over every kind of source, fetching from a real local HTTP server that serves the saved
 * upstream responses, storing into the real DynamoDB stand-in. Writes are counted at the SDK client.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '@paperboy/aws';
import { readOwnerConfigFile, resolveConfig, titleFingerprint, type Clock } from '@paperboy/core';
import { buildRuntime, type AppLogger, type Runtime } from '../../functions/commons/runtime.js';
import { makeHandler } from '../../functions/ingest/index.js';
import { startStandIns, type StandIns } from '../support/stand-ins.js';
import { serve, startUpstream, upstreamFixture as fixture, type Upstream } from '../support/upstream.js';

const ROOT = join(import.meta.dirname, '..', '..');
const silent = { info() {}, warn() {}, error() {} };
let env: StandIns;
let up: Upstream;
let tables = 0;

beforeAll(async () => {
  [env, up] = await Promise.all([startStandIns(), startUpstream()]);
});
afterAll(async () => {
  await Promise.all([env?.stop(), up?.close()]);
});

function fixedClock(iso: string): Clock & { set(iso: string): void } {
  let now = new Date(iso);
  return { now: () => now, set: (t) => (now = new Date(t)) };
}

/** A runtime on a fresh table with the given sources, and a counter of DynamoDB writes (run records aside). */
async function setup(sources: unknown[], clockIso: string, logger: AppLogger = silent) {
  const path = join(ROOT, 'paperboy.config.json');
  const raw = { ...(readOwnerConfigFile(path) as object), sources };
  const base = resolveConfig(raw, { PAPERBOY_HMAC_SECRET: 'x'.repeat(40) }, path, ROOT);
  const table = `paperboy-ingest-${++tables}`;
  const admin = new DynamoDBClient({ region: 'us-east-1', endpoint: env.services.endpoints.dynamodb, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  await ensureTable(admin, table);
  // dynalite answers "not found" to item calls until the new table is ACTIVE.
  await waitUntilTableExists({ client: admin, maxWaitTime: 30, minDelay: 1 }, { TableName: table });
  const clock = fixedClock(clockIso);
  const rt: Runtime = buildRuntime({ ...base, tableName: table, bucketName: env.bucket, endpoints: env.services.endpoints, siteUrl: 'https://papers.example.com/' }, { clock, logger });
  const writes: string[] = [];
  rt.clients.dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String((context as { commandName?: string }).commandName);
      const input = JSON.stringify((args as { input: unknown }).input);
      if (/Put|Delete|Update|BatchWrite|TransactWrite/.test(name) && !input.includes('"RUN#')) writes.push(name);
      return next(args);
    },
    { step: 'initialize', name: 'countWrites' },
  );
  const sleeps: number[] = [];
  const ingest = makeHandler(rt, { sleep: async (ms) => void sleeps.push(ms) });
  return { rt, clock, writes, sleeps, ingest };
}

// One day a run: these routes serve the same document for every date (test/integration/hf-complete-days.test.ts reads windows of days).
const hf = (extra: object = {}) => ({ id: 'hf', kind: 'hf-daily', url: `${up.url}/api/daily_papers`, lookbackDays: 1, timeoutMs: 2000, retries: 0, ...extra });
const arxiv = (extra: object = {}) => ({ id: 'arxiv', kind: 'arxiv-api', url: `${up.url}/api/query`, query: 'cat:cs.LG', timeoutMs: 2000, retries: 0, ...extra });
const rss = (extra: object = {}) => ({ id: 'arxiv-rss', kind: 'arxiv-rss', url: `${up.url}/rss/`, categories: ['cs.LG', 'cs.AI', 'cs.CL', 'stat.ML'], timeoutMs: 2000, retries: 0, ...extra });

/** An arXiv API answer holding one entry for the given id and title (the shape of the real response). */
function arxivAnswer(id: string, title: string, version = 1): string {
  const text = fixture('arxiv-api-idlist-oldstyle-id.atom.xml');
  return text
    .replaceAll('astro-ph/0601001v1', `${id}v${version}`)
    .replace(/<title>Frequency of Hot Jupiters[^<]*<\/title>/, `<title>${title}</title>`)
    .replace(/<category term="astro-ph"[^>]*\/>/, '<category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>')
    .replace('<arxiv:primary_category term="astro-ph"/>', '<arxiv:primary_category term="cs.LG"/>');
}

describe('ingest from live sources', () => {
  it('an HF paper followed by its arXiv record is one paper; an unchanged re-run writes nothing', async () => {
    const { rt, ingest, writes, clock } = await setup([hf(), arxiv({ maxResults: 10, pageSize: 10 })], '2026-09-04T06:00:00Z');
    up.routes.set('/api/daily_papers', serve(fixture('hf-daily-papers.json'), 'application/json; charset=utf-8'));
    up.routes.set('/api/query', serve(arxivAnswer('2609.04199', 'Compile by Training: Turning Natural-Language Specifications into Local Neural Functions', 2), 'application/atom+xml; charset=utf-8'));

    const first = await ingest({});
    expect(first.sources.map((s) => [s.source, s.error, s.fetched, s.counts?.new, s.counts?.updated])).toEqual([
      ['hf', undefined, 3, 3, 0],
      ['arxiv', undefined, 1, 0, 1],
    ]);
    const hfReq = up.requests.find((r) => r.path === '/api/daily_papers')!;
    expect(hfReq.query.get('date')).toBe('2026-09-04');
    expect(hfReq.headers['user-agent']).toBe('paperboy/0.1.0 (+https://papers.example.com/)');

    const merged = await rt.papers.get('2609.04199');
    expect(merged).toMatchObject({
      id: '2609.04199',
      arxivId: '2609.04199',
      version: 2,
      upvotes: 314,
      sources: ['arxiv', 'hf'],
      listedOn: '2006-01-02', // the arXiv record's first submission is earlier than the HF listing
      primaryCategory: 'cs.LG',
      journalRef: 'ActaAstron.56:1-50,2006',
      keywords: expect.arrayContaining(['compile by training']),
      links: expect.objectContaining({ code: 'https://github.com/programasweights/compile-by-training', hf: 'https://huggingface.co/papers/2609.04199' }),
      firstSeenAt: '2026-09-04T06:00:00.000Z',
    });
    // The arXiv record carries the newer version's abstract; HF's upvotes and links are not lost.
    expect(merged!.abstract).toMatch(/^We derive the frequencies/);
    expect(await rt.papers.get(titleFingerprint(merged!.title))).toBeUndefined();

    writes.length = 0;
    clock.set('2026-09-04T07:00:00Z');
    const again = await ingest({});
    // HF's page is the same by content hash, so its papers are not even compared again; arXiv's one is.
    expect(again.totals).toMatchObject({ new: 0, updated: 0, unchanged: 1, failedSources: 0 });
    expect(again.sources[0]).toMatchObject({ fetched: 3, health: { notModified: true } });
    expect(writes).toEqual([]);

    // Changed input writes only the changed item: one paper put, no memberships (its topics did not move),
    // its listing day's revision moved before and after the put (so publish re-renders that day alone),
    // and the day's new content hash in the source state.
    const data = JSON.parse(fixture('hf-daily-papers.json'));
    data[1].paper.upvotes = 170;
    up.routes.set('/api/daily_papers', serve(JSON.stringify(data), 'application/json'));
    const changed = await ingest({ sources: ['hf'] });
    expect(changed.totals).toMatchObject({ new: 0, updated: 1, unchanged: 2 });
    expect(writes).toEqual(['UpdateItemCommand', 'PutItemCommand', 'UpdateItemCommand', 'PutItemCommand']);
    expect((await rt.sourceStates.get('hf'))!.days!['2026-09-04']!.pages[0]!.count).toBe(3);
    expect((await rt.papers.get('2609.03430'))!.upvotes).toBe(170);
  });

  it('an arXiv replacement updates the stored version and is not new; a replacement of an unknown paper is not stored', async () => {
    const { rt, ingest } = await setup([hf({ date: '2026-09-23' }), rss()], '2026-09-24T06:00:00Z');
    const legacy = JSON.parse(fixture('hf-daily-papers-2024-10-25-legacy.json'));
    legacy[0].paper.id = '2009.13987';
    legacy[0].paper.title = 'Random Polytope Descriptors';
    up.routes.set('/api/daily_papers', serve(JSON.stringify(legacy.slice(0, 1)), 'application/json'));
    const day1 = await ingest({ sources: ['hf'] });
    expect(day1.totals.new).toBe(1);
    const before = (await rt.papers.get('2009.13987'))!;

    up.routes.set('/rss/cs.LG+cs.AI+cs.CL+stat.ML', serve(fixture('arxiv-rss-multi-cs.LG+cs.AI+cs.CL+stat.ML.xml'), 'application/rss+xml'));
    rt.clock.now = () => new Date('2026-09-24T06:30:00Z');
    const day2 = await ingest({ sources: ['arxiv-rss'] });
    expect(day2.sources[0]!.counts).toMatchObject({ received: 4, new: 3, updated: 1, ignored: 0 });
    expect(day2.sources[0]!.counts!.newIds).toEqual(['2609.26811', '2609.26820', '2205.06398']);
    const after = (await rt.papers.get('2009.13987'))!;
    expect(after).toMatchObject({ version: 3, firstSeenAt: before.firstSeenAt, listedOn: '2026-09-23', sources: ['arxiv-rss', 'hf'] });

    // Same feed into an empty table: the replacement has nothing to update, so it is not stored.
    const fresh = await setup([rss()], '2026-09-24T06:00:00Z');
    const only = await fresh.ingest({});
    expect(only.sources[0]!.counts).toMatchObject({ new: 3, ignored: 1 });
    expect(await fresh.rt.papers.get('2009.13987')).toBeUndefined();
  });

  it('a snapshot paper and its later arXiv record merge into the fingerprint record; a title-only record finds an arXiv paper by alias', async () => {
    const snapshot = { id: 'demo-snapshot', kind: 'snapshot', path: 'data/daily-papers-page.txt', listedOn: '2026-11-20' };
    const feed = { id: 'blog', kind: 'feed', url: `${up.url}/blog.json`, timeoutMs: 2000, retries: 0 };
    const { rt, ingest } = await setup([snapshot, arxiv({ maxResults: 5, pageSize: 5 }), hf({ date: '2026-09-04' }), feed], '2026-11-26T06:00:00Z');
    up.routes.set('/api/query', serve(arxivAnswer('1506.03134', 'Pointer Networks'), 'application/atom+xml'));
    up.routes.set('/api/daily_papers', serve(fixture('hf-daily-papers.json'), 'application/json'));
    up.routes.set(
      '/blog.json',
      serve(JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'blog', items: [{ id: 'p1', url: 'https://blog.example.org/latentpress', title: 'LatentPress: Context Compression Beyond Text and Vision', content_text: 'short' }] }), 'application/feed+json'),
    );
    const r = await ingest({});
    expect(r.sources.map((s) => [s.source, s.counts?.new, s.counts?.updated, s.error])).toEqual([
      ['demo-snapshot', 53, 0, undefined],
      ['arxiv', 0, 1, undefined],
      ['hf', 3, 0, undefined],
      ['blog', 0, 1, undefined],
    ]);
    const fp = titleFingerprint('Pointer Networks');
    expect(await rt.papers.get(fp)).toMatchObject({ id: fp, arxivId: '1506.03134', sources: ['arxiv', 'demo-snapshot'], listedOn: '2006-01-02' });
    expect(await rt.papers.get('1506.03134')).toBeUndefined();
    const latent = await rt.papers.get('2609.01507');
    expect(latent).toMatchObject({ sources: ['blog', 'hf'] });
    // The blog's thin summary does not blank the richer abstract.
    expect(latent!.abstract).toMatch(/^Compressed context is usually carried/);
    expect(await rt.papers.get(titleFingerprint('LatentPress: Context Compression Beyond Text and Vision'))).toBeUndefined();
  });

  it('pages through the arXiv API, 3 s or more apart; the 400 error feed fails that source alone', async () => {
    const { ingest, sleeps, rt } = await setup([arxiv({ maxResults: 20, pageSize: 10 }), hf({ date: '2024-10-25' })], '2026-04-13T06:00:00Z');
    up.requests.length = 0;
    up.routes.set('/api/query', (req, res) => {
      const body = req.query.get('start') === '0' ? fixture('arxiv-api-query.atom.xml') : fixture('arxiv-api-query-legacy-2016.atom.xml');
      res.writeHead(200, { 'content-type': 'application/atom+xml' }).end(body);
    });
    up.routes.set('/api/daily_papers', serve(fixture('hf-daily-papers-2024-10-25-legacy.json'), 'application/json'));
    const r = await ingest({});
    const pages = up.requests.filter((q) => q.path === '/api/query');
    expect(pages.map((q) => [q.query.get('search_query'), q.query.get('start'), q.query.get('max_results')])).toEqual([
      ['cat:cs.LG', '0', '10'],
      ['cat:cs.LG', '10', '10'],
    ]);
    expect(sleeps.filter((ms) => ms >= 2900)).toHaveLength(1);
    expect(r.sources[0]).toMatchObject({ fetched: 20, counts: { new: 20 }, health: { total: 214881 } });

    up.routes.set('/api/query', serve(fixture('arxiv-api-error-400.atom.xml'), 'application/atom+xml', { status: 400 }));
    const failed = await ingest({});
    expect(failed.sources[0]!.error).toBe('source arxiv (arXiv API): arXiv rejected the request (HTTP 400): incorrect id format for abc');
    expect(failed.sources[1]).toMatchObject({ source: 'hf', fetched: 2, counts: { received: 0, new: 0 }, health: { notModified: true } });
    const run = await rt.runs.latest('ingest');
    expect(run!.errors).toEqual(['arxiv: source arxiv (arXiv API): arXiv rejected the request (HTTP 400): incorrect id format for abc']);

    up.routes.set('/api/query', serve(fixture('arxiv-api-empty.atom.xml'), 'application/atom+xml'));
    const empty = await ingest({ sources: ['arxiv'] });
    expect(empty.sources[0]!.error).toBeUndefined();
    expect(empty.sources[0]).toMatchObject({ fetched: 0, health: { total: 0, empty: false, notes: ['the query has no results'] } });
  });

  it('malformed documents fail their source with a clear error; stored papers are kept', async () => {
    const feed = { id: 'blog', kind: 'feed', url: `${up.url}/feed.xml`, timeoutMs: 2000, retries: 0 };
    const { rt, ingest } = await setup([hf({ date: '2026-09-04' }), rss(), feed], '2026-09-24T06:00:00Z');
    up.routes.set('/api/daily_papers', serve(fixture('hf-daily-papers.json'), 'application/json'));
    up.routes.set('/rss/cs.LG+cs.AI+cs.CL+stat.ML', serve(fixture('arxiv-rss-multi-cs.LG+cs.AI+cs.CL+stat.ML.xml'), 'application/rss+xml'));
    up.routes.set('/feed.xml', serve(fixture('arxiv-rss-cs.LG.xml'), 'application/rss+xml'));
    const ok = await ingest({});
    expect(ok.sources.map((s) => s.error)).toEqual([undefined, undefined, undefined]);
    expect(ok.totals).toMatchObject({ new: 9, failedSources: 0 });
    const stored = await rt.papers.get('2609.04199');

    up.routes.set('/api/daily_papers', serve(fixture('hf-daily-papers.json').slice(0, 4000), 'application/json'));
    up.routes.set('/rss/cs.LG+cs.AI+cs.CL+stat.ML', serve('<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>', 'text/html'));
    up.routes.set('/feed.xml', serve(fixture('arxiv-rss-cs.LG.xml').slice(0, 3000), 'application/rss+xml'));
    const bad = await ingest({});
    expect(bad.sources.map((s) => s.error)).toEqual([
      expect.stringMatching(/^source hf \(Hugging Face Daily Papers\): not valid JSON .*truncated/),
      `source arxiv-rss: wrong content type "text/html" from ${up.url}/rss/cs.LG+cs.AI+cs.CL+stat.ML (expected XML)`,
      expect.stringMatching(/^source blog \(feed\): malformed XML at line \d+, column \d+/),
    ]);
    expect(bad.totals).toMatchObject({ failedSources: 3, new: 0, updated: 0 });
    expect(await rt.papers.get('2609.04199')).toEqual(stored);
    const run = await rt.runs.latest('ingest');
    expect(run!.sources!.map((s) => [s.source, s.fetched, s.new, Boolean(s.error)])).toEqual([
      ['hf', 0, 0, true],
      ['arxiv-rss', 0, 0, true],
      ['blog', 0, 0, true],
    ]);
  });

  it('flags a stale RSS feed in the result and the run record; conditional GET makes the next run free', async () => {
    const { rt, ingest, writes } = await setup([rss()], '2026-09-25T10:00:00Z');
    up.routes.set('/rss/cs.LG+cs.AI+cs.CL+stat.ML', serve(fixture('arxiv-rss-multi-cs.LG+cs.AI+cs.CL+stat.ML.xml'), 'application/rss+xml', { etag: '"w1"' }));
    const first = await ingest({});
    expect(first.totals).toMatchObject({ staleSources: 1, new: 3 });
    expect(first.sources[0]!.health).toMatchObject({ stale: true, notes: expect.arrayContaining(['feed pubDate 2026-09-24 is older than the expected announcement day 2026-09-25']) });
    const run = await rt.runs.latest('ingest');
    expect(run!.sources![0]).toMatchObject({ source: 'arxiv-rss', fetched: 4, new: 3, updated: 0, skipped: 0, stale: true, empty: false });
    expect(await rt.sourceStates.get('arxiv-rss')).toMatchObject({ etag: '"w1"', url: `${up.url}/rss/cs.LG+cs.AI+cs.CL+stat.ML` });

    writes.length = 0;
    up.requests.length = 0;
    const second = await ingest({});
    expect(up.requests[0]!.headers['if-none-match']).toBe('"w1"');
    expect(second.sources[0]).toMatchObject({ fetched: 0, health: { notModified: true } });
    expect(writes).toEqual([]);
  });

  it('a fetched source with no new paper for deploy.staleAfterHours logs "source stale" at ERROR, once a day, and nothing before', async () => {
    // GIVEN a feed that answers 304 Not Modified after its first read
    const errors: [string, Record<string, unknown> | undefined][] = [];
    const logger = { ...silent, error: (m: string, extra?: Record<string, unknown>) => void errors.push([m, extra]) };
    const { rt, clock, ingest, writes } = await setup([rss()], '2026-09-25T10:00:00Z', logger);
    up.routes.set('/rss/cs.LG+cs.AI+cs.CL+stat.ML', serve(fixture('arxiv-rss-multi-cs.LG+cs.AI+cs.CL+stat.ML.xml'), 'application/rss+xml', { etag: '"w2"' }));
    expect((await ingest({})).totals.new).toBe(3);
    // WHEN it is read every 8 hours for five days with nothing new
    const stale: string[] = [];
    writes.length = 0;
    for (let h = 8; h <= 120; h += 8) {
      clock.set(new Date(Date.parse('2026-09-25T10:00:00Z') + h * 3_600_000).toISOString());
      errors.length = 0;
      await ingest({});
      for (const [m, extra] of errors) stale.push(`${h}h ${m} ${extra?.['source']} ${extra?.['hoursWithoutNewPaper']}`);
    }
    // THEN (staleAfterHours is 96 in the shipped config) it is reported at 96 h and again a day later, and each report is the only write
    expect(rt.config.owner.deploy.staleAfterHours).toBe(96);
    expect(stale).toEqual(['96h source stale arxiv-rss 96', '120h source stale arxiv-rss 120']);
    expect(writes).toEqual(['PutItemCommand', 'PutItemCommand']);
    expect((await rt.sourceStates.get('arxiv-rss'))!.freshness).toEqual({
      lastNewAt: '2026-09-25T10:00:00.000Z',
      watchedSince: '2026-09-25T10:00:00.000Z',
      staleReportedAt: '2026-09-30T10:00:00.000Z',
    });
  });

  it('an empty holiday feed is a normal quiet day', async () => {
    const { ingest } = await setup([rss({ categories: ['physics'] })], '2025-12-31T10:00:00Z');
    up.routes.set('/rss/physics', serve(fixture('arxiv-rss-empty-holiday.xml'), 'application/rss+xml'));
    const r = await ingest({});
    expect(r.totals).toMatchObject({ received: 0, failedSources: 0, emptySources: 0, staleSources: 0 });
    expect(r.sources[0]!.health!.notes).toEqual(['no announcements on 2025-12-31 (a holiday or weekend is normal)']);
  });

  it('a saved file ingests offline; --from/--to backfills HF day by day', async () => {
    const { rt, ingest } = await setup([hf()], '2026-09-07T06:00:00Z');
    const file = join(ROOT, 'test', 'fixtures', 'upstream', 'hf-daily-papers-2024-10-25-legacy.json');
    up.requests.length = 0;
    const offline = await ingest({ file });
    expect(up.requests).toHaveLength(0);
    expect(offline.sources[0]!.counts).toMatchObject({ new: 2 });
    expect((await rt.papers.get('2410.17243'))!.listedOn).toBe('2024-10-25');

    up.routes.set('/api/daily_papers', (req, res) => {
      const body = req.query.get('date') === '2026-09-04' ? fixture('hf-daily-papers.json') : '[]';
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    const back = await ingest({ from: '2026-09-03', to: '2026-09-06' });
    expect(up.requests.map((q) => q.query.get('date'))).toEqual(['2026-09-03', '2026-09-04', '2026-09-05', '2026-09-06']);
    expect(back.sources[0]!.counts).toMatchObject({ new: 3 });
  });
});
