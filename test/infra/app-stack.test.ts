import { beforeAll, describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import { AllowedMethods } from 'aws-cdk-lib/aws-cloudfront';
import { paperboyFunctions, synthesize, settingsWith, type Synthesized } from './helpers.js';

describe('PaperboyApp', () => {
  let s: Synthesized;
  beforeAll(() => {
    // GIVEN the fixture config (Europe/Berlin, 14 sends per second) WHEN synthesized once
    s = synthesize();
  });

  it('runs every function on the newest Node.js runtime, arm64, with source maps and a log group', () => {
    const functions = paperboyFunctions(s.stateless);
    expect(Object.keys(functions)).toHaveLength(8);
    for (const fn of Object.values(functions)) {
      const major = Number(/^nodejs(\d+)\.x$/.exec(fn.Properties.Runtime)?.[1]);
      expect(major).toBeGreaterThanOrEqual(22);
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.Environment.Variables).toMatchObject({
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'paperboy',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        PAPERBOY_SETTINGS: '/var/task/paperboy.settings.json',
        PAPERBOY_RUN: 'cloud',
        PAPERBOY_SITE_URL: expect.anything(),
      });
      expect(fn.Properties.LoggingConfig?.LogGroup).toBeDefined();
    }
    s.stateless.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('schedules ingest and plan-digests in the configured time zone', () => {
    s.stateless.resourceCountIs('AWS::Scheduler::Schedule', 2);
    s.stateless.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 6 ? * MON-FRI *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Ingest'), 'Arn'] } }),
    });
    s.stateless.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 7 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PlanDigests'), 'Arn'] } }),
    });
  });

  it('polls no queue: no event source mapping, and the one queue left (failed invocations) is encrypted and TLS-only', () => {
    s.stateless.resourceCountIs('AWS::Lambda::EventSourceMapping', 0);
    s.stateless.resourceCountIs('AWS::SQS::Queue', 1);
    s.stateless.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    s.stateless.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('gives the one sender the longest timeout (it hands over to itself near it) and the memory it needs to wait', () => {
    const [sender] = Object.entries(paperboyFunctions(s.stateless)).filter(([id]) => id.startsWith('SendDigests')).map(([, fn]) => fn);
    expect(sender!.Properties).toMatchObject({ Timeout: 900, MemorySize: 256 });
    // No reserved concurrency: one sender at a time comes from the send lease, which new accounts can have too.
    expect(sender!.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('routes the eleven subscription endpoints (GET /api/subscribe redirects to the form; GET /api/confirm shows the button that POSTs; GET and HEAD /api/feed/{token} is a private feed, GET /api/feed its old address) to one Lambda integration, throttled', () => {
    const routes = Object.values(s.stateless.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey as string);
    expect(routes.sort()).toEqual(
      [
        'GET /api/confirm',
        'POST /api/confirm',
        'GET /api/feed',
        'GET /api/feed/{token}',
        'HEAD /api/feed/{token}',
        'GET /api/preferences',
        'GET /api/subscribe',
        'GET /api/unsubscribe',
        'POST /api/preferences',
        'POST /api/subscribe',
        'POST /api/unsubscribe',
      ].sort(),
    );
    s.stateless.resourceCountIs('AWS::ApiGatewayV2::Integration', 1);
    s.stateless.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });

  it('serves the bucket through Origin Access Control, the private feeds cached and the rest of /api/* uncached from the HTTP API', () => {
    s.stateless.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always' }),
    });
    s.stateless.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        Logging: Match.objectLike({ Prefix: 'cloudfront/' }),
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https', ResponseHeadersPolicyId: Match.anyValue() }),
        Origins: Match.arrayWith([Match.objectLike({ OriginAccessControlId: Match.anyValue(), S3OriginConfig: Match.anyValue() })]),
        CacheBehaviors: [
          Match.objectLike({ PathPattern: '/api/feed/*', CachePolicyId: { Ref: Match.stringLikeRegexp('^PrivateFeedCachePolicy') } }),
          Match.objectLike({
            PathPattern: '/api/*',
            ViewerProtocolPolicy: 'redirect-to-https',
            AllowedMethods: AllowedMethods.ALLOW_ALL.methods,
            CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // Managed-CachingDisabled
            OriginRequestPolicyId: { Ref: Match.stringLikeRegexp('^ApiOriginRequestPolicy') },
          }),
        ],
      }),
    });
  });

  it('passes /api/* the visitor\'s address (CloudFront-Viewer-Address) and never Host', () => {
    s.stateless.hasResourceProperties('AWS::CloudFront::OriginRequestPolicy', {
      OriginRequestPolicyConfig: {
        Name: Match.anyValue(),
        Comment: Match.anyValue(),
        HeadersConfig: { HeaderBehavior: 'whitelist', Headers: ['Content-Type', 'CloudFront-Viewer-Address'] },
        QueryStringsConfig: { QueryStringBehavior: 'all' },
        CookiesConfig: { CookieBehavior: 'none' },
      },
    });
  });

  it('uses the custom domain and certificate from the config, with TLS 1.2', () => {
    // GIVEN a custom domain WHEN synthesized
    const custom = synthesize(
      settingsWith({ deploy: { domainName: 'papers.example.com', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc-123' } }),
    );
    // THEN
    custom.stateless.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['papers.example.com'],
        ViewerCertificate: Match.objectLike({ MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' }),
      }),
    });
    const fn = Object.values(paperboyFunctions(custom.stateless))[0]!;
    expect(fn.Properties.Environment.Variables.PAPERBOY_SITE_URL).toBe('https://papers.example.com/');
  });

  it('allows ses:SendEmail from the configured sender only, to any identity (sandbox recipients), through the configuration set', () => {
    const policies = Object.values(s.stateless.findResources('AWS::IAM::Policy'));
    const sesStatements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement).filter((st) => JSON.stringify(st.Action).includes('ses:'));
    expect(sesStatements).toHaveLength(3); // send-digests, process-signups, notify-owner (the API sends nothing itself)
    for (const st of sesStatements) {
      expect(st).toMatchObject({ Effect: 'Allow', Action: 'ses:SendEmail', Condition: { StringEquals: { 'ses:FromAddress': 'digest@example.com' } } });
      expect(st.Resource).toHaveLength(2);
      expect(st.Resource).toContainEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':identity/*']] });
      expect((st.Resource as unknown[]).map((r) => JSON.stringify(r)).filter((r) => /:configuration-set\/.*MailConfigurationSet/.test(r))).toHaveLength(1);
    }
  });

  it('grants no action wildcards anywhere', () => {
    // THEN no statement allows "*" or a whole service ("dynamodb:*")
    const documents = [s.stateless, s.data].flatMap((t) => [
      ...Object.values(t.findResources('AWS::IAM::Policy')).map((p) => p.Properties.PolicyDocument),
      ...Object.values(t.findResources('AWS::IAM::ManagedPolicy')).map((p) => p.Properties.PolicyDocument),
      ...Object.values(t.findResources('AWS::IAM::Role')).flatMap((r) => (r.Properties.Policies ?? []).map((p: { PolicyDocument: unknown }) => p.PolicyDocument)),
    ]) as Array<{ Statement: Array<{ Effect: string; Action: string | string[] }> }>;
    expect(documents.length).toBeGreaterThan(5);
    for (const doc of documents) {
      for (const st of doc.Statement.filter((x) => x.Effect === 'Allow')) {
        for (const action of [st.Action].flat()) expect(action).not.toMatch(/^(\*|[\w-]+:\*)$/);
      }
    }
  });

  it('lets ingest invoke publish and nothing else, asynchronously with a failure destination', () => {
    s.stateless.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^IngestRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Publish'), 'Arn'] } })]),
      },
    });
    s.stateless.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: Match.stringLikeRegexp('^Ingest') },
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });

  it('lets plan-digests invoke send-digests, send-digests invoke itself, and the API invoke process-signups: each exactly that function', () => {
    const invokes = (role: string, target: string) =>
      s.stateless.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: Match.stringLikeRegexp(`^${role}Role`) }],
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${target}[0-9A-F]{8}$`), 'Arn'] } })]),
        },
      });
    invokes('PlanDigests', 'SendDigests');
    invokes('SendDigests', 'SendDigests');
    invokes('Subscriptions', 'ProcessSignups');
    const env = (prefix: string) => Object.entries(paperboyFunctions(s.stateless)).find(([id]) => id.startsWith(prefix))![1].Properties.Environment.Variables;
    expect(env('PlanDigests').PAPERBOY_SEND_FUNCTION).toEqual({ Ref: expect.stringMatching(/^SendDigests[0-9A-F]{8}$/) });
    expect(env('Subscriptions').PAPERBOY_SIGNUP_FUNCTION).toEqual({ Ref: expect.stringMatching(/^ProcessSignups[0-9A-F]{8}$/) });
  });

  it('has no queue but FailedInvocationsQueue, which one alarm watches', () => {
    expect(Object.keys(s.stateless.findResources('AWS::SQS::Queue')).map((id) => id.replace(/[0-9A-F]{8}$/, ''))).toEqual(['FailedInvocationsQueue']);
    s.stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FailedInvocationsQueue'), 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('lets the functions that sign or derive tokens read or create exactly the HMAC key parameter, and nothing else of SSM', () => {
    const policies = Object.values(s.stateless.findResources('AWS::IAM::Policy'));
    const ssm = policies.flatMap((p) => p.Properties.PolicyDocument.Statement).filter((st) => JSON.stringify(st.Action).includes('ssm:'));
    expect(ssm).toHaveLength(4); // subscriptions, process-signups, send-digests, ses-events (a private feed's path)
    for (const st of ssm) {
      expect(st.Action).toEqual(['ssm:GetParameter', 'ssm:PutParameter']);
      expect(JSON.stringify(st.Resource)).toContain(':parameter/paperboy/PaperboyData/hmac-key');
    }
  });
});
