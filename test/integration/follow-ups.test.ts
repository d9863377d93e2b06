/**
 * Follow-ups through the real ingest and send-digests handlers on the stand-ins, with Hugging Face replayed:
 * a paper sent on day 1 whose code appears on day 3 comes back once, under "Updates", in day 3's digest of a
 * subscriber who opted in, and never again; so does a paper that passes the trending line. A subscriber who
 * did not opt in never sees them; one who asked for follow-ups "always" gets a digest of updates alone.
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDigestJobStore } from '@paperboy/aws';
import { readOwnerConfigFile, resolveConfig, type Clock, type FollowUpChoice } from '@paperboy/core';
import { buildRuntime, type Runtime } from '../../functions/commons/runtime.js';
import { makeHandler as makeIngest } from '../../functions/ingest/index.js';
import { makeHandler as makePlan } from '../../functions/plan-digests/index.js';
import { makeHandler as makeSend } from '../../functions/send-digests/index.js';
import { PlannedJobs } from '../../packages/local/src/runner.js';
import { startHfReplay, type HfEntry, type HfReplay } from '../../packages/local/src/upstream/hf-replay.js';
import { capturedMail, type CapturedMail } from '../support/api.js';
import { startStandIns, type StandIns } from '../support/stand-ins.js';

const ROOT = join(import.meta.dirname, '..', '..');
const silent = { info() {}, warn() {}, error() {} };
const saved = (day: string) => JSON.parse(readFileSync(join(ROOT, 'data/corpus/hf-daily', `${day}.json`), 'utf8')) as HfEntry[];
const byId = (day: string, id: string) => structuredClone(saved(day).find((e) => e.paper.id === id)!);

// Day 1 (Monday 2026-05-11): two papers, neither with code; 2605.08063 gets its code on day 3, and
// 2605.06139 (52 upvotes) passes 100 on day 3. Days 3 and 4 bring one new paper each; day 5 none.
const coded = byId('2026-05-11', '2605.08063');
delete coded.paper['githubRepo'];
delete coded.paper['githubStars'];
const rising = byId('2026-05-11', '2605.06139');
const upstream: Record<string, HfEntry[]> = {
  '2026-05-11': [coded, rising],
  '2026-05-13': [byId('2026-05-13', '2605.12500')],
  '2026-05-14': [byId('2026-05-14', '2605.13831')],
};

let env: StandIns;
let hf: HfReplay;
let rt: Runtime;
let now = new Date('2026-05-11T06:00:00Z');
const clock: Clock = { now: () => now };
const people: Record<string, FollowUpChoice | undefined> = { 'opted-in': 'digest', 'not-opted-in': undefined, always: 'always' };

beforeAll(async () => {
  env = await startStandIns();
  hf = await startHfReplay({ load: (day) => upstream[day] ?? [] });
  const path = join(ROOT, 'paperboy.config.json');
  const raw = { ...(readOwnerConfigFile(path) as object), sources: [{ id: 'hf', kind: 'hf-daily', url: hf.url, timeoutMs: 5000, retries: 0, run: 'both' }] };
  const base = resolveConfig(raw, { PAPERBOY_HMAC_SECRET: 'f'.repeat(40) }, path, ROOT);
  rt = buildRuntime({ ...base, tableName: env.table, bucketName: env.bucket, endpoints: env.services.endpoints, siteUrl: 'https://papers.example.com/' }, { clock, logger: silent });
  const at = '2026-05-10T12:00:00.000Z';
  const topics = rt.config.taxonomy.topics.map((t) => t.slug);
  for (const [name, followUps] of Object.entries(people)) {
    await rt.subscribers.create({ id: `${name}-subscriber`, email: `${name}@example.net`, status: 'active', topics, frequency: 'daily', createdAt: at, confirmedAt: at, ...(followUps ? { followUps } : {}) });
  }
});
afterAll(async () => {
  await hf?.close();
  await env?.stop();
});

/** Ingests at 06:00 and sends the day's digests at 07:00; returns each person's digest of the day, if any. */
async function day(date: string): Promise<Record<string, CapturedMail | undefined>> {
  now = new Date(`${date}T06:00:00Z`);
  const ingested = await makeIngest(rt)({});
  expect(ingested.sources[0]!.error).toBeUndefined();
  now = new Date(`${date}T07:00:00Z`);
  const before = (await capturedMail(env.dataDir)).length;
  const planned = new PlannedJobs();
  await makePlan(rt, { jobs: planned, startSender: async () => {} })({ day: date });
  await new DynamoDigestJobStore(rt.clients.dynamo, rt.config.tableName).add(planned.jobs);
  await makeSend(rt, { ratePerSecond: Infinity, workers: 1, sleep: async () => {}, waitForDeferred: false })({});
  const mail = (await capturedMail(env.dataDir)).slice(before);
  return Object.fromEntries(Object.keys(people).map((name) => [name, mail.find((m) => m.to.includes(`${name}@example.net`))]));
}

const updatesOf = (mail: CapturedMail | undefined) => {
  if (!mail) return undefined;
  const i = mail.text.indexOf('\nUpdates\n');
  return i < 0 ? [] : mail.text.slice(i).split('\n').filter((l) => /^(Code released|Now trending)/.test(l));
};

describe('follow-ups on papers already sent', () => {
  it('carries code released and now trending once, under Updates, to those who opted in, and never again', async () => {
    const day1 = await day('2026-05-11');
    for (const name of Object.keys(people)) expect(updatesOf(day1[name]), name).toEqual([]);
    const title = (id: string) => (upstream['2026-05-11']!.find((e) => e.paper.id === id)!.paper['title'] as string).replace(/\s+/g, ' ').trim();
    expect(day1['opted-in']!.text).toContain(title('2605.08063'));

    // Day 2: nothing new upstream, nothing to send.
    const day2 = await day('2026-05-12');
    expect(Object.values(day2).filter(Boolean)).toEqual([]);

    // Day 3: the code is out and the other paper passes 100 upvotes; one new paper.
    coded.paper['githubRepo'] = 'https://github.com/example/coded';
    hf.setState('2026-05-11', { upvoteBumps: { '2605.06139': 120 - (rising.paper.upvotes ?? 0) } });
    const day3 = await day('2026-05-13');
    const expected = [`Code released: ${title('2605.08063')}`, `Now trending: 120 upvotes: ${title('2605.06139')}`];
    expect(updatesOf(day3['opted-in'])!.sort()).toEqual([...expected].sort());
    expect(day3['opted-in']!.text).toContain('Code: https://github.com/example/coded');
    expect(day3['opted-in']!.html).toContain('>Updates</h2>');
    expect(updatesOf(day3['always'])!.sort()).toEqual([...expected].sort());
    expect(updatesOf(day3['not-opted-in'])).toEqual([]);

    // Day 4: a new paper, no news: no Updates for anyone.
    const day4 = await day('2026-05-14');
    for (const name of Object.keys(people)) expect(updatesOf(day4[name]), name).toEqual([]);
  });

  it('sends a digest of updates alone only to a subscriber who asked for follow-ups "always"', async () => {
    // Day 5: no new paper; day 4's paper gets its code.
    upstream['2026-05-14']![0]!.paper['githubRepo'] = 'https://github.com/example/late';
    const day5 = await day('2026-05-15');
    expect(day5['opted-in']).toBeUndefined();
    expect(day5['not-opted-in']).toBeUndefined();
    expect(updatesOf(day5['always'])).toHaveLength(1);
    expect(day5['always']!.subject).toMatch(/^1 update on papers you were sent/);
  });
});
