/**
 * Digest benchmark: 10,000 subscribers spread over the 18 topics and 500 new papers, sent against the
 * local SES stand-in (running in a child process, so the figures below are the sender's own CPU).
 *
 * Reports
 *   - planning: the DynamoDB commands it issued (queries on the ACTIVE#<frequency> index, never a scan);
 *   - CPU time per email for selecting and rendering alone (pure functions, no I/O);
 *   - end to end through the send-digests handler (SQS batches of 5, as the CDK app configures, 4 at a
 *     time, pacing off so the stand-in's speed is what is measured): emails per second, and CPU per email.
 *
 *   npm run bench:digest [-- subscribers papers]
 */
import { fork } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '@paperboy/aws';
import {
  readOwnerConfigFile,
  resolveConfig,
  selectDigestPapers,
  subscriberLinks,
  type Clock,
  type Paper,
  type Subscriber,
} from '@paperboy/core';
import { renderDigestEmail } from '@paperboy/mail';
import { buildRuntime } from '../functions/commons/runtime.js';
import { makeHandler as makePlan } from '../functions/plan-digests/index.js';
import { makeHandler as makeSend } from '../functions/send-digests/index.js';
import { startOrAttach } from '../packages/local/src/services.js';
import { MemoryQueue, sqsEventOf } from '../packages/local/src/runner.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const SUBSCRIBERS = Number(process.argv[2] ?? 10_000);
const PAPERS = Number(process.argv[3] ?? 500);
const BATCH = 5;
const CONCURRENCY = 4;
const ROOT = resolve(import.meta.dirname, '..');

let seed = 7;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<unknown>) {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => { while (next < items.length) await fn(items[next++]!); }));
}

const dataDir = await mkdtemp(join(tmpdir(), 'paperboy-bench-'));
const child = fork(join(import.meta.dirname, 'standins-child.ts'), [dataDir], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
await new Promise<void>((ok, fail) => { child.once('message', () => ok()); child.once('exit', (c) => fail(new Error(`stand-ins exited with ${c}`))); });
try {
  const services = await startOrAttach(dataDir);
  if (services.owned) throw new Error('expected to attach to the child process stand-ins');
  const path = join(ROOT, 'paperboy.config.json');
  const base = resolveConfig(readOwnerConfigFile(path), { PAPERBOY_HMAC_SECRET: 'b'.repeat(40) }, path, ROOT);
  const config = { ...base, tableName: 'bench', endpoints: services.endpoints, siteUrl: 'https://papers.example.com/' };
  await ensureTable(new DynamoDBClient({ region: config.region, endpoint: services.endpoints.dynamodb, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }), 'bench');
  const now = new Date('2026-11-26T07:00:00.000Z');
  const clock: Clock = { now: () => now };
  const silent = { info() {}, warn() {}, error() {} };
  const rt = buildRuntime(config, { clock, logger: silent });
  const slugs = config.taxonomy.topics.map((t) => t.slug);

  // --- data ---------------------------------------------------------------------------------------
  let t = performance.now();
  const papers: Paper[] = Array.from({ length: PAPERS }, (_, i) => {
    const tags = [...new Set([slugs[i % slugs.length]!, ...(random() < 0.4 ? [slugs[Math.floor(random() * slugs.length)]!] : [])])];
    return {
      id: `2611.${String(10000 + i)}`, title: `Paper ${i}: ${tags.join(' and ')} at scale`, abstract: 'We study things. '.repeat(20 + (i % 10)),
      authors: ['A. Author', 'B. Author', 'C. Author', 'D. Author'], listedOn: '2026-11-26', links: { abs: `https://arxiv.org/abs/2611.${10000 + i}` },
      categories: ['cs.LG'], keywords: [], upvotes: Math.floor(random() * 200), tags, sources: ['bench'],
      firstSeenAt: '2026-11-26T06:00:00.000Z', updatedAt: '2026-11-26T06:00:00.000Z', contentHash: `h${i}`,
    };
  });
  await pool(papers, 16, (p) => rt.papers.put(p, undefined));
  const subscribers: Subscriber[] = Array.from({ length: SUBSCRIBERS }, (_, i) => {
    const k = 1 + Math.floor(random() * 3);
    const topics = [...new Set(Array.from({ length: k }, (_, j) => slugs[(i + j * 7) % slugs.length]!))].sort();
    return { id: `bench-${String(i).padStart(6, '0')}`, email: `reader-${i}@example.net`, status: 'active', topics, frequency: 'daily', createdAt: '2026-11-25T06:00:00.000Z', confirmedAt: '2026-11-25T06:00:00.000Z' };
  });
  await pool(subscribers, 16, (s) => rt.subscribers.create(s));
  console.log(`setup: ${PAPERS} papers, ${SUBSCRIBERS} subscribers over ${slugs.length} topics stored in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  // --- planning: count the commands -----------------------------------------------------------------
  const commands: Record<string, number> = {};
  rt.clients.dynamo.middlewareStack.add((next, ctx) => async (args) => {
    const name = (ctx as { commandName?: string }).commandName ?? '?';
    commands[name] = (commands[name] ?? 0) + 1;
    return next(args);
  }, { step: 'initialize', name: 'benchCount' });
  const queue = new MemoryQueue();
  t = performance.now();
  await makePlan(rt, queue)({ day: '2026-11-26' });
  const planMs = performance.now() - t;
  console.log(`plan: ${queue.jobs.length} jobs in ${planMs.toFixed(0)} ms; DynamoDB commands: ${JSON.stringify(commands)} (pages of 1 MB; no ScanCommand)`);
  if (commands.ScanCommand) throw new Error('planning scanned the table');
  rt.clients.dynamo.middlewareStack.remove('benchCount');

  // --- select + render, CPU only -------------------------------------------------------------------
  const candidates = await rt.papers.listListedSince('2026-11-19');
  const topicsBySlug = new Map(config.taxonomy.topics.map((tp) => [tp.slug, tp]));
  const links = subscriberLinks({ siteUrl: config.siteUrl, secret: 'b'.repeat(40) }, 'bench-000000');
  let shown = 0;
  const cpu0 = process.cpuUsage();
  t = performance.now();
  for (const s of subscribers) {
    const selection = selectDigestPapers({ subscriber: s, candidates, alreadySent: new Set(), maxPapers: config.owner.digest.maxPapers });
    const email = renderDigestEmail({
      to: s.email, site: { title: 'paperboy', url: config.siteUrl }, topics: s.topics.map((x) => topicsBySlug.get(x)!), papers: selection.papers,
      moreByDay: selection.moreByDay, frequency: 'daily', period: '2026-11-26', ...links,
    });
    shown += selection.papers.length + email.html.length * 0;
  }
  const pureCpu = cpuMs(process.cpuUsage(cpu0));
  const pureWall = performance.now() - t;
  console.log(`select+render: ${(pureCpu / SUBSCRIBERS * 1000).toFixed(0)} µs CPU per email (${(pureWall / SUBSCRIBERS * 1000).toFixed(0)} µs wall), ${(shown / SUBSCRIBERS).toFixed(1)} papers per email`);

  // --- end to end through the handler against the local SES --------------------------------------
  const batches: (typeof queue.jobs)[] = [];
  for (let i = 0; i < queue.jobs.length; i += BATCH) batches.push(queue.jobs.slice(i, i + BATCH));
  // One handler per simulated container (each with its own pacer and paper cache), as Lambda would run them.
  const containers = Array.from({ length: CONCURRENCY }, () => makeSend(rt, { ratePerSecond: Infinity }));
  let failures = 0;
  let c = 0;
  const cpu1 = process.cpuUsage();
  t = performance.now();
  await pool(batches, CONCURRENCY, async (jobs) => {
    const r = await containers[c++ % CONCURRENCY]!(sqsEventOf(jobs));
    failures += r.batchItemFailures.length;
  });
  const e2eWall = (performance.now() - t) / 1000;
  const e2eCpu = cpuMs(process.cpuUsage(cpu1));
  const sent = (await readdir(join(dataDir, 'outbox'))).length;
  const childStat = (await readFile(`/proc/${child.pid}/stat`, 'utf8').catch(() => '')).split(' ');
  const childCpuS = childStat.length > 15 ? (Number(childStat[13]) + Number(childStat[14])) / 100 : NaN;
  console.log(`send: ${sent} emails, ${failures} failures in ${e2eWall.toFixed(1)} s = ${(sent / e2eWall).toFixed(0)} emails/s (batches of ${BATCH}, ${CONCURRENCY} at a time, unpaced)`);
  console.log(`      sender CPU ${(e2eCpu / sent).toFixed(2)} ms per email (claim, re-check, render, SES call, mark sent); stand-ins' CPU since start ${childCpuS.toFixed(1)} s`);
  console.log(`paced: sendRatePerSecond ${config.owner.digest.sendRatePerSecond} -> ${JSON.stringify({ maxConcurrency: (await import('@paperboy/core')).digestMaxConcurrency(config.owner.digest.sendRatePerSecond), perInvocation: (await import('@paperboy/core')).perInvocationSendRate(config.owner.digest.sendRatePerSecond) })} per second`);
  await services.stop();
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  await rm(dataDir, { recursive: true, force: true });
}
