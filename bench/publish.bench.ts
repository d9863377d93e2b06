/**
 * Publishing at scale: 100,000 papers across the 18 default topics in the DynamoDB stand-in
 * (dynalite), published to the S3 stand-in (s3rver) by the real publish handler. Three runs:
 *   1. first publish (empty bucket),
 *   2. after 50 new papers (ingested through the repository, as ingest writes them),
 *   3. unchanged.
 * For each: wall time, CPU time of this process, S3 writes (PutObject), DynamoDB requests and the
 * items those requests read. The load itself (BatchWriteItem, in parallel) is timed separately.
 * The stand-ins run in this process, so CPU time includes dynalite's and s3rver's work.
 * Then the search index alone (core's publishSearch, which publish calls): its size, a whole build, the
 * build after one new day, and what a one-word query fetches. The last line is one JSON object of figures.
 *
 *   npm run bench:publish [-- count]        (default 100000)
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { membershipItem, paperItem } from '@paperboy/aws';
import { publishSearch, readOwnerConfigFile, resolveConfig, searchBucket, SEARCH_BUCKETS, type AppConfig, type Clock, type ObjectStore, type Paper, type PaperRepository } from '@paperboy/core';
import { parseSnapshot } from '@paperboy/sources';
import { buildRuntime } from '../functions/commons/runtime.js';
import { makeHandler as makePublish } from '../functions/publish/index.js';
import { startStandIns } from '../test/support/stand-ins.js';

const COUNT = Number(process.argv[2] ?? 100_000);
const round = (x: number) => Math.round(x * 1000) / 1000;
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

const env = await startStandIns();
try {
  const config: AppConfig = { ...base, tableName: env.table, bucketName: env.bucket, endpoints: env.services.endpoints, siteUrl: 'https://papers.example.com/' };
  let now = new Date('2026-11-26T08:00:00.000Z');
  const clock: Clock = { now: () => now };
  const rt = buildRuntime(config, { clock, logger: { info() {}, warn() {}, error() {} } });

  // Count what each run asks of the stand-ins.
  // Items read are split: items returned (papers and membership keys for the feeds) and membership
  // keys only counted by Select=COUNT queries (for the topic counts on the pages; nothing is returned).
  const dynamo = { requests: 0, itemsRead: 0, countRequests: 0, itemsCounted: 0 };
  rt.clients.dynamo.middlewareStack.add(
    (next) => async (args) => {
      const out = await next(args);
      const o = out.output as { Count?: number; ScannedCount?: number; Item?: unknown; Responses?: Record<string, unknown[]> };
      if ((args.input as { Select?: string }).Select === 'COUNT') {
        dynamo.countRequests++;
        dynamo.itemsCounted += o.ScannedCount ?? o.Count ?? 0;
      } else {
        dynamo.requests++;
        dynamo.itemsRead += o.ScannedCount ?? o.Count ?? (o.Item ? 1 : 0) + Object.values(o.Responses ?? {}).reduce((n, r) => n + r.length, 0);
      }
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
  const loadCpu = process.cpuUsage();
  const items: Record<string, unknown>[] = [];
  const topicSizes = new Map<string, number>();
  for (let i = 0; i < COUNT; i++) {
    const offset = 1 + Math.floor(i / PER_DAY);
    const p = makePaper(i, dayOf(offset), `${dayOf(offset)}T06:00:00.000Z`);
    for (const slug of p.tags) {
      items.push(membershipItem(p, slug));
      topicSizes.set(slug, (topicSizes.get(slug) ?? 0) + 1);
    }
    items.push(paperItem(p));
  }
  let next = 0;
  let batches = 0;
  let retries = 0;
  const worker = async () => {
    while (next < items.length) {
      let requests: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> | undefined = {
        [env.table]: items.slice(next, (next += 25)).map((Item) => ({ PutRequest: { Item } })),
      };
      for (let attempt = 0; requests && Object.keys(requests).length > 0; attempt++) {
        if (attempt > 0) {
          retries++;
          await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
        }
        const out = await rt.clients.dynamo.send(new BatchWriteCommand({ RequestItems: requests }));
        requests = out.UnprocessedItems as typeof requests;
      }
      batches++;
      if (batches % 2000 === 0) process.stderr.write(`  loaded ${Math.min(batches * 25, items.length)} of ${items.length} items\n`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const loadSecs = (performance.now() - loadStart) / 1000;
  const loadCpuSecs = (() => {
    const c = process.cpuUsage(loadCpu);
    return (c.user + c.system) / 1e6;
  })();
  console.log(
    `load     ${COUNT.toLocaleString('en-US')} papers + ${(items.length - COUNT).toLocaleString('en-US')} topic memberships over ${Math.ceil(COUNT / PER_DAY)} days ` +
      `(${topics.length} topics, ${Math.min(...topicSizes.values()).toLocaleString('en-US')}–${Math.max(...topicSizes.values()).toLocaleString('en-US')} papers each): ` +
      `${loadSecs.toFixed(1)} s wall, ${loadCpuSecs.toFixed(1)} s CPU, ${batches} BatchWriteItem requests, ${retries} retries of unprocessed items, ` +
      `${Math.round(items.length / loadSecs).toLocaleString('en-US')} items/s`,
  );

  const publish = makePublish(rt);
  const figures: Record<string, unknown> = { papers: COUNT };
  const measure = async (label: string) => {
    Object.assign(dynamo, { requests: 0, itemsRead: 0, countRequests: 0, itemsCounted: 0 });
    s3Writes = 0;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const result = await publish();
    const secs = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    console.log(
      `${label.padEnd(26)} ${secs.toFixed(2).padStart(6)} s wall  ${((cpu.user + cpu.system) / 1e6).toFixed(2).padStart(6)} s CPU   ` +
        `S3 writes ${String(s3Writes).padStart(3)} (${result.uploaded} of ${result.objects} objects + ${s3Writes - result.uploaded} manifest)   ` +
        `DynamoDB ${dynamo.requests} requests reading ${dynamo.itemsRead.toLocaleString('en-US')} items, ` +
        `${dynamo.countRequests} COUNT queries over ${dynamo.itemsCounted.toLocaleString('en-US')} membership keys`,
    );
    figures[label] = { wallSeconds: round(secs), cpuSeconds: round((cpu.user + cpu.system) / 1e6), s3Writes, uploaded: result.uploaded, objects: result.objects };
    return result;
  };

  const first = await measure('publish: first');
  if (first.uploaded !== first.objects) throw new Error('the first publish should upload every object');

  // 50 new papers, listed today, written the way ingest writes them.
  now = new Date('2026-11-27T06:00:00.000Z');
  const t0 = performance.now();
  for (let i = 0; i < 50; i++) {
    const p = makePaper(COUNT + i, '2026-11-27', now.toISOString());
    if (!(await rt.papers.put(p, undefined))) throw new Error(`paper ${p.id} already stored`);
  }
  console.log(`ingest   50 new papers through the repository: ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  now = new Date('2026-11-27T06:05:00.000Z');
  await measure('publish: after 50 new');
  const unchanged = await measure('publish: unchanged');
  if (unchanged.uploaded !== 0) throw new Error(`an unchanged publish uploaded ${unchanged.uploaded} objects`);
  figures.search = await searchFigures(rt.papers);
  const mem = process.memoryUsage();
  console.log(`memory   rss ${(mem.rss / 2 ** 20).toFixed(0)} MiB, heap used ${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB (stand-ins included)`);
  console.log(JSON.stringify(figures));
} finally {
  await env.stop();
}

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
