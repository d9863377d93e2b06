/**
 * The runtime side of the config: what a process needs to run, and how a Lambda function reads it.
 * No zod here: the owner's config file is validated once (`parseOwnerConfig` in config.ts, at synth and
 * for local runs); a Lambda function reads the resolved settings that synth wrote into its bundle and
 * checks only that they are the ones synth validated. That keeps zod's owner-config schemas (and the
 * default taxonomy) out of the function bundles (measured by `npm run bench:bundle`).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ENV } from './env-names.js';
import type { OwnerConfig, SourceConfig } from './config.js';
import type { Taxonomy } from './taxonomy.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

/** Where a source runs: the local demo (`npm start`), the deployment, or both. */
export const RUN_PLACES = ['local', 'cloud'] as const;
export type RunPlace = (typeof RUN_PLACES)[number];

/** Download cap per source, in MB: the default, and the most a config may set (see `maxDownloadMB`). */
export const DEFAULT_DOWNLOAD_MB = 20;
export const MAX_DOWNLOAD_MB = 30;

/** Whether a source fetches papers from the network (every kind but the bundled `snapshot` file). */
export function fetchesPapers(source: SourceConfig): boolean {
  return source.kind !== 'snapshot';
}

/** The sources a run ingests where it runs: enabled, and meant for this place (`run` is it or "both"). */
export function activeSources(owner: Pick<OwnerConfig, 'sources'>, where: RunPlace): SourceConfig[] {
  return owner.sources.filter((s) => s.enabled && (s.run === 'both' || s.run === where));
}

/** The active sources that fetch (not saved pages): the ones whose health readers are told about. */
export function fetchingSources(owner: Pick<OwnerConfig, 'sources'>, where: RunPlace): SourceConfig[] {
  return activeSources(owner, where).filter(fetchesPapers);
}

/** Everything the runtime needs, resolved from the config file and the environment. */
export interface AppConfig {
  owner: OwnerConfig;
  taxonomy: Taxonomy;
  /** Directory of the config file; relative paths in it resolve from here. */
  baseDir: string;
  region: string;
  siteUrl: string;
  tableName: string;
  bucketName: string;
  /** send-digests' name: plan-digests starts it (asynchronous invocation). */
  sendFunctionName?: string;
  /** process-signups' name: the API hands it each sign-up (asynchronous invocation). */
  signupFunctionName?: string;
  publishFunctionName?: string;
  sesConfigurationSet?: string;
  hmacSecret?: string;
  /** SSM SecureString parameter of the HMAC key (cloud): read, or created on first use. */
  hmacKeyParameter?: string;
  /** The CloudFront distribution that keeps the private feeds (cloud: set by the stack; local: the gateway's edge). */
  distributionId?: string;
  endpoints: { dynamodb?: string; s3?: string; ses?: string; ssm?: string; cloudfront?: string };
  dataDir: string;
  port: number;
  /** Local and test runs: where to log every AWS call (see @paperboy/aws call-recorder). */
  awsCallLog?: string;
  /** Where this process runs: "cloud" in Lambda (set by the stack), else "local". Picks the sources (`activeSources`). */
  runsIn: RunPlace;
}

export type Env = Record<string, string | undefined>;

/** One line naming the variable, its value and what is wrong (the same shape as the config file's errors). */
function envProblem(name: string, value: string, what: string): ConfigError {
  const shown = JSON.stringify(value);
  return new ConfigError(`environment: ${name} = ${shown.length > 80 ? `${shown.slice(0, 77)}...` : shown}: ${what}`, name);
}

function isHttpUrl(value: string): boolean {
  if (!/^https?:\/\//.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

/** The environment's settings, checked by hand (a dozen strings do not need a schema library in every bundle). */
function readEnvironment(env: Env) {
  const text = (name: string, check?: (v: string) => string | undefined): string | undefined => {
    const value = env[name];
    if (value === undefined) return undefined;
    const problem = check?.(value);
    if (problem) throw envProblem(name, value, problem);
    return value;
  };
  const minLength = (n: number, what = `must be at least ${n} character${n === 1 ? '' : 's'}`) => (v: string) => (v.length < n ? what : undefined);
  const httpUrl = (v: string) => (isHttpUrl(v) ? undefined : 'must be an http(s) URL');
  const portText = text(ENV.port, (v) => (/^\s*\d+\s*$/.test(v) && Number(v) >= 1 && Number(v) <= 65535 ? undefined : 'must be a port number from 1 to 65535'));
  const runsIn = text(ENV.runsIn, (v) => ((RUN_PLACES as readonly string[]).includes(v) ? undefined : `must be one of ${RUN_PLACES.map((p) => JSON.stringify(p)).join(', ')}`));
  return {
    region: text(ENV.region, minLength(1)) ?? 'us-east-1',
    siteUrl: text(ENV.siteUrl, httpUrl),
    tableName: text(ENV.tableName, minLength(3)) ?? 'paperboy',
    bucketName: text(ENV.bucketName, (v) => (/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(v) ? undefined : 'must be a valid S3 bucket name')) ?? 'paperboy-site',
    sendFunctionName: text(ENV.sendFunctionName),
    signupFunctionName: text(ENV.signupFunctionName),
    publishFunctionName: text(ENV.publishFunctionName),
    sesConfigurationSet: text(ENV.sesConfigurationSet),
    hmacSecret: text(ENV.hmacSecret, minLength(32, 'must be at least 32 characters')),
    hmacKeyParameter: text(ENV.hmacKeyParameter, (v) => (/^\/[A-Za-z0-9_.\/-]{1,1000}$/.test(v) ? undefined : 'must be an SSM parameter name like /paperboy/hmac-key')),
    distributionId: text(ENV.distributionId, (v) => (/^[A-Z0-9]{1,64}$/.test(v) ? undefined : 'must be a CloudFront distribution id (capital letters and digits)')),
    endpoints: {
      dynamodb: text(ENV.dynamodbEndpoint, httpUrl),
      s3: text(ENV.s3Endpoint, httpUrl),
      ses: text(ENV.sesEndpoint, httpUrl),
      ssm: text(ENV.ssmEndpoint, httpUrl),
      cloudfront: text(ENV.cloudfrontEndpoint, httpUrl),
    },
    dataDir: text(ENV.dataDir, minLength(1)) ?? '.paperboy',
    port: portText === undefined ? 8787 : Number(portText),
    awsCallLog: text(ENV.awsCallLog, minLength(1)),
    runsIn: (runsIn ?? 'local') as RunPlace,
  };
}

/** The runtime config from a validated owner config, its taxonomy and an environment. */
export function appConfigOf(owner: OwnerConfig, taxonomy: Taxonomy, env: Env, baseDir = '.'): AppConfig {
  const e = readEnvironment(env);
  const siteUrl = (e.siteUrl ?? owner.site.url ?? `http://127.0.0.1:${e.port}/`).replace(/\/?$/, '/');
  return {
    owner,
    taxonomy,
    baseDir,
    region: e.region,
    siteUrl,
    tableName: e.tableName,
    bucketName: e.bucketName,
    sendFunctionName: e.sendFunctionName,
    signupFunctionName: e.signupFunctionName,
    publishFunctionName: e.publishFunctionName,
    sesConfigurationSet: e.sesConfigurationSet,
    hmacSecret: e.hmacSecret,
    hmacKeyParameter: e.hmacKeyParameter,
    distributionId: e.distributionId,
    endpoints: e.endpoints,
    dataDir: resolve(e.dataDir),
    port: e.port,
    awsCallLog: e.awsCallLog === undefined ? undefined : resolve(e.awsCallLog),
    runsIn: e.runsIn,
  };
}

/** Reads a JSON file; errors name the file and say what is wrong. */
function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`${path}: cannot read the ${what} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, '(file)');
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${path}: not valid JSON (${(err as Error).message})`, '(file)');
  }
}

/** Reads a config file from disk and parses it; errors name the file. */
export function readOwnerConfigFile(path: string): unknown {
  return readJsonFile(path, 'config file');
}

/** The process environment. The only read of `process.env` in the project. */
export function processEnv(): Env {
  return process.env;
}

/** The config file a process reads: PAPERBOY_CONFIG, default ./paperboy.config.json. */
export function configFilePath(env: Env = processEnv()): string {
  return resolve(env[ENV.configFile] ?? 'paperboy.config.json');
}

// --- Resolved settings: validated at synth, carried by each function bundle ------------------------

/** Bumped when the shape of the resolved settings changes, so a bundle never reads another version's file. */
export const RESOLVED_SETTINGS_FORMAT = 'paperboy-settings/1';

/** The owner's config after validation (defaults filled in) and the taxonomy in use, as synth writes them. */
export interface ResolvedSettings {
  format: typeof RESOLVED_SETTINGS_FORMAT;
  /** SHA-256 of the JSON of `{ owner, taxonomy }`: the file is exactly what synth validated. */
  sha256: string;
  owner: OwnerConfig;
  taxonomy: Taxonomy;
}

const digestOf = (owner: unknown, taxonomy: unknown) => createHash('sha256').update(JSON.stringify({ owner, taxonomy })).digest('hex');

/** The resolved settings of a validated owner config (synth writes them with `JSON.stringify`). */
export function resolvedSettings(owner: OwnerConfig, taxonomy: Taxonomy): ResolvedSettings {
  // Through JSON first, so the checksum covers exactly what a reader parses back.
  const plain = JSON.parse(JSON.stringify({ owner, taxonomy })) as { owner: OwnerConfig; taxonomy: Taxonomy };
  return { format: RESOLVED_SETTINGS_FORMAT, sha256: digestOf(plain.owner, plain.taxonomy), ...plain };
}

/**
 * Checks a resolved settings file: the format this code reads, and the checksum synth wrote. A file
 * edited, truncated or written by another version fails here, with a line that says what to do.
 */
export function checkResolvedSettings(raw: unknown, where: string): ResolvedSettings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Partial<ResolvedSettings>;
  const redeploy = 'it is written by `npm run synth` / `npm run deploy` from paperboy.config.json; deploy again rather than editing it';
  if (r.format !== RESOLVED_SETTINGS_FORMAT) {
    throw new ConfigError(`${where}: format = ${JSON.stringify(r.format ?? null)}: expected ${JSON.stringify(RESOLVED_SETTINGS_FORMAT)}; ${redeploy}`, 'format');
  }
  const shaped = r.owner && typeof r.owner === 'object' && Array.isArray(r.owner.sources) && r.taxonomy && Array.isArray(r.taxonomy.topics);
  if (!shaped || r.sha256 !== digestOf(r.owner, r.taxonomy)) {
    throw new ConfigError(`${where}: sha256 = ${JSON.stringify(r.sha256 ?? null)}: does not match the settings in the file; ${redeploy}`, 'sha256');
  }
  return r as ResolvedSettings;
}

/**
 * A Lambda function's config: the resolved settings file named by PAPERBOY_SETTINGS (bundled next to the
 * code) plus the environment. Relative paths in the settings (snapshots) resolve from the file's folder.
 */
export function loadResolvedConfig(env: Env = processEnv()): AppConfig {
  const file = env[ENV.settingsFile];
  if (!file) throw new ConfigError(`environment: ${ENV.settingsFile} = missing: must name the resolved settings file bundled with the function`, ENV.settingsFile);
  const path = resolve(file);
  const settings = checkResolvedSettings(readJsonFile(path, 'resolved settings file'), path);
  return appConfigOf(settings.owner, settings.taxonomy, env, dirname(path));
}
