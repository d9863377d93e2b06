import { beforeAll, describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import { synthesize, settingsWith, type Synthesized } from './helpers.js';

describe('PaperboyData', () => {
  let s: Synthesized;
  beforeAll(() => {
    // GIVEN the fixture config (retainData true) WHEN both stacks are synthesized once
    s = synthesize();
  });

  it('has one on-demand table with PITR, deletion protection, TTL and both GSIs, retained', () => {
    // THEN
    s.data.resourceCountIs('AWS::DynamoDB::Table', 1);
    s.data.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        KeySchema: [
          { AttributeName: 'PK', KeyType: 'HASH' },
          { AttributeName: 'SK', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          Match.objectLike({ IndexName: 'GSI1', KeySchema: [{ AttributeName: 'GSI1PK', KeyType: 'HASH' }, { AttributeName: 'GSI1SK', KeyType: 'RANGE' }] }),
          Match.objectLike({ IndexName: 'GSI2', KeySchema: [{ AttributeName: 'GSI2PK', KeyType: 'HASH' }, { AttributeName: 'GSI2SK', KeyType: 'RANGE' }], Projection: { ProjectionType: 'KEYS_ONLY' } }),
        ],
      }),
    });
  });

  it('keeps only the logs bucket (the site bucket is derived content, in PaperboyApp), open to this account\'s site access logs', () => {
    s.data.resourceCountIs('AWS::S3::Bucket', 1);
    s.data.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Sid: 'AllowSiteBucketAccessLogs',
            Effect: 'Allow',
            Action: 's3:PutObject',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^LogsBucket'), 'Arn'] }, '/s3/site/*']] },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
  });

  it('has an SES configuration set sending only bounces and complaints to the default event bus', () => {
    s.data.resourceCountIs('AWS::SES::ConfigurationSet', 1);
    s.data.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({
        Enabled: true,
        MatchingEventTypes: Match.arrayEquals(['bounce', 'complaint']),
        EventBridgeDestination: { EventBusArn: Match.anyValue() },
      }),
    });
    expect(JSON.stringify(s.data.toJSON())).toMatch(/event-bus\/default/);
  });

  it('holds no secret: no Secrets Manager secret, no key value anywhere in either template', () => {
    // The HMAC key is an SSM SecureString that the first signing function creates (SsmHmacKey).
    expect(Object.keys(s.data.findResources('AWS::SecretsManager::Secret'))).toHaveLength(0);
    expect(Object.keys(s.data.findResources('AWS::SSM::Parameter'))).toHaveLength(0);
    expect(s.stacks.data.hmacKeyParameterName).toBe('/paperboy/PaperboyData/hmac-key');
  });

  it('destroys data when deploy.retainData is false', () => {
    // GIVEN retainData false WHEN synthesized
    const loose = synthesize(settingsWith({ deploy: { retainData: false } }));
    // THEN
    loose.data.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
  });
});
