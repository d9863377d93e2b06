/**
 * Sign-up timing benchmark: how long the subscriptions API takes to answer a sign-up, per state of the
 * address (unknown, pending, active, active on other topics, unsubscribed, suppressed), on the embedded
 * stand-ins. Two ways, measured in the same run:
 *
 *   - queued (as deployed): the API counts, checks and queues; process-signups does the work afterwards;
 *   - inline (the baseline, how sign-up worked before): the same work done before the answer, which makes
 *     a suppressed address (no email to send) answer in about half the time of an unknown one.
 *
 * Each way: `rounds` sign-ups per state after 10 warm-up rounds, states shuffled in every round; medians in
 * milliseconds, and medians of each answer over its round's median (what a busy machine leaves alone).
 * Ends with one JSON line of the figures.
 *
 *   npm run bench:signup [-- rounds]     (default 100)
 */
import { join, resolve } from 'node:path';
import { readOwnerConfigFile, resolveConfig } from '@paperboy/core';
import { buildRuntime } from '../functions/commons/runtime.js';
import { LocalSignupQueue } from '../packages/local/src/signup-queue.js';
import { startStandIns } from '../test/support/stand-ins.js';
import { ADDRESS_STATES, measureSignupTimes, unlimited, type SignupTimes } from '../test/support/signup-timing.js';

const ROUNDS = Number(process.argv[2] ?? 100);
const ROOT = resolve(import.meta.dirname, '..');
const configPath = join(ROOT, 'paperboy.config.json');
const base = resolveConfig(readOwnerConfigFile(configPath), { PAPERBOY_HMAC_SECRET: 'x'.repeat(40) }, configPath, ROOT);

const env = await startStandIns();
try {
  const rt = buildRuntime(unlimited({ ...base, tableName: env.table, bucketName: env.bucket, endpoints: env.services.endpoints, siteUrl: 'https://papers.example.com/' }), {
    logger: { info() {}, warn() {}, error() {} },
  });
  const queued = await measureSignupTimes(rt, { rounds: ROUNDS, warmup: 10, tag: 'queued' });
  const inline = await measureSignupTimes(rt, { rounds: ROUNDS, warmup: 10, tag: 'inline', signups: new LocalSignupQueue(rt, 'at-once') });

  const row = (name: string, t: SignupTimes) =>
    `${name.padEnd(8)}${ADDRESS_STATES.map((s) => `${t.medians[s].toFixed(2).padStart(13)} (x${t.relativeMedians[s].toFixed(2)})`).join('')}   spread x${t.spread.toFixed(2)} (relative x${t.relativeSpread.toFixed(2)})`;
  console.log(`sign-up answer, median ms per address state (${ROUNDS} each, shuffled rounds); (x) = over the round's median`);
  console.log(`${''.padEnd(8)}${ADDRESS_STATES.map((s) => s.padStart(21)).join('')}`);
  console.log(row('queued', queued));
  console.log(row('inline', inline));
  const figures = (t: SignupTimes) => ({
    medianMs: Object.fromEntries(ADDRESS_STATES.map((s) => [s, +t.medians[s].toFixed(3)])),
    relative: Object.fromEntries(ADDRESS_STATES.map((s) => [s, +t.relativeMedians[s].toFixed(3)])),
    spread: +t.spread.toFixed(3),
    relativeSpread: +t.relativeSpread.toFixed(3),
  });
  console.log(JSON.stringify({ bench: 'signup', rounds: ROUNDS, queued: figures(queued), inlineBaseline: figures(inline) }));
} finally {
  await env.stop();
}
