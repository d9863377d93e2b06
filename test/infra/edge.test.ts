/**
 * The public edge, read from the synthesized PaperboyApp template: the security headers on every
 * behaviour, the site bucket readable by this distribution only, and internal objects (`_paperboy/`)
 * out of reach of every behaviour.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import { INTERNAL_PREFIX, MANIFEST_KEY } from '@paperboy/core';
import { SECURITY_HEADERS } from '@paperboy/feeds';
import { synthesize, type Synthesized } from './helpers.js';

type Resource = { Type: string; Properties: Record<string, any> };
type Statement = { Sid?: string; Effect: string; Principal: unknown; Action: string | string[]; Resource: unknown; Condition?: Record<string, unknown> };
interface Behavior {
  PathPattern?: string;
  TargetOriginId: string;
  ResponseHeadersPolicyId?: unknown;
}

/** A CloudFront path pattern (`*` any characters, `?` one) as a regular expression. */
const pathPattern = (pattern: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);

/** Does an IAM action pattern (`s3:Get*`, `s3:*`, `*`) cover `action`? */
const coversAction = (pattern: string, action: string) => pathPattern(pattern).test(action);

describe('the edge', () => {
  let s: Synthesized;
  let resources: Record<string, Resource>;
  let distribution: { Origins: Array<Record<string, any>>; DefaultCacheBehavior: Behavior; CacheBehaviors?: Behavior[]; DefaultRootObject?: string };
  let behaviors: Behavior[];

  beforeAll(() => {
    s = synthesize();
    resources = s.stateless.toJSON().Resources as Record<string, Resource>;
    const [cdn] = Object.values(resources).filter((r) => r.Type === 'AWS::CloudFront::Distribution');
    distribution = cdn!.Properties.DistributionConfig;
    behaviors = [distribution.DefaultCacheBehavior, ...(distribution.CacheBehaviors ?? [])];
  });

  const bucketPolicyStatements = (bucketLogicalId: string): Statement[] =>
    Object.values(resources)
      .filter((r) => r.Type === 'AWS::S3::BucketPolicy' && JSON.stringify(r.Properties.Bucket) === JSON.stringify({ Ref: bucketLogicalId }))
      .flatMap((r) => r.Properties.PolicyDocument.Statement as Statement[]);
  const toCloudFront = (st: Statement) => JSON.stringify(st.Principal) === JSON.stringify({ Service: 'cloudfront.amazonaws.com' });
  const getsObjects = (st: Statement) => [st.Action].flat().some((a) => coversAction(a, 's3:GetObject'));
  /** The S3 bucket (logical id) an origin reads, from its regional domain name; undefined for other origins. */
  const originBucket = (origin: Record<string, any>): string | undefined =>
    origin['S3OriginConfig'] ? (origin['DomainName'] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0] : undefined;

  it('answers every behaviour with our own response headers policy: the shared CSP, HSTS, nosniff, referrer policy, DENY', () => {
    const policies = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::CloudFront::ResponseHeadersPolicy');
    expect(policies).toHaveLength(1);
    const [policyId, policy] = policies[0]!;
    const headers = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const hsts = headers.StrictTransportSecurity;
    // THEN the policy sends exactly the headers the local gateway sends
    expect({
      'content-security-policy': headers.ContentSecurityPolicy.ContentSecurityPolicy,
      'strict-transport-security': `max-age=${hsts.AccessControlMaxAgeSec}${hsts.IncludeSubdomains ? '; includeSubDomains' : ''}${hsts.Preload ? '; preload' : ''}`,
      'x-content-type-options': headers.ContentTypeOptions ? 'nosniff' : undefined,
      'referrer-policy': headers.ReferrerPolicy.ReferrerPolicy,
      'x-frame-options': headers.FrameOptions.FrameOption,
    }).toEqual(SECURITY_HEADERS);
    expect(hsts.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(365 * 24 * 3600);
    expect(headers.ContentSecurityPolicy.ContentSecurityPolicy).toContain("frame-ancestors 'none'");
    for (const header of Object.values(headers) as Array<{ Override: boolean }>) expect(header.Override).toBe(true);
    // AND every behaviour, the site's, the private feeds' and the rest of /api/*, uses it
    expect(behaviors.map((b) => b.PathPattern ?? '(default)')).toEqual(['(default)', '/api/feed/*', '/api/*']);
    for (const b of behaviors) expect(b.ResponseHeadersPolicyId, b.PathPattern ?? 'default').toEqual({ Ref: policyId });
  });

  it('keeps the site bucket private, encrypted, owner-enforced, logged to PaperboyData, and emptied with the stack', () => {
    s.stateless.resourceCountIs('AWS::S3::Bucket', 1);
    s.stateless.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LoggingConfiguration: { DestinationBucketName: { 'Fn::GetStackOutput': Match.objectLike({ StackName: 'PaperboyData', OutputName: Match.stringLikeRegexp('LogsBucket') }) }, LogFilePrefix: 's3/site/' },
      }),
    });
    s.stateless.resourceCountIs('Custom::S3AutoDeleteObjects', 1);
  });

  it('lets only this distribution read the site bucket (AWS:SourceArn is its ARN), over TLS only', () => {
    const origins = distribution.Origins.filter(originBucket);
    expect(origins).toHaveLength(1);
    const bucket = originBucket(origins[0]!)!;
    const statements = bucketPolicyStatements(bucket);
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    const allows = statements.filter((st) => st.Effect === 'Allow' && toCloudFront(st));
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({ Action: 's3:GetObject' });
    // Exactly one condition: the ARN of the distribution in this template, not a pattern.
    const [distributionId] = Object.entries(resources).find(([, r]) => r.Type === 'AWS::CloudFront::Distribution')!;
    expect(allows[0]!.Condition).toEqual({
      StringEquals: {
        'AWS:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/', { Ref: distributionId }]] },
      },
    });
  });

  /** Behaviours through which a viewer could read `_paperboy/*`; empty when every one is closed. */
  function openToInternal(statementsOf: (bucket: string) => Statement[]): string[] {
    const internalPath = `/${MANIFEST_KEY}`;
    const open: string[] = [];
    for (const behavior of behaviors) {
      const name = behavior.PathPattern ?? 'default';
      const origin = distribution.Origins.find((o) => o['Id'] === behavior.TargetOriginId)!;
      const bucket = originBucket(origin);
      if (!bucket) {
        // Not a bucket: only the HTTP API, which never reads the bucket, and whose pattern cannot match the path anyway.
        const api = origin['CustomOriginConfig'] && JSON.stringify(origin['DomainName']).includes('execute-api');
        if (!api || pathPattern(behavior.PathPattern ?? '*').test(internalPath)) open.push(name);
        continue;
      }
      // A bucket origin: its policy must deny CloudFront the internal prefix, unconditionally (a deny beats the allow).
      const internalObjects = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, `/${INTERNAL_PREFIX}*`]] };
      const denied = statementsOf(bucket).some(
        (st) => st.Effect === 'Deny' && toCloudFront(st) && getsObjects(st) && !st.Condition && [st.Resource].flat().some((r) => JSON.stringify(r) === JSON.stringify(internalObjects)),
      );
      if (!denied) open.push(name);
    }
    return open;
  }

  it('reaches no internal object (`_paperboy/*`) through any behaviour', () => {
    expect(MANIFEST_KEY.startsWith(INTERNAL_PREFIX)).toBe(true);
    expect(`${distribution.DefaultRootObject}`.startsWith(INTERNAL_PREFIX)).toBe(false);
    expect(behaviors.length).toBeGreaterThan(1);
    expect(openToInternal(bucketPolicyStatements)).toEqual([]);
  });

  it('would notice a bucket policy without the deny (the check is live)', () => {
    // GIVEN the same template with the deny statement left out WHEN checked THEN the site behaviour is open
    const withoutDeny = (bucket: string) => bucketPolicyStatements(bucket).filter((st) => st.Sid !== 'DenyCloudFrontInternalObjects');
    expect(openToInternal(withoutDeny)).toEqual(['default']);
  });
});
