/**
 * Local parity: the local runner hands the handlers the event shapes Lambda does (scheduler input,
 * the EventBridge event of an SES bounce or complaint), against the real stand-ins.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSubscriberId, type AppConfig } from '@paperboy/core';
import { buildRuntime } from '../../functions/commons/runtime.js';
import { scheduledInvocation, sesEventBridgeEventOf } from '../../functions/commons/events.js';
import { makeHandler as makeIngest, type IngestEvent } from '../../functions/ingest/index.js';
import { mailEvent, type LocalContext } from '../../packages/local/src/runner.js';
import { startStandIns, type StandIns } from '../support/stand-ins.js';
import { projectConfig } from '../support/config.js';

const silent = { info() {}, warn() {}, error() {} };
let env: StandIns;
let config: AppConfig;

beforeAll(async () => {
  env = await startStandIns();
  const base = projectConfig('x'.repeat(40));
  config = { ...base, tableName: env.table, bucketName: env.bucket, endpoints: env.services.endpoints, siteUrl: 'https://papers.example.com/' };
});
afterAll(async () => {
  await env?.stop();
});

describe('local event shapes', () => {
  it('builds the scheduler input the stack configures (schedule, ARN, scheduled time, execution id)', () => {
    const event = scheduledInvocation('ingest', new Date('2026-11-26T06:00:00.123Z'));
    expect(event).toEqual({
      schedule: 'ingest',
      scheduleArn: 'arn:aws:scheduler:local:000000000000:schedule/default/paperboy-ingest',
      scheduledTime: '2026-11-26T06:00:00Z',
      executionId: 'local-ingest-2026-11-26T06:00:00Z',
    });
  });

  it('ingest accepts a scheduler event as-is', async () => {
    const rt = buildRuntime(config, { logger: silent });
    const event: IngestEvent = scheduledInvocation('ingest', new Date());
    const result = await makeIngest(rt)(event);
    expect(result.totals.failedSources).toBe(0);
    expect(result.sources.map((s) => s.source)).toEqual(['demo-snapshot']);
  });

  it('a hard bounce, delivered as the EventBridge event of the mail-events rule, suppresses the subscriber once', async () => {
    // GIVEN an active subscriber
    const rt = buildRuntime(config, { logger: silent });
    const email = `bounce-${Date.now()}@example.com`;
    await rt.subscribers.create({ id: newSubscriberId(), email, status: 'active', topics: ['llm'], frequency: 'daily', createdAt: new Date().toISOString(), confirmedAt: new Date().toISOString() });
    const ctx = { rt, config } as LocalContext;
    // WHEN SES reports a permanent bounce, twice (EventBridge delivers at least once)
    expect(await mailEvent(ctx, 'bounce', email)).toBe(1);
    expect(await mailEvent(ctx, 'bounce', email)).toBe(0);
    // THEN the subscriber is suppressed with the reason
    expect(await rt.subscribers.findByEmail(email)).toMatchObject({ status: 'suppressed', suppressedReason: 'bounce:General' });
  });

  it('wraps SES events like EventBridge does: source aws.ses, the detail-type the rule matches, the event in detail', () => {
    const message = { eventType: 'Complaint' as const, mail: { timestamp: '2026-11-26T07:00:00Z', messageId: 'm1', source: 'digest@example.com', destination: ['a@example.com'] }, complaint: { complainedRecipients: [{ emailAddress: 'a@example.com' }], timestamp: '2026-11-26T07:00:00Z' } };
    const event = sesEventBridgeEventOf(message);
    expect(event).toMatchObject({ source: 'aws.ses', 'detail-type': 'Email Complaint Received', detail: message });
  });
});
