/**
 * PaperboyApp: the stateless resources (functions, schedules, the failed-invocations queue, HTTP API, CDN, alarms).
 * It receives the stateful resources of PaperboyData as props; destroying it loses no data. The site
 * bucket lives here: it holds only what publish derives from the table, and beside the distribution
 * its policy can name this one distribution.
 * Construct ids here are a contract: renaming one replaces the resource.
 */
import { dirname, join } from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, TimeZone, Validations, type StackProps } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CacheCookieBehavior,
  CacheHeaderBehavior,
  CachePolicy,
  CacheQueryStringBehavior,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestCookieBehavior,
  OriginRequestHeaderBehavior,
  OriginRequestPolicy,
  OriginRequestQueryStringBehavior,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Alarm, ComparisonOperator, Metric, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { LambdaAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { FilterPattern, LogGroup, MetricFilter, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, type IBucket } from 'aws-cdk-lib/aws-s3';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IConfigurationSet } from 'aws-cdk-lib/aws-ses';
import { Queue, QueueEncryption, type IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { API_ROUTES as CORE_API_ROUTES, DIGEST_LOG, ENV, INTERNAL_PREFIX, PRIVATE_FEED_EDGE } from '@paperboy/core';
import { CONTENT_SECURITY_POLICY, FRAME_OPTIONS, HSTS, REFERRER_POLICY } from '@paperboy/feeds';
import { AppFunction } from './app-function.js';
import { VIEWER_ADDRESS_HEADER } from '@paperboy/core';
import { SITE_ACCESS_LOG_PREFIX } from './data-stack.js';
import { ALARMS } from './alarms.js';
import { FUNCTION_MEMORY_MB, snapshotFiles, writeResolvedSettings, type PaperboySettings } from './settings.js';

export interface AppStackProps extends StackProps {
  settings: PaperboySettings;
  table: ITable;
  logsBucket: IBucket;
  configurationSet: IConfigurationSet;
  /** SSM parameter of the HMAC key of subscription links (created on first use; see DataStack). */
  hmacKeyParameterName: string;
}

/** The API paths of the public URL contract (core's API_ROUTES), all served by the `subscriptions` function. */
export const API_ROUTES: ReadonlyArray<readonly [HttpMethod, string]> = CORE_API_ROUTES.map((r) => [HttpMethod[r.method], r.path] as const);

/** Namespace of the metrics the stack derives from the functions' logs. */
export const METRIC_NAMESPACE = 'paperboy';

/** The member of a CDK string enum whose value is `value` (the header values are defined outside the CDK). */
function enumValue<E extends Record<string, string>>(members: E, value: string): E[keyof E] {
  const found = Object.values(members).find((v) => v === value);
  if (found === undefined) throw new Error(`no CloudFront setting for the header value "${value}"`);
  return found as E[keyof E];
}

export class AppStack extends Stack {
  /** Every function of the stack; `notifyOwner` only with `deploy.alarmEmail`. */
  readonly functions: Record<'ingest' | 'publish' | 'planDigests' | 'sendDigests' | 'subscriptions' | 'processSignups' | 'sesEvents', AppFunction> & { notifyOwner?: AppFunction };
  readonly siteBucket: Bucket;
  readonly distribution: Distribution;
  readonly api: HttpApi;

  constructor(scope: Construct, id: string, props: AppStackProps) {
    super(scope, id, props);
    const { owner, configFile } = props.settings;
    // Validated once, here at synth: each function carries the resolved settings instead of the config file.
    const settingsFile = writeResolvedSettings(props.settings);
    const { domainName, certificateArn, alarmEmail } = owner.deploy;

    // --- Queues -----------------------------------------------------------------------------
    const queueDefaults = { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true } as const;
    // Asynchronous invocations (schedules -> ingest/plan-digests, ingest -> publish) that failed every retry.
    const failedInvocations = new Queue(this, 'FailedInvocationsQueue', { ...queueDefaults, retentionPeriod: Duration.days(14) });
    Validations.of(failedInvocations).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter destination of asynchronous invocations and schedules; it is inspected by hand and alarmed on.',
    });
    const redriveReason = 'A dead-letter queue has no dead-letter queue of its own: its messages are kept 14 days, alarmed on, and redriven by hand.';
    Validations.of(failedInvocations).acknowledge({ id: 'Serverless-SQSRedrivePolicy', reason: redriveReason });
    // Every piece of work that failed every retry lands in FailedInvocationsQueue, whatever the function, so
    // one alarm (FailedInvocationsAlarm) covers all of it. No digest or sign-up queue: plan-digests stores the day's jobs in the table and invokes send-digests,
    // and the API invokes process-signups, both asynchronously. Lambda's own event queue retries a failed
    // run twice and then sends it to FailedInvocationsQueue; nothing polls while idle.
    const sendTimeout = Duration.minutes(15);
    const signupTimeout = Duration.seconds(30);

    // --- Site URL -----------------------------------------------------------------------------
    // The distribution's domain is known only at deploy time; functions that write links need it.
    // No cycle: the distribution depends on the HTTP API resource (its origin), and the functions
    // depend on the distribution (env var); the API's routes and integration depend on the
    // function, but the distribution does not depend on those (nor on the roles' invalidation grants,
    // which name it). Config `site.url` wins, then the custom domain, then the CloudFront domain.
    // Every function gets it (the runtime config falls back to a localhost URL otherwise), so
    // `subscriptions` needs no Host-header guessing.
    const siteUrlFor = (distribution: Distribution): string =>
      owner.site.url ?? (domainName ? `https://${domainName}/` : `https://${distribution.distributionDomainName}/`);

    // --- API + CDN (built before the functions only to know the site URL) ----------------------
    this.api = new HttpApi(this, 'Api', {
      description: 'paperboy subscriptions API (served under /api/* by CloudFront; private feeds cached there)',
      createDefaultStage: false,
    });
    const apiAccessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.ONE_MONTH });
    new HttpStage(this, 'ApiDefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 10, burstLimit: 20 },
      // Structured JSON access logs (cdk-nag Serverless-APIGWStructuredLogging), no client IP kept.
      accessLogSettings: {
        destination: new LogGroupLogDestination(apiAccessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationStatus: '$context.integrationStatus',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });

    // --- Site bucket ---------------------------------------------------------------------------
    // Only derived content (pages, feeds, and publish's manifest), regenerated from the table by any
    // publish run: emptied and deleted with this stack. Its access logs go to the logs bucket of
    // PaperboyData by reference (that stack allows this account's buckets under the prefix).
    this.siteBucket = new Bucket(this, 'SiteBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: Bucket.fromBucketAttributes(this, 'LogsBucketRef', { bucketArn: props.logsBucket.bucketArn, bucketName: props.logsBucket.bucketName }),
      serverAccessLogsPrefix: SITE_ACCESS_LOG_PREFIX,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    Validations.of(this.siteBucket).acknowledge({
      id: '@aws-cdk/aws-s3:accessLogsPolicyNotAdded',
      reason: 'Intended: the logs bucket policy in PaperboyData (AllowSiteBucketAccessLogs) already lets S3 deliver these access logs.',
    });
    // Internal objects (publish's manifest) are never served: an explicit deny to CloudFront, which
    // outweighs the origin access control's allow below, whatever the path or behaviour. S3 checks the
    // key it resolved, so no spelling of the URL (%5F, //, ..) reaches them.
    this.siteBucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'DenyCloudFrontInternalObjects',
        effect: Effect.DENY,
        principals: [new ServicePrincipal('cloudfront.amazonaws.com')],
        actions: ['s3:GetObject'],
        resources: [this.siteBucket.arnForObjects(`${INTERNAL_PREFIX}*`)],
      }),
    );

    // Security headers on every answer, site and API: one definition with the local gateway
    // (packages/feeds/src/security-headers.ts), overriding whatever the origin sent.
    const securityHeaders = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'paperboy: CSP, HSTS, nosniff, no referrer, no framing',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: CONTENT_SECURITY_POLICY, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.seconds(HSTS.maxAgeSeconds),
          includeSubdomains: HSTS.includeSubDomains,
          preload: HSTS.preload,
          override: true,
        },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: enumValue(HeadersReferrerPolicy, REFERRER_POLICY), override: true },
        frameOptions: { frameOption: enumValue(HeadersFrameOption, FRAME_OPTIONS), override: true },
      },
    });

    const apiDomain = `${this.api.apiId}.execute-api.${this.region}.${this.urlSuffix}`;
    // What the rest of /api/* passes to the HTTP API. Not Host: API Gateway answers only to its own domain. The managed
    // AllViewerExceptHostHeader policy ("allExcept: host") forwards viewer headers only, never the headers
    // CloudFront adds, and a policy that adds CloudFront headers ("allViewerAndWhitelistCloudFront") also
    // forwards Host. So an allow list: what the handler reads (Content-Type), plus CloudFront-Viewer-Address (the visitor's
    // "ip:port", which sign-up rate limits key on; without it API Gateway's sourceIp is the edge's address).
    const apiRequests = new OriginRequestPolicy(this, 'ApiOriginRequestPolicy', {
      comment: 'paperboy /api/*: query strings, Content-Type and the viewer address; never Host',
      headerBehavior: OriginRequestHeaderBehavior.allowList('Content-Type', VIEWER_ADDRESS_HEADER),
      queryStringBehavior: OriginRequestQueryStringBehavior.all(),
      cookieBehavior: OriginRequestCookieBehavior.none(),
    });
    // The private feeds (/api/feed/<token>), kept at the edge until publish or a change to one subscriber's feed
    // invalidates them; the TTL only bounds how long a failed invalidation leaves a feed stale. The cache key is
    // the path and `format` alone: the token is in the path, and nothing about the viewer changes the answer.
    // minTtl > 0 on purpose: the function sends `Cache-Control: private, max-age=300` for the reader's own
    // cache, which CloudFront would obey (not keep the answer) with a minimum TTL of 0; with it, CloudFront
    // keeps the answer for the TTL and still passes that header on to the reader.
    const privateFeedTtl = Duration.seconds(PRIVATE_FEED_EDGE.ttlSeconds);
    const privateFeedCache = new CachePolicy(this, 'PrivateFeedCachePolicy', {
      comment: `paperboy ${PRIVATE_FEED_EDGE.pathPattern}: path + ${PRIVATE_FEED_EDGE.cacheKeyQuery.join(', ')}, kept until invalidated`,
      minTtl: privateFeedTtl,
      defaultTtl: privateFeedTtl,
      maxTtl: privateFeedTtl,
      queryStringBehavior: CacheQueryStringBehavior.allowList(...PRIVATE_FEED_EDGE.cacheKeyQuery),
      headerBehavior: CacheHeaderBehavior.none(),
      cookieBehavior: CacheCookieBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    // One origin object for both API behaviours: one origin in the distribution.
    const apiOrigin = new HttpOrigin(apiDomain, { protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY });
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
        // Writes the bucket policy's allow for this distribution only (AWS:SourceArn is its ARN).
        origin: S3BucketOrigin.withOriginAccessControl(this.siteBucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: securityHeaders,
        compress: true,
      },
      // CloudFront matches behaviours in this order (CDK keeps it): the private feeds before the rest of /api/*.
      additionalBehaviors: {
        // Read-only and cached. No origin request policy: the origin gets the cache key (the path and `format`)
        // and Host set to its own domain; a feed needs no viewer address or other header.
        [PRIVATE_FEED_EDGE.pathPattern]: {
          origin: apiOrigin,
          viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
          cachePolicy: privateFeedCache,
          responseHeadersPolicy: securityHeaders,
          compress: true,
        },
        // Everything else of the API (forms, sign-up, the legacy /api/feed?token= redirect): never cached.
        '/api/*': {
          origin: apiOrigin,
          viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: apiRequests,
          responseHeadersPolicy: securityHeaders,
        },
      },
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
    const common = { settingsFile, siteUrl };
    const configDir = dirname(configFile);
    const ingest = new AppFunction(this, 'Ingest', {
      ...common,
      name: 'ingest',
      description: 'paperboy: fetch sources, tag, upsert papers; trigger publish when anything changed',
      memorySize: FUNCTION_MEMORY_MB['ingest'],
      timeout: Duration.minutes(5),
      extraFiles: Object.fromEntries(snapshotFiles(props.settings).map((rel) => [join(configDir, rel), rel])),
    });
    const publish = new AppFunction(this, 'Publish', {
      ...common,
      name: 'publish',
      description: 'paperboy: render feeds and pages, upload what changed, drop the private feeds from the edge',
      memorySize: FUNCTION_MEMORY_MB['publish'],
      timeout: Duration.minutes(5),
    });
    const planDigests = new AppFunction(this, 'PlanDigests', {
      ...common,
      name: 'plan-digests',
      description: 'paperboy: store a digest job per due subscriber, then start the sender',
      memorySize: FUNCTION_MEMORY_MB['plan-digests'],
      timeout: Duration.minutes(2),
    });
    const sendDigests = new AppFunction(this, 'SendDigests', {
      ...common,
      name: 'send-digests',
      description: 'paperboy: the one sender (send lease): digests at the SES rate, at most once per subscriber and period',
      memorySize: FUNCTION_MEMORY_MB['send-digests'],
      timeout: sendTimeout,
    });
    const subscriptions = new AppFunction(this, 'Subscriptions', {
      ...common,
      name: 'subscriptions',
      description: 'paperboy: sign-up (handed to process-signups), confirm, preferences, unsubscribe, private feeds (HTTP API)',
      memorySize: FUNCTION_MEMORY_MB['subscriptions'],
      timeout: Duration.seconds(10),
    });
    const processSignups = new AppFunction(this, 'ProcessSignups', {
      ...common,
      name: 'process-signups',
      description: 'paperboy: the work of each sign-up (subscriber record, confirmation email)',
      memorySize: FUNCTION_MEMORY_MB['process-signups'],
      timeout: signupTimeout,
    });
    const sesEvents = new AppFunction(this, 'SesEvents', {
      ...common,
      name: 'ses-events',
      description: 'paperboy: suppress addresses on hard bounces and complaints (and drop their private feeds from the edge)',
      memorySize: FUNCTION_MEMORY_MB['ses-events'],
      timeout: Duration.seconds(30),
    });
    this.functions = { ingest, publish, planDigests, sendDigests, subscriptions, processSignups, sesEvents };

    // Asynchronous invocations (schedules, ingest -> publish, plan-digests -> send-digests -> itself,
    // subscriptions -> process-signups, EventBridge -> ses-events, alarms -> notify-owner) land in FailedInvocationsQueue
    // after their retries, with the error: an on-failure destination rather than a bare dead-letter queue.
    const asyncFailures = { onFailure: new SqsDestination(failedInvocations), retryAttempts: 2, maxEventAge: Duration.hours(6) };
    const asyncReason = 'Asynchronous failures go to the on-failure destination FailedInvocationsQueue (with the error and request), which supersedes a function dead-letter queue; both would duplicate every failure.';
    for (const fn of [ingest, publish, planDigests, sendDigests, processSignups, sesEvents]) Validations.of(fn).acknowledge({ id: 'Serverless-LambdaDLQ', reason: asyncReason });
    Validations.of(subscriptions).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'Invoked synchronously by the HTTP API only; errors return to the caller and are alarmed on as API 5xx. A dead-letter queue only applies to asynchronous invocations.',
    });
    ingest.bindTable(props.table, { items: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'BatchWriteItem'] }).bindInvoke(publish).configureAsyncInvoke(asyncFailures);
    // Publish, subscriptions and ses-events invalidate private feeds (every one after a run; one subscriber's on
    // a change to it) in this distribution.
    publish
      .bindTable(props.table, { items: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem'], indexes: { GSI1: ['Query'] } })
      .bindBucket(this.siteBucket, 'readWrite')
      .bindInvalidation(this.distribution)
      .configureAsyncInvoke(asyncFailures);
    // plan-digests stores the jobs (BatchWriteItem) and starts the sender, which owns the send lease while
    // it drains them (Query, UpdateItem, DeleteItem; PutItem for a job given up and for the ledger claim).
    planDigests
      .bindTable(props.table, { items: ['BatchWriteItem'], indexes: { GSI2: ['Query'] } })
      .bindInvoke(sendDigests, ENV.sendFunctionName)
      .configureAsyncInvoke(asyncFailures);
    sendDigests
      .bindTable(props.table, { items: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'], indexes: { GSI1: ['Query'] } })
      .bindSes(props.configurationSet, owner.mail.from)
      .bindHmacKey(props.hmacKeyParameterName)
      .bindSelfInvoke()
      .configureAsyncInvoke(asyncFailures);
    // The API sends no email itself: it hands each sign-up to process-signups, which sends what it needs.
    // Private feeds: the token's item (Get, Put, and Delete on revocation), the latest publish run (Query) and the window's papers (GSI1).
    subscriptions
      .bindTable(props.table, { items: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'], indexes: { GSI1: ['Query'] } })
      .bindHmacKey(props.hmacKeyParameterName)
      .bindInvoke(processSignups, ENV.signupFunctionName)
      .bindInvalidation(this.distribution);
    processSignups
      .bindTable(props.table, { items: ['GetItem', 'PutItem', 'UpdateItem'] })
      .bindSes(props.configurationSet, owner.mail.from)
      .bindHmacKey(props.hmacKeyParameterName)
      .configureAsyncInvoke(asyncFailures);
    // SES publishes bounces and complaints to the default event bus (see DataStack); this rule takes those of
    // this stack's configuration set only. EventBridge retries for up to a day, then the event lands in
    // FailedInvocationsQueue with the error.
    // It signs nothing, but the private feed's path of a suppressed address is derived from the HMAC key.
    sesEvents
      .bindTable(props.table, { items: ['GetItem', 'PutItem', 'UpdateItem', 'Query'] })
      .bindHmacKey(props.hmacKeyParameterName)
      .bindInvalidation(this.distribution)
      .configureAsyncInvoke(asyncFailures);
    new Rule(this, 'MailEventsRule', {
      description: 'paperboy: SES bounces and complaints of this stack\'s configuration set -> ses-events',
      eventBus: EventBus.fromEventBusName(this, 'DefaultEventBus', 'default'),
      eventPattern: {
        source: ['aws.ses'],
        detailType: ['Email Bounced', 'Email Complaint Received'],
        detail: { mail: { tags: { 'ses:configuration-set': [props.configurationSet.configurationSetName] } } },
      },
      targets: [new LambdaFunction(sesEvents, { deadLetterQueue: failedInvocations, retryAttempts: 8, maxEventAge: Duration.hours(24) })],
    });

    const integration = new HttpLambdaIntegration('SubscriptionsIntegration', subscriptions);
    for (const [method, path] of API_ROUTES) this.api.addRoutes({ path, methods: [method], integration });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'Public endpoints for anonymous readers (subscribe, confirm, unsubscribe incl. RFC 8058 one-click); requests carry HMAC-signed tokens, sign-up is double opt-in, and the stage is throttled.',
    });

    // --- Schedules ----------------------------------------------------------------------------
    const timeZone = TimeZone.of(owner.schedule.timezone);
    // The target input is the ScheduledInvocation shape of functions/commons/events.ts (the local runner sends the same).
    const schedule = (scheduleId: string, fn: AppFunction, expression: string, description: string, name: string): void => {
      const role = new Role(this, `${scheduleId}Role`, {
        assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': this.account } } }),
        description: `paperboy: ${scheduleId} invokes ${fn.node.id}`,
      });
      new Schedule(this, scheduleId, {
        description,
        schedule: ScheduleExpression.expression(expression, timeZone),
        target: new LambdaInvoke(fn, {
          role,
          deadLetterQueue: failedInvocations,
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
          input: ScheduleTargetInput.fromObject({
            schedule: name,
            scheduleArn: ContextAttribute.scheduleArn,
            scheduledTime: ContextAttribute.scheduledTime,
            executionId: ContextAttribute.executionId,
          }),
        }),
      });
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(fn.node.defaultChild as CfnFunction)}.Arn>:*]`,
        reason: `LambdaInvoke grants invoke on ${fn.node.id} and its qualified versions (":*"); still exactly one function.`,
      });
    };
    schedule('IngestSchedule', ingest, owner.schedule.ingest, 'paperboy: ingest new papers', 'ingest');
    // Runs daily; plan-digests also plans weekly digests on `digest.weeklyDay`.
    schedule('DigestSchedule', planDigests, owner.schedule.digest, 'paperboy: plan due digests', 'digest');

    // --- Alarms -------------------------------------------------------------------------------
    // Two alarm metrics in all (infra/lib/alarms.ts says why each exists and what to do). They email
    // deploy.alarmEmail through notify-owner, a Lambda alarm action: no SNS topic, so no KMS key.
    const notifyOwner = alarmEmail
      ? new AppFunction(this, 'NotifyOwner', {
          ...common,
          name: 'notify-owner',
          description: 'paperboy: email the owner when an alarm fires',
          memorySize: FUNCTION_MEMORY_MB['notify-owner'],
          timeout: Duration.seconds(30),
        })
      : undefined;
    if (notifyOwner) {
      this.functions.notifyOwner = notifyOwner;
      notifyOwner.bindSes(props.configurationSet, owner.mail.from).configureAsyncInvoke(asyncFailures);
      Validations.of(notifyOwner).acknowledge({ id: 'Serverless-LambdaDLQ', reason: asyncReason });
    }
    const alarmOn = (spec: (typeof ALARMS)[keyof typeof ALARMS], metric: IMetric, threshold: number): Alarm => {
      const alarm = new Alarm(this, spec.id, {
        alarmDescription: `paperboy: ${spec.when}. What to do: ${spec.todo}`.slice(0, 1024),
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      if (notifyOwner) alarm.addAlarmAction(new LambdaAction(notifyOwner));
      return alarm;
    };
    const fiveMinutes = Duration.minutes(5);

    // Problems: every ERROR line of every function, counted by metric filters on their log groups (free; no
    // SDK call). Powertools writes JSON lines with `level`; the Lambda runtime writes plain-text lines for an
    // unhandled error and for a timeout. Ingest logs "source failed" and, once a day while it lasts, "source
    // stale" at ERROR; the senders log failed digests and sign-ups; a function error or timeout is either.
    const problems = 'Problems';
    for (const fn of Object.values(this.functions)) {
      const id = fn.node.id;
      new MetricFilter(this, `${id}ErrorLinesFilter`, {
        logGroup: fn.functionLogGroup,
        filterPattern: FilterPattern.stringValue('$.level', '=', 'ERROR'),
        metricNamespace: METRIC_NAMESPACE,
        metricName: problems,
        metricValue: '1',
      });
      new MetricFilter(this, `${id}RuntimeErrorsFilter`, {
        logGroup: fn.functionLogGroup,
        filterPattern: FilterPattern.anyTerm('Task timed out', 'Invoke Error', 'Runtime.ExitError'),
        metricNamespace: METRIC_NAMESPACE,
        metricName: problems,
        metricValue: '1',
      });
    }
    alarmOn(ALARMS.problems, new Metric({ namespace: METRIC_NAMESPACE, metricName: problems, statistic: 'Sum', period: fiveMinutes }), 1);

    // Work that failed every retry, whatever the function: on-failure destinations and dead-letter queues all
    // lead here. A digest job given up after its attempts is an ERROR line (DIGEST_LOG.gaveUp), counted by
    // the Problems alarm above, and `paperboy status` lists it.
    alarmOn(ALARMS.failedInvocations, failedInvocations.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: 'Maximum' }), 1);

    // Mail reputation: no alarm of its own. ses-events counts hard bounces and complaints against the emails
    // sent and logs an ERROR line past 4% or 0.08% over the week (core/reputation.ts), which Problems counts.

    // --- Outputs ------------------------------------------------------------------------------
    new CfnOutput(this, 'SiteUrl', { value: siteUrl, description: 'Public site URL' });
    new CfnOutput(this, 'BucketName', { value: this.siteBucket.bucketName, description: 'Site and feeds bucket' });
    new CfnOutput(this, 'DistributionDomainName', { value: this.distribution.distributionDomainName });
    new CfnOutput(this, 'ApiUrl', { value: `${siteUrl}api/`, description: 'Subscriptions API through CloudFront' });
    new CfnOutput(this, 'IngestFunctionName', { value: ingest.functionName, description: 'Invoke to ingest now (aws lambda invoke)' });
    new CfnOutput(this, 'PublishFunctionName', { value: publish.functionName, description: 'Invoke to publish now (after a deploy, or a fresh site bucket)' });
    new CfnOutput(this, 'PlanDigestsFunctionName', { value: planDigests.functionName, description: 'Invoke to plan due digests now' });
    new CfnOutput(this, 'ApiEndpoint', { value: this.api.apiEndpoint, description: 'HTTP API endpoint (direct, for debugging)' });
  }
}
