/** Lambda: ingest every configured source, tag, store; trigger publish when anything changed. */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { dayInZone, ingestPapers, type IngestCounts } from '@paperboy/core';
import { loadSource } from '@paperboy/sources';
import { buildRuntime, type Runtime } from '../commons/runtime.js';
import { lambdaConfig } from '../commons/lambda-config.js';
import type { ScheduledInvocation } from '../commons/events.js';

/** A scheduler event (functions/commons/events.ts), optionally narrowed to some sources; `{}` by hand. */
export interface IngestEvent extends Partial<ScheduledInvocation> {
  /** Only these source ids (default: every enabled source). */
  sources?: string[];
}

export interface SourceReport {
  source: string;
  counts?: IngestCounts;
  skipped: { where: string; reason: string }[];
  error?: string;
}

export interface IngestResult {
  sources: SourceReport[];
  totals: { received: number; new: number; updated: number; unchanged: number; skipped: number; failedSources: number };
}

export interface IngestExtras {
  triggerPublish?: (result: IngestResult) => Promise<void>;
  onProgress?: (source: string, done: number, total: number) => void;
}

export function makeHandler(rt: Runtime, extras: IngestExtras = {}) {
  return async (event: IngestEvent = {}): Promise<IngestResult> => {
    const startedAt = rt.clock.now();
    const today = dayInZone(startedAt, rt.config.owner.schedule.timezone);
    const wanted = rt.config.owner.sources.filter((s) => s.enabled && (!event.sources || event.sources.includes(s.id)));
    const reports: SourceReport[] = [];
    for (const source of wanted) {
      // One failing source never stops the others.
      try {
        const parsed = await loadSource(source, { baseDir: rt.config.baseDir, today });
        for (const skip of parsed.skipped) rt.logger.warn('item skipped', { source: source.id, ...skip });
        const counts = await ingestPapers(parsed.papers, {
          papers: rt.papers,
          tagger: rt.tagger,
          clock: rt.clock,
          onProgress: (done, total) => extras.onProgress?.(source.id, done, total),
        });
        // One line per source: the stack's metric filters count new papers per source from it (staleness alarm).
        rt.logger.info('source ingested', { source: source.id, received: counts.received, new: counts.new, updated: counts.updated });
        reports.push({ source: source.id, counts, skipped: parsed.skipped });
      } catch (err) {
        rt.logger.error('source failed', { source: source.id, error: (err as Error).message });
        reports.push({ source: source.id, skipped: [], error: (err as Error).message });
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
      },
    };
    await rt.runs.record({
      kind: 'ingest',
      startedAt: startedAt.toISOString(),
      finishedAt: rt.clock.now().toISOString(),
      counts: { ...result.totals },
      errors: reports.flatMap((r) => (r.error ? [`${r.source}: ${r.error}`] : [])),
    });
    if (result.totals.new + result.totals.updated > 0) await extras.triggerPublish?.(result);
    rt.logger.info('ingest finished', { totals: result.totals });
    return result;
  };
}

let cached: ReturnType<typeof makeHandler> | undefined;
export const handler = async (event: IngestEvent) => {
  cached ??= (() => {
    const rt = buildRuntime(lambdaConfig());
    const lambda = new LambdaClient({ region: rt.config.region });
    return makeHandler(rt, {
      triggerPublish: async () => {
        if (!rt.config.publishFunctionName) return;
        await lambda.send(new InvokeCommand({ FunctionName: rt.config.publishFunctionName, InvocationType: 'Event', Payload: '{}' }));
      },
    });
  })();
  return cached(event ?? {});
};
