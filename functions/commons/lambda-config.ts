/**
 * Lambda-side config: the owner's config file is copied into each bundle at deploy time and
 * PAPERBOY_CONFIG names it; the environment carries the rest (table, bucket, queue, secret ARN).
 */
import { loadConfig, type AppConfig } from '@paperboy/core';

let cached: AppConfig | undefined;

/** Read once per cold start; a bad value fails the cold start loudly with the field named. */
export function lambdaConfig(): AppConfig {
  return (cached ??= loadConfig());
}
