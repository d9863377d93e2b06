/** The stand-ins, a runtime on them with the project's config, and the subscriptions API: the setup of the API journeys. */
import type { AppConfig, Clock } from '@paperboy/core';
import { buildRuntime, type Runtime } from '../../functions/commons/runtime.js';
import { makeHandler as makeApi } from '../../functions/subscriptions/index.js';
import { LocalSignupQueue } from '../../packages/local/src/signup-queue.js';
import { projectConfig } from './config.js';
import { startStandIns, type StandIns } from './stand-ins.js';

export const SITE = 'https://papers.example.com/';
const silent = { info() {}, warn() {}, error() {} };

export async function startApiRuntime(clock: Clock, secret?: string): Promise<{ env: StandIns; rt: Runtime; api: ReturnType<typeof makeApi> }> {
  const env = await startStandIns();
  const config: AppConfig = { ...projectConfig(secret), tableName: env.table, bucketName: env.bucket, endpoints: env.services.endpoints, siteUrl: SITE };
  const rt = buildRuntime(config, { clock, logger: silent });
  return { env, rt, api: makeApi(rt, new LocalSignupQueue(rt)) };
}
