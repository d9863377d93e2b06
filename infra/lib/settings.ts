/**
 * What the CDK app derives from the owner's config file at synth time.
 * Pure functions, so they are tested without synthesizing anything.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ConfigError,
  ENV,
  activeSources,
  fetchesPapers,
  parseOwnerConfig,
  readOwnerConfigFile,
  resolvedSettings,
  taxonomyOf,
  type OwnerConfig,
  type SourceConfig,
} from '@paperboy/core';

/** Repository root: esbuild's project root, where package-lock.json and the config file live. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where the resolved settings sit inside every function bundle (Lambda's working directory is /var/task). */
export const BUNDLED_SETTINGS_FILE = 'paperboy.settings.json';
export const LAMBDA_TASK_ROOT = '/var/task';

/** Memory of each function, MB: set on purpose (ingest and publish tag and render in memory); the cost model prices it. */
export const FUNCTION_MEMORY_MB = {
  ingest: 1024,
  publish: 1024,
  'plan-digests': 512,
  // The one sender mostly waits for its next slot (about 1/rate s a send) and on DynamoDB and SES round
  // trips; rendering a digest takes about 2 ms of CPU (bench:digest). Billing is memory x wall time, and
  // the wait is most of it, so it gets the least memory that renders comfortably: 256 MB (a sixth of a
  // vCPU, still about 80 digests of CPU a second against a rate of 14).
  'send-digests': 256,
  subscriptions: 512,
  'process-signups': 256,
  'ses-events': 256,
  'notify-owner': 256,
} as const;

/** Global secondary indexes of the table; named so grants can list them without a `/index/*` wildcard. */
export const TABLE_INDEXES = ['GSI1', 'GSI2'] as const;
export type TableIndex = (typeof TABLE_INDEXES)[number];
/** What each index holds: GSI1 whole papers (publish and digests read them by day), GSI2 only the keys of active subscribers. */
export const INDEX_PROJECTIONS: Record<TableIndex, 'ALL' | 'KEYS_ONLY'> = { GSI1: 'ALL', GSI2: 'KEYS_ONLY' };

export interface PaperboySettings {
  owner: OwnerConfig;
  /** Absolute path of the config file that was read. */
  configFile: string;
}

/**
 * The config file synth and the deploy preflight read: PAPERBOY_CONFIG (as for `npm start`), else the
 * `paperboy:configFile` context (cdk.json or `-c`), else paperboy.config.json.
 */
export function configFileOf(env: Record<string, string | undefined>, context?: unknown): string {
  return env[ENV.configFile] ?? (typeof context === 'string' && context ? context : 'paperboy.config.json');
}

/** Reads and validates the owner's config file; a bad file throws a one-line ConfigError naming the field. */
export function loadSettings(configFile: string): PaperboySettings {
  const path = isAbsolute(configFile) ? configFile : resolve(REPO_ROOT, configFile);
  const owner = parseOwnerConfig(readOwnerConfigFile(path), path);
  checkDeploy(owner, path);
  return { owner, configFile: path };
}

/**
 * Writes the resolved settings (the validated config with its defaults, and the taxonomy in use) for the
 * function bundles, and returns the file's path. The functions read it without zod's config schemas
 * (`loadResolvedConfig`); the name carries the checksum, so each distinct config has its own file.
 */
export function writeResolvedSettings(settings: PaperboySettings, dir = join(REPO_ROOT, 'node_modules', '.cache', 'paperboy-settings')): string {
  const resolved = resolvedSettings(settings.owner, taxonomyOf(settings.owner));
  const file = join(dir, `${resolved.sha256.slice(0, 16)}.json`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(resolved)}\n`);
  return file;
}

/** The sources the deployment ingests: enabled, with `run` "cloud" or "both". */
export function cloudSources(owner: OwnerConfig): SourceConfig[] {
  return activeSources(owner, 'cloud');
}

/** Cross-field rules the zod schema cannot express, checked before any construct is built. */
export function checkDeploy(owner: OwnerConfig, where = 'config'): void {
  // A deployment that only re-reads the bundled snapshot would never bring a new paper.
  if (!cloudSources(owner).some(fetchesPapers)) {
    const listed = owner.sources.map((s) => `${s.id} (${s.kind}${s.enabled ? '' : ', disabled'}, run ${s.run})`).join(', ');
    throw new ConfigError(
      `${where}: sources = ${listed}: no enabled source fetches papers in the cloud; enable one with "run": "cloud" or "both", e.g. the "hf" source (hf-daily)`,
      'sources',
    );
  }
  const { domainName, certificateArn } = owner.deploy;
  if (domainName && !certificateArn) {
    throw new ConfigError(`${where}: deploy.certificateArn = missing: required when deploy.domainName is set (an ACM certificate in us-east-1)`, 'deploy.certificateArn');
  }
  if (certificateArn && !domainName) {
    throw new ConfigError(`${where}: deploy.domainName = missing: required when deploy.certificateArn is set`, 'deploy.domainName');
  }
  if (certificateArn && !/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/.test(certificateArn)) {
    throw new ConfigError(
      `${where}: deploy.certificateArn = ${JSON.stringify(certificateArn)}: must be an ACM certificate ARN in us-east-1 (CloudFront only uses certificates from there)`,
      'deploy.certificateArn',
    );
  }
}

/**
 * Domains reserved for examples and tests (RFC 2606, RFC 6761): mail "from" them can never be verified
 * in SES or delivered, so a deployment sending from one is still the shipped example.
 */
export function isExampleDomain(domain: string): boolean {
  const d = domain.toLowerCase().replace(/\.$/, '');
  return /(^|\.)(example\.(com|net|org)|example|test|invalid|localhost)$/.test(d);
}

/** One line when `mail.from` is still at an example domain (synth warns with it, `npm run deploy` refuses), else undefined. */
export function exampleSenderProblem(settings: PaperboySettings): string | undefined {
  const { domain } = mailFromIdentities(settings.owner.mail.from);
  if (!isExampleDomain(domain)) return undefined;
  return `${settings.configFile}: mail.from = ${JSON.stringify(settings.owner.mail.from)}: ${domain} is a reserved example domain; set your own sender (and deploy.sesIdentity) before deploying`;
}

/** The sender address and its domain, from `mail.from` ("paperboy <digest@example.com>"). */
export function mailFromIdentities(from: string): { address: string; domain: string } {
  const match = /<([^<>]+)>\s*$/.exec(from);
  const address = (match ? match[1]! : from).trim();
  const domain = address.slice(address.lastIndexOf('@') + 1);
  return { address, domain };
}

/**
 * Files the ingest bundle needs besides the config: saved snapshots named by `snapshot` sources that
 * run in the cloud (a `"run": "local"` snapshot is the local demo and stays out of the bundle).
 * Paths are relative to the config file and must stay inside its folder, so the bundle layout mirrors it.
 */
export function snapshotFiles(settings: PaperboySettings): string[] {
  const files: string[] = [];
  const inCloud = new Set(cloudSources(settings.owner));
  settings.owner.sources.forEach((source, i) => {
    if (source.kind !== 'snapshot' || !inCloud.has(source)) return;
    const rel = normalize(source.path);
    if (isAbsolute(rel) || rel === '..' || rel.startsWith(`..${sep}`)) {
      throw new ConfigError(
        `${settings.configFile}: sources.${i}.path = ${JSON.stringify(source.path)}: must be a path inside the config file's folder to be bundled`,
        `sources.${i}.path`,
      );
    }
    files.push(rel);
  });
  return files;
}
