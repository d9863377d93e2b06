/**
 * Global setup: one fresh folder per test run where every process logs the AWS calls it makes
 * (test workers through the setup file, CLI children through PAPERBOY_AWS_CALL_LOG, inherited).
 * The `iam` tier runs last and checks those calls against the synthesized roles.
 * It also unpacks the tests' Chromium once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENV } from '@paperboy/core';
import { chromiumPath } from './chromium.js';

export default async function setup(): Promise<(() => void) | undefined> {
  // Unpack the browser once, before test files run in parallel and race to unpack it.
  await chromiumPath();
  // A folder named by the caller is kept, to read the calls after the run.
  if (process.env[ENV.awsCallLog]) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-aws-calls-'));
  process.env[ENV.awsCallLog] = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
