/** S3 adapter for the published site. */
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectStore, SiteObject } from '@paperboy/core';

export interface StoredObject {
  body: Uint8Array;
  contentType?: string;
  cacheControl?: string;
  etag?: string;
}

export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async get(key: string): Promise<string | undefined> {
    const obj = await this.getObject(key);
    return obj ? Buffer.from(obj.body).toString('utf8') : undefined;
  }

  /** The object with its headers, or undefined when there is none. */
  async getObject(key: string): Promise<StoredObject | undefined> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
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
    await this.s3.send(
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
