/**
 * A busy listing day, through the real ingest and publish handlers against a local HTTP source and the
 * stand-ins: every paper of the latest day reaches the all-papers feed and its topic feeds in every format,
 * whatever the day's size (feeds.maxItems is 50 here), and each gets its own page.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '@paperboy/aws';
import { readOwnerConfigFile, resolveConfig, SITE_PATHS, type Clock } from '@paperboy/core';
import { buildRuntime, type Runtime } from '../../functions/commons/runtime.js';
import { makeHandler as makeIngest } from '../../functions/ingest/index.js';
import { makeHandler as makePublish } from '../../functions/publish/index.js';
import { startStandIns, type StandIns } from '../support/stand-ins.js';
import { serve, startUpstream, type Upstream } from '../support/upstream.js';

const ROOT = join(import.meta.dirname, '..', '..');
const silent = { info() {}, warn() {}, error() {} };
let env: StandIns;
let up: Upstream;
let rt: Runtime;
let now = '2026-11-25T12:00:00Z';

const jsonFeed = (items: object[]) => JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'busy', items });
/** Every third post is about language models (the default taxonomy's `llm`), the rest about nothing it knows. */
const day = (date: string, count: number, from = 0) =>
  Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return {
      id: `busy-${i}`,
      url: `https://blog.example.org/${i}`,
      title: i % 3 === 0 ? `Large language models for task ${i}` : `Notes on gardening, part ${i}`,
      content_text: i % 3 === 0 ? 'We fine-tune a large language model with instruction tuning.' : 'Soil, seeds and water.',
      date_published: `${date}T10:00:00Z`,
    };
  });

beforeAll(async () => {
  [env, up] = await Promise.all([startStandIns(), startUpstream()]);
  const path = join(ROOT, 'paperboy.config.json');
  const sources = [{ id: 'busy', kind: 'feed', url: `${up.url}/busy.json` }];
  const base = resolveConfig({ ...(readOwnerConfigFile(path) as object), sources }, { PAPERBOY_HMAC_SECRET: 'x'.repeat(40) }, path, ROOT);
  const table = 'paperboy-busy-day';
  const admin = new DynamoDBClient({ region: 'us-east-1', endpoint: env.services.endpoints.dynamodb, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  await ensureTable(admin, table);
  await waitUntilTableExists({ client: admin, maxWaitTime: 30, minDelay: 1 }, { TableName: table });
  const clock: Clock = { now: () => new Date(now) };
  rt = buildRuntime({ ...base, tableName: table, bucketName: env.bucket, endpoints: env.services.endpoints, siteUrl: 'https://papers.example.com/' }, { clock, logger: silent });
});
afterAll(async () => {
  await Promise.all([env?.stop(), up?.close()]);
});

async function feedIds(key: string): Promise<string[]> {
  const feed = JSON.parse((await rt.objects.get(key))!) as { items: { _paperboy: { paper_id: string } }[] };
  return feed.items.map((i) => i._paperboy.paper_id);
}

async function run(items: object[], at: string) {
  now = at;
  up.routes.set('/busy.json', serve(jsonFeed(items), 'application/feed+json'));
  const ingested = await makeIngest(rt, { sleep: async () => {} })({});
  expect(ingested.totals.failedSources).toBe(0);
  await makePublish(rt)();
}

describe('a busy day', () => {
  it('puts all 300 papers of the latest day in the all-papers feed and every one in its topic feeds, in each format', async () => {
    expect(rt.config.owner.feeds.maxItems).toBeLessThan(300);
    await run(day('2026-11-25', 300), '2026-11-25T12:00:00Z');
    const stored = await rt.papers.listDay('2026-11-25');
    expect(stored).toHaveLength(300);
    const ids = stored.map((p) => p.id).sort();
    expect((await feedIds('feeds/all.json')).sort()).toEqual(ids);
    for (const format of ['xml', 'atom']) {
      const body = (await rt.objects.get(`feeds/all.${format}`))!;
      expect(body.match(format === 'xml' ? /<item>/g : /<entry>/g)).toHaveLength(300);
    }
    const llm = stored.filter((p) => p.tags.includes('llm')).map((p) => p.id).sort();
    expect(llm).toHaveLength(100);
    expect((await feedIds('feeds/topics/llm.json')).sort()).toEqual(llm);
    expect((await rt.objects.get('feeds/topics/llm.atom'))!.match(/<entry>/g)).toHaveLength(100);
    for (const p of stored) expect(await rt.objects.get(SITE_PATHS.paper(p.id)), p.id).toContain('<h1>');
  });

  it('adds a small next day to the whole busy day before it, and a second busy day alone, never cut', async () => {
    await run([...day('2026-11-25', 300), ...day('2026-11-26', 5, 300)], '2026-11-26T12:00:00Z');
    expect(await feedIds('feeds/all.json')).toHaveLength(305);
    await run([...day('2026-11-26', 5, 300), ...day('2026-11-27', 300, 305)], '2026-11-27T12:00:00Z');
    const latest = (await rt.papers.listDay('2026-11-27')).map((p) => p.id);
    expect(latest).toHaveLength(300);
    const all = await feedIds('feeds/all.json');
    expect(all).toHaveLength(300);
    expect(all.sort()).toEqual(latest.sort());
  });
});
