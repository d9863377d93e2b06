/** Shared setup for the CDK assertion tests: the fixture config, and an App that never runs esbuild. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkApp } from '../../infra/check/app.js';
import { App, type AppProps } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { parseOwnerConfig } from '@paperboy/core';
import { buildPaperboy, type PaperboyStacks } from '../../infra/lib/paperboy.js';
import { checkDeploy, type PaperboySettings } from '../../infra/lib/settings.js';

export const FIXTURE_CONFIG = fileURLToPath(new URL('./fixtures/paperboy.config.json', import.meta.url));

type Section = Record<string, unknown>;

/** The fixture config with some sections' fields replaced, validated like the real thing. */
export function settingsWith(patch: Record<string, Section> = {}): PaperboySettings {
  const raw = JSON.parse(readFileSync(FIXTURE_CONFIG, 'utf8')) as Record<string, Section>;
  for (const [section, fields] of Object.entries(patch)) raw[section] = { ...raw[section], ...fields };
  const owner = parseOwnerConfig(raw, FIXTURE_CONFIG);
  checkDeploy(owner, FIXTURE_CONFIG);
  return { owner, configFile: FIXTURE_CONFIG };
}

/** A fresh App for checks: cdk.json's feature flags, bundling and the built-in template validation off. */
export function newApp(props: AppProps = {}): App {
  return checkApp(props);
}

export interface Synthesized {
  app: App;
  stacks: PaperboyStacks;
  data: Template;
  stateless: Template;
}

export function synthesize(settings: PaperboySettings = settingsWith(), appProps: AppProps = {}): Synthesized {
  const app = newApp(appProps);
  const stacks = buildPaperboy(app, settings, { nag: false });
  return { app, stacks, data: Template.fromStack(stacks.data), stateless: Template.fromStack(stacks.app) };
}

/**
 * The paperboy functions of a template, without the handlers of CDK's own custom resource providers
 * (the site bucket's auto-delete provider is an `AWS::Lambda::Function` too).
 */
export function paperboyFunctions(template: Template): Record<string, { [key: string]: any }> {
  return Object.fromEntries(
    Object.entries(template.findResources('AWS::Lambda::Function')).filter(([id]) => !/^Custom.*CustomResourceProvider/.test(id)),
  );
}
