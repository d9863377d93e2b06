/**
 * A CDK App for checking templates, not deploying them: cdk.json's feature flags, bundling skipped
 * (`aws:cdk:bundling-stacks: []`), and the built-in CloudFormation validation off (about 25 s per synth on
 * 2 cores); `npx cdk synth` keeps it on, with findings as errors. Used by the infra tests and the IAM check.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type AppProps } from 'aws-cdk-lib';

const CDK_JSON = join(import.meta.dirname, '..', '..', 'cdk.json');

export function checkApp(props: AppProps = {}): App {
  const { context } = JSON.parse(readFileSync(CDK_JSON, 'utf8')) as { context: Record<string, unknown> };
  return new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false, ...props });
}
