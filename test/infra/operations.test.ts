/**
 * The operational properties, one by one: least privilege per function, failure handling,
 * log retention and structure, alarms and their thresholds, SES identity and its outputs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { DIGEST_LOG } from '@paperboy/core';
import { paperboyFunctions, synthesize, settingsWith, type Synthesized } from './helpers.js';

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
    for (const fn of ['Ingest', 'Publish', 'PlanDigests', 'SendDigests', 'ProcessSignups', 'SesEvents']) {
      s.stateless.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: Match.stringLikeRegexp(`^${fn}[0-9A-F]{8}$`) },
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FailedInvocationsQueue'), 'Arn'] } } },
      });
    }
  });

  it('gives every SNS subscription a redrive policy', () => {
    const subs = Object.values(s.stateless.findResources('AWS::SNS::Subscription'));
    expect(subs.length).toBe(2); // ses-events (lambda) and the owner (email)
    for (const sub of subs) expect(sub.Properties.RedrivePolicy.deadLetterTargetArn).toBeDefined();
  });

  it('keeps every function log group for a month', () => {
    const groups = Object.values(s.stateless.findResources('AWS::Logs::LogGroup'));
    expect(groups.length).toBe(8); // seven functions + API access logs
    for (const g of groups) expect(g.Properties.RetentionInDays).toBe(30);
  });

  it('runs Powertools logging as structured JSON at the configured level, for every function', () => {
    const fns = Object.values(paperboyFunctions(s.stateless));
    expect(fns.length).toBe(7);
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
    AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlarmTopic') }],
  });
}

describe('alarms', () => {
  let s: Synthesized;
  beforeAll(() => {
    // GIVEN the fixture config
    s = synthesize();
  });

  it('alarm on ingest failures: the function, and a source failing inside a run', () => {
    alarm(s.stateless, { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^Ingest') } }], Threshold: 1 });
    s.stateless.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: Match.stringLikeRegexp('^IngestLogs') },
      FilterPattern: '{ $.message = "source failed" }',
      MetricTransformations: [Match.objectLike({ MetricNamespace: 'paperboy', MetricName: 'IngestSourceFailures', MetricValue: '1' })],
    });
    alarm(s.stateless, { Namespace: 'paperboy', MetricName: 'IngestSourceFailures', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  });

  it('alarm on digest jobs given up (the sender\'s ERROR line)', () => {
    s.stateless.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: Match.stringLikeRegexp('^SendDigestsLogs') },
      FilterPattern: `{ $.message = "${DIGEST_LOG.gaveUp}" }`,
      MetricTransformations: [Match.objectLike({ MetricName: 'DigestSendFailures' })],
    });
    alarm(s.stateless, { Namespace: 'paperboy', MetricName: 'DigestSendFailures', Threshold: 1 });
    alarm(s.stateless, { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^SendDigests') } }] });
  });

  it('alarm early on SES bounce rate (4%) and complaint rate (0.08%)', () => {
    alarm(s.stateless, { Namespace: 'AWS/SES', MetricName: 'Reputation.BounceRate', Threshold: 0.04, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    alarm(s.stateless, { Namespace: 'AWS/SES', MetricName: 'Reputation.ComplaintRate', Threshold: 0.0008, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  });

  it('alarm on API 5xx', () => {
    alarm(s.stateless, { Namespace: 'AWS/ApiGateway', MetricName: '5xx', Threshold: 1 });
  });

  it('outputs the alarm topic', () => {
    s.stateless.hasOutput('AlarmTopicArn', { Value: { Ref: Match.stringLikeRegexp('^AlarmTopic') } });
  });
});

describe('stale-source alarms', () => {
  it('one per source the deployment fetches, none for snapshots or local-only sources, over deploy.staleAfterHours', () => {
    // GIVEN besides the snapshot and the cloud-only Hugging Face source: an arXiv source (run both),
    // a disabled RSS source and a feed that only runs locally; a 48-hour window
    const settings = settingsWith({ deploy: { staleAfterHours: 48 } });
    const base = settings.owner.sources[1]!;
    settings.owner.sources.push(
      { ...base, id: 'arxiv-cs-lg', kind: 'arxiv-api', run: 'both' } as never,
      { ...base, id: 'quiet-rss', kind: 'arxiv-rss', enabled: false } as never,
      { ...base, id: 'my-feed', kind: 'feed', run: 'local' } as never,
    );
    const { stateless } = synthesize(settings);
    // THEN
    stateless.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.message = "source ingested" }',
      MetricTransformations: [Match.objectLike({ MetricName: 'SourceNewPapers', MetricValue: '$.new', Dimensions: [{ Key: 'Source', Value: '$.source' }] })],
    });
    const stale = Object.values(stateless.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'SourceNewPapers' } }));
    expect(stale.map((a) => a.Properties.Dimensions[0].Value).sort()).toEqual(['arxiv-cs-lg', 'hf']);
    for (const alarm of stale) {
      expect(alarm.Properties).toMatchObject({
        Period: 3600,
        EvaluationPeriods: 48,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      });
    }
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
    for (const name of ['SiteUrl', 'BucketName', 'DistributionDomainName', 'ApiUrl', 'ApiEndpoint', 'AlarmTopicArn', 'IngestFunctionName', 'PublishFunctionName', 'PlanDigestsFunctionName']) {
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
