/**
 * The mail reputation check end to end against the stand-ins: the sender counts the emails of its run,
 * ses-events counts hard bounces and complaints, and past 4% bounces (or 0.08% complaints) over the week it
 * logs the ERROR line the Problems alarm counts. It replaced two CloudWatch alarms on SES's metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoPaperRepository } from '@paperboy/aws';
import { REPUTATION_LOG, type AppConfig, type Clock } from '@paperboy/core';
import { buildRuntime, type Runtime } from '../../functions/commons/runtime.js';
import { makeHandler as makeSend } from '../../functions/send-digests/index.js';
import { makeHandler as makePlan } from '../../functions/plan-digests/index.js';
import { makeHandler as makeSesEvents } from '../../functions/ses-events/index.js';
import { startStandIns, type StandIns } from '../support/stand-ins.js';
import { paper } from '../support/papers.js';
import { projectConfig } from '../support/config.js';

let env: StandIns;
let rt: Runtime;
const errors: [string, Record<string, unknown> | undefined][] = [];
const logger = { info() {}, warn() {}, error: (m: string, extra?: Record<string, unknown>) => void errors.push([m, extra]) };
const now = new Date('2026-11-26T07:00:00.000Z');
const clock: Clock = { now: () => now };

beforeAll(async () => {
  env = await startStandIns();
  const base = projectConfig('r'.repeat(40));
  const config: AppConfig = { ...base, tableName: env.table, bucketName: env.bucket, endpoints: env.services.endpoints, siteUrl: 'https://papers.example.com/' };
  rt = buildRuntime(config, { clock, logger });
  await new DynamoPaperRepository(rt.clients.dynamo, config.tableName).put(paper({ id: 'r-1', tags: ['llm'], upvotes: 3, listedOn: '2026-11-26', firstSeenAt: '2026-11-26T06:00:00.000Z' }), undefined);
});
afterAll(async () => {
  await env?.stop();
});

const bounce = (to: string) => ({
  source: 'aws.ses',
  'detail-type': 'Email Bounced',
  detail: { eventType: 'Bounce', mail: { messageId: `m-${to}` }, bounce: { bounceType: 'Permanent', bounceSubType: 'General', bouncedRecipients: [{ emailAddress: to }] } },
});

describe('mail reputation', () => {
  it('counts the emails a sender sends, and logs one ERROR line per bounce once the week\'s hard bounce rate reaches 4%', async () => {
    // GIVEN 30 daily subscribers who got today's digest
    const at = '2026-11-25T06:00:00.000Z';
    for (let i = 0; i < 30; i++) {
      await rt.subscribers.create({ id: `rep-${i}-subscriber`, email: `rep-${i}@example.net`, status: 'active', topics: ['llm'], frequency: 'daily', createdAt: at, confirmedAt: at });
    }
    await makePlan(rt, { startSender: async () => {} })({});
    const summary = await makeSend(rt, { ratePerSecond: Infinity, workers: 1, sleep: async () => {}, waitForDeferred: false })({});
    expect(summary.outcomes.sent).toBe(30);
    expect(await rt.mailStats.since('2026-11-20')).toEqual([{ day: '2026-11-26', sent: 30, bounces: 0, complaints: 0 }]);

    // WHEN one address bounces: 1 of 30 is 3.3%, below the alert
    await makeSesEvents(rt)(bounce('rep-0@example.net'));
    expect(errors).toEqual([]);
    // AND a second one: 2 of 30 is 6.7%
    await makeSesEvents(rt)(bounce('rep-1@example.net'));

    // THEN one ERROR line says so, with the counts (the Problems alarm counts it), and both are suppressed
    expect(errors).toHaveLength(1);
    expect(errors[0]![0]).toBe(REPUTATION_LOG);
    expect(errors[0]![1]).toMatchObject({ kind: 'bounces', count: 2, sent: 30, message: 'hard bounce rate 6.7% over the last 7 days (2 of 30 emails); alert at 4.0%, SES reviews the account at 5%' });
    expect((await rt.subscribers.findByEmail('rep-1@example.net'))?.status).toBe('suppressed');
    expect(await rt.mailStats.since('2026-11-20')).toEqual([{ day: '2026-11-26', sent: 30, bounces: 2, complaints: 0 }]);
  });
});
