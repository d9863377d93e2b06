/**
 * The owner's config file, validated with zod: at synth (infra/lib/settings.ts), by the local runner and
 * the CLI. Lambda functions never load this module: they read the settings synth resolved (app-config.ts).
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, DEFAULT_DOWNLOAD_MB, MAX_DOWNLOAD_MB, appConfigOf, configFilePath, processEnv, readOwnerConfigFile, type AppConfig, type Env } from './app-config.js';
import { isIanaTimeZone, scheduleExpressionProblem } from './schedule-expression.js';
import { dayProblem } from './dates.js';
import { taxonomySchema, topicSchema, type Taxonomy } from './taxonomy.js';
import defaultTaxonomy from './default-taxonomy.json' with { type: 'json' };

const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a lowercase slug like "llm" or "speech-audio"');
const weekday = z.enum(['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN']);
const frequency = z.enum(['daily', 'weekly']);
const scheduleExpression = z.string().superRefine((value, ctx) => {
  const problem = scheduleExpressionProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const httpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL');

const run = z.enum(['local', 'cloud', 'both']).default('both');

const sourceCommon = {
  id: slug,
  name: z.string().min(1).optional(),
  enabled: z.boolean().default(true),
  run,
  /** Per-request timeout for fetching this source. */
  timeoutMs: z.number().int().min(1000).max(120_000).default(30_000),
  /** Retries after the first attempt (network errors, 5xx, 429). */
  retries: z.number().int().min(0).max(10).default(3),
  /**
   * The most one response of this source may hold, in MB (2^20 bytes): a larger one stops this source for
   * the run with an error that says so. The ceiling keeps a run inside the ingest function's memory
   * (measured by `npm run bench:download`).
   */
  maxDownloadMB: z.number().int().min(1).max(MAX_DOWNLOAD_MB).default(DEFAULT_DOWNLOAD_MB),
};
/** A real calendar day (core's one day check); paper-schema.ts has the same rule in zod's smaller build, for source items. */
const dayString = z.string().superRefine((value, ctx) => {
  const problem = dayProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const arxivCategory = z.string().regex(/^[a-z-]+(\.[A-Za-z-]+)?$/, 'must be an arXiv category like "cs.LG"');

const sourceSchema = z.discriminatedUnion('kind', [
  z.object({
    id: slug,
    kind: z.literal('snapshot'),
    name: z.string().min(1).optional(),
    /** A saved Daily Papers page, relative to the config file (locally, else to the project folder). */
    path: z.string().min(1),
    /** The day the page lists; the page itself names no year, so by default the day it is first ingested. */
    listedOn: dayString.optional(),
    enabled: z.boolean().default(true),
    run,
  }),
  z.object({
    ...sourceCommon,
    kind: z.literal('hf-daily'),
    /** The Hugging Face Daily Papers API. */
    url: httpUrl.default('https://huggingface.co/api/daily_papers'),
    /** A fixed day to fetch (backfills); by default today in the schedule's time zone. */
    date: dayString.optional(),
    /**
     * How many calendar days, ending today, every run reads again: papers added to a day after the morning
     * run, and later upvotes and links, are picked up. Unchanged days cost no writes.
     */
    lookbackDays: z.number().int().min(1).max(14).default(3),
    /** Papers per request (`limit`); each day is paged with `p` until a short page. The API allows at most 100. */
    pageSize: z.number().int().min(1).max(100).default(100),
  }),
  z.object({
    ...sourceCommon,
    kind: z.literal('arxiv-api'),
    url: httpUrl.default('https://export.arxiv.org/api/query'),
    /** An arXiv API search_query, e.g. "cat:cs.LG AND abs:diffusion". */
    query: z.string().min(1).max(1000),
    maxResults: z.number().int().min(1).max(10_000).default(100),
    pageSize: z.number().int().min(1).max(2000).default(100),
    /** arXiv asks for at least 3 s between calls. */
    minIntervalMs: z.number().int().min(3000).default(3000),
  }),
  z.object({
    ...sourceCommon,
    kind: z.literal('arxiv-rss'),
    url: httpUrl.default('https://rss.arxiv.org/rss/'),
    categories: z.array(arxivCategory).min(1, 'must list at least one category'),
    /** Announce types that count as new papers; the others only update papers already stored. */
    announceTypes: z.array(z.enum(['new', 'cross', 'replace', 'replace-cross'])).min(1).default(['new', 'cross']),
  }),
  z.object({
    ...sourceCommon,
    kind: z.literal('feed'),
    /** Any RSS 2.0, Atom or JSON Feed URL. */
    url: httpUrl,
  }),
]);
export type SourceConfig = z.infer<typeof sourceSchema>;

export const ownerConfigSchema = z
  .object({
    site: z
      .object({
        title: z.string().min(1).max(120),
        description: z.string().max(500).default(''),
        /** Public base URL; locally it defaults to the gateway's address. */
        url: httpUrl.optional(),
        language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag like "en" or "en-GB"').default('en'),
      })
      .strict(),
    sources: z.array(sourceSchema).min(1, 'must list at least one source'),
    schedule: z
      .object({
        timezone: z.string().refine(isIanaTimeZone, 'must be an IANA time zone like "Europe/Berlin" or "UTC"').default('UTC'),
        ingest: scheduleExpression.default('cron(0 6 * * ? *)'),
        digest: scheduleExpression.default('cron(0 7 * * ? *)'),
      })
      .strict()
      .default({ timezone: 'UTC', ingest: 'cron(0 6 * * ? *)', digest: 'cron(0 7 * * ? *)' }),
    mail: z
      .object({
        from: z.string().regex(/^(?:[^<>\r\n]*<)?[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>?$/, 'must be an address like "paperboy <digest@example.com>"'),
        replyTo: z.string().email().optional(),
      })
      .strict(),
    digest: z
      .object({
        maxPapers: z.number().int().min(1).max(100).default(10),
        windowDays: z.number().int().min(1).max(60).default(7),
        weeklyDay: weekday.default('MON'),
        sendWhenEmpty: z.boolean().default(false),
        sendRatePerSecond: z.number().int().min(1).max(1000).default(1),
        /**
         * Follow-ups: a paper a subscriber was sent that later reaches this many upvotes comes back once, under
         * "Updates" ("now trending"), for subscribers who opted in. Code released later comes back the same way.
         */
        trendingUpvotes: z.number().int().min(1).max(100_000).default(100),
      })
      .strict()
      .default({ maxPapers: 10, windowDays: 7, weeklyDay: 'MON', sendWhenEmpty: false, sendRatePerSecond: 1, trendingUpvotes: 100 }),
    subscriptions: z
      .object({
        /** How long a confirmation link works. */
        confirmTtlHours: z.number().int().min(1).max(168).default(48),
        /** Sign-up requests per address per hour (a limit on mail sent to someone who did not ask). */
        perAddressPerHour: z.number().int().min(1).max(100).default(3),
        /** Sign-up requests per client (source IP) per hour. */
        perClientPerHour: z.number().int().min(1).max(10_000).default(20),
      })
      .strict()
      .default({ confirmTtlHours: 48, perAddressPerHour: 3, perClientPerHour: 20 }),
    feeds: z
      .object({ maxItems: z.number().int().min(1).max(500).default(50) })
      .strict()
      .default({ maxItems: 50 }),
    /** Replaces the default taxonomy entirely. */
    taxonomy: taxonomySchema.optional(),
    /** Topics added to the taxonomy in use: personal interests by phrases, by example papers, or both. */
    extraTopics: z.array(topicSchema).default([]),
    local: z
      .object({
        demoSubscriber: z
          .object({
            email: z.string().email(),
            topics: z.array(slug).min(1),
            frequency: frequency.default('daily'),
          })
          .strict()
          .optional(),
      })
      .strict()
      .default({}),
    deploy: z
      .object({
        retainData: z.boolean().default(true),
        alarmEmail: z.string().email().optional(),
        domainName: z.string().optional(),
        certificateArn: z.string().optional(),
        /** SES identity the stack creates: the sender's domain (DKIM records as outputs), its address, or none (already verified). */
        sesIdentity: z.enum(['domain', 'address', 'none']).default('domain'),
        /** Alarm when a fetched (non-snapshot) source has brought no new paper for this many hours. */
        staleAfterHours: z.number().int().min(1).max(168).default(96),
      })
      .strict()
      .default({ retainData: true, sesIdentity: 'domain', staleAfterHours: 96 }),
  })
  .strict();

export type OwnerConfig = z.infer<typeof ownerConfigSchema>;

/** Formats the first zod issue as one line: where, what value, what is wrong. */
function describeIssue(where: string, error: z.ZodError, input: unknown): ConfigError {
  const issue = error.issues[0]!;
  const path = issue.path.map(String);
  const field = path.join('.') || '(root)';
  let value: unknown = input;
  for (const key of path) value = value != null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  const shown = value === undefined ? 'missing' : JSON.stringify(value);
  const what = issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}` : issue.message;
  const shownPart = issue.code === 'unrecognized_keys' ? '' : ` = ${shown.length > 80 ? `${shown.slice(0, 77)}...` : shown}`;
  return new ConfigError(`${where}: ${field}${shownPart}: ${what}`, field);
}

export function parseOwnerConfig(raw: unknown, where = 'config'): OwnerConfig {
  const result = ownerConfigSchema.safeParse(raw);
  if (!result.success) throw describeIssue(where, result.error, raw);
  const config = result.data;
  const base = config.taxonomy ?? defaultTaxonomyParsed();
  const slugs = new Set(base.topics.map((t) => t.slug));
  config.extraTopics.forEach((t, i) => {
    if (slugs.has(t.slug)) throw new ConfigError(`${where}: extraTopics.${i}.slug = ${JSON.stringify(t.slug)}: the taxonomy already has this topic`, `extraTopics.${i}.slug`);
    slugs.add(t.slug);
  });
  const ids = new Set<string>();
  config.sources.forEach((s, i) => {
    if (ids.has(s.id)) throw new ConfigError(`${where}: sources.${i}.id = ${JSON.stringify(s.id)}: duplicate source id`, `sources.${i}.id`);
    ids.add(s.id);
  });
  config.local.demoSubscriber?.topics.forEach((t, i) => {
    if (!slugs.has(t)) {
      throw new ConfigError(`${where}: local.demoSubscriber.topics.${i} = ${JSON.stringify(t)}: not a topic of the taxonomy`, `local.demoSubscriber.topics.${i}`);
    }
  });
  return config;
}

/** The taxonomy in use: the owner's or the default one, plus the owner's extra topics. */
export function taxonomyOf(owner: OwnerConfig): Taxonomy {
  const base = owner.taxonomy ?? defaultTaxonomyParsed();
  return owner.extraTopics.length ? { ...base, topics: [...base.topics, ...owner.extraTopics] } : base;
}

let cachedDefaultTaxonomy: Taxonomy | undefined;
export function defaultTaxonomyParsed(): Taxonomy {
  if (!cachedDefaultTaxonomy) {
    const result = taxonomySchema.safeParse(defaultTaxonomy);
    if (!result.success) throw describeIssue('default taxonomy', result.error, defaultTaxonomy);
    cachedDefaultTaxonomy = result.data;
  }
  return cachedDefaultTaxonomy;
}

/** Builds the runtime config from an already-read owner config and an environment. */
export function resolveConfig(rawOwner: unknown, env: Env, where = 'config', baseDir = '.'): AppConfig {
  const owner = parseOwnerConfig(rawOwner, where);
  return appConfigOf(owner, taxonomyOf(owner), env, baseDir);
}

/** Loads the config for a process: the file named by PAPERBOY_CONFIG (default ./paperboy.config.json) plus the environment. */
export function loadConfig(env: Env = processEnv(), overrides: Env = {}): AppConfig {
  const merged = { ...env, ...overrides };
  const path = configFilePath(merged);
  return resolveConfig(readOwnerConfigFile(path), merged, path, resolve(path, '..'));
}
