import { describe, expect, it } from 'vitest';
import { healthNotices, nextSourceHealth, sourceDisplayName, type SourceHealth, type SourceState } from '@paperboy/core';

const TZ = 'Europe/Berlin';
const hf = { id: 'hf', kind: 'hf-daily' as const };
const arxiv = { id: 'arxiv', kind: 'arxiv-rss' as const };
const settings = { timezone: TZ, staleAfterHours: 96 };
// Tuesday 2026-12-01, 06:00 in Berlin.
const TUESDAY_0600 = new Date('2026-12-01T05:00:00Z');
const state = (health?: SourceHealth, lastNewAt = '2026-11-30T05:00:00Z'): SourceState => ({
  updatedAt: '2026-12-01T05:00:00Z',
  freshness: { lastNewAt, watchedSince: '2026-10-01T00:00:00Z' },
  ...(health ? { health } : {}),
});

describe('nextSourceHealth', () => {
  it('remembers when failures began, and forgets them once the source answers', () => {
    const failed = nextSourceHealth(undefined, { ok: false, error: 'HTTP 503' }, TUESDAY_0600, TZ)!;
    expect(failed).toEqual({ failingSince: '2026-12-01T05:00:00.000Z', lastError: 'HTTP 503' });
    const later = nextSourceHealth(failed, { ok: false, error: 'HTTP 500' }, new Date('2026-12-01T09:00:00Z'), TZ)!;
    expect(later.failingSince).toBe('2026-12-01T05:00:00.000Z');
    expect(nextSourceHealth(later, { ok: true, fetched: 40 }, new Date('2026-12-01T12:00:00Z'), TZ)).toBeUndefined();
  });

  it('marks a weekday with nothing at all as quiet, not a weekend, and keeps it through a 304', () => {
    const quiet = nextSourceHealth(undefined, { ok: true, fetched: 0 }, TUESDAY_0600, TZ);
    expect(quiet).toEqual({ quietDay: '2026-12-01' });
    expect(nextSourceHealth(quiet, { ok: true, fetched: 0, notModified: true }, TUESDAY_0600, TZ)).toBe(quiet);
    expect(nextSourceHealth(undefined, { ok: true, fetched: 0 }, new Date('2026-12-05T05:00:00Z'), TZ)).toBeUndefined();
    // Unchanged health is the very same object, so ingest writes nothing.
    expect(nextSourceHealth(undefined, { ok: true, fetched: 3 }, TUESDAY_0600, TZ)).toBeUndefined();
  });
});

describe('healthNotices', () => {
  it('says a failing source could not be reached since when, in the owner time zone', () => {
    const failing = state({ failingSince: '2026-12-01T05:00:00.000Z', lastError: 'HTTP 503' });
    const notices = healthNotices([hf], new Map([['hf', failing]]), new Date('2026-12-01T08:00:00Z'), settings);
    expect(notices).toEqual([
      { source: 'hf', kind: 'failing', text: "Hugging Face Daily Papers could not be reached since 06:00 (Europe/Berlin); today's list may be incomplete." },
    ]);
    // The error itself is for the owner, never for readers.
    expect(notices[0]!.text).not.toContain('503');
    // From an earlier day, the day is named.
    expect(healthNotices([hf], new Map([['hf', failing]]), new Date('2026-12-02T08:00:00Z'), settings)[0]!.text).toContain('since 2026-12-01 06:00');
  });

  it('gives arXiv on a quiet weekday the holiday sentence, and says nothing the next day', () => {
    const quiet = state({ quietDay: '2026-12-01' });
    expect(healthNotices([arxiv], new Map([['arxiv', quiet]]), TUESDAY_0600, settings)).toEqual([
      { source: 'arxiv', kind: 'quiet', text: 'arXiv published no listing today (a holiday).' },
    ]);
    expect(healthNotices([arxiv], new Map([['arxiv', quiet]]), new Date('2026-12-02T05:00:00Z'), settings)).toEqual([]);
  });

  it('calls a source stale after staleAfterHours without a new paper, and a healthy one says nothing', () => {
    const old = state(undefined, '2026-11-26T05:00:00Z');
    expect(healthNotices([hf], new Map([['hf', old]]), TUESDAY_0600, settings)).toEqual([
      { source: 'hf', kind: 'stale', text: 'Hugging Face Daily Papers has brought no new papers since 2026-11-26; some papers may be missing.' },
    ]);
    expect(healthNotices([hf, arxiv], new Map([['hf', state()], ['arxiv', undefined]]), TUESDAY_0600, settings)).toEqual([]);
  });

  it('names a source by its name, else by what it fetches', () => {
    expect(sourceDisplayName({ id: 'lab', kind: 'feed', name: 'Lab blog' })).toBe('Lab blog');
    expect(sourceDisplayName({ id: 'lab', kind: 'feed' })).toBe('lab');
    expect(sourceDisplayName({ id: 'x', kind: 'arxiv-api' })).toBe('arXiv');
  });
});
