/**
 * Lambda-side config: synth validates the owner's config file and writes the resolved settings into each
 * bundle; PAPERBOY_SETTINGS names them, and the environment carries the rest (table, bucket, queue, secret ARN).
 */
import { loadResolvedConfig, type AppConfig } from '@paperboy/core';

let cached: AppConfig | undefined;

/** Read once per cold start; a missing, edited or foreign settings file fails the cold start loudly, naming the file. */
export function lambdaConfig(): AppConfig {
  return (cached ??= loadResolvedConfig());
}
