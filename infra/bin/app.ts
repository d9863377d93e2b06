/**
 * CDK entry point (`npx cdk synth`): reads paperboy.config.json (or `-c paperboy:configFile=...`),
 * then builds PaperboyData and PaperboyApp. A bad config stops synth with one line naming the field.
 */
import { App } from 'aws-cdk-lib';
import { ConfigError, processEnv } from '@paperboy/core';
import { buildPaperboy } from '../lib/paperboy.js';
import { loadSettings } from '../lib/settings.js';

const app = new App();
let settings;
try {
  settings = loadSettings(String(app.node.tryGetContext('paperboy:configFile') ?? 'paperboy.config.json'));
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(1);
}
// Env-agnostic unless the CLI resolved an account and region (it does when credentials are present).
const env = processEnv();
const account = env['CDK_DEFAULT_ACCOUNT'];
const region = env['CDK_DEFAULT_REGION'];
buildPaperboy(app, settings, { env: account && region ? { account, region } : undefined });
app.synth();
