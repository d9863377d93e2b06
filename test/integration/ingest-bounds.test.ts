/**
 * The bounds of what one source may bring, through the real ingest handler against a local HTTP server and
 * the DynamoDB stand-in: a download over the source's size cap stops that source with a clear error while
 * the others go on; impossible listing days are skipped with a reason; far-future ones become the day of
 * fetching, with a note on the run record.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '@paperboy/aws';
import { readOwnerConfigFile, resolveConfig, type Clock } from '@paperboy/core';
import { buildRuntime } from '../../functions/commons/runtime.js';
import { makeHandler } from '../../functions/ingest/index.js';
import { startStandIns, type StandIns } from '../support/stand-ins.js';
import { serve, startUpstream, type Upstream } from '../support/upstream.js';

const ROOT = join(import.meta.dirname, '..', '..');
const silent = { info() {}, warn() {}, error() {} };
const MB = 1024 * 1024;
let env: StandIns;
let up: Upstream;
let tables = 0;

beforeAll(async () => {
  [env, up] = await Promise.all([startStandIns(), startUpstream()]);
});
afterAll(async () => {
  await Promise.all([env?.stop(), up?.close()]);
});

async function setup(sources: unknown[], nowIso: string) {
  const path = join(ROOT, 'paperboy.config.json');
  const base = resolveConfig({ ...(readOwnerConfigFile(path) as object), sources }, { PAPERBOY_HMAC_SECRET: 'x'.repeat(40) }, path, ROOT);
  const table = `paperboy-bounds-${++tables}`;
  const admin = new DynamoDBClient({ region: 'us-east-1', endpoint: env.services.endpoints.dynamodb, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  await ensureTable(admin, table);
  await waitUntilTableExists({ client: admin, maxWaitTime: 30, minDelay: 1 }, { TableName: table });
  const clock: Clock = { now: () => new Date(nowIso) };
  const rt = buildRuntime({ ...base, tableName: table, bucketName: env.bucket, endpoints: env.services.endpoints, siteUrl: 'https://papers.example.com/' }, { clock, logger: silent });
  return { rt, ingest: makeHandler(rt, { sleep: async () => {} }) };
}

const jsonFeed = (items: object[]) => JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'test', items });

/** Streams `total` bytes of a JSON Feed in 64 KB chunks, without Content-Length unless asked; counts what it wrote. */
function streamingFeed(total: number, opts: { contentLength?: boolean } = {}) {
  const sent = { bytes: 0, closedEarly: false };
  const head = '{"version":"https://jsonfeed.org/version/1.1","title":"big","items":[';
  const route = (_req: unknown, res: import('node:http').ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/feed+json', ...(opts.contentLength ? { 'content-length': String(total) } : {}) });
    res.on('close', () => (sent.closedEarly = sent.bytes < total));
    // A declared size over the cap is refused before any body is read: send the headers and wait.
    if (opts.contentLength) return void res.flushHeaders();
    const first = Buffer.concat([Buffer.from(head), Buffer.alloc(64 * 1024 - head.length, ' ')]);
    const chunk = Buffer.alloc(64 * 1024, ' ');
    const pump = () => {
      while (sent.bytes < total && !res.destroyed) {
        const part = (sent.bytes === 0 ? first : chunk).subarray(0, Math.min(chunk.length, total - sent.bytes));
        sent.bytes += part.length;
        if (!res.write(part)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  };
  return { route, sent };
}

describe('download size cap', () => {
  it('stops a 100 MB streamed feed at the 20 MB default with an error naming the source, URL, limit and setting; other sources go on', async () => {
    const big = streamingFeed(100 * MB);
    up.routes.set('/big.json', big.route);
    up.routes.set('/small.json', serve(jsonFeed([{ id: 'a', url: 'https://blog.example.org/a', title: 'A small post', date_published: '2026-11-25T10:00:00Z' }]), 'application/feed+json'));
    const { ingest, rt } = await setup(
      [
        { id: 'big', kind: 'feed', url: `${up.url}/big.json` },
        { id: 'small', kind: 'feed', url: `${up.url}/small.json` },
      ],
      '2026-11-26T06:00:00Z',
    );
    const result = await ingest({});
    const failed = result.sources.find((s) => s.source === 'big')!;
    expect(failed.error).toBe(
      `GET ${up.url}/big.json: the response is over the 20 MB a download of source "big" may be; it was stopped there. ` +
        'If the feed really is that large, raise "maxDownloadMB" for source "big" in paperboy.config.json (1 to 30).',
    );
    // Stopped at the cap: not read to the end, and not retried.
    expect(big.sent.bytes).toBeLessThan(40 * MB);
    expect(big.sent.closedEarly).toBe(true);
    expect(up.requests.filter((r) => r.path === '/big.json')).toHaveLength(1);
    expect(result.sources.find((s) => s.source === 'small')).toMatchObject({ counts: { new: 1 } });
    expect(result.totals).toMatchObject({ failedSources: 1, new: 1 });
    expect((await rt.runs.latest('ingest'))?.errors).toEqual([`big: ${failed.error}`]);
  });

  it('refuses a declared Content-Length over the cap before reading the body', async () => {
    const big = streamingFeed(100 * MB, { contentLength: true });
    up.routes.set('/declared.json', big.route);
    const { ingest } = await setup([{ id: 'declared', kind: 'feed', url: `${up.url}/declared.json`, maxDownloadMB: 5 }], '2026-11-26T06:00:00Z');
    const result = await ingest({});
    expect(result.sources[0]!.error).toBe(
      `GET ${up.url}/declared.json: the response is over the 5 MB a download of source "declared" may be (Content-Length: 100 MB); it was not read. ` +
        'If the feed really is that large, raise "maxDownloadMB" for source "declared" in paperboy.config.json (1 to 30).',
    );
    expect(big.sent.bytes).toBe(0);
  });

  it('reads a feed just under a raised cap whole', async () => {
    const items = Array.from({ length: 300 }, (_, i) => ({ id: String(i), url: `https://blog.example.org/${i}`, title: `Post number ${i}`, content_text: 'x'.repeat(4000), date_published: '2026-11-25T10:00:00Z' }));
    const body = jsonFeed(items);
    expect(body.length).toBeGreaterThan(MB);
    up.routes.set('/medium.json', serve(body, 'application/feed+json'));
    const { ingest } = await setup([{ id: 'medium', kind: 'feed', url: `${up.url}/medium.json`, maxDownloadMB: 2 }], '2026-11-26T06:00:00Z');
    expect((await ingest({})).sources[0]).toMatchObject({ fetched: 300, counts: { new: 300 } });
  });
});

describe('listing days', () => {
  it('skips impossible days with a reason naming the source and item, and lists far-future ones on the day of fetching', async () => {
    const item = (n: number, date: string) => ({ id: String(n), url: `https://blog.example.org/p${n}`, title: `Post ${n}`, date_published: date });
    up.routes.set(
      '/dates.json',
      serve(
        jsonFeed([
          item(1, '2026-02-30T00:00:00Z'),
          item(2, '0000-01-01T00:00:00Z'),
          item(3, '2025-13-45T00:00:00Z'),
          item(4, '9999-12-31T00:00:00Z'),
          item(5, '2026-11-27T23:00:00Z'), // tomorrow: within a day, kept as it is
          item(6, '2026-11-20T08:00:00Z'),
        ]),
        'application/feed+json',
      ),
    );
    const { ingest, rt } = await setup([{ id: 'dates', kind: 'feed', url: `${up.url}/dates.json` }], '2026-11-26T06:00:00Z');
    const result = await ingest({});
    const report = result.sources[0]!;
    expect(report.skipped).toEqual([
      { where: 'dates item 1 (https://blog.example.org/p1)', reason: 'listedOn: 2026-02-30 is not a date: February 2026 has 28 days' },
      { where: 'dates item 2 (https://blog.example.org/p2)', reason: 'listedOn: 0000-01-01 is before 1900-01-01' },
      { where: 'dates item 3 (https://blog.example.org/p3)', reason: 'listedOn: 2025-13-45 is not a date: there is no month 13' },
    ]);
    expect(report.counts?.new).toBe(3);
    const stored = await rt.papers.listListedSince('1900-01-01');
    expect(Object.fromEntries(stored.map((p) => [p.title, p.listedOn]))).toEqual({ 'Post 4': '2026-11-26', 'Post 5': '2026-11-27', 'Post 6': '2026-11-20' });
    const run = (await rt.runs.latest('ingest'))!.sources![0]!;
    expect(run.notes).toEqual([expect.stringMatching(/^1 item\(s\) dated more than a day after the fetch were listed on 2026-11-26, the day of fetching: t-[0-9a-f]{16} \("Post 4"\) said 9999-12-31$/)]);
    expect(run.skippedReasons).toHaveLength(3);
  });
});
