/** Lambda-side config: the owner's config file is bundled into each function at deploy time. */
import { processEnv, resolveConfig, type AppConfig } from '@paperboy/core';
import ownerConfig from '../../paperboy.config.json' with { type: 'json' };

let cached: AppConfig | undefined;

/** Read once per cold start; a bad value fails the cold start loudly with the field named. */
export function lambdaConfig(): AppConfig {
  return (cached ??= resolveConfig(ownerConfig, processEnv(), 'paperboy.config.json'));
}
