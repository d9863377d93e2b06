/**
 * The composition root. `baseRuntime` is what every function has: the table's adapters on one DynamoDB
 * client, the tagger, clock and logger. Each Lambda function adds only the other parts it uses (the object store, the mailer, the secret)
 * (lambda-runtime.ts), so its bundle carries no other SDK client. `buildRuntime` wires everything at
 * once, on clients built at start-up: the tests and the local runner use it against the stand-ins.
 */
import {
  DynamoDigestJobStore,
  DynamoDigestLedger,
  DynamoFeedTokenRepository,
  DynamoMailStats,
  DynamoPaperRepository,
  DynamoRateLimiter,
  DynamoRunLog,
  DynamoSendLease,
  DynamoSourceStateRepository,
  DynamoSubscriberRepository,
  S3ObjectStore,
  SesMailer,
  SsmHmacKey,
  CloudFrontEdgeCache,
  cloudFrontClientOnFirstUse,
  ssmOptions,
  makeClients,
  recordCalls,
  type Clients,
} from '@paperboy/aws';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  EDGE_LOG,
  ENV,
  NO_EDGE,
  buildTagger,
  reportingEdge,
  resolveExampleIds,
  systemClock,
  systemRandomBytes,
  type AppConfig,
  type Clock,
  type EdgeCache,
  type Mailer,
  type RandomBytes,
  type Tagger,
} from '@paperboy/core';
import { Logger } from '@aws-lambda-powertools/logger';

/** The logging the handlers use: Powertools' structured JSON logger in Lambda, terse lines locally. */
export interface AppLogger {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/** What every function has: the config, the table's adapters and the services that need no SDK client. */
export interface BaseRuntime {
  config: AppConfig;
  papers: DynamoPaperRepository;
  subscribers: DynamoSubscriberRepository;
  /** Private feed tokens by hash (`FEED#<hash>`). */
  feedTokens: DynamoFeedTokenRepository;
  ledger: DynamoDigestLedger;
  /** Digest jobs the plan stores and the sender drains, and the lease that keeps one sender at a time. */
  jobs: DynamoDigestJobStore;
  sendLease: DynamoSendLease;
  /** Daily counts of sent mail, hard bounces and complaints (the reputation check of ses-events). */
  mailStats: DynamoMailStats;
  runs: DynamoRunLog;
  /** Conditional GET validators per source. */
  sourceStates: DynamoSourceStateRepository;
  limiter: DynamoRateLimiter;
  /** The tagger for the configured taxonomy, with example ids resolved from the store (built once). */
  tagger(): Promise<Tagger>;
  clock: Clock;
  /** Randomness for confirm tokens and subscriber ids: crypto, unless a simulation seeds it. */
  randomBytes: RandomBytes;
  logger: AppLogger;
  /**
   * The CDN that keeps the private feeds (`edgeOf`: CloudFront, when the config names a distribution) in the
   * functions that invalidate them (publish, subscriptions, ses-events); none elsewhere. Its failures are
   * logged (EDGE_LOG), never thrown: see core's reportingEdge.
   */
  edge: EdgeCache;
}

/** Everything, for the tests and the local runner: every client, the site's object store, the mailer and the secret. */
export interface Runtime extends BaseRuntime {
  clients: Clients;
  objects: S3ObjectStore;
  mailer: Mailer;
  /** The HMAC key for links: from config locally, from an SSM SecureString in the cloud (read once, created on first use). */
  secret(): Promise<string>;
}

/** The secret, read on first use and then kept (only the functions that sign links are given it). */
export function secretOnFirstUse(config: AppConfig): () => Promise<string> {
  let secret: Promise<string> | undefined;
  return () => (secret ??= readSecret(config));
}

/** The base runtime on a DynamoDB document client; `overrides` replace any part (tests pass a clock, a silent logger). */
export function baseRuntime(config: AppConfig, dynamo: DynamoDBDocumentClient, overrides: Partial<BaseRuntime> = {}): BaseRuntime {
  const table = config.tableName;
  let tagger: Promise<Tagger> | undefined;
  const papers = new DynamoPaperRepository(dynamo, table);
  const logger = overrides.logger ?? powertoolsLogger();
  return {
    config,
    papers,
    subscribers: new DynamoSubscriberRepository(dynamo, table),
    feedTokens: new DynamoFeedTokenRepository(dynamo, table),
    ledger: new DynamoDigestLedger(dynamo, table),
    jobs: new DynamoDigestJobStore(dynamo, table),
    sendLease: new DynamoSendLease(dynamo, table),
    mailStats: new DynamoMailStats(dynamo, table),
    runs: new DynamoRunLog(dynamo, table),
    sourceStates: new DynamoSourceStateRepository(dynamo, table),
    limiter: new DynamoRateLimiter(dynamo, table),
    tagger: () =>
      (tagger ??= resolveExampleIds(config.taxonomy, (id) => papers.get(id)).then(({ taxonomy, unresolved }) => {
        for (const u of unresolved) logger.warn('example paper not stored yet; topic uses its other rules', u);
        return buildTagger(taxonomy);
      })),
    clock: systemClock,
    randomBytes: systemRandomBytes,
    logger,
    edge: NO_EDGE,
    ...overrides,
  };
}

/**
 * The distribution's invalidations, its client loaded on first use, with failures logged; none without a
 * distribution. Only the functions that invalidate are given it, so no other bundle holds the CloudFront client.
 */
export function edgeOf(config: AppConfig, logger: AppLogger): EdgeCache {
  if (!config.distributionId) return NO_EDGE;
  const cloudFront = new CloudFrontEdgeCache(cloudFrontClientOnFirstUse(config.endpoints.cloudfront), config.distributionId);
  return reportingEdge(cloudFront, (error, failed) => logger.error(EDGE_LOG, { ...failed, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }));
}

export function buildRuntime(config: AppConfig, overrides: Partial<Runtime> = {}): Runtime {
  const clients = makeClients(config);
  const base = baseRuntime(config, clients.dynamo, overrides);
  return {
    ...base,
    edge: edgeOf(config, base.logger),
    clients,
    objects: new S3ObjectStore(clients.s3, config.bucketName),
    mailer: new SesMailer(clients.ses, config.owner.mail.from, config.sesConfigurationSet, config.owner.mail.replyTo),
    secret: secretOnFirstUse(config),
    ...overrides,
  };
}

async function readSecret(config: AppConfig): Promise<string> {
  if (config.hmacSecret) return config.hmacSecret;
  if (!config.hmacKeyParameter) throw new Error(`no HMAC key: set ${ENV.hmacSecret} (local) or ${ENV.hmacKeyParameter} (cloud)`);
  // Loaded on first use: only the functions that sign links ever read the key.
  const { SSMClient } = await import('@aws-sdk/client-ssm');
  const endpoint = config.endpoints.ssm;
  const ssm = recordCalls(new SSMClient(ssmOptions(config.region, endpoint)));
  return new SsmHmacKey(ssm, config.hmacKeyParameter).get();
}

/** The structured JSON logger every Lambda function writes with (Powertools). */
export function powertoolsLogger(): AppLogger {
  const logger = new Logger({ serviceName: 'paperboy' });
  return {
    info: (message, extra) => (extra ? logger.info(message, extra) : logger.info(message)),
    warn: (message, extra) => (extra ? logger.warn(message, extra) : logger.warn(message)),
    error: (message, extra) => (extra ? logger.error(message, extra) : logger.error(message)),
  };
}
