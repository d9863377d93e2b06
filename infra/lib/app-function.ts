/**
 * The one Lambda construct: house defaults plus bind helpers that set an environment
 * variable and the matching least-privilege grant in one call, so infra and runtime cannot drift.
 */
import { join } from 'node:path';
import { Aws, Duration, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { IDistribution } from 'aws-cdk-lib/aws-cloudfront';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, ManagedPolicy, Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnBucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import type { IConfigurationSet } from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { ENV, type EnvName } from '@paperboy/core';
import { BUNDLED_SETTINGS_FILE, LAMBDA_TASK_ROOT, REPO_ROOT, mailFromIdentities, type TableIndex } from './settings.js';
import { BUNDLE_ALIASES, BUNDLE_EXTERNALS, BUNDLE_MAIN_FIELDS, ESM_REQUIRE_BANNER, functionEntry } from './bundling.js';

/** Newest Node.js runtime this aws-cdk-lib knows; cdk-nag (AwsSolutions-L1) asks for the latest. */
export const FUNCTION_RUNTIME = Runtime.NODEJS_24_X;

export interface AppFunctionProps {
  /** Folder under `functions/`; the entry is `functions/<name>/index.ts`, exporting `handler`. */
  name: string;
  description: string;
  memorySize: number;
  timeout: Duration;
  /** Absolute path of the resolved settings synth wrote (`writeResolvedSettings`); bundled as /var/task/paperboy.settings.json. */
  settingsFile: string;
  /** Extra files for the bundle: absolute source path -> path relative to the bundle root. */
  extraFiles?: Record<string, string>;
  /** Public base URL of the site, for links the function writes. */
  siteUrl?: string;
  logRetention?: RetentionDays;
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
}

export type TableAction = 'GetItem' | 'BatchGetItem' | 'Query' | 'Scan' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'BatchWriteItem';
/** DynamoDB actions on the table's items, and per index (indexes only answer Query and Scan). */
export interface TableAccess {
  items?: TableAction[];
  indexes?: Partial<Record<TableIndex, ('Query' | 'Scan')[]>>;
}
export type BucketAccess = 'read' | 'readWrite';

export class AppFunction extends NodejsFunction {
  /** The function's own log group (retention set); metric filters read it. */
  readonly functionLogGroup: LogGroup;
  /** Its folder under functions/, the name its handler records AWS calls under. */
  readonly functionDir: string;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    // An explicit log group (with retention) and an explicit role: the default role would carry
    // the AWSLambdaBasicExecutionRole managed policy (logs on every group, cdk-nag AwsSolutions-IAM4).
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `paperboy ${props.name} function`,
    });
    const files: Record<string, string> = { [props.settingsFile]: BUNDLED_SETTINGS_FILE, ...props.extraFiles };
    const copyArgs = Object.entries(files).map(([from, to]) => `"${from}=${to}"`);
    super(scope, id, {
      entry: functionEntry(props.name),
      handler: 'handler',
      description: props.description,
      runtime: FUNCTION_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      tracing: Tracing.DISABLED,
      logGroup,
      role,
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'paperboy',
        [ENV.logLevel]: props.logLevel ?? 'INFO',
        [ENV.settingsFile]: `${LAMBDA_TASK_ROOT}/${BUNDLED_SETTINGS_FILE}`,
        // Picks the sources meant for the deployment (`"run": "cloud"` or "both"); the runtime defaults to local.
        [ENV.runsIn]: 'cloud',
        ...(props.siteUrl ? { [ENV.siteUrl]: props.siteUrl } : {}),
      },
      bundling: {
        format: OutputFormat.ESM,
        mainFields: BUNDLE_MAIN_FIELDS,
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        // The SDK comes from the Lambda runtime (see BUNDLE_EXTERNALS for why); BUNDLE_ALIASES swap in lean entries.
        bundleAwsSDK: false,
        externalModules: BUNDLE_EXTERNALS,
        esbuildArgs: Object.fromEntries(Object.entries(BUNDLE_ALIASES).map(([from, to]) => [`--alias:${from}`, to])),
        forceDockerBundling: false,
        tsconfig: join(REPO_ROOT, 'tsconfig.json'),
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir: string, outputDir: string) => [
            `node "${join(REPO_ROOT, 'infra', 'lib', 'copy-into-bundle.mjs')}" "${outputDir}" ${copyArgs.join(' ')}`,
          ],
        },
      },
    });
    logGroup.grantWrite(role);
    this.functionLogGroup = logGroup;
    this.functionDir = props.name;
    Validations.of(this).acknowledge({
      id: 'Serverless-LambdaTracing',
      reason: 'Structured JSON logs, log-derived metrics and alarms cover these short batch functions; X-Ray would add cost and an xray:Put* grant on "*".',
    });
  }

  /**
   * Sets the table name and grants exactly the named DynamoDB actions, on the table's items and on
   * the named indexes (never `index/*`). Each function lists what its calls need; test/iam checks
   * the list against the calls the tests record, both ways.
   */
  bindTable(table: ITable, access: TableAccess): this {
    this.addEnvironment(ENV.tableName, table.tableName);
    if (access.items?.length) {
      this.addToRolePolicy(new PolicyStatement({ actions: access.items.map((a) => `dynamodb:${a}`), resources: [table.tableArn] }));
    }
    for (const [index, actions] of Object.entries(access.indexes ?? {})) {
      this.addToRolePolicy(new PolicyStatement({ actions: actions.map((a) => `dynamodb:${a}`), resources: [`${table.tableArn}/index/${index}`] }));
    }
    return this;
  }

  /**
   * Sets the bucket name and grants object access (get; put for readWrite), plus s3:ListBucket, without
   * which S3 answers a read of a missing key with 403 instead of 404 (publish reads its manifest first).
   * Object ARNs need `/*`, which cdk-nag (AwsSolutions-IAM5) wants acknowledged by its exact text.
   * Across stacks that text would embed the cross-stack reference (and change with the deploy
   * environment), so for a bucket built in another stack the statements go into a customer managed
   * policy in the bucket's own stack, where the ARN is a plain `<Logical.Arn>`, and the role attaches it.
   */
  bindBucket(bucket: IBucket, mode: BucketAccess): this {
    this.addEnvironment(ENV.bucketName, bucket.bucketName);
    const objectActions = mode === 'readWrite' ? ['s3:GetObject', 's3:PutObject'] : ['s3:GetObject'];
    const statements = [
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
      new PolicyStatement({ actions: objectActions, resources: [bucket.arnForObjects('*')] }),
    ];
    const cfnBucket = bucket.node.defaultChild;
    if (!(cfnBucket instanceof CfnBucket)) {
      statements.forEach((statement) => this.addToRolePolicy(statement));
      return this;
    }
    const bucketStack = Stack.of(bucket);
    const policy = new ManagedPolicy(bucketStack, `${Names.uniqueId(this)}${bucket.node.id}${mode === 'readWrite' ? 'ReadWrite' : 'Read'}`, {
      description: `paperboy: ${mode} objects of ${bucket.node.path} for ${this.node.path}`,
      statements,
    });
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketStack.getLogicalId(cfnBucket)}.Arn>/*]`,
      reason: `${this.node.id} reads/writes many generated objects (pages, feeds) of this one bucket; object ARNs need a key wildcard.`,
    });
    this.role!.addManagedPolicy(policy);
    return this;
  }

  /**
   * Sets the configuration set name and allows ses:SendEmail from the sender's address only, through that
   * configuration set. The resource is every identity of this account and region because SES authorises
   * the call against each identity involved, and in the SES sandbox that includes the verified recipient:
   * naming only the sender's identities answers AccessDenied there. The `ses:FromAddress` condition keeps
   * the grant to the one sender.
   */
  bindSes(configurationSet: IConfigurationSet, mailFrom: string): this {
    const { address } = mailFromIdentities(mailFrom);
    this.addEnvironment(ENV.sesConfigurationSet, configurationSet.configurationSetName);
    // Pseudo-parameters rather than the stack's account/region: the ARN (and the cdk-nag finding below) is
    // then the same text whether or not the stack has a concrete environment.
    const identities = `arn:${Aws.PARTITION}:ses:${Aws.REGION}:${Aws.ACCOUNT_ID}:identity/*`;
    this.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['ses:SendEmail'],
        resources: [identities, Stack.of(this).formatArn({ service: 'ses', resource: 'configuration-set', resourceName: configurationSet.configurationSetName })],
        conditions: { StringEquals: { 'ses:FromAddress': address } },
      }),
    );
    Validations.of(this.role!).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*]',
      reason: `SES checks SendEmail against the recipient's identity too while the account is in the sandbox; the statement is limited to ses:SendEmail with ses:FromAddress = ${address} and this stack's configuration set.`,
    });
    return this;
  }

  /** Sets the secret's ARN and grants reading its value (GetSecretValue only; grantRead adds DescribeSecret). */
  bindHmacKey(parameterName: string): this {
    this.addEnvironment(ENV.hmacKeyParameter, parameterName);
    // Read, or created on first use (see SsmHmacKey): exactly this one parameter. Its value is encrypted with
    // the AWS managed key aws/ssm, whose key policy already lets this account use it through SSM: no kms grant.
    const parameterArn = Stack.of(this).formatArn({ service: 'ssm', resource: 'parameter', resourceName: parameterName.replace(/^\//, '') });
    this.addToRolePolicy(new PolicyStatement({ actions: ['ssm:GetParameter', 'ssm:PutParameter'], resources: [parameterArn] }));
    return this;
  }

  /**
   * Sets the distribution's id and allows cloudfront:CreateInvalidation on exactly that distribution (the
   * private feeds it keeps until told). No cycle: the distribution depends on the HTTP API, never on a function.
   */
  bindInvalidation(distribution: IDistribution): this {
    this.addEnvironment(ENV.distributionId, distribution.distributionId);
    this.addToRolePolicy(new PolicyStatement({ actions: ['cloudfront:CreateInvalidation'], resources: [distribution.distributionArn] }));
    return this;
  }

  /** Sets the function's name (in `envName`) and allows invoking exactly that function (not its versions or aliases). */
  bindInvoke(fn: IFunction, envName: EnvName = ENV.publishFunctionName): this {
    this.addEnvironment(envName, fn.functionName);
    this.addToRolePolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }));
    return this;
  }

  /**
   * Allows the function to invoke itself (exactly itself), to hand its work over to a fresh invocation
   * near its timeout; it reads its own name from the invocation's context. The statement is a separate
   * policy attached to the role: in the role's default policy, the function's ARN would make a cycle
   * (the function waits for its role's default policy).
   */
  bindSelfInvoke(): this {
    new Policy(this, 'SelfInvokePolicy', {
      roles: [this.role!],
      statements: [new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.functionArn] })],
    });
    return this;
  }
}
