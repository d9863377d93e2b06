/** When a fetched source counts as stale, and how often that is reported (core/freshness.ts). */
import { describe, expect, it } from 'vitest';
import { checkFreshness, type Freshness } from '@paperboy/core';

const at = (iso: string) => new Date(iso);

describe('checkFreshness', () => {
  it('starts the clock on the first read, and restarts it with every new paper', () => {
    const first = checkFreshness(undefined, at('2026-11-01T06:00:00Z'), 0, 96);
    expect(first).toEqual({ next: { watchedSince: '2026-11-01T06:00:00.000Z' }, changed: true });
    const news = checkFreshness(first.next, at('2026-11-02T06:00:00Z'), 3, 96);
    expect(news).toEqual({ next: { lastNewAt: '2026-11-02T06:00:00.000Z', watchedSince: '2026-11-01T06:00:00.000Z' }, changed: true });
  });

  it('is quiet, and writes nothing, for fewer than staleAfterHours without a new paper (a weekend, a holiday)', () => {
    const prev: Freshness = { lastNewAt: '2026-11-02T06:00:00.000Z', watchedSince: '2026-11-01T06:00:00.000Z' };
    expect(checkFreshness(prev, at('2026-11-06T05:59:00Z'), 0, 96)).toEqual({ next: prev, changed: false });
  });

  it('reports staleness at staleAfterHours, then once a day while it lasts, and stops when a paper comes', () => {
    let state: Freshness = { lastNewAt: '2026-11-02T06:00:00.000Z', watchedSince: '2026-11-01T06:00:00.000Z' };
    const reports: string[] = [];
    // Hourly runs for five days after the last new paper.
    for (let h = 1; h <= 5 * 24; h++) {
      const now = new Date(Date.parse('2026-11-02T06:00:00Z') + h * 3_600_000);
      const r = checkFreshness(state, now, 0, 96);
      if (r.stale) reports.push(`${now.toISOString().slice(0, 13)} ${r.stale.hoursWithoutNewPaper}h`);
      state = r.next;
    }
    expect(reports).toEqual(['2026-11-06T06 96h', '2026-11-07T06 120h']);
    const back = checkFreshness(state, at('2026-11-07T09:00:00Z'), 1, 96);
    expect(back.next).toEqual({ lastNewAt: '2026-11-07T09:00:00.000Z', watchedSince: '2026-11-01T06:00:00.000Z' });
    expect(checkFreshness(back.next, at('2026-11-07T10:00:00Z'), 0, 96).stale).toBeUndefined();
  });

  it('counts from the first read for a source that never brought a paper', () => {
    const r = checkFreshness({ watchedSince: '2026-11-01T00:00:00.000Z' }, at('2026-11-03T00:00:00Z'), 0, 48);
    expect(r.stale).toEqual({ hoursWithoutNewPaper: 48, since: '2026-11-01T00:00:00.000Z' });
  });
});
