/**
 * The search index stays incremental and exactly-once: it goes through publish's manifest like every other
 * object, an unchanged publish writes nothing, a new day rewrites only its own month's buckets and its own
 * day file, and a publish that stops part-way is repaired by the next one. The real use case and renderer
 * against s3rver and dynalite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DynamoPaperRepository, S3ObjectStore } from '@paperboy/aws';
import { INTERNAL_PREFIX, publishSite, searchBucket, SEARCH_BUCKETS, SEARCH_INDEX_VERSION, searchTerms, type ObjectStore, type SiteSettings } from '@paperboy/core';
import { renderSite } from '@paperboy/feeds';
import { paper } from '../support/papers.js';
import { startStandIns, type StandIns } from '../support/stand-ins.js';
import { projectConfig } from '../support/config.js';

let env: StandIns;
let repo: DynamoPaperRepository;
let buckets = 0;
const config = projectConfig();
const clock = { now: () => new Date('2026-11-27T07:00:00.000Z') };
const site: SiteSettings = { title: 'Papers', description: 'Papers, daily.', language: 'en', url: 'https://papers.example.com/' };

/** Counts every write, the publish's own records included; `crashAt` picks a write to fail (and all after it). */
class CountingStore implements ObjectStore {
  written: string[] = [];
  private crashed = false;
  constructor(
    private readonly inner: ObjectStore,
    private readonly crashAt: (key: string, written: readonly string[]) => boolean = () => false,
  ) {}
  get(key: string) {
    return this.inner.get(key);
  }
  async put(object: Parameters<ObjectStore['put']>[0]) {
    if (this.crashed || this.crashAt(object.key, this.written)) {
      this.crashed = true;
      throw new Error(`crash injected at ${object.key}`);
    }
    this.written.push(object.key);
    await this.inner.put(object);
  }
}

async function freshBucket(): Promise<{ store: S3ObjectStore; bucket: string }> {
  const bucket = `publish-search-${++buckets}`;
  await env.clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  return { store: new S3ObjectStore(env.clients.s3, bucket), bucket };
}

const publish = (objects: ObjectStore) => publishSite({ papers: repo, objects, render: renderSite, site, topics: config.taxonomy.topics, maxItems: 50, clock });

async function searchObjects(bucket: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  let token: string | undefined;
  do {
    const page = await env.clients.s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token, Prefix: 'search/' }));
    for (const { Key } of page.Contents ?? []) {
      const o = await env.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
      out[Key!] = `${o.ContentType}\n${o.CacheControl}\n${await o.Body!.transformToString()}`;
    }
    token = page.NextContinuationToken;
  } while (token);
  return out;
}

let n = 0;
const add = (day: string, title: string, authors = ['Ada Lovelace']) =>
  repo.put(paper({ id: `2611.${String(++n).padStart(5, '0')}`, listedOn: day, title, authors, firstSeenAt: `${day}T06:00:00.000Z` }), undefined);

beforeAll(async () => {
  env = await startStandIns();
  repo = new DynamoPaperRepository(env.clients.dynamo, env.table);
  await add('2026-10-30', 'Sparse attention for long documents');
  await add('2026-11-02', 'Zebra: striped transformers', ['Grace Hopper']);
  await add('2026-11-03', 'Quokka retrieval at scale');
});
afterAll(async () => {
  await env?.stop();
});

describe('the search index', () => {
  it('is published with the site, written again only where a new day lands, and not at all when nothing changed', async () => {
    // Prepare
    const { store, bucket } = await freshBucket();
    await publish(store);
    const first = await searchObjects(bucket);
    expect(Object.keys(first).sort()).toEqual([
      'search/d/2026-10-30/0.json',
      'search/d/2026-11-02/0.json',
      'search/d/2026-11-03/0.json',
      'search/index.html',
      'search/index.json',
      ...['2026-10', '2026-11'].flatMap((m) => Array.from({ length: SEARCH_BUCKETS }, (_, b) => `search/m/${m}/t-${b}.json`)),
    ].sort());
    expect(first['search/index.json']).toMatch(/^application\/json; charset=utf-8\npublic, max-age=60\n/);
    expect(JSON.parse(first['search/index.json']!.split('\n')[2]!)).toEqual({
      v: SEARCH_INDEX_VERSION,
      buckets: SEARCH_BUCKETS,
      months: [
        { m: '2026-11', papers: 2 },
        { m: '2026-10', papers: 1 },
      ],
    });
    // The title's terms are marked as such (posting odd), the author's are not; day 2, first paper.
    const body = (objects: Record<string, string>, key: string) => JSON.parse(objects[key]!.split('\n')[2]!) as Record<string, number[]>;
    const bucketOf = (term: string) => `search/m/2026-11/t-${searchBucket(term, SEARCH_BUCKETS)}.json`;
    expect(body(first, bucketOf('zebra'))['zebra']).toEqual([(2 * 8192 + 0) * 2 + 1]);
    expect(body(first, bucketOf('hopper'))['hopper']).toEqual([(2 * 8192 + 0) * 2]);
    // Every term of a bucket has its bucket's hash, and a prefix's terms share one: "zeb…" is where "zebra" is.
    expect(searchBucket('ze', SEARCH_BUCKETS)).toBe(searchBucket('zebra', SEARCH_BUCKETS));

    // Act: an unchanged publish
    const unchanged = new CountingStore(store);
    await publish(unchanged);

    // Assess: nothing written, not even a record
    expect(unchanged.written).toEqual([]);

    // Act: a new day in November
    await add('2026-11-04', 'Zebra finches sing transformers');
    const next = new CountingStore(store);
    const counts = await publish(next);

    // Assess: November's buckets the new day's terms reach, its day's chunk and the month list; nothing of
    // October, nor the other November days' chunks
    const search = counts.uploadedKeys.filter((k) => k.startsWith('search/')).sort();
    expect(search).toEqual([
      'search/d/2026-11-04/0.json',
      'search/index.json',
      ...new Set(['zebra', 'finches', 'sing', 'transformers', 'ada', 'lovelace'].map(bucketOf)),
    ].sort());
    expect(next.written.filter((k) => k.startsWith(`${INTERNAL_PREFIX}search/`)).sort()).toEqual(['_paperboy/search/2026-11.json', '_paperboy/search/state.json']);
    const after = await searchObjects(bucket);
    expect(body(after, bucketOf('zebra'))['zebra']).toEqual([(2 * 8192) * 2 + 1, (4 * 8192) * 2 + 1]);
    expect(JSON.parse(after['search/d/2026-11-04/0.json']!.split('\n')[2]!)).toEqual([['Zebra finches sing transformers', 'Ada Lovelace', 'papers/2611.00004/index.html']]);
    expect((await publish(new CountingStore(store))).uploaded).toBe(0);
  });

  it('after a publish that stops part-way, ends exactly as a clean publish of the same store', async () => {
    const searchWrites = (written: readonly string[]) => written.filter((k) => k.startsWith('search/')).length;
    const points: [string, (key: string, written: readonly string[]) => boolean][] = [
      ['before the first write', () => true],
      ['at the first search object', (key) => key.startsWith('search/')],
      ['at the third search object', (key, written) => key.startsWith('search/') && searchWrites(written) === 2],
      ["at the month's record", (key) => key === `${INTERNAL_PREFIX}search/2026-11.json`],
      ['at the search state', (key) => key === `${INTERNAL_PREFIX}search/state.json`],
      ['at the days state, after the search records', (key) => key === `${INTERNAL_PREFIX}days.json`],
    ];
    let i = 0;
    for (const [label, crashAt] of points) {
      // Prepare: a bucket published before the newest day, then a publish that dies at one write
      const { store, bucket } = await freshBucket();
      await add('2026-11-07', `Placeholder ${++i}`);
      await publish(store);
      await add('2026-11-08', `Ibex ${i} pruning`);
      await expect(publish(new CountingStore(store, crashAt)), label).rejects.toThrow(/crash injected/);

      // Act
      await publish(store);

      // Assess
      const clean = await freshBucket();
      await publish(clean.store);
      expect(await searchObjects(bucket), label).toEqual(await searchObjects(clean.bucket));
      expect((await publish(new CountingStore(store))).uploaded, label).toBe(0);
    }
  });

  it('indexes the words readers type: case and diacritics folded, function words left out', () => {
    expect(searchTerms('Schrödinger’s ﬁne-tuning of the LLaMA-2 Model')).toEqual(['schrodinger', 'fine', 'tuning', 'llama', 'model']);
  });
});
