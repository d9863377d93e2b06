/**
 * Source health that readers can see: when a source fails, goes quiet on a weekday, or has brought nothing
 * new for a long time, the home page, the feeds (one channel-level line, never a fake item) and the next
 * digest say so in one plain sentence, so a reader can tell a quiet day from a broken source.
 *
 * Ingest keeps each fetched source's `SourceHealth` in its state (a failure is remembered from its first
 * run, so the sentence can say "since 06:00"); the sentences are worked out when read, against the reader's
 * "now", so a quiet day's sentence is gone the next day without anything being written.
 *
 * - failing: the source's last run failed. "Hugging Face Daily Papers could not be reached since 06:00
 *   (UTC); today's list may be incomplete."
 * - stale: it answers, but has brought no new paper for `staleAfterHours` (the owner's alarm threshold).
 * - quiet: on a weekday it answered, without error, with nothing at all. For arXiv that is a holiday:
 *   "arXiv published no listing today (a holiday)." A weekend is normal and says nothing.
 */
import { dayInZone, isWeekend } from './dates.js';
import type { OwnerConfig, SourceConfig } from './config.js';
import { fetchingSources, type RunPlace } from './app-config.js';
import type { SourceState } from './model.js';
import type { SourceStateRepository } from './ports.js';

export interface SourceHealth {
  /** When the current run of failures began (the first failed run); absent while the source answers. */
  failingSince?: string;
  /** The last failure's message, for the owner (never shown to readers). */
  lastError?: string;
  /** The day (owner's time zone) of a weekday run that answered with nothing at all. */
  quietDay?: string;
}

export type HealthNoticeKind = 'failing' | 'stale' | 'quiet';

export interface HealthNotice {
  source: string;
  kind: HealthNoticeKind;
  /** One plain sentence for readers. */
  text: string;
}

/** What one run of a source came to, for its health. */
export type SourceOutcome =
  /** It answered: `fetched` items; `notModified` when it said nothing changed since the last run (HTTP 304). */
  | { ok: true; fetched: number; notModified?: boolean }
  | { ok: false; error: string };

/** The health to store after a run; `previous` is what the state held. Unchanged health returns `previous` itself. */
export function nextSourceHealth(previous: SourceHealth | undefined, outcome: SourceOutcome, now: Date, timezone: string): SourceHealth | undefined {
  let next: SourceHealth | undefined;
  if (!outcome.ok) {
    next = { failingSince: previous?.failingSince ?? now.toISOString(), lastError: outcome.error.slice(0, 300) };
  } else {
    const day = dayInZone(now, timezone);
    if (outcome.notModified) {
      // Nothing changed upstream since the last run: what that run found still holds (a quiet day stays quiet).
      next = previous?.quietDay ? { quietDay: previous.quietDay } : undefined;
    } else {
      next = outcome.fetched === 0 && !isWeekend(day) ? { quietDay: day } : undefined;
    }
  }
  return JSON.stringify(next ?? null) === JSON.stringify(previous ?? null) ? previous : next;
}

/** How readers know a source: its `name`, else what its kind fetches. */
export function sourceDisplayName(source: Pick<SourceConfig, 'id' | 'kind'> & { name?: string }): string {
  if (source.name) return source.name;
  switch (source.kind) {
    case 'hf-daily':
      return 'Hugging Face Daily Papers';
    case 'arxiv-rss':
    case 'arxiv-api':
      return 'arXiv';
    default:
      return source.id;
  }
}

const time = (iso: string, timezone: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));

/** The sentences for readers, at most one per source (failing before stale before quiet), in the sources' order. */
export function healthNotices(
  sources: readonly (Pick<SourceConfig, 'id' | 'kind'> & { name?: string })[],
  states: ReadonlyMap<string, SourceState | undefined>,
  now: Date,
  settings: { timezone: string; staleAfterHours: number },
): HealthNotice[] {
  const today = dayInZone(now, settings.timezone);
  const notices: HealthNotice[] = [];
  for (const source of sources) {
    const state = states.get(source.id);
    const name = sourceDisplayName(source);
    const health = state?.health;
    if (health?.failingSince) {
      const day = dayInZone(new Date(health.failingSince), settings.timezone);
      const since = day === today ? time(health.failingSince, settings.timezone) : `${day} ${time(health.failingSince, settings.timezone)}`;
      notices.push({ source: source.id, kind: 'failing', text: `${name} could not be reached since ${since} (${settings.timezone}); today's list may be incomplete.` });
      continue;
    }
    const freshness = state?.freshness;
    const lastNew = freshness?.lastNewAt ?? freshness?.watchedSince;
    if (lastNew && now.getTime() - Date.parse(lastNew) >= settings.staleAfterHours * 3_600_000) {
      const what = freshness?.lastNewAt ? `since ${dayInZone(new Date(lastNew), settings.timezone)}` : 'yet';
      notices.push({ source: source.id, kind: 'stale', text: `${name} has brought no new papers ${what}; some papers may be missing.` });
      continue;
    }
    if (health?.quietDay === today) {
      const arxiv = source.kind === 'arxiv-rss' || source.kind === 'arxiv-api';
      notices.push({ source: source.id, kind: 'quiet', text: arxiv ? `${name} published no listing today (a holiday).` : `${name} listed no papers today.` });
    }
  }
  return notices;
}

/** Reads the states of the sources that fetch where this runs, and says what readers should be told now. */
export async function readHealthNotices(deps: {
  owner: Pick<OwnerConfig, 'sources' | 'schedule' | 'deploy'>;
  runsIn: RunPlace;
  sourceStates: Pick<SourceStateRepository, 'get'>;
  now: Date;
}): Promise<HealthNotice[]> {
  const sources = fetchingSources(deps.owner, deps.runsIn);
  const states = new Map<string, SourceState | undefined>();
  for (const s of sources) states.set(s.id, await deps.sourceStates.get(s.id));
  return healthNotices(sources, states, deps.now, { timezone: deps.owner.schedule.timezone, staleAfterHours: deps.owner.deploy.staleAfterHours });
}
