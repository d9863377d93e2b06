/** Core's calendar and seeded-random primitives: wall-clock times across daylight-saving changes, and repeatable draws. */
import { describe, expect, it } from 'vitest';
import { instantInZone, seededRandom, seededStream, zoneOffsetMs } from '@paperboy/core';

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
