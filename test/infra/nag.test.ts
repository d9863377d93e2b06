import { describe, expect, it } from 'vitest';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { synthesize, settingsWith } from './helpers.js';

/**
 * cdk-nag 3 is a CDK validation plugin: `npx cdk synth` runs it after synthesis. Here the same
 * pack checks the synthesized tree directly (`validateScope`), honouring the acknowledgements.
 */
function unacknowledgedFindings(settings = settingsWith()): string[] {
  const { app, stacks } = synthesize(settings);
  const report = new AwsSolutionsChecks(app, { verbose: true }).validateScope(app);
  const findings = report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath}`));
  for (const stack of [stacks.data, stacks.app]) {
    const annotations = Annotations.fromStack(stack);
    findings.push(...annotations.findError('*', Match.anyValue()).map((m) => `CDK error at ${m.id}: ${String(m.entry.data)}`));
    findings.push(...annotations.findWarning('*', Match.anyValue()).map((m) => `CDK warning at ${m.id}: ${String(m.entry.data)}`));
  }
  return findings;
}

describe('cdk-nag AwsSolutions', () => {
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
