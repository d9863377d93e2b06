/** The AWS adapters against the real embedded stand-ins (dynalite, s3rver, aws-ses-v2-local). */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DynamoDigestLedger,
  DynamoPaperRepository,
  DynamoRateLimiter,
  DynamoSubscriberRepository,
  S3ObjectStore,
  SesMailer,
  LEDGER_KEEP_DAYS,
  paperItem,
} from '@paperboy/aws';
import { MAX_JOB_AGE_DAYS, titleFingerprint, type Subscriber } from '@paperboy/core';
import { DeleteCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { paper } from '../support/papers.js';
import { startStandIns, type StandIns } from '../support/stand-ins.js';

let env: StandIns;
beforeAll(async () => {
  env = await startStandIns();
});
afterAll(async () => {
  await env?.stop();
});

describe('DynamoPaperRepository', () => {
  it('stores a new paper once and refuses a second blind insert', async () => {
    // Prepare
    const repo = new DynamoPaperRepository(env.clients.dynamo, env.table);
    const p = paper({ id: '2411.00001', tags: ['llm', 'efficiency'] });
    // Act
    const first = await repo.put(p, undefined);
    const second = await repo.put(p, undefined);
    // Assess
    expect(first).toBe(true);
    expect(second).toBe(false);
    expect(await repo.get('2411.00001')).toEqual(p);
  });

  it('updates only when the stored hash is the one the writer read, and moves topic memberships', async () => {
    const repo = new DynamoPaperRepository(env.clients.dynamo, env.table);
    const v1 = paper({ id: '2411.00002', tags: ['llm', 'vision'] });
    await repo.put(v1, undefined);
    const v2 = paper({ id: '2411.00002', tags: ['vision', 'agents'], title: 'Retitled' });
    expect(await repo.put(v2, v1)).toBe(true);
    // A writer that read v1 and lost the race does not clobber v2.
    expect(await repo.put(paper({ id: '2411.00002', title: 'Stale' }), v1)).toBe(false);
    expect((await repo.get('2411.00002'))?.title).toBe('Retitled');
    expect((await repo.listLatestByTopic('llm', 10)).map((p) => p.id)).not.toContain('2411.00002');
    expect((await repo.listLatestByTopic('agents', 10)).map((p) => p.id)).toContain('2411.00002');
  });

  it('lists the latest papers overall and per topic, newest listing first, and counts a topic', async () => {
    const repo = new DynamoPaperRepository(env.clients.dynamo, env.table);
    for (const [id, day] of [
      ['2411.10001', '2026-11-01'],
      ['2411.10002', '2026-11-03'],
      ['2411.10003', '2026-11-02'],
    ] as const) {
      await repo.put(paper({ id, listedOn: day, tags: ['graphs'] }), undefined);
    }
    expect((await repo.listLatestByTopic('graphs', 2)).map((p) => p.id)).toEqual(['2411.10002', '2411.10003']);
    expect(await repo.countMemberships('graphs')).toBe(3);
    const since = await repo.listListedSince('2026-11-02');
    expect(since.map((p) => p.id)).toEqual(expect.arrayContaining(['2411.10002', '2411.10003']));
    expect(since.map((p) => p.id)).not.toContain('2411.10001');
    const latest = await repo.listLatest(2);
    expect(latest).toHaveLength(2);
    expect(latest[0]!.listedOn >= latest[1]!.listedOn).toBe(true);
  });

  it('completes "the latest N" with the rest of the oldest day, since feeds order a day by upvotes', async () => {
    const repo = new DynamoPaperRepository(env.clients.dynamo, env.table);
    const ids = ['2411.20001', '2411.20002', '2411.20003', '2411.20004'];
    for (const id of ids) await repo.put(paper({ id, listedOn: '2026-12-01', tags: ['robotics'] }), undefined);
    await repo.put(paper({ id: '2411.20005', listedOn: '2026-11-30', tags: ['robotics'] }), undefined);
    // A limit of 2 ends inside 2026-12-01: the whole day comes back, and nothing older.
    expect((await repo.listLatestByTopic('robotics', 2)).map((p) => p.id).sort()).toEqual(ids);
    expect((await repo.listLatest(2)).map((p) => p.id).sort()).toEqual(ids);
    // A limit that ends exactly at the end of what there is reads no more.
    expect((await repo.listLatestByTopic('robotics', 5)).map((p) => p.id).sort()).toEqual([...ids, '2411.20005']);
  });
});

describe('DynamoPaperRepository listing days', () => {
  it('reads one whole day, and moves a day\'s revision on every write to it, both days when a paper moves', async () => {
    const repo = new DynamoPaperRepository(env.clients.dynamo, env.table);
    const rev = async (day: string) => (await repo.listDayRevisions()).find((d) => d.day === day)?.rev ?? 0;
    const a = paper({ id: '2411.50001', listedOn: '2027-03-01' });
    await repo.put(a, undefined);
    await repo.put(paper({ id: '2411.50002', listedOn: '2027-03-01' }), undefined);
    await repo.put(paper({ id: '2411.50003', listedOn: '2027-03-02' }), undefined);
    expect((await repo.listDay('2027-03-01')).map((p) => p.id).sort()).toEqual(['2411.50001', '2411.50002']);
    const [r1, r2] = [await rev('2027-03-01'), await rev('2027-03-02')];
    expect(r1).toBeGreaterThan(0);
    // A paper that moves to another day changes both days.
    await repo.put({ ...a, listedOn: '2027-03-02', contentHash: 'moved' }, a);
    expect(await rev('2027-03-01')).toBeGreaterThan(r1);
    expect(await rev('2027-03-02')).toBeGreaterThan(r2);
    expect((await repo.listDay('2027-03-01')).map((p) => p.id)).toEqual(['2411.50002']);
    const days = (await repo.listDayRevisions()).map((d) => d.day);
    expect(days).toEqual([...days].sort().reverse());
  });

  it('gives days written before revisions existed a revision once, from the index', async () => {
    const repo = new DynamoPaperRepository(env.clients.dynamo, env.table);
    // Prepare: a bulk-loaded paper (no revision) on a table whose days were never seeded.
    await repo.batchWrite([{ PutRequest: { Item: paperItem(paper({ id: '2411.60001', listedOn: '2027-04-01' })) } }]);
    await env.clients.dynamo.send(new DeleteCommand({ TableName: env.table, Key: { PK: 'DAY#REV', SK: 'SEEDED' } }));
    // Act, Assess
    expect((await repo.listDayRevisions()).find((d) => d.day === '2027-04-01')?.rev).toBeGreaterThan(0);
  });
});

describe('DynamoPaperRepository.putMany', () => {
  it('writes a batch with one alias per title (the last wins), refuses an oversized paper alone, and decides conflicts per paper', async () => {
    // Prepare: two new arXiv papers titled alike (one BatchWriteItem may not name their alias twice), an oversized one, a stale update.
    const repo = new DynamoPaperRepository(env.clients.dynamo, env.table);
    const stored = paper({ id: '2411.70004', title: 'Stored', listedOn: '2027-04-01' });
    await repo.put(stored, undefined);
    const a = paper({ id: '2411.70001', arxivId: '2411.70001', title: 'Erratum', listedOn: '2027-04-01', tags: ['pm-a'] });
    const b = paper({ id: '2411.70002', arxivId: '2411.70002', title: 'Erratum', listedOn: '2027-04-02', tags: ['pm-a'] });
    const huge = paper({ id: '2411.70003', listedOn: '2027-04-01', tags: ['pm-a'], authors: Array.from({ length: 4000 }, (_v, i) => `Collaboration Member Number ${i} ${'x'.repeat(80)}`) });
    const stale = { ...stored, title: 'Changed', contentHash: 'new' };
    // Act
    const outcomes = await repo.putMany([
      { paper: a, previous: undefined },
      { paper: huge, previous: undefined },
      { paper: b, previous: undefined },
      { paper: stale, previous: { ...stored, contentHash: 'not what is stored' } },
    ]);
    // Assess
    expect(outcomes.map((o) => o.status)).toEqual(['written', 'rejected', 'written', 'conflict']);
    expect(await repo.getMany(['2411.70001', '2411.70002', '2411.70003'])).toEqual([a, b]);
    expect((await repo.findManyByTitleKey([titleFingerprint('Erratum')])).get(titleFingerprint('Erratum'))).toEqual(b);
    const members = await env.clients.dynamo.send(new QueryCommand({ TableName: env.table, KeyConditionExpression: 'PK = :p', ExpressionAttributeValues: { ':p': 'TAG#pm-a' } }));
    expect((members.Items ?? []).map((i) => i['paperId']).sort()).toEqual(['2411.70001', '2411.70002']);
    expect((await repo.listDayRevisions()).filter((r) => r.day.startsWith('2027-04')).map((r) => r.day)).toEqual(['2027-04-02', '2027-04-01']);
  });
});

describe('DynamoPaperRepository topic memberships', () => {
  it('moves memberships with the tags, never twice for a re-run, and keeps no counter beside them', async () => {
    const repo = new DynamoPaperRepository(env.clients.dynamo, env.table);
    const a = paper({ id: '2411.30001', listedOn: '2026-12-02', tags: ['safety'] });
    const b = paper({ id: '2411.30002', listedOn: '2026-12-02', tags: ['safety', 'science'] });
    await repo.put(a, undefined);
    await repo.put(b, undefined);
    expect(await repo.countMemberships('safety')).toBe(2);
    // A blind re-insert (a re-run) rewrites the memberships but adds none.
    expect(await repo.put(b, undefined)).toBe(false);
    expect(await repo.countMemberships('safety')).toBe(2);
    // Re-tagging moves one paper out of a topic and into another.
    const a2 = paper({ ...a, tags: ['science'], contentHash: 'a2' });
    expect(await repo.put(a2, a)).toBe(true);
    expect([await repo.countMemberships('safety'), await repo.countMemberships('science')]).toEqual([1, 2]);
    // Topic totals come from publish's count of each day's papers (test/integration/topic-counts.test.ts).
    const counters = await env.clients.dynamo.send(new QueryCommand({ TableName: env.table, KeyConditionExpression: 'PK = :p', ExpressionAttributeValues: { ':p': 'COUNT#TAG' } }));
    expect(counters.Items ?? []).toEqual([]);
  });
});

describe('DynamoSubscriberRepository', () => {
  const sub = (id: string, email: string, status: Subscriber['status']): Subscriber => ({
    id,
    email,
    status,
    topics: ['llm'],
    frequency: 'daily',
    createdAt: '2026-11-20T00:00:00.000Z',
  });

  it('guards the address: a second subscriber with the same email is refused', async () => {
    const repo = new DynamoSubscriberRepository(env.clients.dynamo, env.table);
    expect(await repo.create(sub('subscriber-a1', 'Same@Example.com', 'pending'))).toBe(true);
    expect(await repo.create(sub('subscriber-a2', 'same@example.com', 'pending'))).toBe(false);
    expect((await repo.findByEmail('SAME@example.com'))?.id).toBe('subscriber-a1');
  });

  it('lists only active subscribers of a frequency, and drops them from the list when they leave', async () => {
    const repo = new DynamoSubscriberRepository(env.clients.dynamo, env.table);
    const active = sub('subscriber-b1', 'b1@example.com', 'active');
    await repo.create(active);
    await repo.create(sub('subscriber-b2', 'b2@example.com', 'pending'));
    expect(await repo.listActiveIds('daily')).toEqual(['subscriber-b1']);
    await repo.update({ ...active, status: 'unsubscribed' });
    expect(await repo.listActiveIds('daily')).toEqual([]);
  });

  it('changes the follows and frequency of an active subscriber, moving it between the due lists, but never revives one who left', async () => {
    const repo = new DynamoSubscriberRepository(env.clients.dynamo, env.table);
    const s = sub('subscriber-p1', 'p1@example.com', 'active');
    await repo.create(s);
    const follows = { topics: ['vision', 'robotics'], keywords: ['speculative decod*'], authors: ['Yann LeCun'] };
    expect(await repo.updatePreferences('subscriber-p1', { ...follows, frequency: 'weekly' })).toBe(true);
    expect(await repo.get('subscriber-p1')).toMatchObject({ ...follows, frequency: 'weekly', status: 'active' });
    // Keywords and authors alone, no topic.
    expect(await repo.updatePreferences('subscriber-p1', { topics: [], keywords: [], authors: ['Ada Lovelace'], frequency: 'weekly' })).toBe(true);
    expect(await repo.get('subscriber-p1')).toMatchObject({ topics: [], keywords: [], authors: ['Ada Lovelace'] });
    expect(await repo.updatePreferences('subscriber-p1', { ...follows, frequency: 'weekly' })).toBe(true);
    expect(await repo.listActiveIds('weekly')).toContain('subscriber-p1');
    expect(await repo.listActiveIds('daily')).not.toContain('subscriber-p1');
    await repo.update({ ...(await repo.get('subscriber-p1'))!, status: 'unsubscribed' });
    const other = { topics: ['llm'], keywords: ['MoE'], authors: [], frequency: 'daily' as const };
    expect(await repo.updatePreferences('subscriber-p1', other)).toBe(false);
    expect(await repo.get('subscriber-p1')).toMatchObject({ status: 'unsubscribed', ...follows });
    expect(await repo.updatePreferences('no-such-subscriber', other)).toBe(false);
  });

  it('finds a pending subscriber by the hash of its confirm token, and only while that token is current', async () => {
    const repo = new DynamoSubscriberRepository(env.clients.dynamo, env.table);
    const pending = { ...sub('subscriber-c1', 'c1@example.com', 'pending' as const), confirmTokenHash: 'h1', confirmExpiresAt: '2026-11-22T00:00:00.000Z' };
    await repo.create(pending);
    expect((await repo.findByConfirmTokenHash('h1'))?.id).toBe('subscriber-c1');
    await repo.update({ ...pending, confirmTokenHash: 'h2' });
    expect(await repo.findByConfirmTokenHash('h1')).toBeUndefined();
    expect((await repo.findByConfirmTokenHash('h2'))?.id).toBe('subscriber-c1');
  });
});

describe('DynamoDigestLedger', () => {
  it('lets one sender claim a digest, and no second one', async () => {
    const ledger = new DynamoDigestLedger(env.clients.dynamo, env.table);
    expect(await ledger.claim('subscriber-l1', '2026-11-26', ['p1'], '2026-11-26T07:00:00.000Z')).toBe('claimed');
    expect(await ledger.claim('subscriber-l1', '2026-11-26', ['p1'], '2026-11-26T07:00:01.000Z')).toBe('in-flight');
    await ledger.markSent('subscriber-l1', '2026-11-26', 'm-1', '2026-11-26T07:00:02.000Z');
    // Even long after, a sent digest is never claimed again.
    expect(await ledger.claim('subscriber-l1', '2026-11-26', ['p1'], '2026-11-27T07:00:00.000Z')).toBe('done');
    expect([...(await ledger.sentPaperIds('subscriber-l1'))]).toEqual(['p1']);
  });

  it('keeps a digest in the ledger for LEDGER_KEEP_DAYS (the table\'s TTL attribute), far longer than any digest reads back', async () => {
    const ledger = new DynamoDigestLedger(env.clients.dynamo, env.table);
    await ledger.claim('subscriber-l9', '2026-11-26', ['p1'], '2026-11-26T07:00:00.000Z');
    await ledger.markSent('subscriber-l9', '2026-11-26', 'm-9', '2026-11-26T07:00:02.000Z');
    const out = await env.clients.dynamo.send(new GetCommand({ TableName: env.table, Key: { PK: 'SUB#subscriber-l9', SK: 'DIGEST#2026-11-26' } }));
    expect(out.Item!['expiresAt']).toBe(Date.parse('2026-11-26T07:00:00.000Z') / 1000 + LEDGER_KEEP_DAYS * 86_400);
    // A digest reads back at most MAX_JOB_AGE_DAYS + 1 days before its candidates' first sighting, and
    // candidates are listed within digest.windowDays (at most 60): a year of entries is far more than that.
    expect(MAX_JOB_AGE_DAYS + 1 + 60).toBeLessThan(LEDGER_KEEP_DAYS);
  });

  it('frees a claim whose send failed, and lets a stale claim of a crashed sender be taken over', async () => {
    const ledger = new DynamoDigestLedger(env.clients.dynamo, env.table, 60_000);
    expect(await ledger.claim('subscriber-l2', '2026-11-26', [], '2026-11-26T07:00:00.000Z')).toBe('claimed');
    await ledger.release('subscriber-l2', '2026-11-26');
    expect(await ledger.claim('subscriber-l2', '2026-11-26', [], '2026-11-26T07:00:10.000Z')).toBe('claimed');
    expect(await ledger.claim('subscriber-l2', '2026-11-26', [], '2026-11-26T07:00:30.000Z')).toBe('in-flight');
    expect(await ledger.claim('subscriber-l2', '2026-11-26', [], '2026-11-26T07:02:00.000Z')).toBe('claimed');
  });
});

describe('DynamoDigestLedger history', () => {
  it('counts papers a digest listed under "more" as shown, so a later digest does not send them', async () => {
    const ledger = new DynamoDigestLedger(env.clients.dynamo, env.table);
    expect(await ledger.claim('subscriber-l4', '2026-11-26', ['p1'], '2026-11-26T07:00:00.000Z', ['p2', 'p3'])).toBe('claimed');
    await ledger.markSent('subscriber-l4', '2026-11-26', 'm-4', '2026-11-26T07:00:01.000Z');
    expect([...(await ledger.sentPaperIds('subscriber-l4'))].sort()).toEqual(['p1', 'p2', 'p3']);
  });
});

describe('DynamoDigestLedger rejections', () => {
  it('records a permanent rejection as done, and its papers as never sent', async () => {
    const ledger = new DynamoDigestLedger(env.clients.dynamo, env.table);
    expect(await ledger.claim('subscriber-l3', '2026-11-26', ['p9'], '2026-11-26T07:00:00.000Z')).toBe('claimed');
    await ledger.markRejected('subscriber-l3', '2026-11-26', 'Email address is not verified.', '2026-11-26T07:00:01.000Z');
    expect(await ledger.claim('subscriber-l3', '2026-11-26', ['p9'], '2026-11-27T07:00:00.000Z')).toBe('done');
    expect([...(await ledger.sentPaperIds('subscriber-l3'))]).toEqual([]);
  });
});

describe('DynamoRateLimiter', () => {
  it('allows `limit` hits per fixed window, refuses the next with the seconds left, and starts afresh in the next window', async () => {
    const limiter = new DynamoRateLimiter(env.clients.dynamo, env.table);
    const t0 = new Date('2026-11-26T07:00:10.000Z');
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await limiter.hit('test:k1', 3, 3600, t0));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results[3]!.retryAfterSeconds).toBe(3600 - 10);
    // Another key has its own count.
    expect((await limiter.hit('test:k2', 3, 3600, t0)).allowed).toBe(true);
    // The next window counts from zero, whether or not TTL has removed the old one (dynalite never does).
    expect((await limiter.hit('test:k1', 3, 3600, new Date('2026-11-26T08:00:00.000Z'))).allowed).toBe(true);
  });

  it('never lets more than `limit` concurrent hits through', async () => {
    const limiter = new DynamoRateLimiter(env.clients.dynamo, env.table);
    const t = new Date('2026-11-26T09:00:00.000Z');
    const results = await Promise.all(Array.from({ length: 12 }, () => limiter.hit('test:burst', 5, 3600, t)));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
  });
});

describe('S3ObjectStore', () => {
  it('stores bodies byte for byte with their content type and cache control', async () => {
    const store = new S3ObjectStore(env.clients.s3, env.bucket);
    const body = '<title>ünïcödé — 📄 العربية &amp; ]]&gt;</title>';
    await store.put({ key: 'feeds/test.xml', body, contentType: 'application/rss+xml; charset=utf-8', cacheControl: 'public, max-age=300' });
    const got = await store.getObject('feeds/test.xml');
    expect(Buffer.from(got!.body).toString('utf8')).toBe(body);
    expect(got!.contentType).toBe('application/rss+xml; charset=utf-8');
    expect(got!.cacheControl).toBe('public, max-age=300');
    expect(await store.get('feeds/missing.xml')).toBeUndefined();
  });
});

describe('SesMailer', () => {
  it('sends through SES v2 with List-Unsubscribe headers, and the outbox keeps the message as sent', async () => {
    const mailer = new SesMailer(env.clients.ses, 'paperboy <digest@example.com>');
    const { messageId } = await mailer.send({
      to: 'reader@example.com',
      subject: 'Hello ✓',
      html: '<p>Hello</p>',
      text: 'Hello',
      headers: { 'List-Unsubscribe': '<https://example.com/api/unsubscribe?token=abc>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    });
    expect(messageId).not.toBe('');
    const files = (await readdir(join(env.dataDir, 'outbox'))).filter((f) => f.includes(messageId));
    expect(files).toHaveLength(1);
    const eml = await readFile(join(env.dataDir, 'outbox', files[0]!), 'utf8');
    expect(eml).toMatch(/^List-Unsubscribe: <https:\/\/example\.com\/api\/unsubscribe\?token=abc>$/m);
    expect(eml).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    expect(eml).toMatch(/^From: paperboy <digest@example\.com>$/m);
  });
});
