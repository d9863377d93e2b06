/**
 * Monthly cost model: runs the local pipeline against the embedded stand-ins with a batch of
 * synthetic subscribers, counts what the adapters actually asked of DynamoDB (consumed read and
 * write units, as DynamoDB reports them), S3 and SES, times each handler, then prices a month at
 * 1,000 and 100,000 daily subscribers with 100 papers a day, from the dated table bench/prices.json.
 *
 *   npm run cost [-- subscribers]     (default 40 measured subscribers)
 *
 * Counting is done by SDK middleware on the clients the adapters use (functions/commons/runtime.ts),
 * so it sees every request the real code makes, retries included.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { MetadataBearer } from '@smithy/types';
import { activeSources, fetchesPapers, newSubscriberId, processEnv, type Frequency } from '@paperboy/core';
import { makeHandler as makeIngest } from '../functions/ingest/index.js';
import { makeHandler as makePublish } from '../functions/publish/index.js';
import { makeHandler as makePlan } from '../functions/plan-digests/index.js';
import { makeHandler as makeSend } from '../functions/send-digests/index.js';
import { scheduledInvocation } from '../functions/commons/events.js';
import { openLocal } from '../packages/local/src/runner.js';
import { FUNCTION_MEMORY_MB } from '../infra/lib/settings.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const ROOT = resolve(import.meta.dirname, '..');
const measuredSubscribers = Number(process.argv[2] ?? 40);
const PAPERS_PER_DAY = 100;
const DAYS = 30;
const SCALES = [1_000, 100_000];

type Prices = {
  asOf: string;
  region: string;
  lambda: { perGbSecondArm64: number; perMillionRequests: number };
  dynamodb: { perMillionReadRequestUnits: number; perMillionWriteRequestUnits: number; storagePerGbMonth: number; pitrPerGbMonth: number };
  s3: { perThousandPutRequests: number; perThousandGetRequests: number; storagePerGbMonth: number };
  ses: { perThousandEmails: number };
  sqs: { perMillionRequests: number };
  cloudwatch: { perAlarmMonth: number; logsIngestPerGb: number };
  secretsManager: { perSecretMonth: number };
  kms: { perKeyMonth: number };
  eventBridgeScheduler: { perMillionInvocations: number };
};
const prices = JSON.parse(await readFile(join(ROOT, 'bench', 'prices.json'), 'utf8')) as Prices;

// --- counting -------------------------------------------------------------------------------
interface Counts {
  rru: number;
  wru: number;
  dynamoRequests: number;
  s3Put: number;
  s3Get: number;
  s3List: number;
  sesSends: number;
}
const zero = (): Counts => ({ rru: 0, wru: 0, dynamoRequests: 0, s3Put: 0, s3Get: 0, s3List: 0, sesSends: 0 });
const counts = zero();

type Capacity = { CapacityUnits?: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number };
type Stack = { add: (mw: unknown, options: { step: string; name: string }) => void };

/** Asks DynamoDB for consumed capacity on every request and adds it up (reads vs writes by operation). */
function countDynamo(stack: Stack): void {
  stack.add(
    (next: (args: { input: Record<string, unknown> }) => Promise<{ output: MetadataBearer & { ConsumedCapacity?: Capacity | Capacity[] } }>, context: { commandName?: string }) =>
      async (args: { input: Record<string, unknown> }) => {
        args.input.ReturnConsumedCapacity = 'TOTAL';
        const result = await next(args);
        counts.dynamoRequests++;
        const write = /Put|Update|Delete|Write/.test(context.commandName ?? '');
        for (const c of [result.output.ConsumedCapacity ?? []].flat()) {
          const units = c.CapacityUnits ?? (write ? c.WriteCapacityUnits : c.ReadCapacityUnits) ?? 0;
          if (write) counts.wru += units;
          else counts.rru += units;
        }
        return result;
      },
    { step: 'initialize', name: 'paperboyCostCount' },
  );
}

function countByCommand(stack: Stack, onCommand: (name: string) => void): void {
  stack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      const result = await next(args);
      onCommand(context.commandName ?? '');
      return result;
    },
    { step: 'initialize', name: 'paperboyCostCount' },
  );
}

// --- run the pipeline -----------------------------------------------------------------------
const dataDir = await mkdtemp(join(tmpdir(), 'paperboy-cost-'));
const env = { ...processEnv(), PAPERBOY_DATA_DIR: dataDir, PAPERBOY_CONFIG: processEnv()['PAPERBOY_CONFIG'] ?? join(ROOT, 'paperboy.config.json') };
const ctx = await openLocal(env, { logger: { info() {}, warn() {}, error() {} } });
const rt = ctx.rt;
countDynamo(rt.clients.dynamo.middlewareStack as unknown as Stack);
countByCommand(rt.clients.s3.middlewareStack as unknown as Stack, (name) => {
  if (/^(Put|Copy|Delete)Object/.test(name)) counts.s3Put++;
  else if (/^(Get|Head)Object/.test(name)) counts.s3Get++;
  else if (/^List/.test(name)) counts.s3List++;
});
countByCommand(rt.clients.ses.middlewareStack as unknown as Stack, (name) => {
  if (name === 'SendEmailCommand') counts.sesSends++;
});

interface Phase {
  counts: Counts;
  ms: number;
  cpuMs: number;
}
async function phase(run: () => Promise<unknown>): Promise<Phase> {
  const before = { ...counts };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await run();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const delta = zero();
  for (const k of Object.keys(delta) as (keyof Counts)[]) delta[k] = counts[k] - before[k];
  return { counts: delta, ms, cpuMs: (cpu.user + cpu.system) / 1000 };
}

let received = 0;
const ingest = await phase(async () => {
  const result = await makeIngest(rt)(scheduledInvocation('ingest', rt.clock.now()));
  received = result.totals.new;
});
const publish = await phase(() => makePublish(rt)());

// Synthetic daily subscribers over the configured topics (3 each), active.
const topics = ctx.config.taxonomy.topics.map((t) => t.slug);
const now = rt.clock.now().toISOString();
for (let i = 0; i < measuredSubscribers; i++) {
  await rt.subscribers.create({
    id: newSubscriberId(),
    email: `reader-${i}@example.com`,
    status: 'active',
    topics: [0, 1, 2].map((k) => topics[(i * 3 + k) % topics.length]!),
    frequency: 'daily' as Frequency,
    createdAt: now,
    confirmedAt: now,
  });
}
// The plan stores the jobs; the send phase then runs the sender the plan would start.
const plan = await phase(() => makePlan(rt, { startSender: async () => {} })(scheduledInvocation('digest', rt.clock.now())));
let sent = 0;
const send = await phase(async () => {
  const result = await makeSend(rt, {
    onOutcome: (o) => (o === 'sent' ? sent++ : undefined),
    // Unpaced: the model bills the work of sending, not the wait that pacing to this config's 1 email/s
    // would add (an owner with 1,000+ subscribers has a higher SES rate, and the wait shrinks with it).
    ratePerSecond: Infinity,
  })({});
  if (result.deferred + result.gaveUp) throw new Error(`${result.deferred + result.gaveUp} digests failed`);
});
await ctx.close();
await rm(dataDir, { recursive: true, force: true });
if (received === 0) throw new Error('ingest stored no new paper: nothing to scale from');
if (sent !== measuredSubscribers) throw new Error(`expected ${measuredSubscribers} digests sent, got ${sent}`);

// --- model ----------------------------------------------------------------------------------
const f = (n: number, d = 2) => n.toFixed(d);
const perPaper = (x: number) => x / received;
const perSub = (x: number) => x / measuredSubscribers;
console.log(`paperboy cost model (prices: ${prices.region}, list prices as of ${prices.asOf}, no free tier)\n`);
console.log(`measured on the local pipeline (node ${process.version}; durations are local wall time against the stand-ins, a proxy for Lambda):`);
const show = (name: string, p: Phase, per: string) =>
  console.log(
    `  ${name.padEnd(13)} ${per.padEnd(24)} ${f(p.counts.rru, 1).padStart(7)} RRU ${f(p.counts.wru, 1).padStart(7)} WRU ${String(p.counts.s3Put).padStart(4)} S3 put ${String(p.counts.s3Get + p.counts.s3List).padStart(4)} S3 get/list ${String(p.counts.sesSends).padStart(4)} SES ${f(p.ms, 0).padStart(6)} ms (cpu ${f(p.cpuMs, 0)} ms)`,
  );
show('ingest', ingest, `${received} new papers`);
show('publish', publish, 'one run, cold bucket');
show('plan-digests', plan, `${measuredSubscribers} subscribers`);
show('send-digests', send, `${measuredSubscribers} digests`);

const gbSeconds = (ms: number, fn: keyof typeof FUNCTION_MEMORY_MB) => (ms / 1000) * (FUNCTION_MEMORY_MB[fn] / 1024);
function month(subscribers: number): [string, number, string][] {
  const scale = PAPERS_PER_DAY * DAYS;
  const digests = subscribers * DAYS;
  const rru = perPaper(ingest.counts.rru) * scale + publish.counts.rru * DAYS + perSub(plan.counts.rru + send.counts.rru) * digests;
  const wru = perPaper(ingest.counts.wru) * scale + publish.counts.wru * DAYS + perSub(plan.counts.wru + send.counts.wru) * digests;
  const puts = publish.counts.s3Put * DAYS;
  const gets = (publish.counts.s3Get + publish.counts.s3List) * DAYS;
  const gbs =
    gbSeconds(perPaper(ingest.ms) * scale, 'ingest') +
    gbSeconds(publish.ms * DAYS, 'publish') +
    gbSeconds(perSub(plan.ms) * digests, 'plan-digests') +
    gbSeconds(perSub(send.ms) * digests, 'send-digests');
  // Invocations: ingest, publish, plan once a day; send-digests per batch of 5 (the event source's batch size).
  const invocations = DAYS * 3 + Math.ceil(digests / 5);
  // SQS: SendMessageBatch of 10, receive + delete per batch of 5, plus idle long polling by the event source
  // (about 5 pollers x 3 per minute, all month).
  const sqsRequests = Math.ceil(digests / 10) + 2 * Math.ceil(digests / 5) + 5 * 3 * 60 * 24 * DAYS;
  // Logs: ~250 B per structured line (one per digest, a few per run) + ~350 B of START/END/REPORT per invocation.
  const logGb = (digests * 250 + invocations * 350 + DAYS * 3 * 20 * 250) / 1e9;
  // Nine alarms for every deployment, plus one staleness alarm per source the deployment fetches.
  const alarms = 9 + activeSources(ctx.config.owner, 'cloud').filter(fetchesPapers).length;
  // Storage after a year: ~3 KB per paper item, ~0.5 KB per subscriber, ~0.2 KB per digest ledger entry (kept a year).
  const tableGb = (PAPERS_PER_DAY * 365 * 3e3 + subscribers * 500 + subscribers * 365 * 200) / 1e9;
  return [
    ['SES emails', (digests / 1000) * prices.ses.perThousandEmails, `${digests.toLocaleString('en')} digests`],
    ['Lambda compute', gbs * prices.lambda.perGbSecondArm64, `${Math.round(gbs).toLocaleString('en')} GB-s arm64`],
    ['Lambda requests', (invocations / 1e6) * prices.lambda.perMillionRequests, `${invocations.toLocaleString('en')} invocations`],
    ['DynamoDB reads', (rru / 1e6) * prices.dynamodb.perMillionReadRequestUnits, `${Math.round(rru).toLocaleString('en')} RRU`],
    ['DynamoDB writes', (wru / 1e6) * prices.dynamodb.perMillionWriteRequestUnits, `${Math.round(wru).toLocaleString('en')} WRU`],
    ['DynamoDB storage+PITR', tableGb * (prices.dynamodb.storagePerGbMonth + prices.dynamodb.pitrPerGbMonth), `${f(tableGb, 2)} GB after a year`],
    ['S3 requests', (puts / 1000) * prices.s3.perThousandPutRequests + (gets / 1000) * prices.s3.perThousandGetRequests, `${puts.toLocaleString('en')} put, ${gets.toLocaleString('en')} get/list`],
    ['SQS', (sqsRequests / 1e6) * prices.sqs.perMillionRequests, `${sqsRequests.toLocaleString('en')} requests (mostly idle polling)`],
    ['CloudWatch logs', logGb * prices.cloudwatch.logsIngestPerGb, `${f(logGb, 3)} GB ingested`],
    ['CloudWatch alarms', alarms * prices.cloudwatch.perAlarmMonth, `${alarms} alarms`],
    ['Secrets Manager', prices.secretsManager.perSecretMonth, '1 secret'],
    ['KMS', prices.kms.perKeyMonth, '1 key (SNS topics)'],
    ['Scheduler', ((DAYS * 2) / 1e6) * prices.eventBridgeScheduler.perMillionInvocations, `${DAYS * 2} invocations`],
  ];
}

const totals: Record<string, number> = {};
for (const subscribers of SCALES) {
  const lines = month(subscribers);
  const total = lines.reduce((n, [, usd]) => n + usd, 0);
  totals[String(subscribers)] = Number(total.toFixed(2));
  console.log(`\n${subscribers.toLocaleString('en')} daily subscribers, ${PAPERS_PER_DAY} papers a day, ${DAYS}-day month:`);
  for (const [item, usd, what] of lines) console.log(`  ${item.padEnd(22)} $${f(usd).padStart(8)}   ${what}`);
  console.log(`  ${'total'.padEnd(22)} $${f(total).padStart(8)}   per month (CloudFront and S3 storage for readers: see docs/deploy.md)`);
}
// The figures as one JSON line, for scripts and comparisons.
console.log(JSON.stringify({ bench: 'cost', papersPerDay: PAPERS_PER_DAY, monthlyUsdBySubscribers: totals }));
