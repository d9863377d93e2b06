/**
 * `npm run deploy` runs this before `cdk deploy --all`: it loads the same settings as synth and stops
 * with one line (exit 2) while the config cannot work in a real account, before anything contacts AWS.
 * The config file is the one synth reads: PAPERBOY_CONFIG, else paperboy.config.json (cdk.json's context).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, processEnv } from '@paperboy/core';
import { REPO_ROOT, configFileOf, exampleSenderProblem, loadSettings } from '../lib/settings.js';

try {
  const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  const settings = loadSettings(configFileOf(processEnv(), cdkJson.context?.['paperboy:configFile']));
  const problem = exampleSenderProblem(settings);
  if (problem) {
    console.error(`paperboy: ${problem}`);
    process.exit(2);
  }
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(`paperboy: ${err.message}`);
  process.exit(2);
}
