/**
 * The CDN adapter: invalidations in the site's CloudFront distribution. The CloudFront client module is
 * loaded on first use (see lazy.ts): a function imports it only when it invalidates.
 */
import { randomUUID } from 'node:crypto';
import type { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import type { EdgeCache } from '@paperboy/core';
import { recordCalls } from './call-recorder.js';
import { cloudFrontOptions } from './client-options.js';
import { clientOf, once, type ClientSource } from './lazy.js';

const sdk = once(() => import('@aws-sdk/client-cloudfront'));

/** A CloudFront client built the first time it is needed. */
export function cloudFrontClientOnFirstUse(endpoint?: string): () => Promise<CloudFrontClient> {
  return once(async () => recordCalls(new (await sdk()).CloudFrontClient(cloudFrontOptions(endpoint))));
}

export class CloudFrontEdgeCache implements EdgeCache {
  constructor(
    private readonly client: ClientSource<CloudFrontClient>,
    private readonly distributionId: string,
  ) {}

  /**
   * One invalidation of these paths. The caller reference is new per call and kept across the SDK's own
   * retries of it (the same input), so CloudFront takes a retried request once.
   */
  async invalidate(paths: readonly string[]): Promise<void> {
    if (!paths.length) return;
    const { CreateInvalidationCommand } = await sdk();
    await (await clientOf(this.client)).send(
      new CreateInvalidationCommand({
        DistributionId: this.distributionId,
        InvalidationBatch: { CallerReference: randomUUID(), Paths: { Quantity: paths.length, Items: [...paths] } },
      }),
    );
  }
}
