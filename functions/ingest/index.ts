/** Lambda: ingest every configured source, tag, store; trigger publish when anything changed. */
import { invokedAs, recordCalls } from '@paperboy/aws';
import { activeSources, checkFreshness, dayInZone, fetchesPapers, ingestPapers, nextSourceHealth, type IngestCounts, type SourceRunReport, type SourceState } from '@paperboy/core';
import { loadSource, userAgent, type SourceHealth, type Sleep } from '@paperboy/sources';
import type { BaseRuntime } from '../commons/runtime.js';
import { lambdaRuntime } from '../commons/lambda-runtime.js';
import type { ScheduledInvocation } from '../commons/events.js';

/** A scheduler event (functions/commons/events.ts), optionally narrowed to some sources; `{}` by hand. */
export interface IngestEvent extends Partial<ScheduledInvocation> {
  /** Only these source ids (default: every enabled source that runs where this process runs). */
  sources?: string[];
  /** Read this saved document instead of fetching (with exactly one source). */
  file?: string;
  /** Backfill range, inclusive days (sources with history: hf-daily, arxiv-api). */
  from?: string;
  to?: string;
}

export interface SourceReport {
  source: string;
  counts?: IngestCounts;
  /** Items the upstream delivered, before validation. */
  fetched: number;
  skipped: { where: string; reason: string }[];
  health?: SourceHealth;
  error?: string;
}

export interface IngestResult {
  sources: SourceReport[];
  totals: { received: number; new: number; updated: number; unchanged: number; skipped: number; failedSources: number; emptySources: number; staleSources: number };
}

/**
 * Log messages for what the result reports too: a local run prints those from the result instead.
 * The stack's metric filter counts `source failed` lines (IngestSourceFailures).
 */
export const INGEST_LOG = {
  itemSkipped: 'item skipped',
  sourceUnhealthy: 'source looks stale or empty',
  sourceFailed: 'source failed',
  /** At ERROR, once a day while a fetched source brings no new paper for deploy.staleAfterHours (the Problems alarm counts it). */
  sourceStale: 'source stale',
} as const;

export interface IngestExtras {
  /** Waits between HTTP calls (tests pass one that returns at once). */
  sleep?: Sleep;
  /** Jitter of retry waits (the simulation passes a seeded one, so a run repeats exactly). */
  random?: () => number;
  triggerPublish?: (result: IngestResult) => Promise<void>;
  onProgress?: (source: string, done: number, total: number) => void;
}

export function makeHandler(rt: BaseRuntime, extras: IngestExtras = {}) {
  return invokedAs('ingest', async (event: IngestEvent = {}): Promise<IngestResult> => {
    const startedAt = rt.clock.now();
    const today = dayInZone(startedAt, rt.config.owner.schedule.timezone);
    // Only the sources meant for this place: in Lambda the fetching ones, locally the snapshot (see `run`).
    const wanted = activeSources(rt.config.owner, rt.config.runsIn).filter((s) => !event.sources || event.sources.includes(s.id));
    const reports: SourceReport[] = [];
    const http = { userAgent: userAgent(rt.config.siteUrl), sleep: extras.sleep, random: extras.random };
    const timezone = rt.config.owner.schedule.timezone;
    /** Whether any source's health (what readers are told about it) moved: the site and feeds then say so. */
    let healthMoved = false;
    for (const source of wanted) {
      const fetches = fetchesPapers(source) && !event.file;
      let state: SourceState | undefined;
      // One failing source never stops the others.
      try {
        state = fetches ? await rt.sourceStates.get(source.id) : undefined;
        const loaded = await loadSource(source, { baseDir: rt.config.baseDir, today, now: startedAt, http, state, file: event.file, from: event.from, to: event.to });
        for (const skip of loaded.skipped) rt.logger.warn(INGEST_LOG.itemSkipped, { source: source.id, ...skip });
        const counts = await ingestPapers(loaded.papers, {
          papers: rt.papers,
          tagger: await rt.tagger(),
          clock: rt.clock,
          merge: { trendingUpvotes: rt.config.owner.digest.trendingUpvotes },
          onProgress: (done, total) => extras.onProgress?.(source.id, done, total),
        });
        // Validators are kept only once what they describe is stored, so a failed run fetches again.
        const fresh = fetches ? checkFreshness(state?.freshness, startedAt, counts.new, rt.config.owner.deploy.staleAfterHours) : undefined;
        const keep = loaded.state && counts.conflicts === 0 ? loaded.state : state;
        const health = fetches ? nextSourceHealth(state?.health, { ok: true, fetched: loaded.fetched, notModified: loaded.health.notModified }, startedAt, timezone) : undefined;
        const moved = fetches && health !== state?.health;
        healthMoved ||= moved;
        const healthField = health ? { health } : {};
        if (keep && (keep !== state || fresh?.changed || moved)) {
          const { health: _previous, ...rest } = keep;
          await rt.sourceStates.put(source.id, { ...rest, ...(fresh ? { freshness: fresh.next } : {}), ...healthField });
        } else if (!keep && (fresh?.changed || moved)) {
          await rt.sourceStates.put(source.id, { ...(fresh ? { freshness: fresh.next } : {}), ...healthField, updatedAt: startedAt.toISOString() });
        }
        if (fresh?.stale) rt.logger.error(INGEST_LOG.sourceStale, { source: source.id, ...fresh.stale, staleAfterHours: rt.config.owner.deploy.staleAfterHours });
        if (loaded.health.stale || loaded.health.empty) rt.logger.warn(INGEST_LOG.sourceUnhealthy, { source: source.id, ...loaded.health });
        // One line per source: the stack's metric filters count new papers per source from it (staleness alarm).
        rt.logger.info('source ingested', { source: source.id, received: counts.received, new: counts.new, updated: counts.updated });
        // Items the store refused (too large) are skipped like invalid ones: named, with the reason.
        const refused = counts.rejected.map((r) => ({ where: `${source.id} ${r.id}`, reason: r.reason }));
        for (const skip of refused) rt.logger.warn(INGEST_LOG.itemSkipped, { source: source.id, ...skip });
        reports.push({ source: source.id, counts, fetched: loaded.fetched, skipped: [...loaded.skipped, ...refused], health: loaded.health });
      } catch (err) {
        rt.logger.error(INGEST_LOG.sourceFailed, { source: source.id, error: (err as Error).message });
        reports.push({ source: source.id, fetched: 0, skipped: [], error: (err as Error).message });
        if (fetches) healthMoved = (await recordFailure(rt, source.id, state, (err as Error).message, startedAt)) || healthMoved;
      }
    }
    const sum = (f: (c: IngestCounts) => number) => reports.reduce((n, r) => n + (r.counts ? f(r.counts) : 0), 0);
    const result: IngestResult = {
      sources: reports,
      totals: {
        received: sum((c) => c.received),
        new: sum((c) => c.new),
        updated: sum((c) => c.updated),
        unchanged: sum((c) => c.unchanged),
        skipped: reports.reduce((n, r) => n + r.skipped.length, 0),
        failedSources: reports.filter((r) => r.error).length,
        emptySources: reports.filter((r) => r.health?.empty).length,
        staleSources: reports.filter((r) => r.health?.stale).length,
      },
    };
    const perSource: SourceRunReport[] = reports.map((r) => ({
      source: r.source,
      fetched: r.fetched,
      new: r.counts?.new ?? 0,
      updated: r.counts?.updated ?? 0,
      unchanged: r.counts?.unchanged ?? 0,
      skipped: r.skipped.length,
      skippedReasons: r.skipped.slice(0, 20).map((k) => `${k.where}: ${k.reason}`),
      ...(r.error ? { error: r.error } : {}),
      empty: r.health?.empty ?? false,
      stale: r.health?.stale ?? false,
      ...(r.health?.notModified ? { notModified: true } : {}),
      notes: r.health?.notes ?? [],
    }));
    await rt.runs.record({
      kind: 'ingest',
      startedAt: startedAt.toISOString(),
      finishedAt: rt.clock.now().toISOString(),
      counts: { ...result.totals },
      errors: reports.flatMap((r) => (r.error ? [`${r.source}: ${r.error}`] : [])),
      sources: perSource,
    });
    if (result.totals.new + result.totals.updated > 0 || healthMoved) await extras.triggerPublish?.(result);
    rt.logger.info('ingest finished', { totals: result.totals, sources: perSource });
    return result;
  });
}

/**
 * Remembers that a source failed (from its first failed run on), keeping its validators. Returns whether its
 * health moved. A store that cannot be written either is logged and the run goes on.
 */
async function recordFailure(rt: BaseRuntime, sourceId: string, state: SourceState | undefined, error: string, now: Date): Promise<boolean> {
  try {
    const known = state ?? (await rt.sourceStates.get(sourceId));
    const health = nextSourceHealth(known?.health, { ok: false, error }, now, rt.config.owner.schedule.timezone);
    if (health === known?.health) return false;
    await rt.sourceStates.put(sourceId, { ...(known ?? { updatedAt: now.toISOString() }), health: health! });
    return true;
  } catch (err) {
    rt.logger.error(INGEST_LOG.sourceFailed, { source: sourceId, error: `recording the failure: ${(err as Error).message}` });
    return false;
  }
}

let cached: ReturnType<typeof makeHandler> | undefined;
export const handler = async (event: IngestEvent) => {
  cached ??= (() => {
    const rt = lambdaRuntime();
    return makeHandler(rt, {
      triggerPublish: async () => {
        if (!rt.config.publishFunctionName) return;
        // Loaded on first use: most runs of a quiet source never trigger a publish, and cold starts stay lighter.
        const { InvokeCommand, LambdaClient } = await import('@aws-sdk/client-lambda');
        const lambda = recordCalls(new LambdaClient({ region: rt.config.region }));
        await lambda.send(new InvokeCommand({ FunctionName: rt.config.publishFunctionName, InvocationType: 'Event', Payload: '{}' }));
      },
    });
  })();
  return cached(event ?? {});
};
