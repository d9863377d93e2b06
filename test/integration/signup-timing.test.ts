/**
 * Sign-up answers must not tell an address's state by their time (issue 13 asks for this timing test;
 * other timings live in benches). Byte-identical answers are not enough: before sign-ups were queued, a
 * suppressed address answered in about half the time of an unknown one, because no email was sent.
 * Measured through the real handler on the real stand-ins: 60 sign-ups per state after 10 warm-up rounds,
 * the states shuffled within each round, compared by their medians relative to each round's median.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { buildRuntime, type Runtime } from '../../functions/commons/runtime.js';
import { capturedMail } from '../support/api.js';
import { startStandIns, type StandIns } from '../support/stand-ins.js';
import { ADDRESS_STATES, measureSignupTimes, unlimited } from '../support/signup-timing.js';
import { projectConfig } from '../support/config.js';

let env: StandIns;
let rt: Runtime;

beforeAll(async () => {
  env = await startStandIns();
  const base = projectConfig();
  rt = buildRuntime(unlimited({ ...base, tableName: env.table, bucketName: env.bucket, endpoints: env.services.endpoints, siteUrl: 'https://papers.example.com/' }), {
    logger: { info() {}, warn() {}, error() {} },
  });
});
afterAll(async () => {
  await env?.stop();
});

describe('sign-up timing', () => {
  it('answers in the same time (medians within 20%) for unknown, pending, active, active-on-other-topics, unsubscribed and suppressed addresses', { timeout: 180_000 }, async () => {
    const rounds = 60;
    const times = await measureSignupTimes(rt, { rounds, warmup: 10 });
    for (const state of ADDRESS_STATES) expect(times.ms[state]).toHaveLength(rounds);
    // The work behind the answers did happen, differently per state: the comparison is not of idle answers.
    const mail = await capturedMail(env.dataDir);
    const to = (state: string) => mail.filter((m) => m.to.includes(`timing-${state}@example.org`)).map((m) => m.subject.split(' — ')[0]);
    expect(to('suppressed')).toEqual([]);
    expect(new Set(to('active'))).toEqual(new Set(['You are already subscribed']));
    expect(to('active')).toHaveLength(70);
    expect(new Set(to('pending'))).toEqual(new Set(['Confirm your subscription']));
    expect(new Set(to('unsubscribed'))).toEqual(new Set(['Confirm your subscription']));
    expect((await rt.subscribers.findByEmail('timing-unknown-69@example.org'))?.status).toBe('pending');
    expect((await rt.subscribers.findByEmail('timing-suppressed@example.org'))?.status).toBe('suppressed');
    // THEN no state answers measurably faster or slower than another: each answer is compared with the
    // median of its own round (the machine is shared, and a busy moment slows a round's answers alike)
    const figures = ADDRESS_STATES.map((s) => `${s} ${times.medians[s].toFixed(2)} ms (x${times.relativeMedians[s].toFixed(3)})`).join(', ');
    expect(times.relativeSpread, `medians: ${figures}`).toBeLessThanOrEqual(1.2);
  });
});
