/**
 * A publish that stops part-way (a crash, a timeout, a throttle) leaves no trace the next publish keeps:
 * after it, every object is exactly what a clean publish of the same store writes to an empty bucket.
 * Runs the real use case and renderer against s3rver and dynalite; the crash is a store that throws
 * after k uploads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DynamoPaperRepository, S3ObjectStore } from '@paperboy/aws';
import { INTERNAL_PREFIX, publishSite, type ObjectStore, type SiteSettings } from '@paperboy/core';
import { renderSite } from '@paperboy/feeds';
import { paper } from '../support/papers.js';
import { startStandIns, type StandIns } from '../support/stand-ins.js';
import { projectConfig } from '../support/config.js';

let env: StandIns;
let repo: DynamoPaperRepository;
const config = projectConfig();
const clock = { now: () => new Date('2026-11-27T07:00:00.000Z') };
const site = (title: string): SiteSettings => ({ title, description: 'Papers, daily.', language: 'en', url: 'https://papers.example.com/' });
let buckets = 0;

beforeAll(async () => {
  env = await startStandIns();
  repo = new DynamoPaperRepository(env.clients.dynamo, env.table);
  const days = ['2026-11-24', '2026-11-25', '2026-11-26'];
  let n = 0;
  for (const day of days) {
    for (const tags of [['llm'], ['vision'], ['llm', 'agents']]) {
      n++;
      await repo.put(paper({ id: `2611.${String(n).padStart(5, '0')}`, listedOn: day, tags, firstSeenAt: `${day}T06:00:00.000Z` }), undefined);
    }
  }
});
afterAll(async () => {
  await env?.stop();
});

class CrashAfter implements ObjectStore {
  puts = 0;
  constructor(
    private readonly inner: ObjectStore,
    private readonly limit: number,
  ) {}
  get(key: string) {
    return this.inner.get(key);
  }
  async put(object: Parameters<ObjectStore['put']>[0]) {
    if (this.puts >= this.limit) throw new Error(`crash injected after ${this.limit} upload(s)`);
    this.puts++;
    await this.inner.put(object);
  }
}

async function freshBucket(): Promise<{ store: S3ObjectStore; bucket: string }> {
  const bucket = `publish-crash-${++buckets}`;
  await env.clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  return { store: new S3ObjectStore(env.clients.s3, bucket), bucket };
}

const publish = (objects: ObjectStore, title: string) =>
  publishSite({ papers: repo, objects, render: renderSite, site: site(title), topics: config.taxonomy.topics, maxItems: 50, clock });

/** Every public object of a bucket: key -> content type, cache control and body. */
async function snapshot(bucket: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  let token: string | undefined;
  do {
    const page = await env.clients.s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const { Key } of page.Contents ?? []) {
      if (!Key || Key.startsWith(INTERNAL_PREFIX)) continue;
      const o = await env.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
      out[Key] = `${o.ContentType}\n${o.CacheControl}\n${await o.Body!.transformToString()}`;
    }
    token = page.NextContinuationToken;
  } while (token);
  return out;
}

describe('a publish that stops part-way', () => {
  let clean: Record<string, Record<string, string>>;
  let uploads: number;

  beforeAll(async () => {
    clean = {};
    for (const title of ['Papers A', 'Papers B']) {
      const { store, bucket } = await freshBucket();
      await publish(store, title);
      clean[title] = await snapshot(bucket);
    }
    // The uploads of the change itself (a title shows on every page, not in the search index).
    const { store } = await freshBucket();
    await publish(store, 'Papers A');
    uploads = (await publish(store, 'Papers B')).uploaded;
    expect(Object.keys(clean['Papers A']!).length).toBeGreaterThan(10);
  });

  // k counts every upload, the publish's own records included: 0 stops before anything is written.
  const points = () => [0, 1, 2, Math.floor(uploads / 2), uploads - 1, uploads];

  // A change (here the site title, as an owner edits it) that every page shows; the publish dies after k
  // uploads. Then either the owner reverts the change (the store renders exactly what the manifest already
  // describes: the case that used to keep stale objects) or the next run publishes the change again.
  it.each([
    ['the earlier state', 'Papers A'],
    ['the same state', 'Papers B'],
  ])('is followed by a publish of %s that leaves every object as a clean publish would, for every crash point', async (_what, next) => {
    for (const k of points()) {
      const { store, bucket } = await freshBucket();
      await publish(store, 'Papers A');
      await expect(publish(new CrashAfter(store, k), 'Papers B')).rejects.toThrow(/crash injected/);
      await publish(store, next);
      expect(await snapshot(bucket), `crash after ${k} upload(s)`).toEqual(clean[next]);
      // And one more publish writes nothing: the repair is complete and recorded.
      expect((await publish(store, next)).uploaded).toBe(0);
    }
  });

  it('keeps the days of paper pages it finished: the next run of the same change uploads only the rest', async () => {
    const { store } = await freshBucket();
    await publish(store, 'Papers A');
    const whole = await publish(store, 'Papers B');
    const { store: other } = await freshBucket();
    await publish(other, 'Papers A');
    // Past the first day's pages and its record: the new title is on every paper page.
    const crash = new CrashAfter(other, 1 + 3 + 1 + 1);
    await expect(publish(crash, 'Papers B')).rejects.toThrow(/crash injected/);
    const repair = await publish(other, 'Papers B');
    expect(repair.uploaded).toBeLessThan(whole.uploaded);
    expect(repair.uploadedKeys.filter((k) => k.startsWith('papers/'))).toHaveLength(6);
  });

  it('survives a second crash during the repair', async () => {
    const { store, bucket } = await freshBucket();
    await publish(store, 'Papers A');
    await expect(publish(new CrashAfter(store, 5), 'Papers B')).rejects.toThrow(/crash injected/);
    await expect(publish(new CrashAfter(store, 3), 'Papers A')).rejects.toThrow(/crash injected/);
    await publish(store, 'Papers A');
    expect(await snapshot(bucket)).toEqual(clean['Papers A']);
  });
});
