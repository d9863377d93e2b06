/**
 * How long the subscriptions API takes to answer a sign-up, per state of the address, measured the way
 * an attacker would compare them: the same request for addresses in different states, interleaved in a
 * shuffled order each round (so drift and background work fall on every state alike), after a warm-up,
 * summarised by medians. Between two requests (outside the timed span) the queued sign-up is handed to
 * process-signups, as Lambda's event queue would, so each address keeps the state it is meant to have and the work really
 * happens. Shared by the timing test (test/integration/signup-timing.test.ts) and `npm run bench:signup`.
 */
import { performance } from 'node:perf_hooks';
import { seededRandom, type AppConfig } from '@paperboy/core';
import type { Runtime } from '../../functions/commons/runtime.js';
import { makeHandler as makeApi } from '../../functions/subscriptions/index.js';
import { LocalSignupQueue } from '../../packages/local/src/signup-queue.js';
import { apiEvent } from '../../packages/local/src/api-event.js';

export const ADDRESS_STATES = ['unknown', 'pending', 'active', 'active-other-topics', 'unsubscribed', 'suppressed'] as const;
export type AddressState = (typeof ADDRESS_STATES)[number];

/** The config with sign-up limits that the measurement's hundreds of requests never reach. */
export function unlimited(config: AppConfig): AppConfig {
  return { ...config, owner: { ...config.owner, subscriptions: { ...config.owner.subscriptions, perAddressPerHour: 1_000_000, perClientPerHour: 1_000_000 } } };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface SignupTimes {
  /** Milliseconds per answer, per state, in the order measured (one per round). */
  ms: Record<AddressState, number[]>;
  medians: Record<AddressState, number>;
  /** Slowest median over fastest median. */
  spread: number;
  /**
   * Each answer's time over the median time of its round, per state. A round's answers come within a few
   * milliseconds of each other, so a busy machine slows them alike, and the ratio keeps only what differs
   * between the states: the measure the comparison rests on, on a machine shared with other work.
   */
  relativeMedians: Record<AddressState, number>;
  relativeSpread: number;
}

/**
 * Measures `rounds` sign-ups per state (after `warmup` unmeasured rounds) through the subscriptions
 * handler. `signups` is where the handler queues: by default a queue held until drained between requests.
 * `tag` keeps the addresses of two measurements in one table apart.
 */
export async function measureSignupTimes(rt: Runtime, options: { rounds: number; warmup: number; seed?: number; tag?: string; signups?: LocalSignupQueue }): Promise<SignupTimes> {
  const tag = options.tag ?? 'timing';
  const queue = options.signups ?? new LocalSignupQueue(rt, 'held');
  const api = makeApi(rt, queue);
  const now = rt.clock.now().toISOString();
  const addressOf = (state: AddressState, round: number) => (state === 'unknown' ? `${tag}-unknown-${round}@example.org` : `${tag}-${state}@example.org`);
  // GIVEN one address in each state (the unknown ones are new on every round)
  const known = { topics: ['llm'], frequency: 'daily' as const, createdAt: now };
  await rt.subscribers.create({ id: `${tag}-active-1`, email: addressOf('active', 0), status: 'active', ...known, confirmedAt: now });
  await rt.subscribers.create({ id: `${tag}-other-1`, email: addressOf('active-other-topics', 0), status: 'active', ...known, topics: ['vision'], confirmedAt: now });
  await rt.subscribers.create({ id: `${tag}-unsub-1`, email: addressOf('unsubscribed', 0), status: 'unsubscribed', ...known, unsubscribedAt: now });
  await rt.subscribers.create({ id: `${tag}-supp-1`, email: addressOf('suppressed', 0), status: 'suppressed', ...known, unsubscribedAt: now, suppressedReason: 'bounce:General' });
  await queue.enqueue({ email: addressOf('pending', 0), topics: ['llm'], frequency: 'daily' });
  await queue.drain();

  const random = seededRandom(options.seed ?? 13);
  const ms = Object.fromEntries(ADDRESS_STATES.map((s) => [s, [] as number[]])) as Record<AddressState, number[]>;
  let request = 0;
  for (let round = 0; round < options.warmup + options.rounds; round++) {
    const order = [...ADDRESS_STATES];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const state of order) {
      request++;
      const event = apiEvent('POST', '/api/subscribe', {
        body: JSON.stringify({ email: addressOf(state, round), topics: ['llm'], frequency: 'daily' }),
        contentType: 'application/json',
        sourceIp: `10.${(request >> 16) & 255}.${(request >> 8) & 255}.${request & 255}`,
      });
      const started = performance.now();
      const res = await api(event);
      const elapsed = performance.now() - started;
      if (res.statusCode !== 202) throw new Error(`sign-up of a ${state} address answered ${res.statusCode}: ${res.body}`);
      if (round >= options.warmup) ms[state].push(elapsed);
      // The queued work, outside the timed span, as process-signups does it after the answer.
      const { failed } = await queue.drain();
      if (failed) throw new Error(`process-signups failed for a ${state} address`);
    }
  }
  const medians = Object.fromEntries(ADDRESS_STATES.map((s) => [s, median(ms[s])])) as Record<AddressState, number>;
  const roundMedians = ms.unknown.map((_, r) => median(ADDRESS_STATES.map((s) => ms[s][r]!)));
  const relativeMedians = Object.fromEntries(ADDRESS_STATES.map((s) => [s, median(ms[s].map((t, r) => t / roundMedians[r]!))])) as Record<AddressState, number>;
  const spread = (m: Record<AddressState, number>) => Math.max(...Object.values(m)) / Math.min(...Object.values(m));
  return { ms, medians, spread: spread(medians), relativeMedians, relativeSpread: spread(relativeMedians) };
}
