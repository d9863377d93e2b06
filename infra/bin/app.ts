/**
 * CDK entry point (`npx cdk synth`): reads paperboy.config.json (or PAPERBOY_CONFIG, or `-c paperboy:configFile=...`),
 * then builds PaperboyData and PaperboyApp. A bad config stops synth with one line naming the field;
 * a sender still at an example domain is one warning line (and `npm run deploy` refuses it, see preflight.ts).
 */
import { App } from 'aws-cdk-lib';
import { ConfigError, processEnv } from '@paperboy/core';
import { buildPaperboy } from '../lib/paperboy.js';
import { configFileOf, exampleSenderProblem, loadSettings } from '../lib/settings.js';

const app = new App();
const env = processEnv();
let settings;
try {
  settings = loadSettings(configFileOf(env, app.node.tryGetContext('paperboy:configFile')));
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(`paperboy: ${err.message}`);
  process.exit(1);
}
const senderProblem = exampleSenderProblem(settings);
if (senderProblem) console.error(`paperboy: warning: ${senderProblem}`);
// Env-agnostic unless the CLI resolved an account and region (it does when credentials are present).
const account = env['CDK_DEFAULT_ACCOUNT'];
const region = env['CDK_DEFAULT_REGION'];
buildPaperboy(app, settings, { env: account && region ? { account, region } : undefined });
app.synth();
