/**
 * Complete Hugging Face days over three simulated days: the real ingest handler reads the replay server
 * (saved real API responses from data/corpus/hf-daily) into the DynamoDB stand-in. Days grow, upvotes rise,
 * pages are read by `limit`/`p`, an update is never announced again, and an unchanged day writes nothing.
 * Writes are counted at the SDK client.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '@paperboy/aws';
import { addDays, readOwnerConfigFile, resolveConfig, selectDigestPapers, type Clock, type Subscriber } from '@paperboy/core';
import { buildRuntime, type Runtime } from '../../functions/commons/runtime.js';
import { makeHandler } from '../../functions/ingest/index.js';
import { makeHandler as makePublish } from '../../functions/publish/index.js';
import { startHfReplay, type HfReplay } from '../../packages/local/src/upstream/hf-replay.js';
import { startStandIns, type StandIns } from '../support/stand-ins.js';

const ROOT = join(import.meta.dirname, '..', '..');
const silent = { info() {}, warn() {}, error() {} };
let env: StandIns;
let tables = 0;

beforeAll(async () => {
  env = await startStandIns();
});
afterAll(async () => {
  await env?.stop();
});

function fixedClock(iso: string): Clock & { set(iso: string): void } {
  let now = new Date(iso);
  return { now: () => now, set: (t) => (now = new Date(t)) };
}

/** A runtime on a fresh table whose only source is `hf` at the replay server; every DynamoDB write is recorded. */
async function setup(replay: HfReplay, hf: object, clockIso: string) {
  const path = join(ROOT, 'paperboy.config.json');
  const raw = { ...(readOwnerConfigFile(path) as object), sources: [{ id: 'hf', kind: 'hf-daily', url: replay.url, timeoutMs: 5000, retries: 0, ...hf }] };
  const base = resolveConfig(raw, { PAPERBOY_HMAC_SECRET: 'x'.repeat(40) }, path, ROOT);
  const table = `paperboy-hf-days-${++tables}`;
  const admin = new DynamoDBClient({ region: 'us-east-1', endpoint: env.services.endpoints.dynamodb, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  await ensureTable(admin, table);
  await waitUntilTableExists({ client: admin, maxWaitTime: 30, minDelay: 1 }, { TableName: table });
  const clock = fixedClock(clockIso);
  const rt: Runtime = buildRuntime({ ...base, tableName: table, bucketName: env.bucket, endpoints: env.services.endpoints, siteUrl: 'https://papers.example.com/' }, { clock, logger: silent });
  const writes: { command: string; what: string }[] = [];
  rt.clients.dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String((context as { commandName?: string }).commandName);
      if (/Put|Delete|Update|BatchWrite|TransactWrite/.test(command)) {
        const input = JSON.stringify((args as { input: unknown }).input);
        writes.push({ command, what: /"PK":"(RUN#|SOURCE#|PAPER#|TAG#|COUNT#|ALIAS#|DAY#REV)/.exec(input)?.[1] ?? 'other' });
      }
      return next(args);
    },
    { step: 'initialize', name: 'countWrites' },
  );
  return { rt, clock, writes, ingest: makeHandler(rt) };
}

/** Writes other than the run's own record (`RUN#ingest`, one per run: the log of what each run did). */
const dataWrites = (writes: { command: string; what: string }[]) => writes.filter((w) => w.what !== 'RUN#');

describe('Hugging Face days are read completely and kept current', () => {
  let replay: HfReplay;
  beforeAll(async () => {
    replay = await startHfReplay();
  });
  afterAll(async () => {
    await replay?.close();
  });

  it('over three days: a day grows, pages are read, upvotes update without a new announcement, unchanged days write nothing', async () => {
    // Day 1 is Tuesday 2026-05-12 (50 papers saved); the window of 3 days is Sunday to Tuesday. 20 papers a page.
    const { rt, clock, writes, ingest } = await setup(replay, { pageSize: 20 }, '2026-05-12T06:00:00Z');
    const listed = async (day: string) => (await rt.papers.listListedSince(day)).filter((p) => p.listedOn === day);

    // Day 1, morning: 30 of the day's 50 papers are in, with half their final upvotes.
    replay.setState('2026-05-12', { count: 30, upvoteFactor: 0.5 });
    const morning = await ingest({});
    expect(morning.sources[0]!.error).toBeUndefined();
    expect(morning.totals).toMatchObject({ received: 41 + 30, new: 41 + 30, updated: 0 });
    expect(replay.requests.map((r) => [r.date, r.limit, r.p])).toEqual([
      ['2026-05-10', '20', '0'],
      ['2026-05-11', '20', '0'],
      ['2026-05-11', '20', '1'],
      ['2026-05-11', '20', '2'],
      ['2026-05-12', '20', '0'],
      ['2026-05-12', '20', '1'],
    ]);
    expect(await listed('2026-05-12')).toHaveLength(30);
    expect(morning.sources[0]!.health!.notes).toContain('2026-05-10: no papers on a weekend (normal)');

    // The same run again, nothing changed upstream: every page answers 304 and nothing is written, not even the source state.
    replay.requests.length = 0;
    writes.length = 0;
    const rerun = await ingest({});
    expect(replay.requests.map((r) => r.status)).toEqual([304, 304, 304, 304, 304, 304]);
    expect(replay.requests.every((r) => typeof r.headers['if-none-match'] === 'string')).toBe(true);
    expect(rerun.totals).toMatchObject({ received: 0, new: 0, updated: 0 });
    expect(rerun.sources[0]!.health).toMatchObject({ notModified: true, empty: false });
    expect(dataWrites(writes)).toEqual([]);
    expect(writes).toEqual([{ command: 'PutItemCommand', what: 'RUN#' }]);

    // Day 1, evening: the day has grown to 50 and upvotes are up. The additions are stored on this run.
    const morningPaper = (await listed('2026-05-12'))[0]!;
    clock.set('2026-05-12T18:00:00Z');
    replay.setState('2026-05-12', undefined);
    const evening = await ingest({});
    expect(evening.totals.new).toBe(20);
    expect(evening.totals.updated).toBeGreaterThan(0);
    expect(await listed('2026-05-12')).toHaveLength(50);
    expect(await rt.papers.get(morningPaper.id)).toMatchObject({ firstSeenAt: '2026-05-12T06:00:00.000Z', listedOn: '2026-05-12' });

    // Day 2, morning: a new day; the two before it are read again and have not changed.
    clock.set('2026-05-13T06:00:00Z');
    replay.setState('2026-05-13', { count: 25 });
    replay.requests.length = 0;
    const day2 = await ingest({});
    expect(day2.totals).toMatchObject({ new: 25, updated: 0 });
    expect(replay.requests.filter((r) => r.date !== '2026-05-13').every((r) => r.status === 304)).toBe(true);

    // The site as published after day 2's morning run, and a digest sent at 07:00.
    await makePublish(rt)();
    const feedBefore = await feedItems(rt);
    const digestAt = '2026-05-13T07:00:00.000Z';

    // Day 2, noon: only an upvote changes, on a day-1 paper. It is updated, not new.
    const target = (await listed('2026-05-12')).sort((a, b) => (b.upvotes ?? 0) - (a.upvotes ?? 0))[0]!;
    clock.set('2026-05-13T12:00:00Z');
    replay.setState('2026-05-12', { upvoteBumps: { [target.id]: 25 } });
    writes.length = 0;
    const bumped = await ingest({});
    expect(bumped.totals).toMatchObject({ new: 0, updated: 1 });
    const after = (await rt.papers.get(target.id))!;
    expect(after).toMatchObject({ id: target.id, upvotes: target.upvotes! + 25, firstSeenAt: target.firstSeenAt, listedOn: '2026-05-12', updatedAt: '2026-05-13T12:00:00.000Z' });
    // One paper put, its day's revision moved (before and after the put) and the changed day's validators;
    // no membership, no count, no alias.
    expect(dataWrites(writes).map((w) => `${w.command} ${w.what}`).sort()).toEqual(['PutItemCommand PAPER#', 'PutItemCommand SOURCE#', 'UpdateItemCommand DAY#REV', 'UpdateItemCommand DAY#REV']);

    // The feed: the same entry (same id, same published time), with a new modified time and the new upvotes.
    await makePublish(rt)();
    const feedAfter = await feedItems(rt);
    const was = feedBefore.filter((i) => i._paperboy.paper_id === target.id);
    const now = feedAfter.filter((i) => i._paperboy.paper_id === target.id);
    expect(was).toHaveLength(1);
    expect(now).toHaveLength(1);
    expect(now[0]!.id).toBe(was[0]!.id);
    expect(now[0]!.date_published).toBe(was[0]!.date_published);
    expect(now[0]!.date_modified).toBe('2026-05-13T12:00:00Z');
    expect(now[0]!._paperboy.upvotes).toBe(target.upvotes! + 25);

    // Day 2, evening: the rest of day 2 arrives.
    clock.set('2026-05-13T18:00:00Z');
    replay.setState('2026-05-13', undefined);
    const day2Evening = await ingest({});
    expect(day2Evening.totals).toMatchObject({ new: 25 });

    // What decides "new" for a digest: the papers first seen since the last digest. The updated paper is not among them.
    const subscriber: Subscriber = {
      id: 'sub-1',
      email: 'r@example.com',
      status: 'active',
      topics: rt.config.taxonomy.topics.map((t) => t.slug),
      frequency: 'daily',
      createdAt: '2026-05-01T00:00:00.000Z',
      confirmedAt: '2026-05-01T00:00:00.000Z',
      lastDigestAt: digestAt,
    };
    const candidates = await rt.papers.listListedSince(addDays('2026-05-13', -rt.config.owner.digest.windowDays));
    const next = selectDigestPapers({ subscriber, candidates, alreadySent: new Set(), maxPapers: 100 });
    expect(next.papers.length).toBeGreaterThan(0);
    expect(next.papers.every((p) => p.firstSeenAt === '2026-05-13T18:00:00.000Z')).toBe(true);
    expect(next.papers.map((p) => p.id)).not.toContain(target.id);

    // Day 3: the window moves on to Tuesday..Thursday; Monday is no longer read nor remembered.
    clock.set('2026-05-14T06:00:00Z');
    replay.requests.length = 0;
    const day3 = await ingest({});
    expect(day3.totals).toMatchObject({ new: 37, updated: 0 });
    expect([...new Set(replay.requests.map((r) => r.date))]).toEqual(['2026-05-12', '2026-05-13', '2026-05-14']);
    expect(Object.keys((await rt.sourceStates.get('hf'))!.days!).sort()).toEqual(['2026-05-12', '2026-05-13', '2026-05-14']);

    // And an unchanged day 3 writes nothing.
    clock.set('2026-05-14T07:00:00Z');
    writes.length = 0;
    const quiet = await ingest({});
    expect(quiet.totals).toMatchObject({ new: 0, updated: 0 });
    expect(dataWrites(writes)).toEqual([]);
  });

  it('a server that ignores conditional requests: the content hash keeps an unchanged run free of writes', async () => {
    const plain = await startHfReplay({ etags: false });
    try {
      const { rt, writes, ingest } = await setup(plain, { pageSize: 20, lookbackDays: 1 }, '2026-05-14T09:00:00Z');
      const first = await ingest({});
      expect(first.totals).toMatchObject({ new: 37 });
      expect(plain.requests.map((r) => [r.p, r.status])).toEqual([['0', 200], ['1', 200]]);

      writes.length = 0;
      const again = await ingest({});
      expect(plain.requests.slice(2).map((r) => [r.p, r.status, r.headers['if-none-match']])).toEqual([['0', 200, undefined], ['1', 200, undefined]]);
      expect(again.totals).toMatchObject({ received: 0, new: 0, updated: 0 });
      expect(again.sources[0]!.fetched).toBe(37);
      expect(dataWrites(writes)).toEqual([]);

      // An upvote on the second page: that page's papers are compared, one is written.
      const last = plain.visible('2026-05-14').at(-1)!;
      plain.setState('2026-05-14', { upvoteBumps: { [last.paper.id]: 1 } });
      const changed = await ingest({});
      expect(changed.totals).toMatchObject({ new: 0, updated: 1 });
      expect((await rt.papers.get(last.paper.id))!.upvotes).toBe((last.paper.upvotes ?? 0) + 1);
    } finally {
      await plain.close();
    }
  });
});

type FeedItem = { id: string; date_published: string; date_modified: string; _paperboy: { paper_id: string; upvotes?: number } };
async function feedItems(rt: Runtime): Promise<FeedItem[]> {
  return (JSON.parse((await rt.objects.get('feeds/all.json'))!) as { items: FeedItem[] }).items;
}
