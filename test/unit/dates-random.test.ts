/** Core's calendar and seeded-random primitives: wall-clock times across daylight-saving changes, and repeatable draws. */
import { describe, expect, it } from 'vitest';
import { clampListingDay, dayProblem, instantInZone, isDay, leadingDay, seededRandom, seededStream, zoneOffsetMs } from '@paperboy/core';

describe('days', () => {
  it('accepts real calendar days only, and says what is wrong with the others', () => {
    expect(['2026-11-26', '2024-02-29', '2000-02-29', '1900-01-01', '9999-12-31'].filter(isDay)).toHaveLength(5);
    expect(dayProblem('2026-02-30')).toBe('2026-02-30 is not a date: February 2026 has 28 days');
    expect(dayProblem('1900-02-29')).toBe('1900-02-29 is not a date: February 1900 has 28 days');
    expect(dayProblem('2025-13-45')).toBe('2025-13-45 is not a date: there is no month 13');
    expect(dayProblem('2026-04-00')).toBe('2026-04-00 is not a date: April 2026 has 30 days');
    expect(dayProblem('0000-01-01')).toBe('0000-01-01 is before 1900-01-01');
    expect(dayProblem('2026-1-5')).toBe('"2026-1-5" is not a day like 2026-11-26');
  });

  it('reads the day an ISO timestamp starts with by its format, leaving reality to validation', () => {
    expect(leadingDay(' 2026-02-30T10:00:00Z')).toBe('2026-02-30');
    expect(leadingDay('Thu, 24 Sep 2026 00:00:00 -0400')).toBeUndefined();
  });

  it('lists a day more than one day after the fetch on the day of fetching', () => {
    expect(clampListingDay('2026-11-27', '2026-11-26')).toEqual({ day: '2026-11-27', clamped: false });
    expect(clampListingDay('2026-11-28', '2026-11-26')).toEqual({ day: '2026-11-26', clamped: true });
    expect(clampListingDay('9999-12-31', '2026-11-26')).toEqual({ day: '2026-11-26', clamped: true });
  });
});

describe('instantInZone', () => {
  it('finds the instant a zone shows a time, on either side of a daylight-saving change', () => {
    expect(instantInZone('2026-10-24', '06:00', 'Europe/Berlin').toISOString()).toBe('2026-10-24T04:00:00.000Z');
    expect(instantInZone('2026-10-25', '06:00', 'Europe/Berlin').toISOString()).toBe('2026-10-25T05:00:00.000Z');
    expect(instantInZone('2026-10-12', '20:00', 'America/New_York').toISOString()).toBe('2026-10-13T00:00:00.000Z');
    expect(instantInZone('2026-10-12', '07:30', 'UTC').toISOString()).toBe('2026-10-12T07:30:00.000Z');
  });

  it('takes the first of a time shown twice (fall back) and moves a skipped time (spring forward) an hour later', () => {
    expect(instantInZone('2026-10-25', '02:30', 'Europe/Berlin').toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(instantInZone('2026-03-29', '02:30', 'Europe/Berlin').toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('reads a zone offset in milliseconds', () => {
    expect(zoneOffsetMs(new Date('2026-10-24T12:00:00Z'), 'Europe/Berlin')).toBe(2 * 3_600_000);
    expect(zoneOffsetMs(new Date('2026-10-26T12:00:00Z'), 'Europe/Berlin')).toBe(3_600_000);
    expect(zoneOffsetMs(new Date('2026-10-26T12:00:00Z'), 'America/New_York')).toBe(-4 * 3_600_000);
  });
});

describe('seededRandom', () => {
  it('repeats its sequence for a seed, differs for another, and stays in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const draws = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(draws);
    expect(draws.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(seededRandom(43)()).not.toBe(draws[0]);
    // Spread over the interval, not stuck in one part of it.
    expect(draws.filter((x) => x < 0.5).length).toBeGreaterThan(400);
    expect(draws.filter((x) => x < 0.5).length).toBeLessThan(600);
  });

  it('gives each purpose its own stream, independent of draws made for others', () => {
    const first = seededStream(7, 'hf', '2026-10-12')();
    const other = seededStream(7, 'faults');
    other();
    other();
    expect(seededStream(7, 'hf', '2026-10-12')()).toBe(first);
    expect(seededStream(7, 'hf', '2026-10-13')()).not.toBe(first);
    expect(seededStream(8, 'hf', '2026-10-12')()).not.toBe(first);
  });
});
