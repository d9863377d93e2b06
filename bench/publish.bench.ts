/**
 * Publishing at scale: an archive of 1,000 papers and one of 100,000 (300 a day, across the 18 default
 * topics), each in its own DynamoDB stand-in table (dynalite) and S3 stand-in bucket (s3rver), published
 * by the real publish handler. For each archive:
 *   1. the first publish (empty bucket: every page of every day and paper),
 *   2. five new days of 300 papers, one at a time (ingested through the repository, as ingest writes
 *      them), each followed by a publish: the objects it writes and its CPU (the median of the five),
 *   3. an unchanged publish (must write nothing).
 * The figure that matters is the CPU of a new day's publish at 100,000 papers against 1,000: publishing
 * must not grow with the archive (goal: at most 1.2). The stand-ins run in a child process, so CPU time
 * is publish's alone, as in the function. Then, for each archive, the search index alone (core's
 * publishSearch, which publish calls): its size, a whole build, the build after one new day, and what a
 * one-word query fetches. The last line is one JSON object of the figures.
 *
 *   npm run bench:publish [-- sizes]        (default 1000,100000)
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { membershipItem, paperItem } from '@paperboy/aws';
import { publishSearch, readOwnerConfigFile, resolveConfig, searchBucket, SEARCH_BUCKETS, type AppConfig, type Clock, type ObjectStore, type Paper, type PaperRepository } from '@paperboy/core';
import { parseSnapshot } from '@paperboy/sources';
import { buildRuntime } from '../functions/commons/runtime.js';
import { makeHandler as makePublish } from '../functions/publish/index.js';
import { startStandIns, type StandIns } from '../test/support/stand-ins.js';

const SIZES = (process.argv[2] ?? '1000,100000').split(',').map(Number);
const NEW_DAYS = 5;
const PER_DAY = 300;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ROOT = resolve(import.meta.dirname, '..');

// Deterministic PRNG (mulberry32): every run loads the same papers.
let seed = 7;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const configPath = join(ROOT, 'paperboy.config.json');
const base = resolveConfig(readOwnerConfigFile(configPath), { PAPERBOY_HMAC_SECRET: 'x'.repeat(40) }, configPath, ROOT);
const topics = base.taxonomy.topics.map((t) => t.slug);
const snapshot = parseSnapshot(readFileSync(join(ROOT, 'data/daily-papers-page.txt'), 'utf8'), { source: 'bench', listedOn: '2026-01-01' }).papers;

const LAST_DAY = Date.UTC(2026, 10, 26);
const dayOf = (offset: number) => new Date(LAST_DAY - offset * 86_400_000).toISOString().slice(0, 10);

function makePaper(i: number, listedOn: string, seenAt: string): Paper {
  const src = snapshot[i % snapshot.length]!;
  const id = `${listedOn.slice(2, 4)}${listedOn.slice(5, 7)}.${String(i).padStart(6, '0')}`;
  const tags = new Set<string>();
  const n = 1 + Math.floor(random() * 3);
  while (tags.size < n) tags.add(topics[Math.floor(random() * topics.length)]!);
  return {
    id,
    arxivId: id,
    version: 1,
    title: `${src.title} (${i})`,
    abstract: src.abstract,
    authors: Array.from({ length: 2 + Math.floor(random() * 6) }, (_, k) => `Author ${(i * 7 + k) % 5000}`),
    listedOn,
    links: { abs: `https://arxiv.org/abs/${id}`, pdf: `https://arxiv.org/pdf/${id}`, ...(random() < 0.3 ? { code: `https://github.com/example/p${i}` } : {}) },
    categories: ['cs.LG'],
    keywords: [],
    upvotes: random() < 0.8 ? Math.floor(random() * 300) : undefined,
    tags: [...tags],
    sources: ['bench'],
    firstSeenAt: seenAt,
    updatedAt: seenAt,
    contentHash: `bench-${i}`,
  };
}


interface SizeFigures {
  papers: number;
  days: number;
  firstPublish: { seconds: number; cpuSeconds: number; objectsWritten: number };
  newDay: { objectsWritten: number[]; cpuSeconds: number[]; medianCpuSeconds: number; daysRead: number[]; dynamoRequests: number[] };
  unchanged: { objectsWritten: number; cpuSeconds: number; dynamoRequests: number };
  /** The search index alone: its size, a whole build, the build after one new day, a one-word query. */
  search: Awaited<ReturnType<typeof searchFigures>>;
}

/**
 * The stand-ins in a child process of their own (bench/standins-child.ts), as S3 and DynamoDB are to the
 * publish function: this process's CPU and heap are publish's alone. (With them in this process, the
 * 100,000-paper run measured their LevelDB and GC work too: 1.1 GB resident, and the first new day's
 * publish twice the next ones'.)
 */
async function standIns(): Promise<StandIns> {
  const dataDir = await mkdtemp(join(tmpdir(), 'paperboy-bench-'));
  const child = fork(join(import.meta.dirname, 'standins-child.ts'), [dataDir], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  await new Promise<void>((ok, fail) => {
    child.once('message', () => ok());
    child.once('exit', (c) => fail(new Error(`stand-ins exited with ${c}`)));
  });
  const env = await startStandIns(dataDir);
  return {
    ...env,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function runSize(count: number): Promise<SizeFigures> {
  const env = await standIns();
  try {
    const config: AppConfig = { ...base, tableName: env.table, bucketName: env.bucket, endpoints: env.services.endpoints, siteUrl: 'https://papers.example.com/' };
    let now = new Date('2026-11-26T08:00:00.000Z');
    const clock: Clock = { now: () => now };
    const rt = buildRuntime(config, { clock, logger: { info() {}, warn() {}, error() {} } });

    const dynamo = { requests: 0, itemsRead: 0 };
    rt.clients.dynamo.middlewareStack.add(
      (next) => async (args) => {
        const out = await next(args);
        const o = out.output as { Count?: number; ScannedCount?: number; Item?: unknown; Responses?: Record<string, unknown[]> };
        dynamo.requests++;
        dynamo.itemsRead += o.ScannedCount ?? o.Count ?? (o.Item ? 1 : 0) + Object.values(o.Responses ?? {}).reduce((n, r) => n + r.length, 0);
        return out;
      },
      { step: 'initialize', name: 'benchCounter' },
    );
    let s3Writes = 0;
    const put = rt.objects.put.bind(rt.objects);
    rt.objects.put = async (o) => {
      s3Writes++;
      return put(o);
    };

    // Load: BatchWriteItem (25 items each), CONCURRENCY requests in flight.
    const loadStart = performance.now();
    const items: Record<string, unknown>[] = [];
    for (let i = 0; i < count; i++) {
      const offset = NEW_DAYS + Math.floor(i / PER_DAY);
      const p = makePaper(i, dayOf(offset), `${dayOf(offset)}T06:00:00.000Z`);
      for (const slug of p.tags) items.push(membershipItem(p, slug));
      items.push(paperItem(p));
    }
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        let requests: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> | undefined = {
          [env.table]: items.slice(next, (next += 25)).map((Item) => ({ PutRequest: { Item } })),
        };
        for (let attempt = 0; requests && Object.keys(requests).length > 0; attempt++) {
          if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
          const out = await rt.clients.dynamo.send(new BatchWriteCommand({ RequestItems: requests }));
          requests = out.UnprocessedItems as typeof requests;
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    items.length = 0; // the load's items are not publish's: they would weigh on every collection below
    const days = Math.ceil(count / PER_DAY);
    console.log(`[${count}] load ${count.toLocaleString('en-US')} papers over ${days} days: ${((performance.now() - loadStart) / 1000).toFixed(1)} s`);

    const publish = makePublish(rt);
    const measure = async (label: string) => {
      Object.assign(dynamo, { requests: 0, itemsRead: 0 });
      s3Writes = 0;
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const result = await publish();
      const seconds = (performance.now() - t0) / 1000;
      const c = process.cpuUsage(cpu0);
      const cpuSeconds = (c.user + c.system) / 1e6;
      console.log(
        `[${count}] ${label.padEnd(22)} ${seconds.toFixed(2).padStart(7)} s wall ${cpuSeconds.toFixed(2).padStart(7)} s CPU  ` +
          `wrote ${result.uploaded} of ${result.objects} objects (+${s3Writes - result.uploaded} internal)  days read ${result.daysRead}, rendered ${result.daysRendered}, weeks ${result.weeksRendered}  ` +
          `DynamoDB ${dynamo.requests} requests, ${dynamo.itemsRead.toLocaleString('en-US')} items`,
      );
      return { result, seconds, cpuSeconds, requests: dynamo.requests };
    };

    const first = await measure('first publish');
    if (first.result.uploaded !== first.result.objects) throw new Error('the first publish should upload every object');
    const newDay: SizeFigures['newDay'] = { objectsWritten: [], cpuSeconds: [], medianCpuSeconds: 0, daysRead: [], dynamoRequests: [] };
    for (let d = NEW_DAYS - 1; d >= 0; d--) {
      const day = dayOf(d);
      now = new Date(`${day}T06:00:00.000Z`);
      for (let i = 0; i < PER_DAY; i++) {
        const p = makePaper(count + (NEW_DAYS - 1 - d) * PER_DAY + i, day, now.toISOString());
        if (!(await rt.papers.put(p, undefined))) throw new Error(`paper ${p.id} already stored`);
      }
      now = new Date(`${day}T06:05:00.000Z`);
      const run = await measure(`publish: new day ${day}`);
      newDay.objectsWritten.push(run.result.uploaded);
      newDay.cpuSeconds.push(round(run.cpuSeconds));
      newDay.daysRead.push(run.result.daysRead);
      newDay.dynamoRequests.push(run.requests);
    }
    newDay.medianCpuSeconds = [...newDay.cpuSeconds].sort((a, b) => a - b)[Math.floor(NEW_DAYS / 2)]!;
    const unchanged = await measure('publish: unchanged');
    if (unchanged.result.uploaded !== 0) throw new Error(`an unchanged publish uploaded ${unchanged.result.uploaded} objects`);
    const search = await searchFigures(rt.papers);
    return {
      search,
      papers: count,
      days,
      firstPublish: { seconds: round(first.seconds), cpuSeconds: round(first.cpuSeconds), objectsWritten: first.result.uploaded },
      newDay,
      unchanged: { objectsWritten: unchanged.result.uploaded, cpuSeconds: round(unchanged.cpuSeconds), dynamoRequests: unchanged.requests },
    };
  } finally {
    await env.stop();
  }
}

const round = (n: number) => Math.round(n * 1000) / 1000;

const figures: Record<number, SizeFigures> = {};
for (const size of SIZES) figures[size] = await runSize(size);
const [small, large] = [figures[Math.min(...SIZES)]!, figures[Math.max(...SIZES)]!];
const mem = process.memoryUsage();
console.log(`memory rss ${(mem.rss / 2 ** 20).toFixed(0)} MiB, heap used ${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB (stand-ins included)`);
console.log(
  JSON.stringify({
    bench: 'publish',
    sizes: figures,
    newDayCpuRatio: round(large.newDay.medianCpuSeconds / small.newDay.medianCpuSeconds),
    unchangedWrites: Object.fromEntries(SIZES.map((n) => [n, figures[n]!.unchanged.objectsWritten])),
    newDayWrites: Object.fromEntries(SIZES.map((n) => [n, figures[n]!.newDay.objectsWritten])),
  }),
);

/**
 * The search index alone, on an in-memory store (so no S3 time is counted, only building it): a whole
 * build of every listing day but the newest, then the build after that newest day arrives, as publish
 * does it. The day reads come from dynalite; inside publish they are shared with the day pages.
 */
async function searchFigures(papers: PaperRepository) {
  const memory = new Map<string, string>();
  const store: ObjectStore = { get: async (key) => memory.get(key), put: async (o) => void memory.set(o.key, o.body) };
  const revisions = await papers.listDayRevisions();
  const newest = revisions.map((r) => r.day).sort().at(-1)!;
  const build = async (label: string, days: typeof revisions) => {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const out = await publishSearch({ objects: store, revisions: days, readDay: (day) => papers.listDay(day), untrusted: new Set() });
    const changed = out.objects.filter((o) => memory.get(o.key) !== o.body);
    for (const o of changed) memory.set(o.key, o.body);
    await out.commit();
    const cpu = process.cpuUsage(cpu0);
    const result = {
      wallSeconds: round((performance.now() - t0) / 1000),
      cpuSeconds: round((cpu.user + cpu.system) / 1e6),
      monthsRendered: out.monthsRendered.length,
      objectsWritten: changed.length,
      bytesWritten: changed.reduce((n, o) => n + Buffer.byteLength(o.body), 0),
    };
    console.log(`${label.padEnd(26)} ${result.wallSeconds.toFixed(2).padStart(6)} s wall  ${result.cpuSeconds.toFixed(2).padStart(6)} s CPU   ${result.monthsRendered} months rendered, ${result.objectsWritten} objects (${result.bytesWritten.toLocaleString('en-US')} bytes) changed`);
    return result;
  };
  const whole = await build('search: all but newest day', revisions.filter((r) => r.day !== newest));
  const newDay = await build('search: after one new day', revisions);
  const unchanged = await build('search: unchanged', revisions);
  const index = [...memory].filter(([k]) => k.startsWith('search/'));
  const indexBytes = index.reduce((n, [, body]) => n + Buffer.byteLength(body), 0);
  // A one-word query: the month list, the word's bucket in every month that has it, and the day chunks of
  // the first 50 results (at most 50 chunks; counted as the 50 largest, an upper bound).
  const word = 'learning';
  const months = (JSON.parse(memory.get('search/index.json')!) as { months: { m: string }[] }).months;
  const buckets = months.map((m) => memory.get(`search/m/${m.m}/t-${searchBucket(word, SEARCH_BUCKETS)}.json`)!);
  const dayFiles = index.filter(([k]) => k.startsWith('search/d/')).map(([, b]) => Buffer.byteLength(b)).sort((a, b) => b - a).slice(0, 50);
  const query = { word, requests: 1 + buckets.length + dayFiles.length, bytes: Buffer.byteLength(memory.get('search/index.json')!) + buckets.reduce((n, b) => n + Buffer.byteLength(b), 0) + dayFiles.reduce((n, b) => n + b, 0) };
  console.log(
    `search index             ${index.length.toLocaleString('en-US')} objects, ${indexBytes.toLocaleString('en-US')} bytes (${months.length} months); ` +
      `a one-word query ("${word}") fetches at most ${query.requests} objects, ${query.bytes.toLocaleString('en-US')} bytes (uncompressed)`,
  );
  return { objects: index.length, bytes: indexBytes, months: months.length, whole, newDay, unchanged, query };
}
