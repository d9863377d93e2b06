/** S3 adapter for the published site. The S3 client module is loaded on first use (see lazy.ts). */
import type { S3Client } from '@aws-sdk/client-s3';
import type { ObjectStore, SiteObject } from '@paperboy/core';
import { recordCalls } from './call-recorder.js';
import { s3Options } from './client-options.js';
import { clientOf, once, type ClientSource } from './lazy.js';

const sdk = once(() => import('@aws-sdk/client-s3'));

/** An S3 client built the first time it is needed. */
export function s3ClientOnFirstUse(region: string, endpoint?: string): () => Promise<S3Client> {
  return once(async () => recordCalls(new (await sdk()).S3Client(s3Options(region, endpoint))));
}

export interface StoredObject {
  body: Uint8Array;
  contentType?: string;
  cacheControl?: string;
  etag?: string;
}

export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly s3: ClientSource<S3Client>,
    private readonly bucket: string,
  ) {}

  async get(key: string): Promise<string | undefined> {
    const obj = await this.getObject(key);
    return obj ? Buffer.from(obj.body).toString('utf8') : undefined;
  }

  /** The object with its headers, or undefined when there is none. */
  async getObject(key: string): Promise<StoredObject | undefined> {
    const [{ GetObjectCommand, NoSuchKey }, s3] = await Promise.all([sdk(), clientOf(this.s3)]);
    try {
      const out = await s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        body: await out.Body!.transformToByteArray(),
        contentType: out.ContentType,
        cacheControl: out.CacheControl,
        etag: out.ETag,
      };
    } catch (err) {
      const name = (err as { name?: string }).name;
      if (err instanceof NoSuchKey || name === 'NoSuchKey' || name === 'NotFound') return undefined;
      throw err;
    }
  }

  async put(object: SiteObject & { metadata?: Record<string, string> }): Promise<void> {
    const [{ PutObjectCommand }, s3] = await Promise.all([sdk(), clientOf(this.s3)]);
    await s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: object.key,
        Body: Buffer.from(object.body, 'utf8'),
        ContentType: object.contentType,
        CacheControl: object.cacheControl,
        Metadata: object.metadata,
      }),
    );
  }
}
