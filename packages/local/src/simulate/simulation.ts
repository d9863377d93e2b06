/**
 * Days of service in one run: the real handlers (the code Lambda runs) on the embedded stand-ins,
 * under a simulated clock, against a replayed upstream world, with people subscribing, changing
 * their minds, leaving and bouncing, and with faults injected. Everything happens in one process,
 * one event at a time in time order, so a seed gives the same run.
 *
 * Wiring follows the stack: EventBridge Scheduler fires ingest and plan-digests at the config's cron
 * times in the owner's time zone (retried twice on failure); ingest starts publish asynchronously
 * when anything changed (retried twice); plan-digests stores the day's jobs in the table and starts
 * send-digests asynchronously (retried twice when it fails or dies), which sends them at the SES rate
 * holding the send lease; a job whose attempt failed waits for its retry time, modelled as a later
 * invocation of the sender; SES events reach ses-events as SNS events.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsCommand } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDigestJobStore, currentFunction, ensureTable, onAwsCall, type AwsCall } from '@paperboy/aws';
import {
  addDays,
  compareNewestDayFirst,
  dayInZone,
  fireTimes,
  followMatcher,
  privateFeedWindow,
  normaliseTitle,
  parseOwnerConfig,
  resolveConfig,
  seededBytes,
  seededRandom,
  seededStream,
  isWeekend,
  type Clock,
  type DigestJob,
  type EmailMessage,
  type Mailer,
  type Paper,
} from '@paperboy/core';
import { decodeHTML } from 'entities';
import { anchorId, paperGuid } from '@paperboy/feeds';
import { buildRuntime, type Runtime } from '../../../../functions/commons/runtime.js';
import { makeHandler as makeIngest } from '../../../../functions/ingest/index.js';
import { makeHandler as makePublish } from '../../../../functions/publish/index.js';
import { makeHandler as makePlan } from '../../../../functions/plan-digests/index.js';
import { makeHandler as makeSend } from '../../../../functions/send-digests/index.js';
import { makeHandler as makeSubscriptions } from '../../../../functions/subscriptions/index.js';
import { makeHandler as makeSesEvents } from '../../../../functions/ses-events/index.js';
import { scheduledInvocation, sesEventBridgeEventOf } from '../../../../functions/commons/events.js';
import { startOrAttach } from '../services.js';
import { LOCAL_DISTRIBUTION_ID, throughEdge } from '../edge.js';
import { apiEvent } from '../api-event.js';
import { LocalSignupQueue } from '../signup-queue.js';
import { checkLinks } from './link-check.js';
import { startWorld, type World } from './world.js';
import { deniedCalls } from '../../../../infra/check/iam.js';

export interface SimulationOptions {
  days: number;
  subscribers: number;
  seed: number;
  faults: boolean;
  /** First calendar day; by default one that puts the end of summer time (last Sunday of October) inside the run. */
  firstDay?: string;
  /** Progress lines (not part of the result). */
  log?: (line: string) => void;
}

export interface DayFigures {
  day: string;
  listed: number;
  stored: number;
  emails: number;
  awsRequests: number;
  costUsd: number;
}

export interface Check {
  name: string;
  value: number;
  /** What the value must be for the run to pass. */
  want: number | 'any';
  detail: string[];
}

export interface SimulationResult {
  options: Required<Omit<SimulationOptions, 'log'>>;
  days: DayFigures[];
  checks: Check[];
  faults: Record<string, number>;
  /** SHA-256 of every email sent, in order (recipient, subject, bodies, headers): equal for equal seeds. */
  outbox: string;
  ok: boolean;
}

const TIME_ZONE = 'Europe/Berlin';
const SITE_URL = 'https://papers.example.org/';
const SENDER = 'paperboy <digest@papers.example.org>';
/** Stack settings the simulation follows (infra/lib/app-stack.ts). */
const ASYNC_RETRIES = 2;

/** The first Monday two weeks before the last Sunday of October of `year` (so a run of 14+ days crosses it). */
function defaultFirstDay(days: number): string {
  // 2026-10-25 is the last Sunday of October 2026: start so that the change falls in the middle of the run.
  return addDays('2026-10-25', -Math.max(1, Math.floor(days / 2)));
}

/** A clock the simulation moves. */
class SimClock implements Clock {
  constructor(private t: number) {}
  now(): Date {
    return new Date(this.t);
  }
  set(at: Date): void {
    if (at.getTime() > this.t) this.t = at.getTime();
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

/** A crash: the invocation stops where it is, as when Lambda kills it; nothing after runs. */
class Crash extends Error {
  override name = 'SimulatedCrash';
}

interface Event {
  at: number;
  seq: number;
  what: string;
  run(): Promise<void>;
}

interface SentMail {
  at: string;
  to: string;
  subject: string;
  digest: boolean;
  message: EmailMessage;
}

interface Person {
  email: string;
  sourceIp: string;
  topics: string[];
  frequency: 'daily' | 'weekly';
  confirms: boolean;
  /** What happens to them later, if anything. */
  fate: 'stays' | 'changes' | 'unsubscribes' | 'bounces' | 'complains';
  subscribedAt?: string;
  confirmedAt?: string;
  /** When mail to them must stop: one-click unsubscribe, hard bounce or complaint. */
  stoppedAt?: string;
  changedAt?: string;
  /** Keyword phrases and authors they follow (set on the preferences page, reached from "already subscribed"). */
  keywords?: string[];
  authors?: string[];
  /** What they follow from when on: a digest is checked against the follows in force when it was sent. */
  follows?: { at: string; topics: string[]; keywords: string[]; authors: string[] }[];
  /** What they will follow once confirmed, besides or instead of the topics they signed up with, and their follow-ups. */
  wants?: { topics: string[]; keywords: string[]; authors: string[]; followUps: 'off' | 'digest' | 'always' };
  /** Their private feed (JSON Feed URL) as the last digest or the preferences page gave it, and since when. */
  feedUrl?: string;
  feedFrom?: string;
  /** Feed URLs they replaced with a new one: each must answer 404 or 410 from then on. */
  revokedFeeds: string[];
}

/**
 * People who follow keyword phrases and authors, added to every run: one a keyword only, one authors only,
 * one topics, a keyword and an author. The corpus has these phrases and names on several days.
 */
const FOLLOWERS: { topics: string[]; keywords: string[]; authors: string[]; followUps: 'off' | 'digest' | 'always' }[] = [
  { topics: [], keywords: ['world model*', 'reinforcement learning'], authors: [], followUps: 'always' },
  { topics: [], keywords: [], authors: ['Ziwei Liu', 'N. Duan', 'Cihang Xie'], followUps: 'off' },
  { topics: ['vision'], keywords: ['diffusion'], authors: ['Yang Liu'], followUps: 'digest' },
];

export async function simulate(options: SimulationOptions): Promise<SimulationResult> {
  const log = options.log ?? (() => {});
  const firstDay = options.firstDay ?? defaultFirstDay(options.days);
  const lastDay = addDays(firstDay, options.days - 1);
  const random = seededRandom(options.seed);
  const dataDir = await mkdtemp(join(tmpdir(), 'paperboy-sim-'));
  const services = await startOrAttach(dataDir);
  const world = await startWorld({ seed: options.seed, firstDay, days: options.days, faults: options.faults });
  const calls: (AwsCall & { day: string })[] = [];
  let stopListening = () => {};
  try {
    // --- Config, as the owner would write it for this deployment ----------------------------------
    const owner = parseOwnerConfig(
      {
        site: { title: 'paperboy simulation', description: 'Thirty days of service', url: SITE_URL },
        sources: [
          { id: 'hf', kind: 'hf-daily', name: 'Hugging Face Daily Papers', url: world.hfUrl, run: 'cloud', lookbackDays: 3, pageSize: 50, retries: 3, timeoutMs: 10_000 },
          { id: 'arxiv-rss', kind: 'arxiv-rss', name: 'arXiv announcements', url: world.arxivRssUrl, categories: world.arxivCategories, run: 'cloud', retries: 3, timeoutMs: 10_000 },
        ],
        schedule: { timezone: TIME_ZONE, ingest: 'cron(0 6 * * ? *)', digest: 'cron(0 7 * * ? *)' },
        mail: { from: SENDER },
        // A low trending line, so follow-ups ("now trending") happen within a week of the corpus's upvotes.
        digest: { maxPapers: 10, windowDays: 7, weeklyDay: 'MON', sendWhenEmpty: false, sendRatePerSecond: 14, trendingUpvotes: 25 },
        feeds: { maxItems: 50 },
      },
      'simulation config',
    );
    const configFile = join(dataDir, 'paperboy.config.json');
    await writeFile(configFile, JSON.stringify(owner));
    const table = 'paperboy-sim';
    const bucket = 'paperboy-sim-site';
    const base = resolveConfig(owner, { PAPERBOY_RUN: 'cloud', AWS_REGION: 'us-east-1', PAPERBOY_TABLE_NAME: table, PAPERBOY_BUCKET_NAME: bucket, PAPERBOY_SITE_URL: SITE_URL }, configFile, dataDir);
    const seedHex = (options.seed >>> 0).toString(16).padStart(8, '0');
    // The private feeds are read through the local edge, which the handlers invalidate through the CloudFront stand-in.
    const config = { ...base, hmacSecret: `simulation-secret-${seedHex}-${'s'.repeat(32)}`, endpoints: services.endpoints, distributionId: LOCAL_DISTRIBUTION_ID };

    // --- Clock, randomness, crash points, recorded mail -------------------------------------------
    const start = new Date(`${firstDay}T00:00:00Z`).getTime() - 2 * 3600_000; // local midnight of day 1 (UTC+1/+2)
    const clock = new SimClock(start);
    const randomBytes = seededBytes(options.seed ^ 0x5eed);
    let kill: ((error: Crash) => void) | undefined;
    const crashPoints = { dynamoWrites: -1, s3Puts: -1, afterSesSend: false };
    const hang = () => new Promise<never>(() => {});
    const crash = (what: string): Promise<never> => {
      kill?.(new Crash(what));
      return hang();
    };

    const sent: SentMail[] = [];
    /** Recipients of digests SES accepted just before a crash, before the ledger recorded them. */
    const crashedSends: string[] = [];
    const probe: { mailer?: Mailer } = {};
    const mailer: Mailer = {
      send: async (message) => {
        const out = await probe.mailer!.send(message);
        const digest = Boolean(message.headers?.['List-Unsubscribe']);
        sent.push({ at: clock.now().toISOString(), to: message.to, subject: message.subject, digest, message });
        if (digest && crashPoints.afterSesSend) {
          crashPoints.afterSesSend = false;
          crashedSends.push(message.to);
          return crash('after SES accepted a digest, before the ledger recorded it');
        }
        return out;
      },
    };
    const ses = buildRuntime(config).mailer;
    probe.mailer = ses;
    const rt: Runtime = buildRuntime(config, { clock, logger: { info() {}, warn() {}, error() {} }, randomBytes, mailer });
    await ensureTable(new DynamoDBClient({ region: 'us-east-1', endpoint: services.endpoints.dynamodb, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }), table);
    await rt.clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));

    // Crash points: the Nth write of an armed invocation never returns.
    const writes = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'PutCommand', 'UpdateCommand', 'DeleteCommand', 'BatchWriteCommand']);
    rt.clients.dynamo.middlewareStack.add(
      (next, context) => async (args) => {
        if (crashPoints.dynamoWrites > 0 && currentFunction() === 'ingest' && writes.has(context.commandName ?? '') && --crashPoints.dynamoWrites === 0) return crash('in the middle of ingest');
        return next(args);
      },
      { step: 'initialize', name: 'simulationCrashPoint' },
    );
    rt.clients.s3.middlewareStack.add(
      (next, context) => async (args) => {
        if (crashPoints.s3Puts > 0 && currentFunction() === 'publish' && context.commandName === 'PutObjectCommand' && --crashPoints.s3Puts === 0) return crash('in the middle of publish');
        return next(args);
      },
      { step: 'initialize', name: 'simulationCrashPoint' },
    );

    stopListening = onAwsCall((call) => calls.push({ ...call, day: dayInZone(clock.now(), TIME_ZONE) }));

    // --- Handlers, as deployed ---------------------------------------------------------------------
    const events: Event[] = [];
    let seq = 0;
    const at = (when: number, what: string, run: () => Promise<void>) => events.push({ at: when, seq: seq++, what, run });
    const end = new Date(`${addDays(lastDay, 1)}T00:00:00Z`).getTime() - 1 * 3600_000 + 6.5 * 3600_000; // the morning after the last day
    const violations: Record<string, string[]> = { failedInvocations: [], givenUp: [], health: [] };
    const outcomes: Record<string, number> = {};
    const jobs: { job: DigestJob; at: string }[] = [];

    /** Runs one invocation; a crash ends it where it stands, an error fails it. */
    async function invoke<T>(what: string, body: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: Error }> {
      const killed = new Promise<never>((_resolve, reject) => (kill = reject));
      try {
        return { ok: true, value: await Promise.race([body(), killed]) };
      } catch (error) {
        log(`  ${clock.now().toISOString()} ${what} failed: ${(error as Error).message}`);
        return { ok: false, error: error as Error };
      } finally {
        kill = undefined;
      }
    }

    // What readers must be told about the sources, from what the last ingest saw: Hugging Face failing (its
    // fault day's run answers 500), or arXiv with no listing on a weekday. Unknown after a crashed ingest.
    const health = { known: false, hfFailed: false, arxivQuietDay: '', checked: 0, checkedFailing: 0, checkedQuiet: 0 };
    const HF_FAILING = 'Hugging Face Daily Papers could not be reached';
    const ARXIV_FAILING = 'arXiv announcements could not be reached';
    const ARXIV_QUIET = ['arXiv announcements published no listing today (a holiday).', 'arXiv announcements has brought no new papers'];
    const occurrences = (text: string, needle: string) => text.split(needle).length - 1;
    /** Checks one published page, feed or email against what readers must be told now. */
    const checkHealth = (where: string, body: string, expectQuiet: boolean) => {
      if (!health.known) return;
      health.checked++;
      if (health.hfFailed) health.checkedFailing++;
      if (expectQuiet) health.checkedQuiet++;
      const text = decodeHTML(body);
      const failing = occurrences(text, HF_FAILING);
      if (failing !== (health.hfFailed ? 1 : 0)) violations['health']!.push(`${clock.now().toISOString()} ${where}: the Hugging Face failure sentence ${failing} times, want ${health.hfFailed ? 1 : 0}`);
      if (text.includes(ARXIV_FAILING)) violations['health']!.push(`${clock.now().toISOString()} ${where}: arXiv called unreachable though it answered`);
      const quiet = ARXIV_QUIET.some((s) => text.includes(s));
      if (expectQuiet && !quiet) violations['health']!.push(`${clock.now().toISOString()} ${where}: no sentence for arXiv's empty weekday`);
    };
    const publish = makePublish(rt);
    let publishPending = false;
    let publishedWindow: Paper[] = [];
    const runPublish = (attempt: number) => async () => {
      publishPending = false;
      const result = await invoke('publish', () => publish());
      if (result.ok) {
        // What the private feeds must now select from: the window this publish published (invalidated behind it).
        publishedWindow = await privateFeedWindow(rt.papers, rt.config.owner.feeds.maxItems);
        const quiet = health.arxivQuietDay === dayInZone(clock.now(), TIME_ZONE);
        checkHealth('home page', (await rt.objects.get('index.html')) ?? '', quiet);
        checkHealth('feeds/all.xml', (await rt.objects.get('feeds/all.xml')) ?? '', quiet);
      }
      if (!result.ok) {
        if (attempt < ASYNC_RETRIES) at(clock.now().getTime() + 60_000 * (attempt + 1), 'publish retry', runPublish(attempt + 1));
        else violations['failedInvocations']!.push(`publish at ${clock.now().toISOString()}: ${result.error.message}`);
      }
    };
    const ingest = makeIngest(rt, {
      sleep: async (ms) => clock.advance(ms),
      random: seededStream(options.seed, 'retry-jitter'),
      triggerPublish: async () => {
        if (publishPending) return;
        publishPending = true;
        at(clock.now().getTime() + 1000, 'publish', runPublish(0));
      },
    });
    const runIngest = (scheduled: Date, attempt: number) => async () => {
      world.setNow(clock.now());
      const result = await invoke('ingest', () => ingest(scheduledInvocation('ingest', scheduled)));
      health.known = result.ok;
      if (result.ok) {
        const hf = result.value.sources.find((r) => r.source === 'hf');
        const arxiv = result.value.sources.find((r) => r.source === 'arxiv-rss');
        if (hf) health.hfFailed = Boolean(hf.error);
        const today = dayInZone(clock.now(), TIME_ZONE);
        if (arxiv && !arxiv.error && !arxiv.health?.notModified) health.arxivQuietDay = arxiv.fetched === 0 && !isWeekend(today) ? today : '';
      }
      if (!result.ok) {
        if (attempt < ASYNC_RETRIES) at(clock.now().getTime() + 60_000 * (attempt + 1), 'ingest retry', runIngest(scheduled, attempt + 1));
        else violations['failedInvocations']!.push(`ingest at ${scheduled.toISOString()}: ${result.error.message}`);
      }
    };

    // The jobs go to the table, as in the cloud; the simulation also notes what each plan stored.
    const jobStore = new DynamoDigestJobStore(rt.clients.dynamo, table);
    const planning: DigestJob[] = [];
    let sendScheduled = false;
    const plan = makePlan(rt, {
      jobs: { add: async (list) => (planning.push(...list), jobStore.add(list)) },
      startSender: async () => startSender(clock.now().getTime() + 1000, 0),
    });
    // One job at a time, and waits that move the simulated clock, so a seed repeats exactly. A sender that
    // would sleep until a failed job's retry time is modelled as a later invocation, so the world goes on meanwhile.
    const send = makeSend(rt, {
      workers: 1,
      sleep: async (ms) => clock.advance(ms),
      waitForDeferred: false,
      onOutcome: (o) => (outcomes[o] = (outcomes[o] ?? 0) + 1),
    });
    function startSender(when: number, attempt: number): void {
      if (attempt === 0 && sendScheduled) return;
      sendScheduled = true;
      at(when, attempt ? 'send-digests retry' : 'send-digests', async () => {
        sendScheduled = false;
        const before = sent.length;
        const result = await invoke('send-digests', () => send({ reason: 'planned' }));
        const quiet = health.arxivQuietDay === dayInZone(clock.now(), TIME_ZONE);
        for (const m of sent.slice(before)) if (m.digest) checkHealth(`digest to ${m.to}`, m.message.text, quiet);
        if (!result.ok) {
          // Lambda retries a failed (or killed) asynchronous invocation twice, a minute and two minutes later.
          if (attempt < ASYNC_RETRIES) startSender(clock.now().getTime() + 60_000 * (attempt + 1), attempt + 1);
          else violations['failedInvocations']!.push(`send-digests at ${clock.now().toISOString()}: ${result.error.message}`);
          return;
        }
        if (result.value.stop === 'waiting' && result.value.nextDueAt !== undefined) startSender(result.value.nextDueAt, 0);
      });
    }
    const runPlan = (scheduled: Date, attempt: number) => async () => {
      planning.length = 0;
      const result = await invoke('plan-digests', () => plan(scheduledInvocation('digest', scheduled)));
      if (!result.ok) {
        if (attempt < ASYNC_RETRIES) at(clock.now().getTime() + 60_000 * (attempt + 1), 'plan retry', runPlan(scheduled, attempt + 1));
        else violations['failedInvocations']!.push(`plan-digests at ${scheduled.toISOString()}: ${result.error.message}`);
        return;
      }
      for (const job of planning.splice(0)) jobs.push({ job, at: clock.now().toISOString() });
    };

    for (const t of fireTimes(owner.schedule.ingest, TIME_ZONE, new Date(start), new Date(end))) at(t.getTime(), 'ingest', runIngest(t, 0));
    for (const t of fireTimes(owner.schedule.digest, TIME_ZONE, new Date(start), new Date(end))) at(t.getTime(), 'plan-digests', runPlan(t, 0));

    // --- Faults in the code's own path: crashes, one of each kind, on seed-chosen days -------------
    const faults: Record<string, number> = {};
    if (options.faults) {
      const day = (k: number) => Math.min(options.days - 1, 1 + Math.floor(random() * Math.max(1, options.days - 2)) + k) % options.days;
      const localNine = (d: number) => new Date(`${addDays(firstDay, d)}T00:00:00Z`).getTime() + 4 * 3600_000; // before 06:00 local
      at(localNine(day(0)), 'arm ingest crash', async () => {
        crashPoints.dynamoWrites = 7;
        faults['crash mid-ingest'] = (faults['crash mid-ingest'] ?? 0) + 1;
      });
      at(localNine(day(1)), 'arm publish crash', async () => {
        crashPoints.s3Puts = 5;
        faults['crash mid-publish'] = (faults['crash mid-publish'] ?? 0) + 1;
      });
      at(localNine(day(2)), 'arm send crash', async () => {
        crashPoints.afterSesSend = true;
        faults['crash after SES accepted'] = (faults['crash after SES accepted'] ?? 0) + 1;
      });
    }

    // --- People --------------------------------------------------------------------------------------
    const subscriptions = makeSubscriptions(rt, new LocalSignupQueue(rt));
    const sesEvents = makeSesEvents(rt);
    const topics = rt.config.taxonomy.topics.map((t) => t.slug);
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
    const people: Person[] = [];
    const span = end - start;
    for (let i = 0; i < options.subscribers; i++) {
      const chosen = [...new Set([pick(topics), pick(topics), pick(topics)].slice(0, 1 + Math.floor(random() * 3)))];
      const roll = random();
      const person: Person = {
        email: `reader-${i}@readers.example.net`,
        sourceIp: `198.51.100.${(i % 250) + 1}`,
        topics: chosen,
        frequency: random() < 0.8 ? 'daily' : 'weekly',
        confirms: random() < 0.9,
        fate: roll < 0.7 ? 'stays' : roll < 0.82 ? 'changes' : roll < 0.92 ? 'unsubscribes' : roll < 0.96 ? 'bounces' : 'complains',
        revokedFeeds: [],
      };
      people.push(person);
      // Most join early; some join along the way.
      const joinAt = start + Math.floor((random() < 0.6 ? random() * 0.1 : random() * 0.6) * span);
      at(joinAt, `subscribe ${person.email}`, () => signUp(person));
    }
    FOLLOWERS.forEach((wants, i) => {
      const person: Person = {
        email: `follower-${i}@readers.example.net`,
        sourceIp: `198.51.100.${251 + i}`,
        // The sign-up form asks for a topic; the preferences page then sets what they follow.
        topics: [wants.topics[0] ?? 'llm'],
        frequency: 'daily',
        confirms: true,
        fate: 'stays',
        revokedFeeds: [],
        wants,
      };
      people.push(person);
      at(start + (i + 1) * 3_600_000, `subscribe ${person.email}`, () => signUp(person));
    });
    // Behind CloudFront: API Gateway sees the edge's address, the visitor's comes in CloudFront-Viewer-Address.
    const api = (method: string, url: string, person: Person, body?: string, contentType = 'application/json') =>
      apiEvent(method, url, { body, contentType, base: SITE_URL, sourceIp: '130.176.0.1', viewerAddress: `${person.sourceIp}:443`, at: clock.now() });
    const mailTo = (person: Person, digest: boolean) => sent.filter((m) => m.to === person.email && m.digest === digest);
    const linkIn = (message: EmailMessage, path: string) => new RegExp(`${SITE_URL.replace(/[.]/g, '\\.')}api/${path}\\?token=[A-Za-z0-9._~%-]+`).exec(message.text)?.[0];

    async function signUp(person: Person): Promise<void> {
      const answer = await subscriptions(api('POST', 'api/subscribe', person, JSON.stringify({ email: person.email, topics: person.topics, frequency: person.frequency })));
      if (answer.statusCode !== 202) throw new Error(`sign-up of ${person.email} answered ${answer.statusCode}`);
      person.subscribedAt = clock.now().toISOString();
      if (!person.confirms) return;
      at(clock.now().getTime() + (5 + Math.floor(random() * 120)) * 60_000, `confirm ${person.email}`, async () => {
        const confirmation = mailTo(person, false).at(-1);
        const link = confirmation && linkIn(confirmation.message, 'confirm');
        if (!link) throw new Error(`no confirmation link reached ${person.email}`);
        // The link opens a page with a Confirm button (a link scanner's GET confirms nothing); the button posts the token.
        const page = await subscriptions(api('GET', link, person));
        const token = /<input type="hidden" name="token" value="([A-Za-z0-9_-]+)">/.exec(page.body ?? '')?.[1];
        if (page.statusCode !== 200 || !token) throw new Error(`the confirm page for ${person.email} answered ${page.statusCode} without a Confirm form`);
        const answer = await subscriptions(api('POST', 'api/confirm', person, new URLSearchParams({ token }).toString(), 'application/x-www-form-urlencoded'));
        if (answer.statusCode !== 200) throw new Error(`confirming ${person.email} answered ${answer.statusCode}`);
        person.confirmedAt = clock.now().toISOString();
        person.follows = [{ at: person.confirmedAt, topics: person.topics, keywords: [], authors: [] }];
        if (person.wants) at(clock.now().getTime() + 10 * 60_000, `follow ${person.email}`, () => follow(person));
        if (person.fate !== 'stays') at(clock.now().getTime() + Math.floor((1 + random() * 8) * 86_400_000), `${person.fate} ${person.email}`, () => later(person));
      });
    }

    /**
     * Signs up again, which mails the "already subscribed" note with the preferences link, and there sets the
     * keyword phrases and authors (textareas, one a line) with the topics they want.
     */
    async function follow(person: Person): Promise<void> {
      const again = await subscriptions(api('POST', 'api/subscribe', person, JSON.stringify({ email: person.email, topics: person.topics, frequency: person.frequency })));
      if (again.statusCode !== 202) throw new Error(`the second sign-up of ${person.email} answered ${again.statusCode}`);
      const note = mailTo(person, false).at(-1);
      const link = note && linkIn(note.message, 'preferences');
      if (!link) throw new Error(`no preferences link reached ${person.email}`);
      const wants = person.wants!;
      const form = new URLSearchParams([
        ...wants.topics.map((t) => ['topics', t]),
        ['keywords', wants.keywords.join('\n')],
        ['authors', wants.authors.join('\n')],
        ['frequency', person.frequency],
        ['followUps', wants.followUps],
      ]).toString();
      const answer = await subscriptions(api('POST', link, person, form, 'application/x-www-form-urlencoded'));
      if (answer.statusCode !== 200) throw new Error(`setting the follows of ${person.email} answered ${answer.statusCode}`);
      Object.assign(person, { topics: wants.topics, keywords: wants.keywords, authors: wants.authors });
      person.follows!.push({ at: clock.now().toISOString(), topics: wants.topics, keywords: wants.keywords, authors: wants.authors });
    }

    async function later(person: Person): Promise<void> {
      const digest = mailTo(person, true).at(-1);
      if (!digest) {
        // Nothing to act on yet: try again after the next digest.
        if (clock.now().getTime() < end - 86_400_000) at(clock.now().getTime() + 86_400_000, `${person.fate} ${person.email}`, () => later(person));
        return;
      }
      if (person.fate === 'changes') {
        const link = linkIn(digest.message, 'preferences');
        if (!link) throw new Error(`no preferences link in the digest to ${person.email}`);
        const next = [...new Set([...person.topics.slice(1), pick(topics)])];
        const frequency = person.frequency === 'daily' && random() < 0.3 ? 'weekly' : person.frequency;
        // They also ask for follow-ups (code released, now trending) in their digests.
        const form = new URLSearchParams([...next.map((t) => ['topics', t]), ['frequency', frequency], ['followUps', 'digest']]).toString();
        const answer = await subscriptions(api('POST', link, person, form, 'application/x-www-form-urlencoded'));
        if (answer.statusCode !== 200) throw new Error(`changing preferences of ${person.email} answered ${answer.statusCode}`);
        Object.assign(person, { topics: next, frequency, changedAt: clock.now().toISOString() });
        person.follows?.push({ at: clock.now().toISOString(), topics: next, keywords: [], authors: [] });
      } else if (person.fate === 'unsubscribes') {
        const target = /<([^>]+)>/.exec(digest.message.headers?.['List-Unsubscribe'] ?? '')?.[1];
        if (!target) throw new Error(`no List-Unsubscribe in the digest to ${person.email}`);
        const answer = await subscriptions(api('POST', target, person, 'List-Unsubscribe=One-Click', 'application/x-www-form-urlencoded'));
        if (answer.statusCode !== 200) throw new Error(`one-click unsubscribe of ${person.email} answered ${answer.statusCode}`);
        person.stoppedAt = clock.now().toISOString();
      } else {
        const now = clock.now().toISOString();
        const mail = { timestamp: now, messageId: `sim-${seq}`, source: SENDER, destination: [person.email] };
        const message =
          person.fate === 'bounces'
            ? { eventType: 'Bounce' as const, mail, bounce: { bounceType: 'Permanent' as const, bounceSubType: 'General', bouncedRecipients: [{ emailAddress: person.email }], timestamp: now } }
            : { eventType: 'Complaint' as const, mail, complaint: { complainedRecipients: [{ emailAddress: person.email }], timestamp: now, complaintFeedbackType: 'abuse' } };
        await sesEvents(sesEventBridgeEventOf(message));
        person.stoppedAt = now;
      }
    }

    // --- Private feeds: half the readers poll theirs twice a day; every sixth asks for a new address once ---
    const feedReaders = people.filter((_, i) => i % 2 === 0);
    const feedLink = (text: string) => /^JSON Feed: (\S+)$/m.exec(text)?.[1];
    const feedState = { reads: 0, revoked: 0, endedReads: 0 };
    // A reader's poll, as the distribution answers it: from the edge's copy, or from the function.
    const poll = async (url: string, person: Person) => {
      const answer = await throughEdge(services.edge, { url: new URL(url, SITE_URL), method: 'GET', now: clock.now() }, async (origin) => {
        const result = await subscriptions(api('GET', origin.toString(), person));
        return { status: result.statusCode ?? 200, headers: {}, body: result.body ?? '' };
      });
      return { statusCode: answer.status, body: answer.body };
    };
    async function readFeeds(): Promise<void> {
      const window = publishedWindow;
      for (const [i, person] of feedReaders.entries()) {
        const digest = mailTo(person, true).filter((m) => m.at > (person.feedFrom ?? '')).at(-1);
        const linked = digest && feedLink(digest.message.text);
        if (linked) {
          if (person.feedUrl && linked !== person.feedUrl) violations['privateFeeds']!.push(`${person.email}: the digest of ${digest.at} links a new feed URL though none was revoked`);
          person.feedUrl = linked;
          person.feedFrom = digest.at;
        }
        for (const old of person.revokedFeeds) {
          feedState.endedReads++;
          const answer = await poll(old, person);
          if (answer.statusCode !== 404 && answer.statusCode !== 410) violations['endedFeeds']!.push(`${person.email}: a revoked feed answered ${answer.statusCode} at ${clock.now().toISOString()}`);
        }
        if (!person.feedUrl) continue;
        const answer = await poll(person.feedUrl, person);
        feedState.reads++;
        if (person.stoppedAt) {
          feedState.endedReads++;
          if (answer.statusCode !== 404 && answer.statusCode !== 410) violations['endedFeeds']!.push(`${person.email}: the feed answered ${answer.statusCode} after ${person.fate} at ${person.stoppedAt}`);
          continue;
        }
        const subscriber = await rt.subscribers.findByEmail(person.email);
        if (answer.statusCode !== 200 || !subscriber) {
          violations['privateFeeds']!.push(`${person.email}: the feed answered ${answer.statusCode} at ${clock.now().toISOString()}`);
          continue;
        }
        // What the digest logic selects from the same papers: followMatcher over the window the last publish published.
        const matcher = followMatcher(subscriber);
        const want = window.filter((p) => matcher.matches(p)).sort(compareNewestDayFirst).map((p) => paperGuid(p.id));
        const got = (JSON.parse(answer.body ?? '{}') as { items?: { id: string }[] }).items?.map((item) => item.id) ?? [];
        if (JSON.stringify(got) !== JSON.stringify(want)) violations['privateFeeds']!.push(`${person.email} at ${clock.now().toISOString()}: feed [${got.join(' ')}] but the selection is [${want.join(' ')}]`);
        // Every sixth reader replaces the address once, from the preferences page of their last digest.
        if (i % 3 === 0 && person.revokedFeeds.length === 0 && digest) {
          const prefs = linkIn(digest.message, 'preferences');
          if (!prefs) continue;
          const page = await subscriptions(api('POST', prefs, person, 'action=new-feed-url', 'application/x-www-form-urlencoded'));
          const fresh = /href="([^"]+format=json)"/.exec(page.body ?? '')?.[1];
          if (page.statusCode !== 200 || !fresh) {
            violations['privateFeeds']!.push(`${person.email}: asking for a new feed address answered ${page.statusCode}`);
            continue;
          }
          person.revokedFeeds.push(person.feedUrl);
          feedState.revoked++;
          person.feedUrl = fresh;
          person.feedFrom = clock.now().toISOString();
        }
      }
    }
    violations['privateFeeds'] = [];
    violations['endedFeeds'] = [];
    // Twice a day: the afternoon poll of an unchanged feed is the edge's copy, unless a change since invalidated it.
    for (let d = 0; d <= options.days; d++) {
      at(new Date(`${addDays(firstDay, d)}T11:00:00Z`).getTime(), 'read private feeds', readFeeds);
      at(new Date(`${addDays(firstDay, d)}T17:00:00Z`).getTime(), 'read private feeds', readFeeds);
    }

    // --- Run -----------------------------------------------------------------------------------------
    let lastDayLogged = '';
    const errors: string[] = [];
    while (events.length) {
      events.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const event = events.shift()!;
      if (event.at > end) break;
      clock.set(new Date(event.at));
      world.setNow(clock.now());
      const today = dayInZone(clock.now(), TIME_ZONE);
      if (today !== lastDayLogged) log(`day ${today}`);
      lastDayLogged = today;
      try {
        await event.run();
      } catch (error) {
        errors.push(`${clock.now().toISOString()} ${event.what}: ${(error as Error).message}`);
      }
    }
    stopListening();
    for (const job of await jobStore.failed()) violations['givenUp']!.push(`${job.subscriberId} ${job.period} after ${job.attempts} attempts: ${job.error}`);

    // --- What the run left behind ----------------------------------------------------------------------
    const stored: Paper[] = [];
    for await (const p of rt.papers.scanAll()) stored.push(p);
    const objects = new Map<string, { contentType: string; body: string }>();
    // ListObjects (v1) paged by Marker: s3rver answers any truncated ListObjectsV2 (past 1,000 keys, or
    // with MaxKeys) with an InternalError (measured with 1,005 keys; v1 with a Marker pages them right).
    let after: string | undefined;
    let truncated = true;
    while (truncated) {
      const page = await rt.clients.s3.send(new ListObjectsCommand({ Bucket: bucket, Marker: after }));
      for (const o of page.Contents ?? []) {
        const got = await rt.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key! }));
        objects.set(o.Key!, { contentType: got.ContentType ?? '', body: await got.Body!.transformToString() });
        after = o.Key!;
      }
      truncated = page.IsTruncated === true && (page.Contents?.length ?? 0) > 0;
    }

    return {
      options: { days: options.days, subscribers: options.subscribers, seed: options.seed, faults: options.faults, firstDay },
      ...(await judge({ rt, world, firstDay, days: options.days, stored, objects, sent, crashedSends, people, jobs, calls, violations, healthChecked: health, errors, outcomes, configFile, owner, feedReads: feedState.reads, feedsRevoked: feedState.revoked, endedFeedReads: feedState.endedReads, feedOriginReads: services.edge?.stats.misses ?? feedState.reads + feedState.endedReads })),
      faults: { ...faults, ...world.faultsServed() },
      outbox: createHash('sha256').update(JSON.stringify(sent.map((m) => [m.at, m.message]))).digest('hex'),
    };
  } finally {
    stopListening();
    await world.stop();
    await services.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

interface Evidence {
  rt: Runtime;
  world: World;
  firstDay: string;
  days: number;
  stored: Paper[];
  objects: Map<string, { contentType: string; body: string }>;
  sent: SentMail[];
  crashedSends: string[];
  people: Person[];
  jobs: { job: DigestJob; at: string }[];
  calls: (AwsCall & { day: string })[];
  violations: Record<string, string[]>;
  /** Pages, feeds and digests whose health sentences were checked: all, while Hugging Face failed, on arXiv's empty weekdays. */
  healthChecked: { checked: number; checkedFailing: number; checkedQuiet: number };
  errors: string[];
  outcomes: Record<string, number>;
  configFile: string;
  owner: ReturnType<typeof parseOwnerConfig>;
  /** Private feed reads by the simulated readers, feeds they replaced, and reads of replaced or ended feeds. */
  feedReads: number;
  /** Polls the edge passed to the function: the rest were answered from its copy. */
  feedOriginReads: number;
  feedsRevoked: number;
  endedFeedReads: number;
}

/** The invariants, checked on what the run left behind. */
async function judge(e: Evidence): Promise<{ days: DayFigures[]; checks: Check[]; ok: boolean }> {
  const checks: Check[] = [];
  const check = (name: string, detail: string[], want: number | 'any' = 0, value = detail.length) => checks.push({ name, value, want, detail });
  const days = Array.from({ length: e.days }, (_v, i) => addDays(e.firstDay, i));

  // 1. Listed upstream = stored = reachable on the site = in the feeds that cover its day.
  const byArxiv = new Map(e.stored.filter((p) => p.arxivId).map((p) => [p.arxivId!, p]));
  const byTitle = new Map(e.stored.map((p) => [normaliseTitle(p.title), p]));
  const listed = days.flatMap((day) => e.world.listed(day).map((item) => ({ ...item, day })));
  const found = listed.map((item) => ({ item, paper: (item.arxivId && byArxiv.get(item.arxivId)) || byTitle.get(normaliseTitle(item.title)) }));
  const missing = found.filter((f) => !f.paper).map((f) => `${f.item.day} ${f.item.source}: ${f.item.arxivId ?? ''} ${f.item.title}`);
  const reachable = reachableAnchors(e.objects);
  const unreachable = found.filter((f) => f.paper && !reachable.has(anchorId(f.paper.id))).map((f) => `${f.paper!.listedOn} ${f.paper!.id}`);
  const notInFeeds = feedGaps(e.objects, e.stored);
  const listedIds = new Set(found.flatMap((f) => (f.paper ? [f.paper.id] : [])));
  check('papers listed upstream', [], 'any', listedIds.size + missing.length);
  check('listed but not stored', missing);
  check('stored but not reachable on the site', unreachable);
  check('missing from a feed that covers its day', notInFeeds);

  // 2. Each due digest exactly once; no paper mailed twice to one person.
  const ledger = await digestLedger(e);
  const duplicates: string[] = [];
  const mailedTwice: string[] = [];
  // SES has no idempotency key: a digest SES accepted just before a crash, unrecorded, goes again once its
  // claim's lease runs out. That residual is measured on its own; any other extra email is a duplicate.
  let residual = 0;
  for (const person of e.people) {
    const digests = e.sent.filter((m) => m.to === person.email && m.digest);
    const periods = ledger.get(person.email) ?? [];
    const sentPeriods = periods.filter((p) => p.status === 'sent');
    const extra = digests.length - sentPeriods.length;
    const explained = Math.min(Math.max(0, extra), e.crashedSends.filter((to) => to === person.email).length);
    residual += explained;
    if (extra > explained) duplicates.push(`${person.email}: ${digests.length} digests for ${sentPeriods.length} periods`);
    const seen = new Map<string, string>();
    for (const period of sentPeriods) {
      for (const id of period.paperIds) {
        if (seen.has(id)) mailedTwice.push(`${person.email}: ${id} in ${seen.get(id)} and ${period.period}`);
        seen.set(id, period.period);
      }
    }
  }
  const crashedSends = e.outcomes['duplicate'] ?? 0;
  check('duplicate digest emails', duplicates);
  check('resent after a crash between SES and the ledger', [], 'any', residual);
  check('papers mailed twice to one subscriber', mailedTwice);

  // 2b. Follow-ups: each at most once per subscriber, and only on a paper an earlier digest showed them.
  const followUpsTwice: string[] = [];
  const followUpsUnfounded: string[] = [];
  let followUpsSent = 0;
  for (const person of e.people) {
    const periods = (ledger.get(person.email) ?? []).filter((p) => p.status === 'sent').sort((a, b) => (a.period < b.period ? -1 : 1));
    const had = new Set<string>();
    const shown = new Set<string>();
    for (const period of periods) {
      for (const key of period.followUps) {
        followUpsSent++;
        if (had.has(key)) followUpsTwice.push(`${person.email}: ${key} again in ${period.period}`);
        had.add(key);
        const id = key.slice(key.indexOf(':') + 1);
        if (!shown.has(id)) followUpsUnfounded.push(`${person.email}: ${key} in ${period.period}, never shown before`);
      }
      for (const id of period.paperIds) shown.add(id);
    }
  }
  check('follow-ups sent', [], 'any', followUpsSent);
  check('follow-ups sent twice', followUpsTwice);
  check('follow-ups on papers never sent', followUpsUnfounded);
  check('missed digests (jobs given up)', e.violations['givenUp']!);
  check('failed invocations after retries', e.violations['failedInvocations']!);
  check('health sentences checked', [], 'any', e.healthChecked.checked);
  check('  of them while HF was failing', [], 'any', e.healthChecked.checkedFailing);
  check('  of them on an arXiv holiday', [], 'any', e.healthChecked.checkedQuiet);
  check('health sentences wrong or missing', e.violations['health']!);
  check('digests found already sent on a retry', [], 'any', crashedSends);

  // 2b. Every paper in every digest is followed by its reader (followMatcher, on the follows in force when it
  // was sent) and says why it is there; the digests of the people who follow keywords and authors are counted.
  const unfollowed: string[] = [];
  let followerDigests = 0;
  const papersById = new Map(e.stored.map((p) => [p.id, p]));
  for (const person of e.people) {
    for (const m of e.sent.filter((x) => x.to === person.email && x.digest)) {
      const follows = person.follows?.filter((f) => f.at <= m.at).at(-1);
      if (!follows) {
        unfollowed.push(`${person.email}: a digest at ${m.at} before they confirmed`);
        continue;
      }
      if (follows.keywords.length + follows.authors.length > 0) followerDigests++;
      const period = /— (\S+)$/.exec(m.message.text.split('\n')[0] ?? '')?.[1];
      const entry = (ledger.get(person.email) ?? []).find((x) => x.period === period);
      const entries = [...m.message.text.matchAll(/^\d+\. .*$/gm)].length;
      const whys = [...m.message.text.matchAll(/^Why: (.+)$/gm)].map((x) => x[1]!.split(' · '));
      if (!entry || entry.paperIds.length !== entries || whys.length !== entries) {
        unfollowed.push(`${person.email}: digest ${period} at ${m.at} shows ${entries} papers with ${whys.length} "Why:" lines; the ledger has ${entry?.paperIds.length ?? 'no entry'}`);
        continue;
      }
      const matcher = followMatcher(follows);
      entry.paperIds.forEach((id, i) => {
        const paper = papersById.get(id);
        // A paper changed since the digest (a later record, a retag) is judged by its reasons only.
        if (paper && paper.updatedAt <= m.at && (paper.retaggedAt ?? '') <= m.at && !matcher.matches(paper)) unfollowed.push(`${person.email}: ${id} in ${period} matches none of their follows`);
        const said = whys[i]!;
        const known = (piece: string) =>
          (piece.startsWith('keyword “') && follows.keywords.includes(piece.slice(9, -1))) ||
          (piece.startsWith('author ') && follows.authors.includes(piece.slice(7))) ||
          (piece.startsWith('topic ') && follows.topics.some((slug) => e.rt.config.taxonomy.topics.find((t) => t.slug === slug)?.name === piece.slice(6)));
        if (said.length === 0 || !said.every(known)) unfollowed.push(`${person.email}: ${id} in ${period} says "Why: ${said.join(' · ')}"`);
      });
    }
  }
  check('digests of keyword and author followers', [], 'any', followerDigests);
  check('digest papers not followed, or without a reason', unfollowed);

  // 3. Every paper on a subscriber's topics, first stored after they confirmed and before their last
  // digest was planned, is in one of their digests or counted by its "more" link. Checked for the people
  // who kept their topics and stayed; the others' due papers change with their choices.
  const uncovered: string[] = [];
  const missedPlans: string[] = [];
  const plans = [...new Set(e.jobs.map((j) => j.at))].sort();
  for (const person of e.people.filter((p) => p.confirmedAt && p.fate === 'stays')) {
    const entries = (ledger.get(person.email) ?? []).filter((p) => p.status === 'sent' || p.moreIds.length || p.paperIds.length);
    const subscriberId = (await e.rt.subscribers.findByEmail(person.email))?.id;
    const mine = e.jobs.filter((j) => j.job.subscriberId === subscriberId);
    // Daily readers are due at every plan after they confirmed; weekly ones on the weekly day.
    if (person.frequency === 'daily') {
      for (const at of plans.filter((t) => t > person.confirmedAt!)) if (!mine.some((j) => j.at === at)) missedPlans.push(`${person.email}: not planned at ${at}`);
    }
    const lastPlan = mine.map((j) => j.at).sort().at(-1);
    if (!lastPlan) continue;
    const covered = new Set(entries.flatMap((p) => [...p.paperIds, ...p.moreIds]));
    // What they follow now, and since when (a follower set keywords and authors after confirming).
    const since = person.follows?.at(-1)?.at ?? person.confirmedAt!;
    const matcher = followMatcher(person);
    for (const paper of e.stored) {
      // When the paper became due: first stored, or given the topic later (retaggedAt).
      const due = paper.retaggedAt && paper.retaggedAt > paper.firstSeenAt ? paper.retaggedAt : paper.firstSeenAt;
      if (due <= since || due >= lastPlan) continue;
      if (!matcher.matches(paper) || covered.has(paper.id)) continue;
      // Listed before the digest window: too old to be news (digest.windowDays).
      if (paper.listedOn < addDays(dayOf(lastPlan), -e.owner.digest.windowDays)) continue;
      uncovered.push(`${person.email} (${person.frequency}, confirmed ${person.confirmedAt}; digests ${entries.map((x) => `${x.period}:${x.status}:${x.paperIds.length}+${x.moreIds.length}`).join(' ')}): ${paper.id} (${paper.listedOn}, first seen ${paper.firstSeenAt}, tags ${paper.tags.join('/')})`);
    }
  }
  check('due papers neither mailed nor under "more"', uncovered);
  check('digests not planned for a due subscriber', missedPlans);

  // 4. Nothing after one-click unsubscribe, hard bounce or complaint.
  const afterStop = e.people.flatMap((p) => (p.stoppedAt ? e.sent.filter((m) => m.to === p.email && m.at > p.stoppedAt!).map((m) => `${p.email} (${p.fate} at ${p.stoppedAt}): "${m.subject}" at ${m.at}`) : []));
  check('emails after unsubscribe or suppression', afterStop);

  // 4b. Private feeds: each read equals the selection (followMatcher over the same papers); a revoked or ended one is gone.
  check('private feed reads', [], 'any', e.feedReads);
  check('private feed polls the edge passed to the function', [], 'any', e.feedOriginReads);
  check('private feed addresses replaced', [], 'any', e.feedsRevoked);
  check('reads of replaced or ended private feeds', [], 'any', e.endedFeedReads);
  check('private feeds that differ from the selection', e.violations['privateFeeds']!);
  check('revoked or ended private feeds still served', e.violations['endedFeeds']!);

  // 5. Every link in every published object and every email resolves.
  const links = checkLinks({ siteUrl: SITE_URL, objects: e.objects, emails: e.sent.map((m, i) => ({ name: `${i} ${m.to} ${m.subject}`, html: m.message.html, text: m.message.text })) });
  check('links checked', [], 'any', links.checked);
  check('broken links', links.broken.map((b) => `${b.where}: ${b.href} (${b.why})`));

  // 6. Every AWS call allowed by its function's synthesized role.
  const denied = await deniedCalls(e.calls, { owner: e.owner, configFile: e.configFile });
  check('AWS calls made by the functions', [], 'any', e.calls.filter((c) => c.fn).length);
  check('AWS calls the roles would deny', denied);
  check('errors in the simulated world', e.errors);

  // 7. Per day: papers, emails, requests, estimated cost.
  const figures = days.map((day) => {
    const dayCalls = e.calls.filter((c) => c.day === day && c.fn);
    const emails = e.sent.filter((m) => dayOf(m.at) === day).length;
    return {
      day,
      listed: e.world.listed(day).length,
      stored: e.stored.filter((p) => p.listedOn === day).length,
      emails,
      awsRequests: dayCalls.length,
      costUsd: estimateCost(dayCalls, emails),
    };
  });
  const ok = checks.every((c) => c.want === 'any' || c.value === c.want);
  return { days: figures, checks, ok };
}

const dayOf = (iso: string) => dayInZone(new Date(iso), TIME_ZONE);

/** Every element id on a page reachable from the home page by following links within the site. */
function reachableAnchors(objects: Map<string, { contentType: string; body: string }>): Set<string> {
  const keyOf = (href: string, from: string): string | undefined => {
    let url: URL;
    try {
      url = new URL(href, new URL(from, SITE_URL));
    } catch {
      return undefined;
    }
    if (!url.href.startsWith(SITE_URL)) return undefined;
    const path = decodeURIComponent(url.pathname.slice(new URL(SITE_URL).pathname.length));
    return path === '' || path.endsWith('/') ? `${path}index.html` : path;
  };
  const ids = new Set<string>();
  const seen = new Set<string>(['index.html']);
  const todo = ['index.html'];
  while (todo.length) {
    const key = todo.pop()!;
    const page = objects.get(key);
    if (!page || !page.contentType.startsWith('text/html')) continue;
    for (const m of page.body.matchAll(/\sid="([^"]+)"/g)) ids.add(m[1]!);
    for (const m of page.body.matchAll(/\shref="([^"]+)"/g)) {
      const next = keyOf(m[1]!.replace(/&amp;/g, '&'), key);
      if (next && !seen.has(next) && objects.has(next)) {
        seen.add(next);
        todo.push(next);
      }
    }
  }
  return ids;
}

/** Papers missing from a JSON feed that holds other papers of their listing day (and topic). */
function feedGaps(objects: Map<string, { contentType: string; body: string }>, stored: Paper[]): string[] {
  const gaps: string[] = [];
  for (const [key, object] of objects) {
    if (!/^feeds\/(all|topics\/[a-z0-9-]+)\.json$/.test(key)) continue;
    const topic = /^feeds\/topics\/([a-z0-9-]+)\.json$/.exec(key)?.[1];
    const feed = JSON.parse(object.body) as { items: { _paperboy?: { paper_id: string; listed_on: string } }[] };
    const ids = new Set(feed.items.map((i) => i._paperboy?.paper_id));
    const covered = new Set(feed.items.map((i) => i._paperboy?.listed_on));
    for (const p of stored) {
      if (!covered.has(p.listedOn) || (topic && !p.tags.includes(topic)) || ids.has(p.id)) continue;
      gaps.push(`${key}: ${p.listedOn} ${p.id}`);
    }
  }
  return gaps;
}

interface LedgerEntry {
  period: string;
  status: string;
  paperIds: string[];
  /** Papers the digest counted under its "more" links (to their day pages). */
  moreIds: string[];
  /** Follow-ups the digest carried ("code:<id>", "trending:<id>"). */
  followUps: string[];
  /** Subscriber id. */
  subscriberId: string;
}

/** Each subscriber's digest ledger, read from the table. */
async function digestLedger(e: Evidence): Promise<Map<string, LedgerEntry[]>> {
  const out = new Map<string, LedgerEntry[]>();
  for (const person of e.people) {
    const sub = await e.rt.subscribers.findByEmail(person.email);
    if (!sub) continue;
    const res = await e.rt.clients.dynamo.send(
      new QueryCommand({ TableName: e.rt.config.tableName, KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)', ExpressionAttributeValues: { ':pk': `SUB#${sub.id}`, ':sk': 'DIGEST#' } }),
    );
    out.set(
      person.email,
      (res.Items ?? []).map((i) => ({
        period: String(i['SK']).slice('DIGEST#'.length),
        status: String(i['status'] ?? ''),
        paperIds: (i['paperIds'] as string[]) ?? [],
        moreIds: (i['moreIds'] as string[]) ?? [],
        followUps: (i['followUps'] as string[]) ?? [],
        subscriberId: sub.id,
      })),
    );
  }
  return out;
}

/** Requests priced at list prices (bench/prices.json), plus SES; Lambda duration is left out. */
function estimateCost(calls: AwsCall[], emails: number): number {
  const prices = PRICES;
  let rru = 0;
  let wru = 0;
  let s3put = 0;
  let s3get = 0;
  for (const c of calls) {
    const n = c.items ?? 1;
    if (c.service === 'DynamoDB') {
      if (/^(Put|Update|Delete|BatchWrite)/.test(c.operation)) wru += n;
      else rru += n;
    } else if (c.service === 'S3') {
      if (c.operation === 'PutObject') s3put++;
      else s3get++;
    }
  }
  return (
    (rru / 1e6) * prices.dynamodb.perMillionReadRequestUnits +
    (wru / 1e6) * prices.dynamodb.perMillionWriteRequestUnits +
    (s3put / 1000) * prices.s3.perThousandPutRequests +
    (s3get / 1000) * prices.s3.perThousandGetRequests +
    (emails / 1000) * prices.ses.perThousandEmails
  );
}

const PRICES = JSON.parse(await readFile(join(import.meta.dirname, '..', '..', '..', '..', 'bench', 'prices.json'), 'utf8')) as {
  dynamodb: { perMillionReadRequestUnits: number; perMillionWriteRequestUnits: number };
  s3: { perThousandPutRequests: number; perThousandGetRequests: number };
  ses: { perThousandEmails: number };
};
