/**
 * The local wiring: the same handlers as in Lambda, pointed at the embedded stand-ins, invoked with
 * the event shapes Lambda would give them (scheduler events, asynchronous invocation payloads,
 * APIGatewayProxyEventV2, EventBridge SES events).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { CreateBucketCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable, logAwsCallsTo } from '@paperboy/aws';
import {
  ConfigError,
  configFilePath,
  formatExplanation,
  loadConfig,
  oneLine,
  newSubscriberId,
  normaliseTitle,
  retagPapers,
  systemRandomBytes,
  titleFingerprint,
  type AppConfig,
  type Clock,
  type DigestJob,
  type DigestJobStore,
  type DigestOutcome,
  type Paper,
  type RandomBytes,
  type RetagCounts,
} from '@paperboy/core';
import { buildRuntime, type Runtime } from '../../../functions/commons/runtime.js';
import { INGEST_LOG, makeHandler as makeIngest, type IngestResult } from '../../../functions/ingest/index.js';
import { makeHandler as makePublish } from '../../../functions/publish/index.js';
import { makeHandler as makePlan } from '../../../functions/plan-digests/index.js';
import { makeHandler as makeSend } from '../../../functions/send-digests/index.js';
import { makeHandler as makeSesEvents } from '../../../functions/ses-events/index.js';
import { scheduledInvocation, sesEventBridgeEventOf } from '../../../functions/commons/events.js';
import { startOrAttach, type RunningServices } from './services.js';
import { LOCAL_DISTRIBUTION_ID } from './edge.js';
import type { Progress } from './progress.js';

export interface LocalContext {
  config: AppConfig;
  services: RunningServices;
  rt: Runtime;
  close(): Promise<void>;
}

type Env = Record<string, string | undefined>;

/** The project folder: the bundled config and snapshot live here. */
export const PROJECT_ROOT = resolve(import.meta.dirname, '..', '..', '..');

// What the CLI prints itself from the ingest result (failed sources, skipped items, stale or empty
// sources); logged again, each would show twice.
// Staleness is not in the result: it is printed like any other error.
const REPORTED_BY_RESULT = new Set<string>(Object.values(INGEST_LOG).filter((m) => m !== INGEST_LOG.sourceStale));

/** `key value, key value`: a log line's details, readable, on one line. */
function details(extra: Record<string, unknown> | undefined): string {
  if (!extra) return '';
  const parts = Object.entries(extra).map(([k, v]) => `${k} ${oneLine(typeof v === 'string' ? v : JSON.stringify(v))}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/**
 * The handlers' logger on a terminal: nothing for progress (the CLI prints its own summary), one
 * readable line for a warning or an error, and nothing for what the CLI reports from the result.
 */
export const terminalLogger: Runtime['logger'] = {
  info: () => {},
  warn: (message, extra) => {
    if (!REPORTED_BY_RESULT.has(message)) console.error(`warning: ${oneLine(message)}${details(extra)}`);
  },
  error: (message, extra) => {
    if (!REPORTED_BY_RESULT.has(message)) console.error(`error: ${oneLine(message)}${details(extra)}`);
  },
};

/**
 * Snapshot paths resolve from the config file's folder; one that is not there resolves from the
 * project folder, so a copy of the bundled config elsewhere still finds the bundled snapshot. A path
 * found in neither stops the start with one line naming the field.
 */
function resolveSnapshotPaths(config: AppConfig, configFile: string): void {
  config.owner.sources.forEach((source, i) => {
    if (source.kind !== 'snapshot' || !source.enabled || isAbsolute(source.path)) return;
    const besideConfig = resolve(config.baseDir, source.path);
    if (existsSync(besideConfig)) return;
    const inProject = resolve(PROJECT_ROOT, source.path);
    if (existsSync(inProject)) {
      source.path = inProject;
      return;
    }
    throw new ConfigError(
      `${configFile}: sources.${i}.path = ${JSON.stringify(source.path)}: no such file beside the config (${besideConfig}) or in the project (${inProject})`,
      `sources.${i}.path`,
    );
  });
}

/** The HMAC key for local links: from the environment, else generated once into the data dir. */
async function localSecret(config: AppConfig, random: RandomBytes): Promise<string> {
  if (config.hmacSecret) return config.hmacSecret;
  const file = join(config.dataDir, 'hmac-secret');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const secret = random(32).toString('base64url');
    await writeFile(file, secret, { mode: 0o600 });
    return secret;
  }
}

/** The config of a local process: the file and environment, with the port given on the command line. */
export function loadLocalConfig(env: Env, port?: number): AppConfig {
  const config = loadConfig(env, port ? { PORT: String(port) } : {});
  resolveSnapshotPaths(config, configFilePath(env));
  return config;
}

export interface OpenOptions {
  port?: number;
  logger?: Runtime['logger'];
  /** This process serves the site: its site URL is recorded for the commands that run beside it. */
  serves?: boolean;
  /** The runtime's clock and randomness (default: the system's); a simulation passes its own to repeat a run from a seed. */
  clock?: Clock;
  randomBytes?: RandomBytes;
}

/**
 * Loads config, starts (or attaches to) the stand-ins, and builds the runtime against them. Beside a
 * process that serves the site, links use that process's site URL, whatever this one's port would be.
 */
export async function openLocal(env: Env, options: OpenOptions = {}): Promise<LocalContext> {
  const base = loadLocalConfig(env, options.port);
  if (base.awsCallLog) logAwsCallsTo(base.awsCallLog);
  await mkdir(base.dataDir, { recursive: true });
  const services = await startOrAttach(base.dataDir, options.serves ? { siteUrl: base.siteUrl } : {});
  try {
    const config: AppConfig = {
      ...base,
      siteUrl: services.owned ? base.siteUrl : (services.siteUrl ?? base.siteUrl),
      hmacSecret: await localSecret(base, options.randomBytes ?? systemRandomBytes),
      endpoints: { dynamodb: services.endpoints.dynamodb, s3: services.endpoints.s3, ses: services.endpoints.ses, cloudfront: services.endpoints.cloudfront },
      // The gateway's edge keeps the private feeds as CloudFront does; the handlers invalidate them there (never
      // in a real account: without the stand-in's endpoint, as beside services an older version started, no CDN).
      ...(services.endpoints.cloudfront ? { distributionId: LOCAL_DISTRIBUTION_ID } : {}),
    };
    const rt = buildRuntime(config, {
      logger: options.logger ?? terminalLogger,
      ...(options.clock && { clock: options.clock }),
      ...(options.randomBytes && { randomBytes: options.randomBytes }),
    });
    await ensureTable(new DynamoDBClient({ region: config.region, endpoint: config.endpoints.dynamodb, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }), config.tableName);
    await ensureBucket(rt, config.bucketName);
    return { config, services, rt, close: () => services.stop() };
  } catch (err) {
    await services.stop();
    throw err;
  }
}

async function ensureBucket(rt: Runtime, bucket: string): Promise<void> {
  try {
    await rt.clients.s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch {
    await rt.clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  }
}

export interface DigestSummary {
  due: number;
  outcomes: Record<DigestOutcome, number>;
}

export interface PipelineSummary {
  ingest: IngestResult;
  publish: { objects: number; uploaded: number; unchanged: number };
  demoSubscriber?: 'created' | 'existing';
  digest: DigestSummary;
}

/** Collects the jobs plan-digests would store (tests that look only at the plan). */
export class PlannedJobs implements Pick<DigestJobStore, 'add'> {
  readonly jobs: DigestJob[] = [];
  async add(jobs: DigestJob[]): Promise<void> {
    this.jobs.push(...jobs);
  }
}

export async function ingest(ctx: LocalContext, progress?: Progress, event: { sources?: string[] } = {}): Promise<IngestResult> {
  const scheduled = scheduledInvocation('ingest', ctx.rt.clock.now());
  return makeIngest(ctx.rt, { onProgress: (source, done, total) => progress?.update(`ingest ${source}`, done, total) })({ ...scheduled, ...event });
}

export async function publish(ctx: LocalContext, progress?: Progress) {
  return makePublish(ctx.rt, { onProgress: (done, total) => progress?.update('publish', done, total) })();
}

/**
 * plan-digests, then send-digests as the plan starts it, in this process: the same code as in Lambda, with
 * the jobs in the local table and the send paced at the configured SES rate. A job that failed waits for
 * its retry time in the cloud; here it is reported, and the next `paperboy digest` tries it again.
 */
export async function digest(ctx: LocalContext, options: { day?: string } = {}): Promise<DigestSummary> {
  const send = makeSend(ctx.rt, { waitForDeferred: false });
  let sent: Awaited<ReturnType<typeof send>> | undefined;
  const counts = await makePlan(ctx.rt, { startSender: async () => void (sent = await send({ reason: 'planned' })) })({ ...scheduledInvocation('digest', ctx.rt.clock.now()), day: options.day });
  const left = (sent?.deferred ?? 0) + (sent?.gaveUp ?? 0);
  if (left) throw new Error(`${left} digest(s) failed to send; run the digest again to retry them (paperboy status lists any given up)`);
  if (sent?.stop === 'busy') throw new Error('another sender holds the send lease (a digest run beside this one?); run the digest again when it is done');
  return { due: counts.daily + counts.weekly, outcomes: sent!.outcomes };
}

/**
 * What SES reports for an address: a hard bounce or a complaint, delivered to ses-events as the
 * EventBridge event of the stack's MailEventsRule. Returns how many subscribers were suppressed.
 */
export async function mailEvent(ctx: LocalContext, kind: 'bounce' | 'complaint', email: string): Promise<number> {
  const now = ctx.rt.clock.now();
  const at = now.toISOString();
  const mail = { timestamp: at, messageId: `local-${now.getTime()}`, source: ctx.config.owner.mail.from, destination: [email] };
  const message =
    kind === 'bounce'
      ? { eventType: 'Bounce' as const, mail, bounce: { bounceType: 'Permanent' as const, bounceSubType: 'General', bouncedRecipients: [{ emailAddress: email }], timestamp: at } }
      : { eventType: 'Complaint' as const, mail, complaint: { complainedRecipients: [{ emailAddress: email }], timestamp: at, complaintFeedbackType: 'abuse' } };
  const { suppressed } = await makeSesEvents(ctx.rt)(sesEventBridgeEventOf(message));
  return suppressed;
}

/** The local-only demo subscriber, active from the start so the demo digest has someone to go to. */
export async function ensureDemoSubscriber(ctx: LocalContext): Promise<'created' | 'existing' | undefined> {
  const demo = ctx.config.owner.local.demoSubscriber;
  if (!demo) return undefined;
  if (await ctx.rt.subscribers.findByEmail(demo.email)) return 'existing';
  const now = ctx.rt.clock.now().toISOString();
  await ctx.rt.subscribers.create({
    id: newSubscriberId(ctx.rt.randomBytes),
    email: demo.email.toLowerCase(),
    status: 'active',
    topics: demo.topics,
    frequency: demo.frequency,
    createdAt: now,
    confirmedAt: now,
  });
  return 'created';
}

export async function runPipeline(ctx: LocalContext, progress?: Progress): Promise<PipelineSummary> {
  const ingested = await ingest(ctx, progress);
  progress?.done();
  const published = await publish(ctx, progress);
  progress?.done();
  const demoSubscriber = await ensureDemoSubscriber(ctx);
  const digested = await digest(ctx);
  return { ingest: ingested, publish: published, demoSubscriber, digest: digested };
}

/** Re-tags every stored paper with the configured taxonomy; writes only papers whose tags changed. */
export async function retag(ctx: LocalContext, progress?: Progress): Promise<RetagCounts> {
  return retagPapers({
    papers: ctx.rt.papers,
    tagger: await ctx.rt.tagger(),
    clock: ctx.rt.clock,
    onProgress: (done) => progress?.update('retag', done, done),
  });
}

/** Finds a stored paper by id, exact title, or a unique part of its title. */
export async function findPaper(ctx: LocalContext, query: string): Promise<Paper | Paper[] | undefined> {
  const direct = (await ctx.rt.papers.get(query.trim())) ?? (await ctx.rt.papers.get(titleFingerprint(query)));
  if (direct) return direct;
  const needle = normaliseTitle(query);
  if (!needle) return undefined;
  const matches: Paper[] = [];
  for await (const p of ctx.rt.papers.scanAll()) if (normaliseTitle(p.title).includes(needle)) matches.push(p);
  return matches.length === 1 ? matches[0] : matches.length ? matches : undefined;
}

/**
 * Why a paper has its tags: every rule that fired, with its score. A query that matches no stored paper
 * is explained as the title of a new paper, so the owner can try rules before any paper arrives.
 */
export async function explainTags(ctx: LocalContext, query: string): Promise<string> {
  const tagger = await ctx.rt.tagger();
  const found = await findPaper(ctx, query);
  if (Array.isArray(found)) {
    return [`${found.length} stored papers match ${JSON.stringify(query)}; be more specific:`, ...found.slice(0, 10).map((p) => `  ${p.id}  ${oneLine(p.title)}`)].join('\n');
  }
  const paper = found ?? { title: query, abstract: '', categories: [], keywords: [] };
  const header = found ? `${found.id}: ${oneLine(found.title)}\nstored tags: ${found.tags.join(', ') || '(none)'}` : `not a stored paper; explaining the title ${JSON.stringify(query)}`;
  return `${header}\n${formatExplanation(tagger.tag(paper))}`;
}
