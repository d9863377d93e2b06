/**
 * PaperboyData: the stateful resources. Data survives redeploys and `cdk destroy PaperboyApp`.
 * The site bucket is not here: it holds only what publish derives from the table (see app-stack.ts).
 * Construct ids here are a contract: renaming one replaces (and with RETAIN, orphans) the resource.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import {
  ConfigurationSet,
  ConfigurationSetEventDestination,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
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
  /**
   * The SSM SecureString parameter that holds the HMAC key of subscription links. Not a resource of this
   * stack: CloudFormation cannot create a SecureString, and a generated value in the template would be a
   * secret in the template. The first function that signs a link creates it (@paperboy/aws SsmHmacKey).
   */
  readonly hmacKeyParameterName: string;
  /** The sender identity, unless `deploy.sesIdentity` is `none` (verified outside this stack). */
  readonly emailIdentity?: EmailIdentity;

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
    // Sparse: only items that carry GSI2PK (active subscribers, per frequency) appear in it. Keys only:
    // planning needs the ids alone, and then the update of a subscriber after each digest (lastDigestAt)
    // writes nothing to the index: with ALL it was one index write per email (npm run cost).
    this.table.addGlobalSecondaryIndex({
      indexName: 'GSI2',
      partitionKey: { name: 'GSI2PK', type: AttributeType.STRING },
      sortKey: { name: 'GSI2SK', type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
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

    // SES reports bounces and complaints, the only events anything reads, to the account's default event
    // bus, where a rule in PaperboyApp hands them to ses-events. No SNS topic, so no customer managed KMS
    // key ($1 a month, $3 with rotation): SES cannot publish to a topic under the AWS managed SNS key.
    // Deliveries and rejects are not published: nothing reads them, and each was an SNS message and an
    // invocation per email (issue 14's cost model).
    this.configurationSet = new ConfigurationSet(this, 'MailConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    new ConfigurationSetEventDestination(this, 'MailEventDestination', {
      configurationSet: this.configurationSet,
      destination: EventDestination.eventBus(EventBus.fromEventBusName(this, 'DefaultEventBus', 'default')),
      events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
    });

    // One parameter per data stack, so two deployments in one account and region keep their own key.
    this.hmacKeyParameterName = `/paperboy/${this.stackName}/hmac-key`;

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
