/**
 * How a Lambda function builds its runtime: the base (the table's adapters on one DynamoDB client) from the
 * settings synth resolved, plus only the parts that function uses. Their SDK clients are loaded on first
 * use, so a cold start imports the DynamoDB client and nothing else of the SDK (`npm run bench:bundle`;
 * test/infra/bundle.test.ts checks each bundle's imports).
 */
import { S3ObjectStore, SesMailer, makeDocumentClient, s3ClientOnFirstUse, sesClientOnFirstUse } from '@paperboy/aws';
import type { AppConfig, Mailer } from '@paperboy/core';
import { baseRuntime, edgeOf, secretOnFirstUse, type BaseRuntime } from './runtime.js';
import { lambdaConfig } from './lambda-config.js';

/** The base runtime of this function, built once per cold start. */
export function lambdaRuntime(config: AppConfig = lambdaConfig()): BaseRuntime {
  return baseRuntime(config, makeDocumentClient(config.region));
}

/** The base runtime with the CDN's invalidations (publish, subscriptions, ses-events). */
export function lambdaRuntimeWithEdge(config: AppConfig = lambdaConfig()): BaseRuntime {
  const base = lambdaRuntime(config);
  return { ...base, edge: edgeOf(config, base.logger) };
}

/** The HMAC key for links, read on first use (send-digests, subscriptions, process-signups). */
export function lambdaSecret(config: AppConfig): () => Promise<string> {
  return secretOnFirstUse(config);
}

/** The site bucket (publish). */
export function lambdaObjectStore(config: AppConfig): S3ObjectStore {
  return new S3ObjectStore(s3ClientOnFirstUse(config.region), config.bucketName);
}

/** SES, from the owner's sender through the stack's configuration set (send-digests, process-signups). */
export function lambdaMailer(config: AppConfig): Mailer {
  return new SesMailer(sesClientOnFirstUse(config.region), config.owner.mail.from, config.sesConfigurationSet, config.owner.mail.replyTo);
}
