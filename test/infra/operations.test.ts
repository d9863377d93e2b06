/**
 * The operational properties, one by one: least privilege per function, failure handling,
 * log retention and structure, alarms and their thresholds, SES identity and its outputs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { DIGEST_LOG } from '@paperboy/core';
import { paperboyFunctions, synthesize, settingsWith, type Synthesized } from './helpers.js';
import { ALARMS, ALARM_METRICS } from '../../infra/lib/alarms.js';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;

describe('least privilege, per function', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthesize();
  });

  // Which actions each role holds is proven by the calls the tests record: see test/iam/roles.test.ts.
  it('names resources, never "*", in every function policy statement', () => {
    const app = s.stateless.toJSON().Resources as Resources;
    const statements = Object.values(app)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((r) => r.Properties.PolicyDocument.Statement as Statement[]);
    for (const st of statements) expect([st.Resource].flat()).not.toContain('*');
  });

  it('lets the subscriptions API only invoke process-signups (no email, no queue of its own), and process-signups send the email', () => {
    const app = s.stateless.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, any> }>;
    const statementsOf = (prefix: string) =>
      Object.values(app)
        .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((role: { Ref: string }) => role.Ref.startsWith(prefix)))
        .flatMap((r) => r.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    const api = statementsOf('Subscriptions');
    expect(api.flatMap((st) => [st.Action].flat()).filter((a) => /^(sqs|ses|lambda):/.test(a))).toEqual(['lambda:InvokeFunction']);
    expect(api.find((st) => st.Action === 'lambda:InvokeFunction')!.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ProcessSignups[0-9A-F]{8}$/), 'Arn'] });
    expect(statementsOf('ProcessSignups').flatMap((st) => [st.Action].flat())).toContain('ses:SendEmail');
  });
});

describe('failure handling and logs', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthesize();
  });

  it('gives every asynchronously invoked function an on-failure destination', () => {
    for (const fn of ['Ingest', 'Publish', 'PlanDigests', 'SendDigests', 'ProcessSignups', 'SesEvents', 'NotifyOwner']) {
      s.stateless.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: Match.stringLikeRegexp(`^${fn}[0-9A-F]{8}$`) },
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FailedInvocationsQueue'), 'Arn'] } } },
      });
    }
  });

  it('hands only the SES bounces and complaints of its configuration set to ses-events, through EventBridge, with a dead-letter queue', () => {
    const rules = Object.values(s.stateless.findResources('AWS::Events::Rule'));
    expect(rules).toHaveLength(1);
    const rule = rules[0]!.Properties;
    expect(rule.EventPattern).toEqual({
      source: ['aws.ses'],
      'detail-type': ['Email Bounced', 'Email Complaint Received'],
      detail: { mail: { tags: { 'ses:configuration-set': [expect.anything()] } } },
    });
    expect(rule.Targets).toHaveLength(1);
    expect(rule.Targets[0].Arn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^SesEvents[0-9A-F]{8}$/), 'Arn'] });
    expect(rule.Targets[0].DeadLetterConfig.Arn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^FailedInvocationsQueue/), 'Arn'] });
    // No SNS topic, so no customer managed KMS key either (issue 14: $1-3 a month for nothing a reader sees).
    expect(Object.keys(s.stateless.findResources('AWS::SNS::Topic'))).toHaveLength(0);
    expect(Object.keys(s.data.findResources('AWS::SNS::Topic'))).toHaveLength(0);
    expect(Object.keys(s.data.findResources('AWS::KMS::Key'))).toHaveLength(0);
  });

  it('keeps every function log group for a month', () => {
    const groups = Object.values(s.stateless.findResources('AWS::Logs::LogGroup'));
    expect(groups.length).toBe(9); // eight functions + API access logs
    for (const g of groups) expect(g.Properties.RetentionInDays).toBe(30);
  });

  it('runs Powertools logging as structured JSON at the configured level, for every function', () => {
    const fns = Object.values(paperboyFunctions(s.stateless));
    expect(fns.length).toBe(8);
    for (const fn of fns) {
      expect(fn.Properties.Environment.Variables).toMatchObject({ POWERTOOLS_SERVICE_NAME: 'paperboy', POWERTOOLS_LOG_LEVEL: 'INFO' });
      expect(fn.Properties.MemorySize).toBeGreaterThanOrEqual(256);
      expect(fn.Properties.Timeout).toBeGreaterThan(3); // set on purpose, never the 3 s default
    }
  });

  it('writes API access logs as JSON', () => {
    const stage = Object.values(s.stateless.findResources('AWS::ApiGatewayV2::Stage'))[0]!;
    const format = JSON.parse(stage.Properties.AccessLogSettings.Format as string) as Record<string, string>;
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
  });
});

function alarm(t: Template, props: Record<string, unknown>): void {
  t.hasResourceProperties('AWS::CloudWatch::Alarm', {
    ...props,
    AlarmActions: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^NotifyOwner[0-9A-F]{8}$'), 'Arn'] }],
  });
}

describe('alarms', () => {
  let s: Synthesized;
  beforeAll(() => {
    // GIVEN the fixture config (deploy.alarmEmail set)
    s = synthesize();
  });

  it('count every ERROR line, unhandled error and timeout of every function into one Problems alarm', () => {
    const filters = Object.values(s.stateless.findResources('AWS::Logs::MetricFilter'));
    const fns = Object.keys(paperboyFunctions(s.stateless));
    expect(filters).toHaveLength(2 * fns.length);
    for (const id of fns) {
      const group = `^${id.replace(/[0-9A-F]{8}$/, '')}Logs`;
      const own = filters.filter((f) => new RegExp(group).test(f.Properties.LogGroupName.Ref)).map((f) => f.Properties.FilterPattern).sort();
      expect(own, id).toEqual(['?"Task timed out" ?"Invoke Error" ?"Runtime.ExitError"', '{ $.level = "ERROR" }']);
    }
    for (const f of filters) expect(f.Properties.MetricTransformations).toEqual([{ MetricNamespace: 'paperboy', MetricName: 'Problems', MetricValue: '1' }]);
    alarm(s.stateless, { Namespace: 'paperboy', MetricName: 'Problems', Statistic: 'Sum', Period: 300, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  });

  it('alarm when work failed every retry and waits in FailedInvocationsQueue', () => {
    alarm(s.stateless, { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FailedInvocationsQueue'), 'QueueName'] } }], Threshold: 1 });
  });

  it('are the two of infra/lib/alarms.ts, each saying what to do, and only those', () => {
    const alarms = Object.entries(s.stateless.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(Object.values(ALARMS).map((a) => a.id).sort());
    expect(ALARM_METRICS).toBe(2);
    for (const [, a] of alarms) expect(a.Properties.AlarmDescription).toMatch(/^paperboy: .+\. What to do: .+/);
  });

  it('email the owner through notify-owner, which may only send as the configured sender', () => {
    const fn = Object.entries(paperboyFunctions(s.stateless)).find(([id]) => id.startsWith('NotifyOwner'))![1];
    expect(fn.Properties.Environment.Variables.PAPERBOY_SES_CONFIGURATION_SET).toBeDefined();
    s.stateless.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NotifyOwner[0-9A-F]{8}$'), 'Arn'] },
      Principal: 'lambda.alarms.cloudwatch.amazonaws.com',
    });
  });

  it('are the ones docs/deploy.md lists, no more and no fewer', async () => {
    const { readFile } = await import('node:fs/promises');
    const doc = await readFile(new URL('../../docs/deploy.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('## Alarms'), doc.indexOf('\n## ', doc.indexOf('## Alarms') + 1));
    const listed = [...section.matchAll(/^\| `(\w+Alarm)` \|/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual(Object.values(ALARMS).map((a) => a.id).sort());
  });

  it('without deploy.alarmEmail: the same alarms, no action and no notify-owner', () => {
    const { stateless } = synthesize(settingsWith({ deploy: { alarmEmail: undefined } }));
    const alarms = Object.values(stateless.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(2);
    for (const a of alarms) expect(a.Properties.AlarmActions).toBeUndefined();
    expect(Object.keys(paperboyFunctions(stateless)).some((id) => id.startsWith('NotifyOwner'))).toBe(false);
  });
});

describe('SES identity', () => {
  it('creates the sender domain with Easy DKIM and prints its three CNAME records', () => {
    const { data } = synthesize();
    data.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'example.com',
      ConfigurationSetAttributes: { ConfigurationSetName: { Ref: Match.stringLikeRegexp('^MailConfigurationSet') } },
    });
    for (const i of [1, 2, 3]) {
      data.hasOutput(`DkimRecord${i}`, {
        Value: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.anyValue(), `DkimDNSTokenName${i}`] }, ' CNAME ', { 'Fn::GetAtt': [Match.anyValue(), `DkimDNSTokenValue${i}`] }]] },
      });
    }
  });

  it('creates only the address when deploy.sesIdentity is "address", and nothing when "none"', () => {
    const address = synthesize(settingsWith({ deploy: { sesIdentity: 'address' } })).data;
    address.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'digest@example.com' });
    expect(Object.keys(address.findOutputs('DkimRecord1'))).toHaveLength(0);
    synthesize(settingsWith({ deploy: { sesIdentity: 'none' } })).data.resourceCountIs('AWS::SES::EmailIdentity', 0);
  });
});

describe('schedules', () => {
  it('send the ScheduledInvocation shape the local runner sends, with Scheduler context attributes', () => {
    const { stateless } = synthesize();
    const schedules = Object.values(stateless.findResources('AWS::Scheduler::Schedule'));
    expect(schedules).toHaveLength(2);
    const inputs = schedules.map((sch) => JSON.parse(sch.Properties.Target.Input as string) as Record<string, string>).sort((a, b) => a['schedule']!.localeCompare(b['schedule']!));
    expect(inputs.map((i) => i['schedule'])).toEqual(['digest', 'ingest']);
    for (const input of inputs) {
      expect(input).toMatchObject({
        scheduleArn: '<aws.scheduler.schedule-arn>',
        scheduledTime: '<aws.scheduler.scheduled-time>',
        executionId: '<aws.scheduler.execution-id>',
      });
    }
    for (const sch of schedules) expect(sch.Properties.ScheduleExpressionTimezone).toBe('Europe/Berlin');
  });
});

describe('outputs', () => {
  it('print the site URL, the CloudFront domain, the API and the functions to run by hand', () => {
    const { stateless, data } = synthesize();
    for (const name of ['SiteUrl', 'BucketName', 'DistributionDomainName', 'ApiUrl', 'ApiEndpoint', 'IngestFunctionName', 'PublishFunctionName', 'PlanDigestsFunctionName']) {
      expect(Object.keys(stateless.findOutputs(name)), name).toHaveLength(1);
    }
    for (const name of ['TableName', 'DkimRecord1', 'DkimRecord2', 'DkimRecord3']) expect(Object.keys(data.findOutputs(name)), name).toHaveLength(1);
  });
});

describe('npm scripts', () => {
  it('destroy removes only the stateless stack; destroy:all is the explicit full teardown; deploy runs the preflight first', async () => {
    const { readFile } = await import('node:fs/promises');
    const { STACK_IDS } = await import('../../infra/lib/paperboy.js');
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['destroy']).toBe(`cdk destroy ${STACK_IDS.app}`);
    expect(pkg.scripts['destroy:all']).toBe('cdk destroy --all');
    expect(pkg.scripts['deploy']).toBe('tsx infra/bin/preflight.ts && cdk deploy --all');
    expect(pkg.scripts['synth']).toBe('cdk synth');
    expect(pkg.scripts['diff']).toBe('cdk diff');
  });

  it('the data stack is termination-protected while data is retained', () => {
    expect(synthesize().stacks.data.terminationProtection).toBe(true);
    expect(synthesize(settingsWith({ deploy: { retainData: false } })).stacks.data.terminationProtection).toBe(false);
  });
});
