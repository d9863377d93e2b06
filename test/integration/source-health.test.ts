/**
 * Source health that readers see, through the real ingest, publish and send-digests handlers on the stand-ins:
 * with Hugging Face answering 503, the home page, the all-papers feeds (a channel-level line, never an item)
 * and the next digest each carry one sentence saying so; a weekday without an arXiv listing gives the holiday
 * sentence, never the failure one; a healthy day says nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeHTML } from 'entities';
import { DynamoDigestJobStore } from '@paperboy/aws';
import { resolveConfig, readOwnerConfigFile, type Clock, type Subscriber } from '@paperboy/core';
import { join } from 'node:path';
import { buildRuntime, type Runtime } from '../../functions/commons/runtime.js';
import { makeHandler as makeIngest } from '../../functions/ingest/index.js';
import { makeHandler as makePublish } from '../../functions/publish/index.js';
import { makeHandler as makePlan } from '../../functions/plan-digests/index.js';
import { makeHandler as makeSend } from '../../functions/send-digests/index.js';
import { PlannedJobs } from '../../packages/local/src/runner.js';
import { readArxivListings, startArxivRssReplay, type ArxivListingItem, type ArxivRssReplay } from '../../packages/local/src/simulate/arxiv-rss-replay.js';
import { startHfReplay, type HfReplay } from '../../packages/local/src/upstream/hf-replay.js';
import { capturedMail } from '../support/api.js';
import { paper } from '../support/papers.js';
import { startStandIns, type StandIns } from '../support/stand-ins.js';

const ROOT = join(import.meta.dirname, '..', '..');
const silent = { info() {}, warn() {}, error() {} };
const FAILING = "Hugging Face Daily Papers could not be reached since 06:00 (UTC); today's list may be incomplete.";
const HOLIDAY = 'arXiv published no listing today (a holiday).';

let env: StandIns;
let hf: HfReplay;
let arxiv: ArxivRssReplay;
let rt: Runtime;
let now = new Date('2026-05-12T06:00:00Z');
let hfDown = true;
let arxivToday: { day: string; listing: ArxivListingItem[] | undefined } = { day: '2026-05-12', listing: undefined };
const clock: Clock = { now: () => now };

beforeAll(async () => {
  env = await startStandIns();
  hf = await startHfReplay({ fault: () => (hfDown ? { status: 503, body: 'unavailable' } : undefined) });
  arxiv = await startArxivRssReplay(() => arxivToday);
  const path = join(ROOT, 'paperboy.config.json');
  const raw = {
    ...(readOwnerConfigFile(path) as object),
    sources: [
      { id: 'hf', kind: 'hf-daily', name: 'Hugging Face Daily Papers', url: hf.url, timeoutMs: 5000, retries: 0, run: 'both' },
      { id: 'arxiv', kind: 'arxiv-rss', name: 'arXiv', url: arxiv.url, categories: ['cs.LG'], timeoutMs: 5000, retries: 0, run: 'both' },
    ],
  };
  const base = resolveConfig(raw, { PAPERBOY_HMAC_SECRET: 'h'.repeat(40) }, path, ROOT);
  rt = buildRuntime({ ...base, tableName: env.table, bucketName: env.bucket, endpoints: env.services.endpoints, siteUrl: 'https://papers.example.com/' }, { clock, logger: silent });
  // A paper already stored, so the digest has something to carry.
  await rt.papers.put(paper({ id: 'h-1', tags: ['llm'], listedOn: '2026-05-11', firstSeenAt: '2026-05-11T06:00:00.000Z' }), undefined);
  const at = '2026-05-10T06:00:00.000Z';
  const reader: Subscriber = { id: 'health-reader-1', email: 'reader@example.net', status: 'active', topics: ['llm'], frequency: 'daily', createdAt: at, confirmedAt: at };
  await rt.subscribers.create(reader);
});
afterAll(async () => {
  await hf?.close();
  await arxiv?.close();
  await env?.stop();
});

const objects = () => makePublish(rt)();
const text = async (key: string) => (await rt.objects.get(key)) ?? '';
const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;
const decode = (html: string) => decodeHTML(html);

async function sendToday(day: string) {
  const planned = new PlannedJobs();
  await makePlan(rt, { jobs: planned, startSender: async () => {} })({ day });
  await new DynamoDigestJobStore(rt.clients.dynamo, rt.config.tableName).add(planned.jobs);
  return makeSend(rt, { ratePerSecond: Infinity, workers: 1, sleep: async () => {}, waitForDeferred: false })({});
}

describe('source health readers can see', () => {
  it('a failing Hugging Face: one sentence on the home page, in each all-papers feed and in the next digest', async () => {
    const result = await makeIngest(rt)({});
    expect(result.sources.find((s) => s.source === 'hf')!.error).toMatch(/503/);
    await objects();

    const home = decode(await text('index.html'));
    expect(count(home, FAILING)).toBe(1);
    expect(count(home, HOLIDAY)).toBe(1);
    // The channel says so once; the items are the papers and nothing else.
    const rss = decode(await text('feeds/all.xml'));
    expect(count(rss, FAILING)).toBe(1);
    expect(/<channel>[\s\S]*?<description>([^<]*)<\/description>/.exec(rss)![1]).toContain(FAILING);
    expect(count(rss, '<item>')).toBe(1);
    expect(count(decode(await text('feeds/all.atom')), FAILING)).toBe(1);
    expect((JSON.parse(await text('feeds/all.json')) as { description: string; items: unknown[] }).description).toContain(FAILING);
    expect((JSON.parse(await text('feeds/all.json')) as { items: unknown[] }).items).toHaveLength(1);

    now = new Date('2026-05-12T07:00:00Z');
    const summary = await sendToday('2026-05-12');
    expect(summary.outcomes.sent).toBe(1);
    const [mail] = (await capturedMail(env.dataDir)).filter((m) => m.to.includes('reader@example.net'));
    expect(count(mail!.text, FAILING)).toBe(1);
    expect(count(mail!.text, HOLIDAY)).toBe(1);
    expect(count(decode(mail!.html), FAILING)).toBe(1);
  });

  it('a holiday on arXiv gives the holiday sentence and not the failure one once Hugging Face answers again', async () => {
    hfDown = false;
    now = new Date('2026-05-13T06:00:00Z');
    arxivToday = { day: '2026-05-13', listing: undefined };
    const result = await makeIngest(rt)({});
    expect(result.sources.every((s) => !s.error)).toBe(true);
    await objects();
    const home = decode(await text('index.html'));
    expect(count(home, HOLIDAY)).toBe(1);
    expect(home).not.toContain('could not be reached');
    expect(decode(await text('feeds/all.xml'))).not.toContain('could not be reached');
  });

  it('a healthy day says nothing, and the feeds lose the line', async () => {
    now = new Date('2026-05-14T06:00:00Z');
    const listings = [...readArxivListings().values()];
    arxivToday = { day: '2026-05-14', listing: listings[0]!.slice(0, 3) };
    await makeIngest(rt)({});
    await objects();
    const home = decode(await text('index.html'));
    expect(home).not.toContain('class="notice"');
    expect(decode(await text('feeds/all.xml'))).not.toMatch(/could not be reached|no listing today/);
  });
});
