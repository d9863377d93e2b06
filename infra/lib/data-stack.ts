/**
 * PaperboyData: the stateful resources. Data survives redeploys and `cdk destroy PaperboyApp`.
 * The site bucket is not here: it holds only what publish derives from the table (see app-stack.ts).
 * Construct ids here are a contract: renaming one replaces (and with RETAIN, orphans) the resource.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import {
  ConfigurationSet,
  ConfigurationSetEventDestination,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { mailFromIdentities, type PaperboySettings } from './settings.js';

/** Key prefix of the site bucket's S3 access logs in the logs bucket. */
export const SITE_ACCESS_LOG_PREFIX = 's3/site/';

export interface DataStackProps extends StackProps {
  settings: PaperboySettings;
}

export class DataStack extends Stack {
  readonly table: Table;
  readonly logsBucket: Bucket;
  readonly configurationSet: ConfigurationSet;
  readonly mailEventsTopic: Topic;
  readonly hmacSecret: Secret;
  /** The sender identity, unless `deploy.sesIdentity` is `none` (verified outside this stack). */
  readonly emailIdentity?: EmailIdentity;
  /** Encrypts the SNS topics; a customer managed key because SES and CloudWatch cannot use the AWS managed SNS key. */
  readonly notificationsKey: Key;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const retain = props.settings.owner.deploy.retainData;
    const removalPolicy = retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.table = new Table(this, 'Table', {
      partitionKey: { name: 'PK', type: AttributeType.STRING },
      sortKey: { name: 'SK', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiresAt',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: retain,
      removalPolicy,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: 'GSI1',
      partitionKey: { name: 'GSI1PK', type: AttributeType.STRING },
      sortKey: { name: 'GSI1SK', type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
    // Sparse: only items that carry GSI2PK (active subscribers, per frequency) appear in it.
    this.table.addGlobalSecondaryIndex({
      indexName: 'GSI2',
      partitionKey: { name: 'GSI2PK', type: AttributeType.STRING },
      sortKey: { name: 'GSI2SK', type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });

    // Access logs of the site bucket and of CloudFront. ACLs stay enabled (BUCKET_OWNER_PREFERRED)
    // because CloudFront standard logging writes through the bucket ACL; S3 access logs use the bucket policy.
    this.logsBucket = new Bucket(this, 'LogsBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy,
      autoDeleteObjects: !retain,
    });
    Validations.of(this.logsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket itself; logging it into itself would loop and into another bucket would only move the question.',
    });

    // S3 access logs of the site bucket, which lives in PaperboyApp (see app-stack.ts). Naming that
    // bucket here would make this stack depend on the app stack, so delivery is allowed for this
    // account's buckets, under their prefix only.
    this.logsBucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowSiteBucketAccessLogs',
        principals: [new ServicePrincipal('logging.s3.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [this.logsBucket.arnForObjects(`${SITE_ACCESS_LOG_PREFIX}*`)],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );

    this.notificationsKey = new Key(this, 'NotificationsKey', {
      description: 'paperboy: encrypts SNS topics for SES mail events and alarms',
      enableKeyRotation: true,
      removalPolicy,
    });
    this.notificationsKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowServicesToPublishToEncryptedTopics',
        principals: [new ServicePrincipal('ses.amazonaws.com'), new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );

    this.mailEventsTopic = new Topic(this, 'MailEventsTopic', {
      displayName: 'paperboy SES events',
      masterKey: this.notificationsKey,
      enforceSSL: true,
    });
    // ConfigurationSetEventDestination adds the topic policy that lets SES (this account only) publish.
    this.configurationSet = new ConfigurationSet(this, 'MailConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    new ConfigurationSetEventDestination(this, 'MailEventDestination', {
      configurationSet: this.configurationSet,
      destination: EventDestination.snsTopic(this.mailEventsTopic),
      events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT, EmailSendingEvent.REJECT, EmailSendingEvent.DELIVERY],
    });

    // Signs confirm/unsubscribe/preferences tokens. Generated by Secrets Manager, never in the template.
    this.hmacSecret = new Secret(this, 'HmacSecret', {
      description: 'paperboy: HMAC key for subscription links',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy,
    });
    Validations.of(this.hmacSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The HMAC key signs unsubscribe links already sitting in inboxes; automatic rotation would break them. Rotate by hand when needed.',
    });

    // The sender identity, using the configuration set by default. For a domain, Easy DKIM: the three
    // CNAME records to publish are stack outputs; SES verifies the domain once they resolve.
    const { sesIdentity } = props.settings.owner.deploy;
    const sender = mailFromIdentities(props.settings.owner.mail.from);
    if (sesIdentity !== 'none') {
      this.emailIdentity = new EmailIdentity(this, 'MailIdentity', {
        identity: sesIdentity === 'domain' ? Identity.domain(sender.domain) : Identity.email(sender.address),
        configurationSet: this.configurationSet,
      });
      if (sesIdentity === 'domain') {
        this.emailIdentity.dkimRecords.forEach((record, i) => {
          new CfnOutput(this, `DkimRecord${i + 1}`, {
            value: `${record.name} CNAME ${record.value}`,
            description: `DKIM record ${i + 1} of 3 to publish in the DNS of ${sender.domain}`,
          });
        });
      }
    }

    new CfnOutput(this, 'TableName', { value: this.table.tableName, description: 'DynamoDB table' });
  }
}
