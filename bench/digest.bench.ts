/**
 * Digest benchmark: 10,000 subscribers spread over the 18 topics and 500 new papers, sent against the
 * local SES stand-in (running in a child process, so the figures below are the sender's own CPU).
 *
 * Reports
 *   - planning: the DynamoDB commands it issued (queries on the ACTIVE#<frequency> index, never a scan);
 *   - CPU time per email for selecting and rendering alone (pure functions, no I/O), for the readers'
 *     mix and for a reader of every topic at 10 and at 53 papers;
 *   - end to end through the send-digests handler (the one sender, draining the jobs the plan stored,
 *     pacing off so the stand-in's speed is what is measured): emails per second, and CPU per email;
 *   - age: sender CPU, read units and ledger items read per send for readers with a year of daily
 *     digests in the ledger against readers with none (same topics, same papers), interleaved in batches.
 * The last line is one JSON object of the figures.
 *
 *   npm run bench:digest [-- subscribers papers]
 */
import { fork } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDigestJobStore, digestItem, ensureTable, itemBytes } from '@paperboy/aws';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import {
  addDays,
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

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const SUBSCRIBERS = Number(process.argv[2] ?? 10_000);
const PAPERS = Number(process.argv[3] ?? 500);
const BATCH = 5;
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
  t = performance.now();
  // The plan stores its jobs in the table (BatchWriteItem, 25 a request); the sender is run below.
  const planned = await makePlan(rt, { startSender: async () => {} })({ day: '2026-11-26' });
  const planMs = performance.now() - t;
  console.log(`plan: ${planned.daily + planned.weekly} jobs in ${planMs.toFixed(0)} ms; DynamoDB commands: ${JSON.stringify(commands)} (pages of 1 MB; no ScanCommand)`);
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
      to: s.email, site: { title: 'paperboy', url: config.siteUrl }, topics: s.topics.map((x) => topicsBySlug.get(x)!), papers: selection.papers, reasons: selection.reasons,
      moreByDay: selection.moreByDay, frequency: 'daily', period: '2026-11-26', ...links,
    });
    shown += selection.papers.length + email.html.length * 0;
  }
  const pureCpu = cpuMs(process.cpuUsage(cpu0));
  const pureWall = performance.now() - t;
  console.log(`select+render: ${(pureCpu / SUBSCRIBERS * 1000).toFixed(0)} µs CPU per email (${(pureWall / SUBSCRIBERS * 1000).toFixed(0)} µs wall), ${(shown / SUBSCRIBERS).toFixed(1)} papers per email`);

  // A reader of every topic, so each email holds the full cap: 10 (the default) and 53 papers, interleaved.
  const everyTopic: Subscriber = { ...subscribers[0]!, topics: slugs };
  const renderOne = (maxPapers: number) => {
    const selection = selectDigestPapers({ subscriber: everyTopic, candidates, alreadySent: new Set(), maxPapers });
    if (selection.papers.length !== maxPapers) throw new Error(`expected ${maxPapers} papers, selected ${selection.papers.length}`);
    return renderDigestEmail({
      to: everyTopic.email, site: { title: 'paperboy', url: config.siteUrl }, topics: slugs.map((x) => topicsBySlug.get(x)!), papers: selection.papers, reasons: selection.reasons,
      moreByDay: selection.moreByDay, frequency: 'daily', period: '2026-11-26', ...links,
    }).html.length;
  };
  const capCpu: Record<number, number> = { 10: 0, 53: 0 };
  const CAP_ROUNDS = 20, CAP_EMAILS = 50;
  for (let r = 0; r < CAP_ROUNDS; r++) {
    for (const cap of [10, 53]) {
      const c0 = process.cpuUsage();
      for (let i = 0; i < CAP_EMAILS; i++) renderOne(cap);
      if (r > 0) capCpu[cap]! += cpuMs(process.cpuUsage(c0)); // round 0 warms the JIT
    }
  }
  const cpuMsPerEmail10 = capCpu[10]! / ((CAP_ROUNDS - 1) * CAP_EMAILS);
  const cpuMsPerEmail53 = capCpu[53]! / ((CAP_ROUNDS - 1) * CAP_EMAILS);
  console.log(`select+render, every topic: ${cpuMsPerEmail10.toFixed(3)} ms CPU per email at 10 papers, ${cpuMsPerEmail53.toFixed(3)} ms at 53`);

  // --- end to end through the handler against the local SES --------------------------------------
  // One sender drains every job (the send lease admits one at a time), with its own paper cache.
  const cpu1 = process.cpuUsage();
  t = performance.now();
  const drained = await makeSend(rt, { ratePerSecond: Infinity })({});
  const failures = drained.deferred + drained.gaveUp;
  const e2eWall = (performance.now() - t) / 1000;
  const e2eCpu = cpuMs(process.cpuUsage(cpu1));
  const sent = (await readdir(join(dataDir, 'outbox'))).length;
  const childStat = (await readFile(`/proc/${child.pid}/stat`, 'utf8').catch(() => '')).split(' ');
  const childCpuS = childStat.length > 15 ? (Number(childStat[13]) + Number(childStat[14])) / 100 : NaN;
  console.log(`send: ${sent} emails, ${failures} failures in ${e2eWall.toFixed(1)} s = ${(sent / e2eWall).toFixed(0)} emails/s (one sender, unpaced)`);
  console.log(`      sender CPU ${(e2eCpu / sent).toFixed(2)} ms per email (claim, re-check, render, SES call, mark sent); stand-ins' CPU since start ${childCpuS.toFixed(1)} s`);

  // --- age: a year of digests in the ledger against none ----------------------------------------------
  const AGE_PAIRS = Number(process.env.BENCH_AGE_PAIRS ?? 200);
  const HISTORY = 365;
  const ageTopics = [slugs[0]!, slugs[5]!];
  const aged = (kind: string, i: number): Subscriber => ({
    id: `age-${kind}-${String(i).padStart(4, '0')}`, email: `age-${kind}-${i}@example.net`, status: 'active', topics: ageTopics, frequency: 'daily',
    createdAt: '2025-11-20T06:00:00.000Z', confirmedAt: '2025-11-20T06:00:00.000Z',
  });
  const groups = { year: Array.from({ length: AGE_PAIRS }, (_, i) => aged('year', i)), none: Array.from({ length: AGE_PAIRS }, (_, i) => aged('none', i)) };
  const warm = Array.from({ length: BATCH }, (_, i) => aged('warm', i));
  t = performance.now();
  await pool([...groups.year, ...groups.none, ...warm], 16, async (s) => {
    await rt.subscribers.create(s);
    await rt.subscribers.recordDigest(s.id, '2026-11-25T07:00:00.000Z'); // yesterday's digest: today's papers are all new
  });
  // A year of daily digests, as the ledger stores them: 10 papers shown and 5 counted under "more" each.
  const history = groups.year.flatMap((s) => Array.from({ length: HISTORY }, (_, k) => {
    const period = addDays('2026-11-26', -(k + 1));
    const ids = Array.from({ length: 15 }, (_, j) => `${period.slice(2, 4)}${period.slice(5, 7)}.${String(10000 + ((k * 37 + j * 101) % 89999))}`);
    return { ...digestItem(s.id, period, ids.slice(0, 10), ids.slice(10), `${period}T07:00:00.000Z`), status: 'sent', messageId: `0100019${'a'.repeat(52)}-000000`, sentAt: `${period}T07:00:02.000Z` };
  }));
  await pool(Array.from({ length: Math.ceil(history.length / 25) }, (_, i) => history.slice(i * 25, i * 25 + 25)), 8, async (items) => {
    let requests: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> | undefined = { bench: items.map((Item) => ({ PutRequest: { Item } })) };
    while (requests && Object.keys(requests).length > 0) requests = (await rt.clients.dynamo.send(new BatchWriteCommand({ RequestItems: requests }))).UnprocessedItems as typeof requests;
  });
  console.log(`age: ${AGE_PAIRS} readers with ${HISTORY} past digests (${history.length} ledger items) and ${AGE_PAIRS} with none, stored in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  type Group = keyof typeof groups;
  const age: Record<Group, { cpu: number; rcu: number; ledgerItems: number; requests: number; sent: number }> = {
    year: { cpu: 0, rcu: 0, ledgerItems: 0, requests: 0, sent: 0 },
    none: { cpu: 0, rcu: 0, ledgerItems: 0, requests: 0, sent: 0 },
  };
  let phase: Group | undefined;
  // Read units as DynamoDB bills them: per GetItem or Query request, the size of the items it returns rounded
  // up to 4 KB (at least one), half a unit per 4 KB when eventually consistent, one when strongly consistent.
  const seen = new Set<string>();
  rt.clients.dynamo.middlewareStack.add((next, ctx) => async (args) => {
    const name = (ctx as { commandName?: string }).commandName ?? '';
    seen.add(name);
    if (!phase || !/^(Query|Get|GetItem)Command$/.test(name)) return next(args);
    const group = phase;
    const input = args.input as { ConsistentRead?: boolean; ExpressionAttributeValues?: unknown };
    // The job store's reads are the same for every reader: what a digest itself reads is measured.
    if (JSON.stringify(input.ExpressionAttributeValues ?? {}).includes('DIGEST#JOBS')) return next(args);
    const out = await next(args);
    const output = out.output as { Item?: unknown; Items?: unknown[]; Count?: number };
    const bytes = output.Items ? itemBytes(output.Items) : output.Item ? itemBytes(output.Item) : 0;
    age[group].rcu += Math.max(1, Math.ceil(bytes / 4096)) * (input.ConsistentRead ? 1 : 0.5);
    age[group].requests++;
    if (output.Items && JSON.stringify(input.ExpressionAttributeValues ?? {}).includes('DIGEST#')) age[group].ledgerItems += output.Items.length;
    return out;
  }, { step: 'initialize', name: 'benchAge' });
  const jobsOf = (subs: Subscriber[]) => subs.map((s) => ({ subscriberId: s.id, period: '2026-11-26', day: '2026-11-26' }));
  const jobStore = new DynamoDigestJobStore(rt.clients.dynamo, config.tableName);

  let current: Group | undefined;
  const ageSend = makeSend(rt, { ratePerSecond: Infinity, onOutcome: (o) => { if (current && o === 'sent') age[current].sent++; } });
  await jobStore.add(jobsOf(warm));
  await ageSend({}); // fills the container's paper cache and warms the JIT
  for (let i = 0; i < AGE_PAIRS; i += BATCH) {
    for (const group of (i / BATCH) % 2 === 0 ? (['year', 'none'] as const) : (['none', 'year'] as const)) {
      await jobStore.add(jobsOf(groups[group].slice(i, i + BATCH)));
      current = phase = group;
      const c0 = process.cpuUsage();
      const r = await ageSend({});
      age[group].cpu += cpuMs(process.cpuUsage(c0));
      phase = current = undefined;
      if (r.deferred + r.gaveUp) throw new Error(`age: ${r.deferred + r.gaveUp} failed sends`);
    }
  }
  rt.clients.dynamo.middlewareStack.remove('benchAge');
  console.log(`age: commands seen ${[...seen].join(', ')}`);
  if (age.year.sent !== AGE_PAIRS || age.none.sent !== AGE_PAIRS) throw new Error(`age: sent ${age.year.sent} and ${age.none.sent} of ${AGE_PAIRS}`);
  const per = (g: Group) => ({ cpuMs: age[g].cpu / AGE_PAIRS, readUnits: age[g].rcu / AGE_PAIRS, ledgerItems: age[g].ledgerItems / AGE_PAIRS, requests: age[g].requests / AGE_PAIRS });
  const year = per('year'), none = per('none');
  const ageCostRatio = year.cpuMs / none.cpuMs;
  const ageReadRatio = year.readUnits / none.readUnits;
  console.log(`age: per send, a year of digests: ${year.cpuMs.toFixed(2)} ms CPU, ${year.readUnits} read units in ${year.requests} reads, ${year.ledgerItems} ledger items; none: ${none.cpuMs.toFixed(2)} ms CPU, ${none.readUnits} read units in ${none.requests} reads, ${none.ledgerItems} ledger items`);
  console.log(`age: CPU ratio ${ageCostRatio.toFixed(3)}, read-unit ratio ${ageReadRatio.toFixed(3)} (at most 1.1)`);
  const round = (x: number, d = 3) => Number(x.toFixed(d));
  console.log(JSON.stringify({
    bench: 'digest', subscribers: SUBSCRIBERS, papers: PAPERS, planMs: Math.round(planMs), planCommands: commands,
    selectRenderUsPerEmail: Math.round(pureCpu / SUBSCRIBERS * 1000), papersPerEmail: round(shown / SUBSCRIBERS, 1),
    cpuMsPerEmail10: round(cpuMsPerEmail10), cpuMsPerEmail53: round(cpuMsPerEmail53),
    emailsSent: sent, sendFailures: failures, emailsPerSecond: Math.round(sent / e2eWall), senderCpuMsPerEmail: round(e2eCpu / sent, 2),
    ageCostRatio: round(ageCostRatio), ageReadRatio: round(ageReadRatio),
    agedSend: { ...year, cpuMs: round(year.cpuMs) }, newSend: { ...none, cpuMs: round(none.cpuMs) },
  }));
  await services.stop();
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  await rm(dataDir, { recursive: true, force: true });
}
