/**
 * The composition root shared by every handler: adapters wired to SDK clients built from config.
 * Lambda builds it once per cold start; the local runner builds it pointing at the embedded stand-ins.
 */
import {
  DynamoDigestLedger,
  DynamoPaperRepository,
  DynamoRateLimiter,
  DynamoRunLog,
  DynamoSourceStateRepository,
  DynamoSubscriberRepository,
  S3ObjectStore,
  SesMailer,
  SsmHmacKey,
  makeClients,
  recordCalls,
  type Clients,
} from '@paperboy/aws';
import { ENV, buildTagger, resolveExampleIds, systemClock, systemRandomBytes, type AppConfig, type Clock, type Mailer, type RandomBytes, type Tagger } from '@paperboy/core';
import { Logger } from '@aws-lambda-powertools/logger';

/** The logging the handlers use: Powertools' structured JSON logger in Lambda, terse lines locally. */
export interface AppLogger {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export interface Runtime {
  config: AppConfig;
  clients: Clients;
  papers: DynamoPaperRepository;
  subscribers: DynamoSubscriberRepository;
  ledger: DynamoDigestLedger;
  runs: DynamoRunLog;
  /** Conditional GET validators per source. */
  sourceStates: DynamoSourceStateRepository;
  limiter: DynamoRateLimiter;
  objects: S3ObjectStore;
  mailer: Mailer;
  /** The tagger for the configured taxonomy, with example ids resolved from the store (built once). */
  tagger(): Promise<Tagger>;
  clock: Clock;
  /** Randomness for confirm tokens and subscriber ids: crypto, unless a simulation seeds it. */
  randomBytes: RandomBytes;
  logger: AppLogger;
  /** The HMAC key for links: from config locally, from an SSM SecureString in the cloud (read once, created on first use). */
  secret(): Promise<string>;
}

export function buildRuntime(config: AppConfig, overrides: Partial<Runtime> = {}): Runtime {
  const clients = makeClients(config);
  const table = config.tableName;
  let secret: Promise<string> | undefined;
  let tagger: Promise<Tagger> | undefined;
  const papers = new DynamoPaperRepository(clients.dynamo, table);
  const logger = overrides.logger ?? powertoolsLogger();
  return {
    config,
    clients,
    papers,
    subscribers: new DynamoSubscriberRepository(clients.dynamo, table),
    ledger: new DynamoDigestLedger(clients.dynamo, table),
    runs: new DynamoRunLog(clients.dynamo, table),
    sourceStates: new DynamoSourceStateRepository(clients.dynamo, table),
    limiter: new DynamoRateLimiter(clients.dynamo, table),
    objects: new S3ObjectStore(clients.s3, config.bucketName),
    mailer: new SesMailer(clients.ses, config.owner.mail.from, config.sesConfigurationSet, config.owner.mail.replyTo),
    tagger: () =>
      (tagger ??= resolveExampleIds(config.taxonomy, (id) => papers.get(id)).then(({ taxonomy, unresolved }) => {
        for (const u of unresolved) logger.warn('example paper not stored yet; topic uses its other rules', u);
        return buildTagger(taxonomy);
      })),
    clock: systemClock,
    randomBytes: systemRandomBytes,
    logger,
    secret: () => (secret ??= readSecret(config)),
    ...overrides,
  };
}

async function readSecret(config: AppConfig): Promise<string> {
  if (config.hmacSecret) return config.hmacSecret;
  if (!config.hmacKeyParameter) throw new Error(`no HMAC key: set ${ENV.hmacSecret} (local) or ${ENV.hmacKeyParameter} (cloud)`);
  // Loaded on first use: only the functions that sign links ever read the key.
  const { SSMClient } = await import('@aws-sdk/client-ssm');
  const endpoint = config.endpoints.ssm;
  const ssm = recordCalls(new SSMClient({ region: config.region, ...(endpoint ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}) }));
  return new SsmHmacKey(ssm, config.hmacKeyParameter).get();
}

function powertoolsLogger(): AppLogger {
  const logger = new Logger({ serviceName: 'paperboy' });
  return {
    info: (message, extra) => (extra ? logger.info(message, extra) : logger.info(message)),
    warn: (message, extra) => (extra ? logger.warn(message, extra) : logger.warn(message)),
    error: (message, extra) => (extra ? logger.error(message, extra) : logger.error(message)),
  };
}
