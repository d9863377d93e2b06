/**
 * Composition root of the CDK app: both stacks from one validated config.
 * Used by infra/bin/app.ts and by the infra tests, so they synthesize the same thing.
 */
import { Validations, type App, type Environment } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { AppStack } from './app-stack.js';
import { DataStack } from './data-stack.js';
import type { PaperboySettings } from './settings.js';

export interface PaperboyStacks {
  data: DataStack;
  app: AppStack;
}

export interface BuildOptions {
  env?: Environment;
  /** Register cdk-nag (AwsSolutions and Serverless packs) as synth-time validation plugins. Default true. */
  nag?: boolean;
}

/** Stack ids are a contract: renaming one creates new stacks (and orphans retained data). */
export const STACK_IDS = { data: 'PaperboyData', app: 'PaperboyApp' } as const;

export function buildPaperboy(app: App, settings: PaperboySettings, options: BuildOptions = {}): PaperboyStacks {
  const tags = { project: 'paperboy' };
  const data = new DataStack(app, STACK_IDS.data, {
    env: options.env,
    settings,
    tags,
    description: 'paperboy: stateful resources (table, logs bucket, mail configuration)',
    terminationProtection: settings.owner.deploy.retainData,
  });
  const stateless = new AppStack(app, STACK_IDS.app, {
    env: options.env,
    settings,
    tags,
    description: 'paperboy: functions, schedules, HTTP API, site bucket, CDN and alarms',
    table: data.table,
    logsBucket: data.logsBucket,
    configurationSet: data.configurationSet,
    hmacKeyParameterName: data.hmacKeyParameterName,
  });
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }), new ServerlessChecks(app, { verbose: true }));
  return { data, app: stateless };
}
