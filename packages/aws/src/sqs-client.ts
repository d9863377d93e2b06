/** The SQS client, loaded on first use (see lazy.ts): sign-ups and digest jobs only. */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { recordCalls } from './call-recorder.js';
import { once } from './lazy.js';

export const sqsSdk = once(() => import('@aws-sdk/client-sqs'));

/** An SQS client built the first time it is needed. */
export function sqsClientOnFirstUse(region: string): () => Promise<SQSClient> {
  return once(async () => recordCalls(new (await sqsSdk()).SQSClient({ region })));
}
