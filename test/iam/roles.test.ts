/**
 * Least privilege, proven by the calls the handlers really make. The integration and e2e tiers log
 * every AWS call with the function that made it (test/support/record-aws-calls.ts); this tier runs
 * after them (vitest `sequence.groupOrder`) and checks each call against that function's
 * synthesized role, then lists the grants that no call used.
 */
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '@paperboy/core';
import type { AwsCall } from '@paperboy/aws';
import { synthesize, settingsWith } from '../infra/helpers.js';
import { deployedNames, evaluate, grants, readCallLog, requestsOf, rolesOf, type Deployed, type IamRequest, type Role } from '../../infra/check/iam.js';

/**
 * Grants that no test exercises, each with the reason it stays. A rule that no unexercised grant
 * matches fails the test too, so this list cannot go stale.
 */
const KEPT: [RegExp, string][] = [
  [/^[a-z-]+: logs:(CreateLogStream|PutLogEvents) on log-group:[A-Za-z]+Logs:\*$/, 'Lambda writes the function\'s own log group with its role; no SDK call of ours.'],
  [
    /^(ingest|publish|plan-digests|send-digests|process-signups|ses-events|notify-owner): sqs:(SendMessage|GetQueueAttributes|GetQueueUrl) on FailedInvocationsQueue$/,
    'The on-failure destination of asynchronous invocations: Lambda sends failed events there with the role (the grant CDK makes for an SqsDestination).',
  ],
  [
    /^(ingest: lambda:InvokeFunction on publish-function|(plan-digests|send-digests): lambda:InvokeFunction on send-function|subscriptions: lambda:InvokeFunction on signup-function)$/,
    'Asynchronous invocations (ingest -> publish, plan-digests -> send-digests, send-digests -> itself at its timeout, the API -> process-signups); there is no Lambda stand-in, and locally the runner calls the handler itself.',
  ],
  [
    /^(send-digests|process-signups|ses-events): ssm:(GetParameter|PutParameter) on hmac-key-parameter$/,
    'The same code reads or creates the HMAC key in every function that needs it (Runtime.secret -> SsmHmacKey; ses-events derives a private feed\'s path from it); the tests run it against the SSM stand-in as the subscriptions API (test/integration/cloud-wiring.test.ts). The local runner keeps its key in the data dir.',
  ],
  [/^publish: s3:ListBucket on site-bucket$/, 'Without it S3 answers a read of a missing key with 403, not 404; publish reads its manifest before the first one exists.'],
];

const FUNCTIONS = ['ingest', 'publish', 'plan-digests', 'send-digests', 'subscriptions', 'process-signups', 'ses-events', 'notify-owner'];

/** Short, stable names for the ARNs in reports: the stack's resources without their hash suffixes. */
function label(resource: string, deployed: Deployed): string {
  const named: [string, string][] = [
    [deployed.table, 'table'],
    [deployed.bucket, 'site-bucket'],
    [deployed.configurationSet, 'configuration-set'],
    [deployed.hmacKeyParameter, 'hmac-key-parameter'],
    [deployed.publishFunction, 'publish-function'],
    [deployed.sendFunction, 'send-function'],
    [deployed.signupFunction, 'signup-function'],
    [deployed.distribution, 'distribution'],
  ];
  let out = resource;
  for (const [arn, name] of named) out = out.split(arn).join(name);
  return out.replace(/^arn:aws:[a-z0-9-]*:[a-z0-9-]*:\d*:/, '').replace(/([A-Za-z])[0-9A-F]{8}\b/g, '$1');
}

describe('every AWS call a function makes is allowed by its role, and its role allows nothing more', () => {
  let calls: AwsCall[];
  let roles: Role[];
  let deployed: Deployed;
  /** Per function, the distinct IAM requests its recorded calls made. */
  let requests: Map<string, IamRequest[]>;

  beforeAll(() => {
    const dir = process.env[ENV.awsCallLog];
    if (!dir || !existsSync(dir)) throw new Error(`no AWS call log: run this tier with the integration and e2e tiers (npm test), which write it to ${ENV.awsCallLog}`);
    calls = readCallLog(dir).filter((c) => c.fn);
    const settings = settingsWith();
    const { stacks } = synthesize(settings);
    roles = rolesOf(stacks);
    deployed = deployedNames(stacks, settings);
    requests = new Map();
    for (const call of calls) {
      const list = requests.get(call.fn!) ?? [];
      for (const request of requestsOf(call, deployed)) {
        if (!list.some((r) => r.action === request.action && r.resource === request.resource)) list.push(request);
      }
      requests.set(call.fn!, list);
    }
  });

  it('has recorded calls of every function', () => {
    expect([...requests.keys()].sort()).toEqual([...FUNCTIONS].sort());
    expect(roles.map((r) => r.fn).sort()).toEqual([...FUNCTIONS].sort());
  });

  it('allows every recorded call', async () => {
    const denied: string[] = [];
    for (const role of roles) {
      for (const request of requests.get(role.fn) ?? []) {
        const verdict = await evaluate(role, request);
        if (!verdict.allowed) denied.push(`${role.fn}: ${request.action} on ${label(request.resource, deployed)} (${verdict.detail})`);
      }
    }
    expect(denied).toEqual([]);
  });

  it('denies a recorded call once the grant it needs is removed', async () => {
    // The check has teeth: drop each action a function uses from its role, and some call fails.
    for (const role of roles) {
      const used = [...new Set((requests.get(role.fn) ?? []).map((r) => r.action))];
      for (const action of used) {
        const without: Role = {
          fn: role.fn,
          statements: role.statements.map((s) => ({ ...s, Action: [s.Action].flat().filter((a) => a !== action) })).filter((s) => s.Action.length),
        };
        const verdicts = await Promise.all((requests.get(role.fn) ?? []).filter((r) => r.action === action).map((r) => evaluate(without, r)));
        expect(verdicts.some((v) => !v.allowed), `${role.fn} without ${action}`).toBe(true);
      }
    }
  });

  it('grants no action that no call used, except the ones kept with a reason', () => {
    const unexercised: string[] = [];
    for (const role of roles) {
      const used = requests.get(role.fn) ?? [];
      for (const statement of role.statements.filter((s) => s.Effect === 'Allow')) {
        for (const action of [statement.Action].flat()) {
          for (const resource of [statement.Resource].flat()) {
            const exercised = used.some((r) => r.action === action && grants({ ...statement, Action: action, Resource: resource }, r.action, r.resource));
            if (!exercised) unexercised.push(`${role.fn}: ${action} on ${label(resource, deployed)}`);
          }
        }
      }
    }
    const unexplained = [...new Set(unexercised)].filter((grant) => !KEPT.some(([rule]) => rule.test(grant)));
    expect(unexplained).toEqual([]);
    const stale = KEPT.filter(([rule]) => !unexercised.some((grant) => rule.test(grant))).map(([rule]) => String(rule));
    expect(stale).toEqual([]);
  });

  it('names every action exactly: no wildcard action in any role', () => {
    const wild = roles.flatMap((r) => r.statements.flatMap((s) => [s.Action].flat().filter((a) => a.includes('*')).map((a) => `${r.fn}: ${a}`)));
    expect(wild).toEqual([]);
  });
});
