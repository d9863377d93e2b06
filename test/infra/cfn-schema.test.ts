/**
 * Both templates are valid CloudFormation: every resource's Properties match the provider schema of
 * its type (see cfn-schema.ts for how intrinsic functions and custom resources are read), for the
 * default deployment and for one with the other options (custom domain, data not retained, address
 * identity). Version reporting is on, as in `npx cdk synth`, so AWS::CDK::Metadata is checked too.
 */
import { readdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CfnSchemaValidator, SCHEMA_DIR, schemaFileOf } from './cfn-schema.js';
import { settingsWith, synthesize } from './helpers.js';

type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, any> }> };

const VARIANTS = {
  default: settingsWith(),
  other: settingsWith({
    deploy: { retainData: false, sesIdentity: 'address', domainName: 'papers.example.com', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc-123' },
  }),
};

describe('CloudFormation resource schemas', () => {
  const templates: Array<[string, Template]> = [];
  let validator: CfnSchemaValidator;

  beforeAll(() => {
    validator = new CfnSchemaValidator();
    for (const [variant, settings] of Object.entries(VARIANTS)) {
      const s = synthesize(settings, { analyticsReporting: true });
      templates.push([`${variant}: PaperboyData`, s.data.toJSON() as Template], [`${variant}: PaperboyApp`, s.stateless.toJSON() as Template]);
    }
  });

  it('accept every resource of both stacks', () => {
    const problems = templates.flatMap(([name, template]) => validator.validateTemplate(name, template));
    expect(problems).toEqual([]);
    const resources = templates.flatMap(([, t]) => Object.values(t.Resources));
    expect(resources.length).toBeGreaterThan(100);
    expect(resources.some((r) => r.Type === 'AWS::CDK::Metadata')).toBe(true);
  });

  it('are kept for exactly the types the stacks use', () => {
    const used = new Set(templates.flatMap(([, t]) => Object.values(t.Resources).map((r) => r.Type)).filter((type) => !type.startsWith('Custom::')));
    const kept = readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.json'));
    expect(kept.sort()).toEqual([...used].map(schemaFileOf).sort());
  });

  describe('catch real mistakes', () => {
    const mistakes = (mutate: (template: Template) => void): string[] => {
      const template = structuredClone(templates.find(([name]) => name === 'default: PaperboyApp')![1]);
      mutate(template);
      return validator.validateTemplate('PaperboyApp', template);
    };
    const first = (template: Template, type: string) => Object.values(template.Resources).find((r) => r.Type === type)!;

    it('a wrong enum value, a wrong type, an unknown property, a missing required one', () => {
      expect(
        mistakes((t) => {
          first(t, 'AWS::S3::Bucket').Properties!['BucketEncryption'].ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm = 'AES-256';
        }),
      ).toEqual([
        expect.stringMatching(
          /^PaperboyApp\/SiteBucket\w+ \(AWS::S3::Bucket\) \/BucketEncryption\/ServerSideEncryptionConfiguration\/0\/ServerSideEncryptionByDefault\/SSEAlgorithm: must be equal to one of the allowed values \(.*AES256.*\)$/,
        ),
      ]);
      expect(mistakes((t) => (first(t, 'AWS::Lambda::Function').Properties!['MemorySize'] = '1024 MB'))).toEqual([expect.stringMatching(/\(AWS::Lambda::Function\) \/MemorySize: must be integer$/)]);
      expect(mistakes((t) => (first(t, 'AWS::SQS::Queue').Properties!['VisibilityTimeOut'] = 30))).toEqual([
        expect.stringMatching(/\(AWS::SQS::Queue\) \/: must NOT have additional properties \(VisibilityTimeOut\)$/),
      ]);
      expect(mistakes((t) => delete first(t, 'AWS::ApiGatewayV2::Route').Properties!['RouteKey'])).toEqual([
        expect.stringMatching(/\(AWS::ApiGatewayV2::Route\) \/: must have required property 'RouteKey'$/),
      ]);
    });

    it('a read-only property set, a type without a schema, a custom resource without a service token', () => {
      expect(mistakes((t) => (first(t, 'AWS::SQS::Queue').Properties!['Arn'] = 'arn:aws:sqs:us-east-1:123456789012:q'))).toEqual([
        expect.stringMatching(/\(AWS::SQS::Queue\) \/Arn: is read-only and must not be set$/),
      ]);
      expect(mistakes((t) => (t.Resources['Probe'] = { Type: 'AWS::EC2::VPC', Properties: {} }))).toEqual([
        'PaperboyApp/Probe (AWS::EC2::VPC): no schema for AWS::EC2::VPC: copy aws-ec2-vpc.json into test/infra/cfn-schemas/',
      ]);
      expect(mistakes((t) => delete first(t, 'Custom::S3AutoDeleteObjects').Properties!['ServiceToken'])).toEqual([
        expect.stringMatching(/\(Custom::S3AutoDeleteObjects\): a custom resource needs a ServiceToken$/),
      ]);
    });

    it('accepts an intrinsic wherever a value stands, but not a malformed one', () => {
      const fn = (t: Template) => first(t, 'AWS::Lambda::Function').Properties!;
      expect(mistakes((t) => (fn(t)['MemorySize'] = { 'Fn::If': ['Big', 2048, 1024] }))).toEqual([]);
      expect(mistakes((t) => (fn(t)['Architectures'] = [{ Ref: 'Architecture' }]))).toEqual([]);
      expect(mistakes((t) => (fn(t)['MemorySize'] = { 'Fn::Iff': ['Big', 2048, 1024] }))).toEqual([expect.stringMatching(/\/MemorySize: must be integer$/)]);
      expect(mistakes((t) => (fn(t)['MemorySize'] = { Ref: 'Memory', 'Fn::If': ['Big', 2048, 1024] }))).toEqual([expect.stringMatching(/\/MemorySize: must be integer$/)]);
      expect(mistakes((t) => (fn(t)['Role'] = { 'Fn::GetAtt': ['RoleOnly'] }))).not.toEqual([]);
    });
  });
});
