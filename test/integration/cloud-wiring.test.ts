/**
 * The parts of the deployed wiring that replaced paid resources (issue 14's fixed cost), run for real:
 * - the HMAC key of subscription links, read from an SSM SecureString or created on first use, through
 *   the real SDK client and adapter against the SSM stand-in (the calls are checked against the roles);
 * - notify-owner, the Lambda alarm action that emails the owner, against the SES stand-in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SSMClient } from '@aws-sdk/client-ssm';
import { SsmHmacKey, recordCalls, ssmOptions } from '@paperboy/aws';
import { signLinkToken, verifyLinkToken, type AppConfig, type SignupQueue } from '@paperboy/core';
import { buildRuntime } from '../../functions/commons/runtime.js';
import { makeHandler as makeApi } from '../../functions/subscriptions/index.js';
import { makeHandler as makeNotifyOwner } from '../../functions/notify-owner/index.js';
import { startStandIns, type StandIns } from '../support/stand-ins.js';
import { startSsmStandIn, type SsmStandIn } from '../support/ssm-stand-in.js';
import { apiEvent, capturedMail } from '../support/api.js';
import { projectConfig } from '../support/config.js';

const silent = { info() {}, warn() {}, error() {} };
const PARAMETER = '/paperboy/PaperboyData/hmac-key';
let env: StandIns;
let ssm: SsmStandIn;
let config: AppConfig;

beforeAll(async () => {
  [env, ssm] = await Promise.all([startStandIns(), startSsmStandIn()]);
  const base = projectConfig('unused-local-secret-'.padEnd(40, 'x'));
  // As in Lambda: no key in the environment, only the parameter's name.
  config = {
    ...base,
    hmacSecret: undefined,
    hmacKeyParameter: PARAMETER,
    tableName: env.table,
    bucketName: env.bucket,
    endpoints: { ...env.services.endpoints, ssm: ssm.endpoint },
    siteUrl: 'https://papers.example.com/',
  };
});
afterAll(async () => {
  await Promise.all([env?.stop(), ssm?.stop()]);
});

const client = () => recordCalls(new SSMClient(ssmOptions('us-east-1', ssm.endpoint)));
const noQueue: SignupQueue = { enqueue: async () => Promise.reject(new Error('no sign-up is queued in this test')) } as unknown as SignupQueue;

describe('the HMAC key in SSM', () => {
  it('is created on the first link the API checks, as a SecureString, then read by every later cold start', async () => {
    // GIVEN no parameter yet WHEN the API checks a link (a cold start with no key in its environment)
    expect(ssm.parameters.has(PARAMETER)).toBe(false);
    const api = makeApi(buildRuntime(config, { logger: silent }), noQueue);
    const res = await api(apiEvent('GET', '/api/unsubscribe?token=forged.token'));
    // THEN the forged link is refused, and the key exists: 32 random bytes, base64url, encrypted at rest
    expect(res.statusCode).toBe(404);
    const stored = ssm.parameters.get(PARAMETER)!;
    expect(stored).toMatchObject({ Type: 'SecureString', Version: 1 });
    expect(stored.Value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // AND a second cold start reads the same key (no new version), so its links verify across functions
    const rt2 = buildRuntime(config, { logger: silent });
    const key = await rt2.secret();
    expect(key).toBe(stored.Value);
    expect(ssm.parameters.get(PARAMETER)!.Version).toBe(1);
    expect(verifyLinkToken(stored.Value, 'unsubscribe', signLinkToken(key, 'unsubscribe', 'subscriber-1'))).toBe('subscriber-1');
  });

  it('two cold starts racing to create it end with one key, the one that was written first', async () => {
    const name = '/paperboy/race/hmac-key';
    let n = 0;
    const keys = await Promise.all([0, 1, 2].map(() => new SsmHmacKey(client(), name, () => `key-${++n}-`.padEnd(43, 'k')).get()));
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toBe(ssm.parameters.get(name)!.Value);
    expect(ssm.parameters.get(name)!.Version).toBe(1);
  });

  it('refuses a parameter too short to be a key, naming it, rather than signing with it', async () => {
    const name = '/paperboy/short/hmac-key';
    ssm.parameters.set(name, { Name: name, Type: 'SecureString', Value: 'short', Version: 1 });
    await expect(new SsmHmacKey(client(), name).get()).rejects.toThrow(`SSM parameter ${name} holds 5 characters; an HMAC key needs at least 32`);
  });
});

describe('notify-owner', () => {
  const alarmEvent = (state: string) => ({
    source: 'aws.cloudwatch',
    alarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:PaperboyApp-ProblemsAlarm',
    accountId: '123456789012',
    time: '2026-11-30T06:05:00.000+0000',
    region: 'us-east-1',
    alarmData: {
      alarmName: 'PaperboyApp-ProblemsAlarm',
      state: { value: state, reason: 'Threshold Crossed: 1 datapoint [2.0 (30/11/26 06:00:00)] was greater than or equal to the threshold (1.0).', timestamp: '2026-11-30T06:05:00.000+0000' },
      previousState: { value: 'OK', reason: '', timestamp: '2026-11-29T06:05:00.000+0000' },
      configuration: { description: 'paperboy: a function logged an error <b>x</b>. What to do: read the logs.', metrics: [] },
    },
  });

  it('emails deploy.alarmEmail what fired, why, and what to do, escaped, with a link to the alarm', async () => {
    const rt = buildRuntime({ ...config, owner: { ...config.owner, deploy: { ...config.owner.deploy, alarmEmail: 'owner@example.org' } } }, { logger: silent });
    const before = (await capturedMail(env.dataDir)).length;
    expect(await makeNotifyOwner(rt)(alarmEvent('ALARM'))).toBe('sent');
    const mail = (await capturedMail(env.dataDir)).slice(before);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.to).toEqual(['owner@example.org']);
    expect(mail[0]!.subject).toContain('alarm PaperboyApp-ProblemsAlarm');
    expect(mail[0]!.text).toContain('What to do: read the logs.');
    expect(mail[0]!.text).toContain('Threshold Crossed');
    expect(mail[0]!.html).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(mail[0]!.html).toContain('https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/PaperboyApp-ProblemsAlarm');
    // Back to OK: nothing sent (no action is set on it, and a stray one is ignored); a malformed event is refused.
    expect(await makeNotifyOwner(rt)(alarmEvent('OK'))).toBe('ignored');
    await expect(makeNotifyOwner(rt)({ source: 'aws.sns' })).rejects.toThrow();
    expect((await capturedMail(env.dataDir)).length).toBe(before + 1);
  });
});
