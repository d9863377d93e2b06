/**
 * PaperboyApp: the stateless resources (functions, schedules, queues, HTTP API, CDN, alarms).
 * It receives the stateful resources of PaperboyData as props; destroying it loses no data.
 * Construct ids here are a contract: renaming one replaces the resource.
 */
import { dirname, join } from 'node:path';
import { CfnOutput, Duration, Stack, TimeZone, Validations, type StackProps } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SnsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IConfigurationSet } from 'aws-cdk-lib/aws-ses';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption, type IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { AppFunction } from './app-function.js';
import { digestMaxConcurrency, snapshotFiles, type PaperboySettings } from './settings.js';

export interface AppStackProps extends StackProps {
  settings: PaperboySettings;
  table: ITable;
  siteBucket: IBucket;
  logsBucket: IBucket;
  configurationSet: IConfigurationSet;
  mailEventsTopic: ITopic;
  hmacSecret: ISecret;
  notificationsKey: IKey;
}

/** The API paths of the public URL contract, all served by the `subscriptions` function. */
export const API_ROUTES: ReadonlyArray<readonly [HttpMethod, string]> = [
  [HttpMethod.POST, '/api/subscribe'],
  [HttpMethod.GET, '/api/confirm'],
  [HttpMethod.GET, '/api/unsubscribe'],
  [HttpMethod.POST, '/api/unsubscribe'],
  [HttpMethod.GET, '/api/preferences'],
  [HttpMethod.POST, '/api/preferences'],
];

export class AppStack extends Stack {
  readonly functions: Record<'ingest' | 'publish' | 'planDigests' | 'sendDigests' | 'subscriptions' | 'sesEvents', AppFunction>;
  readonly digestQueue: Queue;
  readonly distribution: Distribution;
  readonly api: HttpApi;

  constructor(scope: Construct, id: string, props: AppStackProps) {
    super(scope, id, props);
    const { owner, configFile } = props.settings;
    const { domainName, certificateArn, alarmEmail } = owner.deploy;

    // --- Queues -----------------------------------------------------------------------------
    const queueDefaults = { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true } as const;
    // Asynchronous invocations (schedules -> ingest/plan-digests, ingest -> publish) that failed every retry.
    const failedInvocations = new Queue(this, 'FailedInvocationsQueue', { ...queueDefaults, retentionPeriod: Duration.days(14) });
    Validations.of(failedInvocations).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter destination of asynchronous invocations and schedules; it is inspected by hand and alarmed on.',
    });
    const digestDeadLetters = new Queue(this, 'DigestDeadLetterQueue', { ...queueDefaults, retentionPeriod: Duration.days(14) });
    const sendTimeout = Duration.minutes(5);
    this.digestQueue = new Queue(this, 'DigestQueue', {
      ...queueDefaults,
      // AWS guidance for SQS event sources: visibility timeout of at least six times the function timeout.
      visibilityTimeout: Duration.seconds(sendTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: digestDeadLetters, maxReceiveCount: 4 },
    });

    // --- Site URL -----------------------------------------------------------------------------
    // The distribution's domain is known only at deploy time; functions that write links need it.
    // No cycle: the distribution depends on the HTTP API resource (its origin), and the functions
    // depend on the distribution (env var); the API's routes and integration depend on the
    // function, but the distribution does not depend on those. Config `site.url` wins, then the
    // custom domain, then the CloudFront domain. Every function gets it (the runtime config falls
    // back to a localhost URL otherwise), so `subscriptions` needs no Host-header guessing.
    const siteUrlFor = (distribution: Distribution): string =>
      owner.site.url ?? (domainName ? `https://${domainName}/` : `https://${distribution.distributionDomainName}/`);

    // --- API + CDN (built before the functions only to know the site URL) ----------------------
    this.api = new HttpApi(this, 'Api', {
      description: 'paperboy subscriptions API (served under /api/* by CloudFront)',
      createDefaultStage: false,
    });
    const apiAccessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.ONE_MONTH });
    new HttpStage(this, 'ApiDefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 10, burstLimit: 20 },
      accessLogSettings: { destination: new LogGroupLogDestination(apiAccessLogs) },
    });

    // The bucket is passed in by reference attributes so the OAC origin does not try to edit the
    // bucket policy of PaperboyData (that would be a cross-stack cycle); PaperboyData grants read
    // to this account's distributions instead (see data-stack.ts).
    const siteOrigin = Bucket.fromBucketAttributes(this, 'SiteBucketRef', {
      bucketArn: props.siteBucket.bucketArn,
      bucketName: props.siteBucket.bucketName,
      bucketRegionalDomainName: props.siteBucket.bucketRegionalDomainName,
    });
    const apiDomain = `${this.api.apiId}.execute-api.${this.region}.${this.urlSuffix}`;
    this.distribution = new Distribution(this, 'Cdn', {
      comment: 'paperboy site, feeds and API',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      ...(domainName && certificateArn
        ? {
            domainNames: [domainName],
            certificate: Certificate.fromCertificateArn(this, 'Certificate', certificateArn),
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      enableLogging: true,
      logBucket: props.logsBucket,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(siteOrigin),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: ResponseHeadersPolicy.SECURITY_HEADERS,
        compress: true,
      },
      additionalBehaviors: {
        '/api/*': {
          origin: new HttpOrigin(apiDomain, { protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY }),
          viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: ResponseHeadersPolicy.SECURITY_HEADERS,
        },
      },
    });
    Validations.of(this).acknowledge({
      id: '@aws-cdk/aws-cloudfront-origins:updateImportedBucketPolicyOac',
      reason: 'Intended: the OAC read grant lives in the bucket policy of PaperboyData (see data-stack.ts).',
    });
    Validations.of(this.distribution).acknowledge(
      { id: 'AwsSolutions-CFR1', reason: 'Public papers and feeds for readers anywhere; no geographic restriction wanted.' },
      { id: 'AwsSolutions-CFR2', reason: 'WAF costs more than the whole service for a personal site; the API is throttled at the stage and sign-up is double opt-in.' },
    );
    if (!certificateArn) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason: 'Without deploy.domainName the default *.cloudfront.net certificate is used, whose TLS policy cannot be set; with a custom domain TLSv1.2_2021 applies.',
      });
    }
    const siteUrl = siteUrlFor(this.distribution);

    // --- Functions ----------------------------------------------------------------------------
    const common = { configFile, siteUrl };
    const configDir = dirname(configFile);
    const ingest = new AppFunction(this, 'Ingest', {
      ...common,
      name: 'ingest',
      description: 'paperboy: fetch sources, tag, upsert papers; trigger publish when anything changed',
      memorySize: 1024,
      timeout: Duration.minutes(5),
      extraFiles: Object.fromEntries(snapshotFiles(props.settings).map((rel) => [join(configDir, rel), rel])),
    });
    const publish = new AppFunction(this, 'Publish', {
      ...common,
      name: 'publish',
      description: 'paperboy: render feeds and pages, upload what changed',
      memorySize: 1024,
      timeout: Duration.minutes(5),
    });
    const planDigests = new AppFunction(this, 'PlanDigests', {
      ...common,
      name: 'plan-digests',
      description: 'paperboy: enqueue batches of subscribers due a digest',
      memorySize: 512,
      timeout: Duration.minutes(2),
    });
    const sendDigests = new AppFunction(this, 'SendDigests', {
      ...common,
      name: 'send-digests',
      description: 'paperboy: render and send digests, at most once per subscriber and period',
      memorySize: 512,
      timeout: sendTimeout,
    });
    const subscriptions = new AppFunction(this, 'Subscriptions', {
      ...common,
      name: 'subscriptions',
      description: 'paperboy: subscribe, confirm, preferences, unsubscribe (HTTP API)',
      memorySize: 512,
      timeout: Duration.seconds(10),
    });
    const sesEvents = new AppFunction(this, 'SesEvents', {
      ...common,
      name: 'ses-events',
      description: 'paperboy: suppress addresses on hard bounces and complaints',
      memorySize: 256,
      timeout: Duration.seconds(30),
    });
    this.functions = { ingest, publish, planDigests, sendDigests, subscriptions, sesEvents };

    const asyncFailures = { onFailure: new SqsDestination(failedInvocations), retryAttempts: 2, maxEventAge: Duration.hours(6) };
    ingest.bindTable(props.table, 'readWrite').bindInvoke(publish).configureAsyncInvoke(asyncFailures);
    publish.bindTable(props.table, 'read').bindBucket(props.siteBucket, 'readWrite').configureAsyncInvoke(asyncFailures);
    planDigests.bindTable(props.table, 'read').bindQueue(this.digestQueue, 'send').configureAsyncInvoke(asyncFailures);
    sendDigests
      .bindTable(props.table, 'readWrite')
      .bindSes(props.configurationSet, owner.mail.from)
      .bindSecret(props.hmacSecret)
      .bindQueue(this.digestQueue, 'consume', {
        batchSize: 5,
        maxConcurrency: digestMaxConcurrency(owner.digest.sendRatePerSecond),
        reportBatchItemFailures: true,
      });
    subscriptions.bindTable(props.table, 'readWrite').bindSes(props.configurationSet, owner.mail.from).bindSecret(props.hmacSecret);
    sesEvents.bindTable(props.table, 'readWrite').addEventSource(new SnsEventSource(props.mailEventsTopic));

    const integration = new HttpLambdaIntegration('SubscriptionsIntegration', subscriptions);
    for (const [method, path] of API_ROUTES) this.api.addRoutes({ path, methods: [method], integration });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'Public endpoints for anonymous readers (subscribe, confirm, unsubscribe incl. RFC 8058 one-click); requests carry HMAC-signed tokens, sign-up is double opt-in, and the stage is throttled.',
    });

    // --- Schedules ----------------------------------------------------------------------------
    const timeZone = TimeZone.of(owner.schedule.timezone);
    const schedule = (scheduleId: string, fn: AppFunction, expression: string, description: string): void => {
      const role = new Role(this, `${scheduleId}Role`, {
        assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': this.account } } }),
        description: `paperboy: ${scheduleId} invokes ${fn.node.id}`,
      });
      new Schedule(this, scheduleId, {
        description,
        schedule: ScheduleExpression.expression(expression, timeZone),
        target: new LambdaInvoke(fn, { role, deadLetterQueue: failedInvocations, retryAttempts: 2, maxEventAge: Duration.hours(1) }),
      });
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(fn.node.defaultChild as CfnFunction)}.Arn>:*]`,
        reason: `LambdaInvoke grants invoke on ${fn.node.id} and its qualified versions (":*"); still exactly one function.`,
      });
    };
    schedule('IngestSchedule', ingest, owner.schedule.ingest, 'paperboy: ingest new papers');
    // Runs daily; plan-digests also plans weekly digests on `digest.weeklyDay`.
    schedule('DigestSchedule', planDigests, owner.schedule.digest, 'paperboy: plan due digests');

    // --- Alarms -------------------------------------------------------------------------------
    const alarmTopic = new Topic(this, 'AlarmTopic', { displayName: 'paperboy alarms', masterKey: props.notificationsKey, enforceSSL: true });
    if (alarmEmail) alarmTopic.addSubscription(new EmailSubscription(alarmEmail));
    const notEmpty = (alarmId: string, queue: IQueue, what: string): void => {
      const alarm = new Alarm(this, alarmId, {
        alarmDescription: `paperboy: ${what}`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(new SnsAction(alarmTopic));
    };
    notEmpty('DigestDeadLettersAlarm', digestDeadLetters, 'digest batches failed repeatedly and wait in the dead-letter queue');
    notEmpty('FailedInvocationsAlarm', failedInvocations, 'a scheduled or asynchronous invocation failed every retry');

    // --- Outputs ------------------------------------------------------------------------------
    new CfnOutput(this, 'SiteUrl', { value: siteUrl, description: 'Public site URL' });
    new CfnOutput(this, 'DistributionDomainName', { value: this.distribution.distributionDomainName });
    new CfnOutput(this, 'ApiUrl', { value: `${siteUrl}api/`, description: 'Subscriptions API through CloudFront' });
    new CfnOutput(this, 'ApiEndpoint', { value: this.api.apiEndpoint, description: 'HTTP API endpoint (direct, for debugging)' });
  }
}
