import { describe, expect, it } from 'vitest';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { synthesize, settingsWith } from './helpers.js';

/**
 * cdk-nag 3 is a CDK validation plugin: `npx cdk synth` runs it after synthesis. Here the same
 * pack checks the synthesized tree directly (`validateScope`), honouring the acknowledgements.
 */
function unacknowledgedFindings(settings = settingsWith()): string[] {
  const { app, stacks } = synthesize(settings);
  const findings: string[] = [];
  for (const pack of [new AwsSolutionsChecks(app, { verbose: true }), new ServerlessChecks(app, { verbose: true })]) {
    const report = pack.validateScope(app);
    findings.push(...report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath}`)));
  }
  for (const stack of [stacks.data, stacks.app]) {
    const annotations = Annotations.fromStack(stack);
    findings.push(...annotations.findError('*', Match.anyValue()).map((m) => `CDK error at ${m.id}: ${String(m.entry.data)}`));
    findings.push(...annotations.findWarning('*', Match.anyValue()).map((m) => `CDK warning at ${m.id}: ${String(m.entry.data)}`));
  }
  return findings;
}

describe('cdk-nag AwsSolutions and Serverless packs', () => {
  it('reports no unacknowledged errors or warnings for the default deployment', () => {
    expect(unacknowledgedFindings()).toEqual([]);
  });

  it('reports none with a custom domain and without retained data either', () => {
    const settings = settingsWith({
      deploy: { retainData: false, domainName: 'papers.example.com', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc-123' },
    });
    expect(unacknowledgedFindings(settings)).toEqual([]);
  });

  it('still catches a real finding (the check is live)', () => {
    // GIVEN the default deployment WHEN a queue without enforceSSL is added
    const { app, stacks } = synthesize();
    new Queue(stacks.app, 'PlainTextProbe', { enforceSSL: false });
    const report = new AwsSolutionsChecks(app).validateScope(app);
    // THEN
    expect(report.violations.map((v) => v.ruleName)).toContain('AwsSolutions-SQS4');
  });
});

describe('cdk-nag suppressions', () => {
  it('each acknowledged rule carries a reason of at least a sentence', () => {
    const { app } = synthesize();
    const reasons: [string, string][] = [];
    const walk = (node: IConstruct) => {
      for (const entry of node.node.metadata) {
        if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && entry.data) reasons.push(...Object.entries(entry.data as Record<string, unknown>).map(([id, r]) => [id, String(r)] as [string, string]));
      }
      node.node.children.forEach(walk);
    };
    walk(app);
    expect(reasons.some(([id]) => id.includes('Serverless-'))).toBe(true);
    expect(reasons.some(([id]) => id.includes('AwsSolutions-'))).toBe(true);
    for (const [id, reason] of reasons) expect(reason.length, id).toBeGreaterThan(40);
  });

  it('the Serverless pack still catches a real finding', () => {
    const { app, stacks } = synthesize();
    new Queue(stacks.app, 'NoRedriveProbe', { enforceSSL: true });
    const report = new ServerlessChecks(app).validateScope(app);
    expect(report.violations.map((v) => v.ruleName)).toContain('Serverless-SQSRedrivePolicy');
  });
});
