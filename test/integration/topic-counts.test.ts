/**
 * The paper counts of the topics (home page, topic pages) stay exact however a run dies: every write of
 * an ingest is a crash point, and after a re-run and a publish each count is the number of stored papers
 * with the topic. Real repository on dynalite, real use cases and renderer; the crash is a client that
 * refuses the k-th write, as a process killed at that moment would leave the table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoPaperRepository, S3ObjectStore } from '@paperboy/aws';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '@paperboy/aws';
import { ingestPapers, publishSite, retagPapers, topicSchema, type ObjectStore, type PaperInput, type PaperRepository, type RenderSiteInput, type Topic } from '@paperboy/core';
import { renderSite } from '@paperboy/feeds';
import { startStandIns, type StandIns } from '../support/stand-ins.js';

let env: StandIns;
const clock = { now: () => new Date('2026-11-27T07:00:00.000Z') };
const WRITES = new Set(['PutCommand', 'UpdateCommand', 'BatchWriteCommand', 'DeleteCommand']);

beforeAll(async () => {
  env = await startStandIns();
  await env.clients.s3.send(new CreateBucketCommand({ Bucket: 'topic-counts' }));
});
const topicsNamed = (...slugs: string[]): Topic[] => slugs.map((slug) => topicSchema.parse({ slug, name: slug, phrases: [slug] }));
const SITE = { title: 'T', description: 'D', language: 'en', url: 'https://papers.example.com/' };

/** Publishes, and returns the topic counts the pages were rendered with. */
async function publishedCounts(papers: PaperRepository, objects: ObjectStore, topics: Topic[]) {
  let shown: RenderSiteInput['topicCounts'] | undefined;
  const render = (input: RenderSiteInput) => ((shown = input.topicCounts), renderSite(input));
  await publishSite({ papers, objects, render, site: SITE, topics, maxItems: 50, clock });
  return shown;
}

afterAll(async () => {
  await env?.stop();
});

/** The document client, except that its `k`-th write (1-based) fails as if the process had died there. */
function dyingAt(k: number, counter = { writes: 0 }): DynamoDBDocumentClient {
  const real = env.clients.dynamo;
  return new Proxy(real, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver);
      return async (command: { constructor: { name: string } }) => {
        if (WRITES.has(command.constructor.name) && ++counter.writes === k) throw new Error(`killed at write ${k}`);
        return (target.send as (c: unknown) => Promise<unknown>)(command);
      };
    },
  });
}

const inputs = (run: number): PaperInput[] =>
  [1, 2, 3].map((i) => ({
    id: `2612.${String(run * 10 + i).padStart(5, '0')}`,
    title: `Paper ${run}-${i}`,
    abstract: 'About models.',
    authors: ['A. Author'],
    // Two listing days a run, so a crash can fall between the revisions of two days.
    listedOn: `2026-${i === 3 ? '11' : '10'}-${String(run).padStart(2, '0')}`,
    links: {},
    categories: [],
    keywords: [],
    source: 'test',
  }));

describe('topic counts', () => {
  it('are exact after a crash at any write of an ingest, once the run is repeated and published', async () => {
    // How many writes a clean ingest of three papers makes.
    const probe = { writes: 0 };
    // Every paper is in c-all; papers 1 and 3 of each run are in c-odd too.
    const tagger = { tag: (p: { title: string }) => ({ tags: Number(p.title.slice(-1)) % 2 ? ['c-all', 'c-odd'] : ['c-all'] }) };
    const topics = topicsNamed('c-all', 'c-odd');
    const repo = new DynamoPaperRepository(env.clients.dynamo, env.table);
    const objects = new S3ObjectStore(env.clients.s3, 'topic-counts');
    await ingestPapers(inputs(1), { papers: new DynamoPaperRepository(dyingAt(0, probe), env.table), tagger, clock });
    // Both days' revisions, one membership batch, three conditional puts, both revisions again.
    expect(probe.writes).toBe(8);
    expect(await publishedCounts(repo, objects, topics)).toEqual({ 'c-all': 3, 'c-odd': 2 });
    for (let k = 1; k <= probe.writes; k++) {
      const run = k + 1;
      await expect(ingestPapers(inputs(run), { papers: new DynamoPaperRepository(dyingAt(k), env.table), tagger, clock })).rejects.toThrow(/killed/);
      // The next scheduled run delivers the same papers; then publish.
      await ingestPapers(inputs(run), { papers: repo, tagger, clock });
      expect(await publishedCounts(repo, objects, topics), `killed at write ${k} of ${probe.writes}`).toEqual({ 'c-all': 3 * run, 'c-odd': 2 * run });
    }
  });

  it('follow a retag that moves papers between topics', async () => {
    // A table of its own: retag reads every paper.
    const table = 'topic-counts-retag';
    await ensureTable(new DynamoDBClient({ region: 'us-east-1', endpoint: env.services.endpoints.dynamodb, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }), table);
    await env.clients.s3.send(new CreateBucketCommand({ Bucket: table }));
    const repo = new DynamoPaperRepository(env.clients.dynamo, table);
    const topics = topicsNamed('r-a', 'r-b');
    const papers = inputs(40);
    await ingestPapers(papers, { papers: repo, tagger: { tag: () => ({ tags: ['r-a'] }) }, clock });
    const objects = new S3ObjectStore(env.clients.s3, table);
    const counts = () => publishedCounts(repo, objects, topics);
    expect(await counts()).toEqual({ 'r-a': 3, 'r-b': 0 });
    await retagPapers({ papers: repo, tagger: { tag: (p) => ({ tags: p.title.endsWith('1') ? ['r-b'] : ['r-a'] }) }, clock });
    expect(await counts()).toEqual({ 'r-a': 2, 'r-b': 1 });
  });
});
