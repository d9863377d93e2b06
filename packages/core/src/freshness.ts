/**
 * Source freshness: has a fetched source brought a new paper lately? A source can fail loudly (an error,
 * logged at once) or go quiet: answer 200 with nothing new, day after day. Quiet for a day or two is normal
 * (weekends, holidays), so a source counts as stale only after `deploy.staleAfterHours` without a new paper
 * (96 by default). Ingest then logs one ERROR line, once a day while it lasts, which the stack's Problems
 * alarm counts. This replaced one alarm per source ($0.10 a month each) that watched a per-source metric.
 */
export interface Freshness {
  /** When the source last brought a new paper. */
  lastNewAt?: string;
  /** When ingest first read the source: the clock starts here for a source that never brought one. */
  watchedSince: string;
  /** When staleness was last reported, so it is reported once a day, not on every run. */
  staleReportedAt?: string;
}

export interface FreshnessCheck {
  next: Freshness;
  /** Whether `next` differs from what was stored (so an unchanged run writes nothing). */
  changed: boolean;
  /** Set when this run should report the source as stale. */
  stale?: { hoursWithoutNewPaper: number; since: string };
}

const HOUR_MS = 3_600_000;
/** How often a lasting staleness is reported again. */
export const STALE_REPORT_EVERY_HOURS = 24;

export function checkFreshness(previous: Freshness | undefined, now: Date, newPapers: number, staleAfterHours: number): FreshnessCheck {
  const at = now.toISOString();
  if (newPapers > 0) {
    const next: Freshness = { lastNewAt: at, watchedSince: previous?.watchedSince ?? at };
    return { next, changed: true };
  }
  if (!previous) return { next: { watchedSince: at }, changed: true };
  const since = previous.lastNewAt ?? previous.watchedSince;
  const hoursWithoutNewPaper = Math.floor((now.getTime() - Date.parse(since)) / HOUR_MS);
  const reportedHoursAgo = previous.staleReportedAt ? (now.getTime() - Date.parse(previous.staleReportedAt)) / HOUR_MS : Infinity;
  if (hoursWithoutNewPaper < staleAfterHours || reportedHoursAgo < STALE_REPORT_EVERY_HOURS) return { next: previous, changed: false };
  return { next: { ...previous, staleReportedAt: at }, changed: true, stale: { hoursWithoutNewPaper, since } };
}
