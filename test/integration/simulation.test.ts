/**
 * The short simulation: a week of service across the end of summer time, with every fault kind and
 * readers who follow keyword phrases and authors, run twice with one seed. Nothing may be missed,
 * repeated, broken or forbidden, and the two runs must print the same table and send the same emails.
 */
import { describe, expect, it } from 'vitest';
import { simulate, type SimulationResult } from '../../packages/local/src/simulate/simulation.js';
import { formatTable } from '../../packages/local/src/simulate/main.js';
import { FAULT_KINDS } from '../../packages/local/src/simulate/world.js';

const violated = (r: SimulationResult) => r.checks.filter((c) => c.want !== 'any' && c.value !== c.want).map((c) => `${c.name}: ${c.detail.slice(0, 5).join('; ')}`);

describe('a simulated week of service', () => {
  it('keeps every invariant through every fault, and the same seed gives the same table and outbox', async () => {
    const options = { days: 7, subscribers: 30, seed: 11, faults: true };
    const first = await simulate(options);
    expect(violated(first)).toEqual([]);
    // Every fault kind was really injected, at least once.
    const kinds = ['crash after SES accepted', 'crash mid-ingest', 'crash mid-publish', ...FAULT_KINDS];
    expect(Object.keys(first.faults).sort()).toEqual([...kinds].sort());
    expect(Object.values(first.faults).every((n) => n >= 1)).toBe(true);
    expect(first.checks.find((c) => c.name === 'papers listed upstream')!.value).toBeGreaterThan(0);
    expect(first.days.reduce((n, d) => n + d.emails, 0)).toBeGreaterThan(0);
    // Health sentences were checked on pages, feeds and digests, on Hugging Face's failing day too.
    const value = (name: string) => first.checks.find((c) => c.name === name)!.value;
    expect(value('health sentences checked')).toBeGreaterThan(0);
    expect(value('  of them while HF was failing')).toBeGreaterThan(0);
    // Follow-ups went out (each at most once, on a paper shown before: checked by the invariants above).
    expect(value('follow-ups sent')).toBeGreaterThan(0);
    // The readers who follow keyword phrases and authors got digests, each paper checked against their follows.
    expect(first.checks.find((c) => c.name === 'digests of keyword and author followers')!.value).toBeGreaterThan(0);
    // Readers read their private feeds, replaced some, and read replaced or ended ones (each answered 404 or 410).
    for (const name of ['private feed reads', 'private feed addresses replaced', 'reads of replaced or ended private feeds']) {
      expect(first.checks.find((c) => c.name === name)!.value, name).toBeGreaterThan(0);
    }
    const second = await simulate(options);
    expect(formatTable(second)).toBe(formatTable(first));
    expect(second.outbox).toBe(first.outbox);
  }, 600_000);
});
