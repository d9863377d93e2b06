#!/usr/bin/env node
/**
 * `paperboy <command>`: the owner's CLI, and `npm start` (the `start` command).
 * Works alone, or beside a running `npm start` on the same data dir (it then uses those services).
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { ConfigError, dayProblem, DEFAULT_DOWNLOAD_MB, oneLine, terminalJson, processEnv, subscribe, subscribeRequestSchema, type AppConfig, type FailedDigestJob, type RunRecord, type SourceConfig } from '@paperboy/core';
import type { IngestEvent } from '../../../functions/ingest/index.js';
import { subscriptionDeps } from '../../../functions/commons/subscription-deps.js';
import { listenGateway, type Gateway } from './gateway.js';
import { terminalProgress } from './progress.js';
import { digest, explainTags, ingest, loadLocalConfig, mailEvent, openLocal, publish, retag, runPipeline, type LocalContext, type PipelineSummary } from './runner.js';
import { liveServices } from './services.js';
import { DynamoDigestJobStore } from '@paperboy/aws';

// The project runs on Node 20 locally (Lambda runs 22); the SDK's advance notice about Node 22 is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// A reader that stops early (`paperboy status | head -1`) closes the pipe: the command finishes its
// work quietly, with nothing more to print, instead of dying on EPIPE with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
  });
}

const USAGE = `usage: paperboy <command> [options]

commands:
  start [--once] [--port N]    run the whole pipeline once on the bundled data, then serve
                               http://127.0.0.1:8787/ (site, feeds, /api/*, /_local/mail/)
  ingest [--source ID]         fetch and store the configured sources (or one of them)
  ingest --source hf [--date D]                 Hugging Face Daily Papers for a day
  ingest --source arxiv --query Q [--max N]     arXiv API search
  ingest --source arxiv-rss --categories a+b    arXiv RSS announcements
  ingest --source feed --url URL                any RSS 2.0, Atom or JSON Feed
         [--file PATH]         read a saved document instead (format detected when no --source)
         [--from D --to D]     backfill days (hf, arxiv)
  publish                      render feeds and pages, upload what changed
  digest [--date YYYY-MM-DD]   send the digests due on that day (default today); safe to re-run
  subscribe EMAIL --topics a,b [--frequency daily|weekly]
                               subscribe an address (a confirmation email is sent)
  unsubscribe EMAIL            unsubscribe an address
  bounce EMAIL | complaint EMAIL
                               simulate SES reporting a hard bounce or complaint (EventBridge event to ses-events)
  status [--json]              what is stored, what the last runs did, how each source is doing
  tag --explain QUERY          which tagging rules fire for a paper (id, title or part of it)
  retag                        re-tag stored papers after a taxonomy change, then publish

environment: PAPERBOY_CONFIG (config file, default ./paperboy.config.json),
             PAPERBOY_DATA_DIR (default .paperboy), PORT (default 8787)`;

function fail(message: string, code = 1): never {
  console.error(`paperboy: ${message}`);
  process.exit(code);
}

function printSummary(s: PipelineSummary, config: AppConfig): void {
  const t = s.ingest.totals;
  const tags = Object.entries(s.ingest.sources.reduce<Record<string, number>>((acc, r) => {
    for (const [k, v] of Object.entries(r.counts?.tagged ?? {})) acc[k] = (acc[k] ?? 0) + v;
    return acc;
  }, {}))
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const tagged = tags.reduce((n, [, v]) => n + v, 0);
  const o = s.digest.outcomes;
  // Errors and skip reasons come from upstream documents: printed on one line, control characters removed.
  const problems = s.ingest.sources.flatMap((r) => [
    ...(r.error ? [`  ingest   source ${r.source} failed: ${oneLine(r.error)}`] : []),
    ...r.skipped.map((k) => `  ingest   source ${r.source} skipped ${oneLine(k.where)}: ${oneLine(k.reason)}`),
  ]);
  const lines = [
    `paperboy: local run (data in ${config.dataDir})`,
    `  ingest   ${t.received} received, ${t.new} new, ${t.updated} updated, ${t.unchanged} unchanged, ${t.skipped} skipped${t.failedSources ? `, ${t.failedSources} source(s) FAILED` : ''}`,
    ...problems,
    `  tag      ${tagged} topic tags on ${t.new + t.updated} new or changed papers${tags.length ? ` (${tags.slice(0, 6).map(([k, v]) => `${k} ${v}`).join(', ')}${tags.length > 6 ? ', ...' : ''})` : ''}`,
    `  publish  ${s.publish.objects} objects, ${s.publish.uploaded} uploaded, ${s.publish.unchanged} unchanged`,
    `  digest   ${s.digest.due} due, ${o.sent} sent, ${o.empty} with nothing new, ${o.duplicate} already sent${s.demoSubscriber === 'created' ? ' (demo subscriber created)' : ''}`,
  ];
  console.log(lines.join('\n'));
}

function printUrls(url: string, config: AppConfig): void {
  console.log(
    [
      '',
      `  site     ${url}`,
      `  feeds    ${url}feeds/all.xml  ${url}feeds/all.atom  ${url}feeds/all.json  (OPML: ${url}feeds/index.opml)`,
      `  api      ${url}api/subscribe`,
      `  mail     ${url}_local/mail/  (as .eml: ${resolve(config.dataDir, 'outbox')})`,
    ].join('\n'),
  );
}

async function withLocal<T>(fn: (ctx: LocalContext) => Promise<T>, port?: number): Promise<T> {
  const ctx = await openLocal(processEnv(), { port });
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}

/**
 * `ingest` options -> the sources to run: a configured source by id, or an ad-hoc one by kind
 * (hf, arxiv, arxiv-rss, feed). `--file` reads a saved document; without `--source` its format is detected.
 */
async function ingestEventFromArgs(config: AppConfig, v: Record<string, string | boolean | undefined>): Promise<IngestEvent> {
  const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const day = (k: string) => {
    const d = str(k);
    const problem = d === undefined ? undefined : dayProblem(d);
    if (problem) fail(`--${k}: ${oneLine(problem)}`, 2);
    return d;
  };
  const file = str('file') ? resolve(str('file')!) : undefined;
  const event: IngestEvent = { ...(file ? { file } : {}), ...(day('from') ? { from: day('from') } : {}), ...(day('to') ? { to: day('to') } : {}) };
  let source = str('source');
  if (!source && file) {
    const { detectFormat } = await import('@paperboy/sources');
    source = { 'hf-daily': 'hf', 'arxiv-api': 'arxiv', 'arxiv-rss': 'arxiv-rss', feed: 'feed', snapshot: 'snapshot' }[detectFormat(await readFile(file, 'utf8'))];
    console.log(`${file}: detected ${source}`);
  }
  if (!source) return event;
  const configured = config.owner.sources.find((s) => s.id === source);
  // Named explicitly, a source runs here even if the config keeps it for the cloud (`"run": "cloud"`);
  // a plain `ingest` never does.
  const common = { enabled: true, run: 'both', timeoutMs: 30_000, retries: 3, maxDownloadMB: DEFAULT_DOWNLOAD_MB } as const;
  let adhoc: SourceConfig | undefined;
  const max = str('max') === undefined ? undefined : Number(str('max'));
  if (max !== undefined && !(Number.isInteger(max) && max > 0 && max <= 10_000)) fail(`--max ${JSON.stringify(str('max'))}: must be a whole number from 1 to 10000`, 2);
  if (configured) {
    adhoc = {
      ...configured,
      ...(configured.kind === 'hf-daily' && day('date') ? { date: day('date') } : {}),
      ...(configured.kind === 'arxiv-api' && str('query') ? { query: str('query')! } : {}),
      ...(configured.kind === 'arxiv-api' && max ? { maxResults: max } : {}),
      enabled: true,
      run: 'both',
    } as SourceConfig;
  } else if (source === 'hf') {
    adhoc = { id: 'hf', kind: 'hf-daily', url: 'https://huggingface.co/api/daily_papers', lookbackDays: 3, pageSize: 100, ...(day('date') ? { date: day('date') } : {}), ...common };
  } else if (source === 'arxiv') {
    if (!str('query') && !file) fail('--source arxiv needs --query, e.g. --query "cat:cs.LG"', 2);
    adhoc = { id: 'arxiv', kind: 'arxiv-api', url: 'https://export.arxiv.org/api/query', query: str('query') ?? 'file', maxResults: max ?? 100, pageSize: 100, minIntervalMs: 3000, ...common };
  } else if (source === 'arxiv-rss') {
    if (!str('categories') && !file) fail('--source arxiv-rss needs --categories, e.g. --categories cs.LG+cs.CL', 2);
    adhoc = { id: 'arxiv-rss', kind: 'arxiv-rss', url: 'https://rss.arxiv.org/rss/', categories: (str('categories') ?? 'cs.LG').split(/[+,]/).filter(Boolean), announceTypes: ['new', 'cross'], ...common };
  } else if (source === 'feed') {
    if (!str('url') && !file) fail('--source feed needs --url', 2);
    adhoc = { id: 'feed', kind: 'feed', url: str('url') ?? 'https://example.invalid/', ...common };
  } else if (source === 'snapshot' && file) {
    adhoc = { id: 'file', kind: 'snapshot', path: file, enabled: true, run: 'both' };
  }
  if (!adhoc) fail(`--source ${JSON.stringify(source)}: no configured source has that id, and it is not one of hf, arxiv, arxiv-rss, feed`, 2);
  // Validate an ad-hoc source like the config file would (URLs, categories, ...).
  const { ownerConfigSchema } = await import('@paperboy/core');
  const checked = ownerConfigSchema.shape.sources.safeParse([adhoc]);
  if (!checked.success) fail(`--source ${source}: ${checked.error.issues[0]!.path.slice(1).join('.')}: ${checked.error.issues[0]!.message}`, 2);
  config.owner.sources = [...config.owner.sources.filter((s) => s.id !== adhoc.id), checked.data[0]!];
  return { ...event, sources: [adhoc.id] };
}

/** What `status` reports; `status --json` prints it as is. */
interface StatusReport {
  dataDir: string;
  /** The running `paperboy start` this command used, if any. */
  server: { pid: number; siteUrl?: string } | null;
  latestPaper: { id: string; listedOn: string; title: string } | null;
  topics: Record<string, number>;
  activeSubscribers: { daily: number; weekly: number };
  runs: { ingest: RunRecord | null; publish: RunRecord | null };
  /** Digest jobs the sender gave up after too many attempts (kept 90 days); `paperboy digest --date DAY` retries a day. */
  failedDigests: FailedDigestJob[];
}

async function statusReport(ctx: LocalContext): Promise<StatusReport> {
  const [latest] = await ctx.rt.papers.listLatest(1);
  const topics: Record<string, number> = {};
  for (const { slug } of ctx.config.taxonomy.topics) {
    const n = await ctx.rt.papers.countMemberships(slug);
    if (n) topics[slug] = n;
  }
  return {
    dataDir: ctx.config.dataDir,
    server: ctx.services.owned ? null : { pid: ctx.services.pid, ...(ctx.services.siteUrl ? { siteUrl: ctx.services.siteUrl } : {}) },
    latestPaper: latest ? { id: latest.id, listedOn: latest.listedOn, title: latest.title } : null,
    topics,
    activeSubscribers: { daily: (await ctx.rt.subscribers.listActiveIds('daily')).length, weekly: (await ctx.rt.subscribers.listActiveIds('weekly')).length },
    runs: { ingest: (await ctx.rt.runs.latest('ingest')) ?? null, publish: (await ctx.rt.runs.latest('publish')) ?? null },
    failedDigests: await new DynamoDigestJobStore(ctx.rt.clients.dynamo, ctx.config.tableName).failed(),
  };
}

/** Rows as columns padded to their widest cell. */
function table(rows: string[][], indent = '  '): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => indent + r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd());
}

const words = (key: string) => key.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);
const when = (iso: string) => iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC');

/** `status` for a person: what is stored, the latest run of each kind, and each source's health. */
function formatStatus(r: StatusReport): string {
  const served = r.server ? `served${r.server.siteUrl ? ` at ${r.server.siteUrl}` : ''} by process ${r.server.pid}` : 'not served';
  const topics = Object.entries(r.topics).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const lines = [
    `paperboy status: ${r.dataDir} (${served})`,
    '',
    ...table([
      ['latest', r.latestPaper ? `${r.latestPaper.listedOn}  ${oneLine(r.latestPaper.title)}` : 'no papers yet'],
      ['topics', topics.length ? topics.map(([k, v]) => `${k} ${v}`).join(', ') : 'none'],
      ['subscribers', `${r.activeSubscribers.daily} daily, ${r.activeSubscribers.weekly} weekly (active)`],
    ]),
    '',
    ...table([
      ['run', 'finished', 'counts'],
      ...(['ingest', 'publish'] as const).map((kind) => {
        const run = r.runs[kind];
        return [kind, run ? when(run.finishedAt) : 'never', run ? Object.entries(run.counts).map(([k, v]) => `${v} ${words(k)}`).join(', ') : ''];
      }),
    ]),
  ];
  const sources = r.runs.ingest?.sources ?? [];
  if (sources.length) {
    lines.push(
      '',
      ...table([
        ['source', 'fetched', 'new', 'updated', 'unchanged', 'skipped', 'health (last ingest)'],
        ...sources.map((s) => [
          s.source,
          String(s.fetched),
          String(s.new),
          String(s.updated),
          String(s.unchanged),
          String(s.skipped),
          [s.error ? `FAILED: ${oneLine(s.error)}` : '', s.stale ? 'STALE' : '', s.empty ? 'EMPTY' : '', s.notModified ? 'not modified' : ''].filter(Boolean).join(', ') || 'ok',
        ]),
      ]),
    );
  }
  if (r.failedDigests.length) {
    lines.push(
      '',
      `${r.failedDigests.length} digest(s) given up (paperboy digest --date DAY sends a day again):`,
      ...table([
        ['day', 'period', 'subscriber', 'attempts', 'given up', 'last error'],
        ...r.failedDigests.map((j) => [j.day ?? '', j.period, j.subscriberId, String(j.attempts), when(j.failedAt), oneLine(j.error)]),
      ]),
    );
  }
  return lines.join('\n');
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      once: { type: 'boolean', default: false },
      port: { type: 'string' },
      source: { type: 'string' },
      file: { type: 'string' },
      date: { type: 'string' },
      query: { type: 'string' },
      max: { type: 'string' },
      categories: { type: 'string' },
      url: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      topics: { type: 'string' },
      frequency: { type: 'string' },
      explain: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return;
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) fail(`--port ${JSON.stringify(values.port)}: must be a port number`, 2);

  switch (command) {
    case 'start': {
      // Everything that can stop a start is checked before anything runs: the config (snapshot paths
      // included), a server already on this data dir, and the port.
      const config = loadLocalConfig(processEnv(), port);
      const live = await liveServices(config.dataDir);
      if (live?.siteUrl) fail(`${config.dataDir} is already served at ${live.siteUrl} by process ${live.pid}; stop it first, or set PAPERBOY_DATA_DIR to another folder`);
      if (live) fail(`${config.dataDir} is in use by paperboy process ${live.pid}; wait for it to finish`);
      const gateway: Gateway | undefined = values.once ? undefined : await listenGateway(config.port);
      let ctx: LocalContext | undefined;
      try {
        ctx = await openLocal(processEnv(), { port, serves: !values.once });
        const summary = await runPipeline(ctx, terminalProgress());
        printSummary(summary, ctx.config);
        if (!gateway) {
          // The other stages have run; a failed source still fails the run.
          if (summary.ingest.totals.failedSources > 0) process.exitCode = 1;
          return;
        }
        gateway.serve(ctx);
        printUrls(gateway.url, ctx.config);
        console.log('\n  Ctrl-C to stop.');
        await new Promise<void>((done) => {
          process.once('SIGINT', done);
          process.once('SIGTERM', done);
        });
      } finally {
        gateway?.server.close();
        await ctx?.close();
      }
      return;
    }
    case 'ingest': {
      await withLocal(async (ctx) => {
        const event = await ingestEventFromArgs(ctx.rt.config, values);
        const result = await ingest(ctx, terminalProgress(), event);
        if (values.source && result.sources.length === 0) fail(`--source ${JSON.stringify(values.source)}: no enabled source has that id`, 2);
        for (const r of result.sources) {
          const c = r.counts;
          console.log(`${r.source}: ${r.error ? `failed: ${oneLine(r.error)}` : `${r.fetched} fetched, ${c!.new} new, ${c!.updated} updated, ${c!.unchanged} unchanged, ${r.skipped.length} skipped${c!.ignored ? `, ${c!.ignored} replacements of unknown papers ignored` : ''}${r.health?.stale ? ', STALE' : ''}${r.health?.empty ? ', EMPTY' : ''}`}`);
          for (const n of r.health?.notes ?? []) console.log(`  note: ${oneLine(n)}`);
          for (const k of r.skipped) console.log(`  skipped ${oneLine(k.where)}: ${oneLine(k.reason)}`);
        }
        if (result.totals.new + result.totals.updated > 0) {
          const p = await publish(ctx);
          console.log(`publish: ${p.uploaded} of ${p.objects} objects uploaded`);
        }
        if (result.totals.failedSources > 0) process.exitCode = 1;
      });
      return;
    }
    case 'publish': {
      await withLocal(async (ctx) => {
        const p = await publish(ctx, terminalProgress());
        console.log(`publish: ${p.objects} objects, ${p.uploaded} uploaded, ${p.unchanged} unchanged`);
      });
      return;
    }
    case 'digest': {
      const day = values.date;
      const problem = day === undefined ? undefined : dayProblem(day);
      if (problem) fail(`--date: ${oneLine(problem)}`, 2);
      await withLocal(async (ctx) => {
        const d = await digest(ctx, { day });
        console.log(`digest: ${d.due} due, ${d.outcomes.sent} sent, ${d.outcomes.empty} with nothing new, ${d.outcomes.duplicate} already sent${d.outcomes.rejected ? `, ${d.outcomes.rejected} rejected by SES` : ''}`);
      });
      return;
    }
    case 'subscribe': {
      const [email] = rest;
      await withLocal(async (ctx) => {
        const parsed = subscribeRequestSchema(ctx.config.taxonomy.topics.map((t) => t.slug)).safeParse({
          email,
          topics: values.topics?.split(',').map((t) => t.trim()).filter(Boolean) ?? [],
          frequency: values.frequency,
        });
        if (!parsed.success) fail(parsed.error.issues[0]!.message, 2);
        // The owner's own sign-up: the same work process-signups does, with the answer printed.
        const outcome = await subscribe(parsed.data, await subscriptionDeps(ctx.rt));
        console.log(outcome === 'confirmation-sent' ? `subscribe: confirmation sent to ${parsed.data.email}` : `subscribe: ${parsed.data.email} is ${outcome === 'suppressed' ? 'suppressed' : 'already active'}`);
      });
      return;
    }
    case 'unsubscribe': {
      const [email] = rest;
      if (!email) fail('unsubscribe needs an EMAIL', 2);
      await withLocal(async (ctx) => {
        const sub = await ctx.rt.subscribers.findByEmail(email);
        if (!sub) fail(`unsubscribe: no subscriber with that address`);
        if (sub.status !== 'unsubscribed') await ctx.rt.subscribers.update({ ...sub, status: 'unsubscribed', unsubscribedAt: ctx.rt.clock.now().toISOString() });
        console.log(`unsubscribe: ${email} is unsubscribed`);
      });
      return;
    }
    case 'bounce':
    case 'complaint': {
      const [email] = rest;
      if (!email) fail(`${command} needs an EMAIL`, 2);
      await withLocal(async (ctx) => {
        const suppressed = await mailEvent(ctx, command, email);
        console.log(`${command}: ${suppressed ? `${email} is suppressed` : 'no active subscriber with that address'}`);
      });
      return;
    }
    case 'status': {
      await withLocal(async (ctx) => {
        const report = await statusReport(ctx);
        console.log(values.json ? terminalJson(report) : formatStatus(report));
      });
      return;
    }
    case 'tag': {
      const query = rest.join(' ');
      if (!values.explain || !query) fail('usage: paperboy tag --explain <paper id, title or part of a title>', 2);
      await withLocal(async (ctx) => console.log(await explainTags(ctx, query)));
      return;
    }
    case 'retag': {
      await withLocal(async (ctx) => {
        const r = await retag(ctx, terminalProgress());
        const diff = (m: Record<string, number>, sign: string) => Object.entries(m).map(([k, v]) => `${sign}${v} ${k}`);
        console.log(`retag: ${r.scanned} papers, ${r.changed} changed, ${r.unchanged} unchanged${r.conflicts ? `, ${r.conflicts} changed meanwhile (run again)` : ''}`);
        const changes = [...diff(r.gained, '+'), ...diff(r.lost, '-')];
        if (changes.length) console.log(`  ${changes.join(', ')}`);
        if (r.changed > 0) {
          const p = await publish(ctx);
          console.log(`publish: ${p.uploaded} of ${p.objects} objects uploaded`);
        }
      });
      return;
    }
    default:
      fail(`unknown command ${JSON.stringify(command)}\n${USAGE}`, 2);
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    if (err instanceof ConfigError) fail(oneLine(err.message), 2);
    fail(oneLine((err as Error).message ?? String(err)));
  },
);
