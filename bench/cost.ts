/**
 * Monthly cost model: runs the local pipeline against the embedded stand-ins with a batch of
 * synthetic subscribers, counts what the adapters actually asked of DynamoDB (consumed read and
 * write units, as DynamoDB reports them), S3 and SES, times each handler, then prices a month at
 * 1,000 and 100,000 daily subscribers with 100 papers a day, from the dated table bench/prices.json.
 *
 *   npm run cost [-- subscribers]     (default 40 measured subscribers)
 *
 * Counting is done by SDK middleware on the clients the adapters use (functions/commons/runtime.ts),
 * so it sees every request the real code makes, retries included. Every line of the bill is listed,
 * including those that cost nothing now and why (no polled queue, no customer managed key, no secret).
 * What the pipeline does not run here is modelled from stated assumptions (ASSUMPTIONS below): the
 * sender's pacing, SES bounce and complaint events, sign-ups, log volume.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { MetadataBearer } from '@smithy/types';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dayInZone, ensureFeedToken, fireTimes, newSubscriberId, PRIVATE_FEED_EDGE, privateFeedUrls, privateFeedWindow, processEnv, readPrivateFeed, type Frequency } from '@paperboy/core';
import { renderPrivateFeed } from '@paperboy/feeds';
import { LEDGER_KEEP_DAYS, makeDocumentClient } from '@paperboy/aws';
import { makeHandler as makeIngest } from '../functions/ingest/index.js';
import { makeHandler as makePublish } from '../functions/publish/index.js';
import { makeHandler as makePlan } from '../functions/plan-digests/index.js';
import { makeHandler as makeSend } from '../functions/send-digests/index.js';
import { makeHandler as makeSubscriptions } from '../functions/subscriptions/index.js';
import { apiEvent } from '../packages/local/src/api-event.js';
import { LocalSignupQueue } from '../packages/local/src/signup-queue.js';
import { scheduledInvocation } from '../functions/commons/events.js';
import { openLocal } from '../packages/local/src/runner.js';
import { FUNCTION_MEMORY_MB } from '../infra/lib/settings.js';
import { ALARM_METRICS } from '../infra/lib/alarms.js';
import { INDEX_PROJECTIONS, TABLE_INDEXES } from '../infra/lib/settings.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const ROOT = resolve(import.meta.dirname, '..');
const measuredSubscribers = Number(process.argv[2] ?? 40);
const PAPERS_PER_DAY = 100;
const DAYS = 30;
const SCALES = [1_000, 100_000];

/** What the local pipeline cannot measure, stated so each line of the model can be checked. */
const ASSUMPTIONS = {
  /**
   * Sends per second a deployment with this many subscribers has: SES's sandbox (1 a second, 200 a day)
   * cannot serve 1,000 daily subscribers, and production access starts at 14 a second. The paced sender is
   * billed while it waits for its slot: max(its work, 1/rate) seconds per email.
   */
  sesRatePerSecond: 14,
  /** Bounces and complaints per email sent: each is an EventBridge event (free from AWS services) and one ses-events run (suppress: 1 read, 1 write; count: 1 write, the week's counts: 0.5 read). */
  sesEventsPerEmail: 0.005,
  /** ses-events and notify-owner runs: milliseconds each (a GetItem, a PutItem or one SES call). */
  smallRunMs: 150,
  /** Sign-ups a month, as a share of subscribers: each is 3 API requests (subscribe, confirm page, confirm) and one process-signups run with its email. */
  signupsPerSubscriberMonth: 0.05,
  /** DynamoDB units of one sign-up (rate-limit counter, subscriber, email guard, token, confirm, the day's mail count), read units and index writes (GSI2 on confirm). */
  signupUnits: { wru: 5, rru: 2, indexWru: 1 },
  /** Bytes of structured log per digest (one line), per run (a few lines), and of START/END/REPORT per invocation. */
  logBytes: { perDigest: 250, perRun: 20 * 250, perInvocation: 350 },
  /** Hours a month the Problems metric carries data (a custom metric is billed by the hour it has data); a healthy month has none. */
  problemHours: 0,
  /** Every subscriber's reader polls their private feed once an hour (one format). */
  feedPollsPerSubscriberHour: 1,
  /** Bytes of the HTTP API's access log line per request (JSON, seven fields). */
  apiAccessLogBytes: 250,
  /**
   * Publish-time generation (the option not taken, modelled for comparison): every feed changes at each
   * publish (a reader of three topics of eighteen has new papers most days), 3 objects each; CloudFront's
   * short TTL (5 minutes, as the public feeds) is shorter than the poll interval, so each poll reads S3.
   */
  publishTimeFeedObjects: 3,
  /**
   * Unsubscribes, suppressions, new feed addresses and preference changes a month, as a share of subscribers:
   * each is one invalidation path (the feed's path and a wildcard) and one more origin request for that feed.
   */
  feedLifecycleEventsPerSubscriberMonth: 0.1,
  /**
   * Edge caches that fetch each feed once after an invalidation: a reader polls from one place (its own
   * server, or a hosted reader's), so one regional edge cache serves it.
   */
  edgeCachesPerFeed: 1,
};

type Prices = {
  asOf: string;
  region: string;
  lambda: { perGbSecondArm64: number; perMillionRequests: number };
  dynamodb: { perMillionReadRequestUnits: number; perMillionWriteRequestUnits: number; storagePerGbMonth: number; pitrPerGbMonth: number };
  s3: { perThousandPutRequests: number; perThousandGetRequests: number; storagePerGbMonth: number };
  ses: { perThousandEmails: number };
  cloudwatch: { perAlarmMonth: number; logsIngestPerGb: number; logsStoragePerGbMonth: number; perCustomMetricMonth: number };
  eventBridgeScheduler: { perMillionInvocations: number };
  apiGatewayHttp: { perMillionRequests: number };
  cloudfront: { perGbToInternetNorthAmericaEurope: number; perTenThousandHttpsRequests: number; freeInvalidationPathsMonth: number; perInvalidationPath: number };
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
  /** Write units of the global secondary indexes (not reported by the stand-in). */
  indexWu: number;
}
const zero = (): Counts => ({ rru: 0, wru: 0, dynamoRequests: 0, s3Put: 0, s3Get: 0, s3List: 0, sesSends: 0, indexWu: 0 });
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

/**
 * Index writes. The stand-in reports the table's units only, but DynamoDB also bills a write to every
 * global secondary index the item is in (before or after the write; the projection is ALL, so any change
 * counts). This reads the item back, through a client outside the count, to see which indexes it is in.
 */
function countIndexWrites(stack: Stack, table: string, raw: DynamoDBDocumentClient): void {
  const units = (item: Record<string, unknown> | undefined) => Math.max(1, Math.ceil(Buffer.byteLength(JSON.stringify(item ?? {})) / 1024));
  const indexed = (item: Record<string, unknown> | undefined) => TABLE_INDEXES.filter((ix) => item?.[`${ix}PK`] !== undefined).length;
  // A keys-only index is written only when its keys appear, change or go; an ALL index on any change.
  const keysOf = (item: Record<string, unknown> | undefined, ix: string) => JSON.stringify([item?.[`${ix}PK`], item?.[`${ix}SK`]]);
  const touched = (before: Record<string, unknown> | undefined, after: Record<string, unknown> | undefined) =>
    TABLE_INDEXES.filter((ix) => (before?.[`${ix}PK`] !== undefined || after?.[`${ix}PK`] !== undefined) && (INDEX_PROJECTIONS[ix] === 'ALL' || keysOf(before, ix) !== keysOf(after, ix))).length;
  // At this step the request may already be marshalled ({ PK: { S: "..." } }): keys are strings, so unwrap them.
  const plain = (key: Record<string, any>) => Object.fromEntries(Object.entries(key).map(([k, v]) => [k, v && typeof v === 'object' && 'S' in v ? v.S : v]));
  const read = async (key: unknown) => (await raw.send(new GetCommand({ TableName: table, Key: plain(key as Record<string, any>), ConsistentRead: true }))).Item;
  stack.add(
    (next: (args: { input: Record<string, any> }) => Promise<unknown>, context: { commandName?: string }) =>
      async (args: { input: Record<string, any> }) => {
        const name = context.commandName ?? '';
        const input = args.input;
        const before = /^(Update|Delete)/.test(name) ? await read(input['Key']) : undefined;
        const deletes: Record<string, unknown>[] = [];
        if (/^BatchWrite/.test(name)) for (const r of Object.values(input['RequestItems'] ?? {}).flat() as any[]) if (r.DeleteRequest) deletes.push((await read(r.DeleteRequest.Key)) ?? {});
        const result = await next(args);
        if (/^Put/.test(name)) counts.indexWu += indexed(input['Item']) * units(input['Item']);
        else if (/^Update/.test(name)) {
          const after = await read(input['Key']);
          counts.indexWu += touched(before, after) * units(after ?? before);
        } else if (/^Delete/.test(name)) counts.indexWu += indexed(before) * units(before);
        else if (/^BatchWrite/.test(name)) {
          for (const r of Object.values(input['RequestItems'] ?? {}).flat() as any[]) if (r.PutRequest) counts.indexWu += indexed(r.PutRequest.Item) * units(r.PutRequest.Item);
          for (const item of deletes) counts.indexWu += indexed(item) * units(item);
        }
        return result;
      },
    { step: 'initialize', name: 'paperboyIndexCount' },
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
// The document client shares the base client's stack: commands arrive as PutItemCommand, ...
countIndexWrites(rt.clients.dynamo.middlewareStack as unknown as Stack, rt.config.tableName, makeDocumentClient(rt.config.region, rt.config.endpoints.dynamodb));
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
// Each subscriber's private feed token, as their first digest (or preferences page) issues it once: a
// one-time write, kept out of the send phase, which then measures a digest of a subscriber who has one.
const secret = await rt.secret();
const issue = await phase(async () => {
  for (const id of await rt.subscribers.listActiveIds('daily')) {
    await ensureFeedToken((await rt.subscribers.get(id))!, { subscribers: rt.subscribers, feedTokens: rt.feedTokens, secret, randomBytes: rt.randomBytes });
  }
});
// The plan stores the jobs; the send phase then runs the sender the plan would start.
const plan = await phase(() => makePlan(rt, { startSender: async () => {} })(scheduledInvocation('digest', rt.clock.now())));
const scheduledDay = dayInZone(rt.clock.now(), ctx.config.owner.schedule.timezone);
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
// Private feeds at the origin: one request per subscriber through the API handler, as CloudFront passes one
// after an invalidation. A warm container reads the window once per publish, so the requests share one read
// (measured apart); each reads the token item, the subscriber and the latest publish run.
const feedUrls: string[] = [];
for (const id of await rt.subscribers.listActiveIds('daily')) {
  const s = (await rt.subscribers.get(id))!;
  const token = (await ensureFeedToken(s, { subscribers: rt.subscribers, feedTokens: rt.feedTokens, secret, randomBytes: rt.randomBytes }))!;
  feedUrls.push(privateFeedUrls(rt.config.siteUrl, token).rss);
}
const feedWindow = await phase(() => privateFeedWindow(rt.papers, ctx.config.owner.feeds.maxItems));
const api = makeSubscriptions(rt, new LocalSignupQueue(rt));
let feedItems = 0;
const feedPolls = await phase(async () => {
  for (const url of feedUrls) {
    const res = await api(apiEvent('GET', url, { base: rt.config.siteUrl }));
    if (res.statusCode !== 200) throw new Error(`private feed answered ${res.statusCode}`);
    feedItems += (res.body!.match(/<item>/g) ?? []).length;
  }
});
// The option not taken, publish-time generation: render every subscriber's three objects (the same code).
const windowPapers = await privateFeedWindow(rt.papers, ctx.config.owner.feeds.maxItems);
const feedRender = await phase(async () => {
  for (const url of feedUrls) {
    const answer = await readPrivateFeed(new URL(url).pathname.split('/').pop()!, { subscribers: rt.subscribers, feedTokens: rt.feedTokens, window: async () => windowPapers });
    if (answer.status !== 'ok') throw new Error('no private feed');
    const spec = { site: { ...ctx.config.owner.site, url: rt.config.siteUrl }, topics: ctx.config.taxonomy.topics, items: answer.items, urls: privateFeedUrls(rt.config.siteUrl, 'x'), feedId: 'x', emptyUpdated: new Date(0) };
    for (const format of ['rss', 'atom', 'json'] as const) renderPrivateFeed(spec, format);
  }
});
// Sizes of what stays stored: a paper, a subscriber, a digest's ledger entry (measured, not assumed).
const raw = makeDocumentClient(rt.config.region, rt.config.endpoints.dynamodb);
const sizeOf = async (key: Record<string, unknown>) => Buffer.byteLength(JSON.stringify((await raw.send(new GetCommand({ TableName: rt.config.tableName, Key: key }))).Item ?? {}));
const aPaper = (await rt.papers.listListedSince('0000-01-01'))[0]!;
const aSubscriber = { id: (await rt.subscribers.listActiveIds('daily'))[0]! };
const bytes = {
  paper: await sizeOf({ PK: `PAPER#${aPaper.id}`, SK: 'PAPER' }),
  subscriber: await sizeOf({ PK: `SUB#${aSubscriber.id}`, SK: 'SUB' }),
  digest: await sizeOf({ PK: `SUB#${aSubscriber.id}`, SK: `DIGEST#${scheduledDay}` }),
};
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
show('feed tokens', issue, `${measuredSubscribers} issued, once each`);
show('feed window', feedWindow, 'one read of the window');
show('feed origin', feedPolls, `${measuredSubscribers} requests, ${feedItems} items`);
show('feed render', feedRender, `${measuredSubscribers} x 3 formats`);

const gbSeconds = (ms: number, fn: keyof typeof FUNCTION_MEMORY_MB) => (ms / 1000) * (FUNCTION_MEMORY_MB[fn] / 1024);
const { owner } = ctx.config;
// The real number of scheduled runs in a 30-day month, from the config's schedules and time zone.
const monthStart = new Date('2026-11-01T00:00:00Z');
const monthEnd = new Date(monthStart.getTime() + DAYS * 86_400_000);
const ingestRuns = fireTimes(owner.schedule.ingest, owner.schedule.timezone, monthStart, monthEnd).length;
const planRuns = fireTimes(owner.schedule.digest, owner.schedule.timezone, monthStart, monthEnd).length;
// Every ingest run that brings anything publishes once (measured on a cold bucket: an upper bound, as a
// publish of one new day rewrites only what it touches).
const publishRuns = ingestRuns;
const sendWorkMs = send.ms / measuredSubscribers;
const sendBilledMs = Math.max(sendWorkMs, 1000 / ASSUMPTIONS.sesRatePerSecond);
const SENDER_RUN_MS = 14 * 60_000; // a sender hands over to a fresh invocation before its 15-minute timeout

const POLL_MEMORY = FUNCTION_MEMORY_MB.subscriptions;
const perPoll = {
  // Each origin request's own reads (token item, subscriber, latest publish run); the window's read is priced per publish below.
  rru: (feedPolls.counts.rru - feedWindow.counts.rru) / measuredSubscribers,
  ms: feedPolls.ms / measuredSubscribers,
};

/**
 * The private feeds' lines. As built: behind CloudFront, which keeps each feed until publish (every run) or a
 * change to its subscriber invalidates it, or for at most PRIVATE_FEED_EDGE.ttlSeconds; the function runs once
 * per feed per invalidation. Priced beside it, not built: every poll served by the function, and every feed
 * generated into S3 at publish.
 */
function privateFeeds(subscribers: number) {
  const polls = subscribers * ASSUMPTIONS.feedPollsPerSubscriberHour * 24 * DAYS;
  const cloudFront = (polls / 10_000) * prices.cloudfront.perTenThousandHttpsRequests;
  const lifecycle = subscribers * ASSUMPTIONS.feedLifecycleEventsPerSubscriberMonth;
  // A feed is fetched again after each publish, after the TTL when no publish came first, and after a change to it.
  const refreshes = Math.max(publishRuns, Math.ceil((DAYS * 86_400) / PRIVATE_FEED_EDGE.ttlSeconds));
  const originPolls = Math.min(polls, subscribers * refreshes * ASSUMPTIONS.edgeCachesPerFeed + lifecycle);
  // Containers serving at once, each reading the window once per publish (Little's law over the refresh burst, at least one).
  const containers = Math.max(1, Math.ceil((subscribers * ASSUMPTIONS.feedPollsPerSubscriberHour) / 3600 * (perPoll.ms / 1000)));
  const origin = (requests: number, windowReads: number) => ({
    api: (requests / 1e6) * prices.apiGatewayHttp.perMillionRequests,
    lambda: (requests / 1e6) * prices.lambda.perMillionRequests + ((requests * perPoll.ms) / 1000) * (POLL_MEMORY / 1024) * prices.lambda.perGbSecondArm64,
    dynamo: ((requests * perPoll.rru + windowReads * feedWindow.counts.rru) / 1e6) * prices.dynamodb.perMillionReadRequestUnits,
    logs: ((requests * (ASSUMPTIONS.logBytes.perInvocation + ASSUMPTIONS.apiAccessLogBytes)) / 1e9) * (prices.cloudwatch.logsIngestPerGb + prices.cloudwatch.logsStoragePerGbMonth),
  });
  // One wildcard path per publish, one path per lifecycle event; the first 1,000 a month are free.
  const paths = publishRuns + lifecycle;
  const edgeCached = { ...origin(originPolls, containers * publishRuns), invalidations: Math.max(0, paths - prices.cloudfront.freeInvalidationPathsMonth) * prices.cloudfront.perInvalidationPath };
  const perRequest = origin(polls, containers * publishRuns);
  const puts = subscribers * ASSUMPTIONS.publishTimeFeedObjects * publishRuns;
  const publishTime = {
    s3: (puts / 1000) * prices.s3.perThousandPutRequests + (polls / 1000) * prices.s3.perThousandGetRequests,
    lambda: ((subscribers * publishRuns * feedRender.ms) / measuredSubscribers / 1000) * (FUNCTION_MEMORY_MB.publish / 1024) * prices.lambda.perGbSecondArm64,
  };
  const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
  return { polls, originPolls, containers, puts, paths, edgeCached, perRequest, publishTime, cloudFront, edgeCachedTotal: sum(edgeCached), perRequestTotal: sum(perRequest), publishTimeTotal: sum(publishTime) };
}

function month(subscribers: number): [string, number, string][] {
  const scale = PAPERS_PER_DAY * DAYS;
  const digests = subscribers * DAYS;
  const signups = Math.round(subscribers * ASSUMPTIONS.signupsPerSubscriberMonth);
  const sesEvents = Math.round(digests * ASSUMPTIONS.sesEventsPerEmail);
  const emails = digests + signups;
  const senderRuns = planRuns * Math.max(1, Math.ceil((subscribers * sendBilledMs) / SENDER_RUN_MS));
  const rru = perPaper(ingest.counts.rru) * scale + publish.counts.rru * publishRuns + perSub(plan.counts.rru + send.counts.rru) * digests + sesEvents * 1 + signups * ASSUMPTIONS.signupUnits.rru;
  const tableWru = perPaper(ingest.counts.wru) * scale + publish.counts.wru * publishRuns + perSub(plan.counts.wru + send.counts.wru) * digests + sesEvents * 2 + signups * ASSUMPTIONS.signupUnits.wru;
  const indexWru = perPaper(ingest.counts.indexWu) * scale + publish.counts.indexWu * publishRuns + perSub(plan.counts.indexWu + send.counts.indexWu) * digests + signups * ASSUMPTIONS.signupUnits.indexWru;
  const puts = publish.counts.s3Put * publishRuns;
  const gets = (publish.counts.s3Get + publish.counts.s3List) * publishRuns;
  const computeGbs = {
    ingest: gbSeconds(perPaper(ingest.ms) * scale, 'ingest'),
    publish: gbSeconds(publish.ms * publishRuns, 'publish'),
    plan: gbSeconds(perSub(plan.ms) * digests, 'plan-digests'),
    sendWork: gbSeconds(sendWorkMs * digests, 'send-digests'),
    sendPacing: gbSeconds((sendBilledMs - sendWorkMs) * digests, 'send-digests'),
    small: gbSeconds(sesEvents * ASSUMPTIONS.smallRunMs, 'ses-events') + gbSeconds(signups * 4 * ASSUMPTIONS.smallRunMs, 'subscriptions'),
  };
  const gbs = Object.values(computeGbs).reduce((a, b) => a + b, 0);
  const invocations = ingestRuns + publishRuns + planRuns + senderRuns + sesEvents + signups * 4;
  const logGb = (digests * ASSUMPTIONS.logBytes.perDigest + invocations * ASSUMPTIONS.logBytes.perInvocation + (ingestRuns + publishRuns + planRuns) * ASSUMPTIONS.logBytes.perRun) / 1e9;
  // Storage after a year: papers (the archive keeps them all; GSI1 holds a copy, projection ALL), subscribers
  // (GSI2 holds a copy of each active one), and the ledger, whose entries expire after LEDGER_KEEP_DAYS.
  // PITR is billed on the table's own size; indexes are storage only.
  const ledgerEntries = subscribers * Math.min(365, LEDGER_KEEP_DAYS);
  const feeds = privateFeeds(subscribers);
  const originText = `${Math.round(feeds.originPolls).toLocaleString('en')} of ${feeds.polls.toLocaleString('en')} hourly polls reach the function`;
  const tableGb = (PAPERS_PER_DAY * 365 * bytes.paper + subscribers * bytes.subscriber + ledgerEntries * bytes.digest) / 1e9;
  const indexGb = (PAPERS_PER_DAY * 365 * bytes.paper + subscribers * bytes.subscriber) / 1e9;
  return [
    ['SES emails', ((emails / 1000) * prices.ses.perThousandEmails), `${digests.toLocaleString('en')} digests + ${signups.toLocaleString('en')} confirmations`],
    ['Lambda compute', (gbs * prices.lambda.perGbSecondArm64), `${Math.round(gbs).toLocaleString('en')} GB-s arm64, of which ${Math.round(computeGbs.sendPacing).toLocaleString('en')} waiting for send slots (${ASSUMPTIONS.sesRatePerSecond}/s: ${f(sendBilledMs / 1000, 3)} s per email)`],
    ['Lambda requests', ((invocations / 1e6) * prices.lambda.perMillionRequests), `${invocations.toLocaleString('en')}: ${ingestRuns} ingest, ${publishRuns} publish, ${planRuns} plan, ${senderRuns} sender, ${sesEvents} SES events, ${signups * 4} sign-up`],
    ['DynamoDB reads', ((rru / 1e6) * prices.dynamodb.perMillionReadRequestUnits), `${Math.round(rru).toLocaleString('en')} RRU`],
    ['DynamoDB writes', ((tableWru / 1e6) * prices.dynamodb.perMillionWriteRequestUnits), `${Math.round(tableWru).toLocaleString('en')} WRU on the table`],
    ['DynamoDB index writes', ((indexWru / 1e6) * prices.dynamodb.perMillionWriteRequestUnits), `${Math.round(indexWru).toLocaleString('en')} WRU on GSI1 (papers) and GSI2 (active subscribers)`],
    ['DynamoDB storage', ((tableGb + indexGb) * prices.dynamodb.storagePerGbMonth), `${f(tableGb + indexGb, 2)} GB after a year (ledger: ${Math.round(ledgerEntries / 1e3).toLocaleString('en')}k entries, kept ${LEDGER_KEEP_DAYS} days)`],
    ['DynamoDB PITR', (tableGb * prices.dynamodb.pitrPerGbMonth), `${f(tableGb, 2)} GB table`],
    ['S3 requests', ((puts / 1000) * prices.s3.perThousandPutRequests + (gets / 1000) * prices.s3.perThousandGetRequests), `${puts.toLocaleString('en')} put, ${gets.toLocaleString('en')} get/list (${publishRuns} publishes, cold-bucket upper bound)`],
    ['SQS', 0, 'no queue is polled; FailedInvocationsQueue is written only on a failure'],
    ['EventBridge', 0, `${sesEvents.toLocaleString('en')} SES events on the default bus (AWS service events are free)`],
    ['Scheduler', (((ingestRuns + planRuns) / 1e6) * prices.eventBridgeScheduler.perMillionInvocations), `${ingestRuns + planRuns} invocations (${owner.schedule.ingest}, ${owner.schedule.digest})`],
    ['CloudWatch logs', (logGb * (prices.cloudwatch.logsIngestPerGb + prices.cloudwatch.logsStoragePerGbMonth)), `${f(logGb, 3)} GB ingested, kept 30 days`],
    ['CloudWatch alarms', (ALARM_METRICS * prices.cloudwatch.perAlarmMonth), `${ALARM_METRICS} alarm metrics (infra/lib/alarms.ts)`],
    ['CloudWatch metrics', ((ASSUMPTIONS.problemHours / (DAYS * 24)) * prices.cloudwatch.perCustomMetricMonth), `Problems, billed only for hours with an error (${ASSUMPTIONS.problemHours} assumed)`],
    ['Feeds: API requests', feeds.edgeCached.api, `${originText} (once per feed per publish, and per change to it); the rest are the edge's copy`],
    ['Feeds: Lambda', feeds.edgeCached.lambda, `${Math.round(feeds.originPolls).toLocaleString('en')} requests: ${f(perPoll.ms, 1)} ms each at ${POLL_MEMORY} MB`],
    ['Feeds: DynamoDB reads', feeds.edgeCached.dynamo, `${f(perPoll.rru, 1)} RRU a request (token, subscriber, latest publish); the window (${f(feedWindow.counts.rru, 1)} RRU) once per publish per container (${feeds.containers})`],
    ['Feeds: logs', feeds.edgeCached.logs, `START/END/REPORT and the API access log line per request that reaches the function`],
    ['Feeds: invalidations', feeds.edgeCached.invalidations, `${Math.round(feeds.paths).toLocaleString('en')} paths (one per publish, one per change to a feed); ${prices.cloudfront.freeInvalidationPathsMonth.toLocaleString('en')} a month are free`],
    ['SSM parameter', 0, 'the HMAC key: a standard SecureString under aws/ssm, standard throughput'],
    ['KMS', 0, 'AWS managed keys only (no customer managed key)'],
  ];
}

console.log(`\nassumed (bench/cost.ts ASSUMPTIONS): ${JSON.stringify(ASSUMPTIONS)}`);
const totals: Record<string, number> = {};
const feedTotals: Record<string, { edgeCached: number; perRequest: number; publishTime: number; cloudFrontRequests: number }> = {};
const nonSes: Record<string, number> = {};
const nonSesWithFeedRequests: Record<string, number> = {};
for (const subscribers of SCALES) {
  const lines = month(subscribers);
  const total = lines.reduce((n, [, usd]) => n + usd, 0);
  totals[String(subscribers)] = Number(total.toFixed(2));
  nonSes[String(subscribers)] = Number((total - lines.find(([item]) => item === 'SES emails')![1]).toFixed(2));
  const feeds = privateFeeds(subscribers);
  nonSesWithFeedRequests[String(subscribers)] = Number((nonSes[String(subscribers)]! + feeds.cloudFront).toFixed(2));
  console.log(`\n${subscribers.toLocaleString('en')} daily subscribers, ${PAPERS_PER_DAY} papers a day, ${DAYS}-day month:`);
  for (const [item, usd, what] of lines) console.log(`  ${item.padEnd(22)} $${f(usd).padStart(8)}   ${what}`);
  console.log(`  ${'total'.padEnd(22)} $${f(total).padStart(8)}   per month (not in it: readers' CloudFront and S3 traffic, the private feeds' polls included; see below and docs/deploy.md)`);
  console.log(`  ${'all but SES'.padEnd(22)} $${f(nonSes[String(subscribers)]!).padStart(8)}`);
  feedTotals[String(subscribers)] = {
    edgeCached: Number(feeds.edgeCachedTotal.toFixed(2)),
    perRequest: Number(feeds.perRequestTotal.toFixed(2)),
    publishTime: Number(feeds.publishTimeTotal.toFixed(2)),
    cloudFrontRequests: Number(feeds.cloudFront.toFixed(2)),
  };
  console.log(
    `  readers' CloudFront requests, not in the total: the private feeds' ${feeds.polls.toLocaleString('en')} polls are $${f(feeds.cloudFront)} at the list price, ` +
      `${feeds.polls <= 1e7 ? 'all' : 'the first 10M'} within CloudFront's always-free 10M requests a month (all but SES with them at the list price: $${f(nonSesWithFeedRequests[String(subscribers)]!)})`,
  );
  console.log(`  private feeds, cached at the edge until invalidated (built): $${f(feeds.edgeCachedTotal)} of the total`);
  console.log(`  private feeds, every poll served by the function (not built): $${f(feeds.perRequestTotal)}`);
  console.log(`  private feeds, generated at publish into S3 (not built): $${f(feeds.publishTimeTotal)}: ${feeds.puts.toLocaleString('en')} S3 puts and ${feeds.polls.toLocaleString('en')} S3 gets $${f(feeds.publishTime.s3)}, rendering $${f(feeds.publishTime.lambda)}`);
}
// The figures as one JSON line, for scripts and comparisons.
console.log(
  JSON.stringify({
    bench: 'cost',
    nonSesPerMonth1k: nonSes['1000'],
    nonSesPerMonth1kWithFeedRequestsAtListPrice: nonSesWithFeedRequests['1000'],
    papersPerDay: PAPERS_PER_DAY,
    pricesAsOf: prices.asOf,
    monthlyUsdBySubscribers: totals,
    nonSesBySubscribers: nonSes,
    privateFeedsBySubscribers: feedTotals,
  }),
);
