/**
 * Names of the environment variables that carry runtime settings.
 * Shared by the CDK app (which sets them) and the config module (which reads them),
 * so infrastructure and runtime cannot drift apart.
 */
export const ENV = {
  /** Path of the owner's config file (local runs; Lambda bundles it). */
  configFile: 'PAPERBOY_CONFIG',
  /** Lambda: the resolved settings file synth wrote into the bundle (the owner's config, validated, defaults filled in). */
  settingsFile: 'PAPERBOY_SETTINGS',
  /** Where local state lives (default `.paperboy`). */
  dataDir: 'PAPERBOY_DATA_DIR',
  /** Port of the local gateway (default 8787). */
  port: 'PORT',
  region: 'AWS_REGION',
  /** Where the process runs, `local` (default) or `cloud` (every Lambda function); picks the sources that run there. */
  runsIn: 'PAPERBOY_RUN',
  /** Public base URL of the site (overrides `site.url` from the config file). */
  siteUrl: 'PAPERBOY_SITE_URL',
  tableName: 'PAPERBOY_TABLE_NAME',
  bucketName: 'PAPERBOY_BUCKET_NAME',
  /** The send-digests function, which plan-digests invokes asynchronously once the day's jobs are stored. */
  sendFunctionName: 'PAPERBOY_SEND_FUNCTION',
  /** The process-signups function, which the subscriptions API invokes asynchronously with each sign-up. */
  signupFunctionName: 'PAPERBOY_SIGNUP_FUNCTION',
  publishFunctionName: 'PAPERBOY_PUBLISH_FUNCTION',
  sesConfigurationSet: 'PAPERBOY_SES_CONFIGURATION_SET',
  /** The CloudFront distribution in front of the site: publish and the subscription functions invalidate private feeds in it. Unset: no CDN (local runs without the gateway's edge). */
  distributionId: 'PAPERBOY_DISTRIBUTION_ID',
  /** The HMAC secret itself (local only). */
  hmacSecret: 'PAPERBOY_HMAC_SECRET',
  /** Name of the SSM SecureString parameter that holds the HMAC key (cloud; created on first use). */
  hmacKeyParameter: 'PAPERBOY_HMAC_KEY_PARAMETER',
  /** Endpoint override of SSM (tests against the SSM stand-in only). */
  ssmEndpoint: 'PAPERBOY_SSM_ENDPOINT',
  /** Endpoint overrides, set only by the local wiring. */
  dynamodbEndpoint: 'PAPERBOY_DYNAMODB_ENDPOINT',
  s3Endpoint: 'PAPERBOY_S3_ENDPOINT',
  sesEndpoint: 'PAPERBOY_SES_ENDPOINT',
  /** The local CloudFront stand-in (the gateway's edge cache), for its invalidations. */
  cloudfrontEndpoint: 'PAPERBOY_CLOUDFRONT_ENDPOINT',
  logLevel: 'POWERTOOLS_LOG_LEVEL',
  /** Local and test runs only: a folder where every AWS call is logged, to check it against the IAM roles. */
  awsCallLog: 'PAPERBOY_AWS_CALL_LOG',
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV];
