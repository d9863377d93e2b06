/**
 * An item too large for the store blocks nothing: the adapter refuses it before writing anything, and
 * ingest skips it alone with a reason that names it, storing the items before and after it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoPaperRepository } from '@paperboy/aws';
import { ItemTooLargeError, ingestPapers, systemClock, validatePaperInput, MAX_STORED_AUTHORS, type PaperInput } from '@paperboy/core';
import { paper } from '../support/papers.js';
import { startStandIns, type StandIns } from '../support/stand-ins.js';

let env: StandIns;
beforeAll(async () => {
  env = await startStandIns();
});
afterAll(async () => {
  await env?.stop();
});

const names = (n: number) => Array.from({ length: n }, (_v, i) => `Collaboration Member Number ${i} ${'x'.repeat(80)}`);

describe('an item too large to store', () => {
  it('keeps the first authors of a large collaboration and the total, so the record fits', () => {
    const valid = validatePaperInput({ id: '2604.00001', title: 'Big', abstract: '', authors: names(4000), listedOn: '2026-10-22', links: {}, categories: [], keywords: [], source: 'hf' });
    expect(valid.ok).toBe(true);
    if (!valid.ok) return;
    expect(valid.paper.authors).toHaveLength(MAX_STORED_AUTHORS);
    expect(valid.paper.authors[0]).toBe(names(1)[0]);
    expect(valid.paper.authorCount).toBe(4000);
  });

  it('is refused by the repository before any membership is written', async () => {
    const repo = new DynamoPaperRepository(env.clients.dynamo, env.table);
    const huge = paper({ id: '2604.00002', tags: ['llm'], authors: names(4000) });
    await expect(repo.put(huge, undefined)).rejects.toBeInstanceOf(ItemTooLargeError);
    const memberships = await env.clients.dynamo.send(new QueryCommand({ TableName: env.table, KeyConditionExpression: 'PK = :p', ExpressionAttributeValues: { ':p': 'TAG#llm' } }));
    expect((memberships.Items ?? []).filter((i) => String(i['SK']).endsWith('2604.00002'))).toEqual([]);
    expect(await repo.get('2604.00002')).toBeUndefined();
  });

  it('is skipped alone by ingest, named, and the items after it are stored', async () => {
    const repo = new DynamoPaperRepository(env.clients.dynamo, env.table);
    const item = (id: string, authors: string[]): PaperInput => ({ id, title: `Paper ${id}`, abstract: 'About models.', authors, listedOn: '2026-10-22', links: {}, categories: [], keywords: [], source: 'hf' });
    // The middle item skips validation (as a future field might let it grow): the store is the last guard.
    const counts = await ingestPapers([item('2604.00003', ['A']), item('2604.00004', names(4000)), item('2604.00005', ['B'])], {
      papers: repo,
      tagger: { tag: () => ({ tags: ['llm'] }) },
      clock: systemClock,
    });
    expect(counts.new).toBe(2);
    expect(counts.rejected).toEqual([{ id: '2604.00004', reason: expect.stringMatching(/^2604\.00004: the stored record would be \d+ KB, over the 380 KB/) }]);
    expect(await repo.get('2604.00005')).toBeDefined();
  });
});
