/** The project's own config file, resolved as the functions resolve it, for tests on the stand-ins. */
import { join } from 'node:path';
import { readOwnerConfigFile, resolveConfig, type AppConfig } from '@paperboy/core';

const ROOT = join(import.meta.dirname, '..', '..');

/** `paperboy.config.json` with a link-signing secret (no secret is ever read from the environment here). */
export function projectConfig(secret = 'k'.repeat(40)): AppConfig {
  const path = join(ROOT, 'paperboy.config.json');
  return resolveConfig(readOwnerConfigFile(path), { PAPERBOY_HMAC_SECRET: secret }, path, ROOT);
}
