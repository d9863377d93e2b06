/** The Lambda handlers, wired by their composition root to the real stand-ins, invoked with Lambda event shapes. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { addDays, anchorId, isoWeek, searchBucket, SEARCH_BUCKETS, SITE_PATHS, type AppConfig, type Clock, type EmailMessage, type Mailer } from '@paperboy/core';
import { comparePapers } from '@paperboy/feeds';
import { buildRuntime, type Runtime } from '../../functions/commons/runtime.js';
import { makeHandler as makeIngest } from '../../functions/ingest/index.js';
import { makeHandler as makePublish } from '../../functions/publish/index.js';
import { makeHandler as makePlan } from '../../functions/plan-digests/index.js';
import { makeHandler as makeSend } from '../../functions/send-digests/index.js';
import { PlannedJobs } from '../../packages/local/src/runner.js';
import { DynamoDigestJobStore } from '@paperboy/aws';
import { startStandIns, type StandIns } from '../support/stand-ins.js';
import { paper } from '../support/papers.js';
import { checkLinks } from '../../packages/local/src/simulate/link-check.js';
import { projectConfig } from '../support/config.js';

const silent = { info() {}, warn() {}, error() {} };
let env: StandIns;
let config: AppConfig;

function fixedClock(iso: string): Clock & { set(iso: string): void } {
  let now = new Date(iso);
  return { now: () => now, set: (t) => (now = new Date(t)) };
}

beforeAll(async () => {
  env = await startStandIns();
  const base = projectConfig('x'.repeat(40));
  config = { ...base, tableName: env.table, bucketName: env.bucket, endpoints: env.services.endpoints, siteUrl: 'https://papers.example.com/' };
});
afterAll(async () => {
  await env?.stop();
});

const outboxCount = async () => (await readdir(join(env.dataDir, 'outbox'))).length;
// The clock here stands still: the pacer's and retries' waits are counted, not slept, and a job that failed is reported, not waited for.
const noWait = { sleep: async () => {}, waitForDeferred: false };

describe('ingest, publish and digest handlers', () => {
  let rt: Runtime;
  const clock = fixedClock('2026-11-26T06:00:00.000Z');

  beforeAll(() => {
    rt = buildRuntime(config, { clock, logger: silent });
  });

  it('ingests the bundled snapshot once; a second run writes nothing', async () => {
    const ingest = makeIngest(rt);
    const first = await ingest({});
    expect(first.totals).toMatchObject({ received: 53, new: 53, updated: 0, skipped: 0, failedSources: 0 });
    clock.set('2026-11-26T06:30:00.000Z');
    const second = await ingest({});
    expect(second.totals).toMatchObject({ received: 53, new: 0, updated: 0, unchanged: 53 });
    const stored = await rt.papers.get(first.sources[0]!.counts!.newIds[0]!);
    // The first sighting is kept: a re-run does not make old papers new again.
    expect(stored?.firstSeenAt).toBe('2026-11-26T06:00:00.000Z');
  });

  it('publishes every object once, then uploads nothing when nothing changed', async () => {
    const publish = makePublish(rt);
    const first = await publish();
    expect(first.uploaded).toBe(first.objects);
    expect(first.objects).toBeGreaterThan(18 * 3);
    expect(first.daysRead).toBe(1);
    const second = await publish();
    // Unchanged: nothing uploaded, and no day or week read or rendered again (its revision has not moved), nor its
    // month's search index (only the page and the list of months are rendered each time).
    const monthIndex = first.uploadedKeys.filter((k) => k.startsWith('search/') && !['search/index.html', 'search/index.json'].includes(k)).length;
    expect(monthIndex).toBeGreaterThan(3);
    expect(second).toMatchObject({ uploaded: 0, unchanged: second.objects, daysRead: 0, daysRendered: 0, weeksRendered: 0 });
    expect(first).toMatchObject({ daysRendered: 1, weeksRendered: 1 });
    // 53 papers on one day, feeds.maxItems 50: a feed never cuts a day, so it holds all 53 in feed order
    // (upvotes first, then the page's order), and so does the day's page.
    const stored = await rt.papers.listListedSince('0000-00-00');
    expect(stored).toHaveLength(53);
    expect(stored.length).toBeGreaterThan(config.owner.feeds.maxItems);
    const json = JSON.parse((await rt.objects.get('feeds/all.json'))!) as { items: { _paperboy: { paper_id: string } }[] };
    expect(json.items.map((i) => i._paperboy.paper_id)).toEqual([...stored].sort(comparePapers).map((p) => p.id));
    const dayPage = (await rt.objects.get(`days/${stored[0]!.listedOn}/index.html`))!;
    expect([...dayPage.matchAll(/<li class="card" id="([^"]+)"/g)].map((m) => m[1])).toEqual([...stored].sort(comparePapers).map((p) => anchorId(p.id)));
    expect(await rt.objects.get('days/index.html')).toContain(`(53 papers)`);
    const feed = await rt.objects.getObject('feeds/all.xml');
    expect(feed?.contentType).toBe('application/rss+xml; charset=utf-8');
    expect(Buffer.from(feed!.body).toString('utf8')).toContain('https://papers.example.com/feeds/all.xml');
  });

  it('stores every object with its content type, a short cache lifetime and its content hash', async () => {
    const manifest = JSON.parse((await rt.objects.get('_paperboy/manifest.json'))!) as Record<string, string>;
    // Every public key; the manifest also vouches for publish's own pending record.
    const keys = Object.keys(manifest).filter((k) => !k.startsWith('_paperboy/'));
    expect(keys).toContain('index.html');
    expect(keys).toContain('feeds/index.opml');
    const want: Array<[RegExp, string, string]> = [
      [/^search\/.*\.json$/, 'application/json; charset=utf-8', 'public, max-age=60'],
      [/\.xml$/, 'application/rss+xml; charset=utf-8', 'public, max-age=300'],
      [/\.atom$/, 'application/atom+xml; charset=utf-8', 'public, max-age=300'],
      [/\.json$/, 'application/feed+json; charset=utf-8', 'public, max-age=300'],
      [/\.opml$/, 'text/x-opml; charset=utf-8', 'public, max-age=300'],
      [/\.html$/, 'text/html; charset=utf-8', 'public, max-age=60'],
    ];
    for (const key of keys) {
      const rule = want.find(([re]) => re.test(key));
      expect(rule, key).toBeDefined();
      // HEAD, as CloudFront and readers see it: the stored headers, not what we meant to send.
      const head = await rt.clients.s3.send(new HeadObjectCommand({ Bucket: config.bucketName, Key: key }));
      expect([head.ContentType, head.CacheControl], key).toEqual([rule![1], rule![2]]);
      expect(head.Metadata?.['content-sha256'], key).toBe(manifest[key]);
    }
    const topicCount = config.taxonomy.topics.length;
    const stored = await rt.papers.listListedSince('0000-00-00');
    const day = stored[0]!.listedOn;
    const week = isoWeek(day);
    const withPapers = config.taxonomy.topics.filter((t) => stored.some((p) => p.tags.includes(t.slug)));
    // All-papers feeds, OPML, home page, one day page and the archive, four objects per topic, the week's
    // page and the week's page of each topic that has papers.
    const site = keys.filter((k) => !k.startsWith('search/'));
    expect(site).toHaveLength(3 + 1 + 1 + 2 + topicCount * 4 + 1 + withPapers.length);
    expect(keys).toContain(`weeks/${week}/index.html`);
    for (const t of withPapers) expect(keys).toContain(`topics/${t.slug}/weeks/${week}/index.html`);
    // Each paper's own page is vouched for by its day's record, not the manifest (which would grow with the archive).
    const record = (JSON.parse((await rt.objects.get(`_paperboy/papers/${day}.json`))!) as { pages: Record<string, string> }).pages;
    expect(Object.keys(record).sort()).toEqual(stored.map((p) => SITE_PATHS.paper(p.id)).sort());
    for (const [key, hash] of Object.entries(record)) {
      const head = await rt.clients.s3.send(new HeadObjectCommand({ Bucket: config.bucketName, Key: key }));
      expect([head.ContentType, head.CacheControl, head.Metadata?.['content-sha256']], key).toEqual(['text/html; charset=utf-8', 'public, max-age=60', hash]);
    }
    // Search: its page, the list of months, the day's 53 papers in chunks of 25, and the month's term buckets.
    const search = keys.filter((k) => k.startsWith('search/')).sort();
    expect(search.filter((k) => !k.startsWith('search/m/'))).toEqual([0, 1, 2].map((k) => `search/d/${day}/${k}.json`).concat(['search/index.html', 'search/index.json']));
    expect(search.filter((k) => k.startsWith('search/m/'))).toEqual(Array.from({ length: SEARCH_BUCKETS }, (_, b) => `search/m/${day.slice(0, 7)}/t-${b}.json`).sort());
  });

  it('after one paper changes, uploads only the objects that show it (and those dated by the newest change)', async () => {
    // The first paper of the all-papers feed, so that it is on every page that lists the latest.
    const feed = JSON.parse((await rt.objects.get('feeds/all.json'))!) as { items: { _paperboy: { paper_id: string } }[] };
    const paper = (await rt.papers.get(feed.items[0]!._paperboy.paper_id))!;
    const tagged = new Set(paper.tags);
    expect(tagged.size).toBeGreaterThan(0);
    clock.set('2026-11-26T07:00:00.000Z');
    const changed = { ...paper, title: `${paper.title} (v2)`, updatedAt: clock.now().toISOString(), contentHash: `${paper.contentHash}-v2` };
    expect(await rt.papers.put(changed, paper)).toBe(true);
    const before = await rt.clients.s3.send(new HeadObjectCommand({ Bucket: config.bucketName, Key: 'feeds/all.xml' }));

    const result = await makePublish(rt)();
    // Empty topics' feeds and the OPML carry the newest change anywhere as their updated time.
    const empty = new Set<string>();
    for (const t of config.taxonomy.topics) if ((await rt.papers.countMemberships(t.slug)) === 0) empty.add(t.slug);
    const week = isoWeek(paper.listedOn);
    // Its day's other papers' pages may list it as related.
    const sameDay = new Set((await rt.papers.listDay(paper.listedOn)).map((p) => SITE_PATHS.paper(p.id)));
    const allowed = (key: string) => {
      const slug = /^(?:topics\/([^/]+)\/index\.html|feeds\/topics\/([^.]+)\.\w+|topics\/([^/]+)\/weeks\/[^/]+\/index\.html)$/.exec(key);
      if (slug?.[3]) return tagged.has(slug[3]) && key === SITE_PATHS.topicWeek(slug[3], week);
      if (slug) return tagged.has(slug[1] ?? slug[2]!) || empty.has(slug[1] ?? slug[2]!);
      if (sameDay.has(key)) return true;
      // Search: the chunk that holds the paper and the bucket of its new word "v2".
      if (key === `search/m/${paper.listedOn.slice(0, 7)}/t-${searchBucket('v2', SEARCH_BUCKETS)}.json` || key.startsWith(`search/d/${paper.listedOn}/`)) return true;
      return ['index.html', 'feeds/index.opml', 'feeds/all.xml', 'feeds/all.atom', 'feeds/all.json', `days/${paper.listedOn}/index.html`, SITE_PATHS.week(week)].includes(key);
    };
    expect(result.uploadedKeys.filter((k) => k.startsWith('search/'))).toHaveLength(2);
    expect(result.uploadedKeys.filter((k) => !allowed(k))).toEqual([]);
    for (const key of ['index.html', 'feeds/all.xml', 'feeds/all.atom', 'feeds/all.json', `days/${paper.listedOn}/index.html`, SITE_PATHS.paper(paper.id), SITE_PATHS.week(week)]) {
      expect(result.uploadedKeys).toContain(key);
    }
    for (const slug of tagged) expect(result.uploadedKeys).toContain(SITE_PATHS.topicWeek(slug, week));
    expect(await rt.objects.get(SITE_PATHS.paper(paper.id))).toContain(`${paper.title} (v2)`);
    expect(result.daysRead).toBe(1);
    for (const slug of tagged) expect(result.uploadedKeys).toContain(`feeds/topics/${slug}.atom`);
    expect(result.uploaded).toBeLessThan(result.objects / 2);
    const after = await rt.clients.s3.send(new HeadObjectCommand({ Bucket: config.bucketName, Key: 'feeds/all.xml' }));
    expect(after.ETag).not.toBe(before.ETag);
    expect(Buffer.from((await rt.objects.getObject('feeds/all.xml'))!.body).toString('utf8')).toContain(`${paper.title} (v2)`);
    // And then nothing again.
    expect(await makePublish(rt)()).toMatchObject({ uploaded: 0, daysRead: 0 });
  });

  it('a new listing day reads only that day and its neighbour, links them both ways, and keeps the old day whole', async () => {
    const old = (await rt.papers.listListedSince('0000-00-00'))[0]!.listedOn;
    const day = addDays(old, 1);
    for (const id of ['2611.90001', '2611.90002']) expect(await rt.papers.put(paper({ id, listedOn: day, tags: ['llm'] }), undefined)).toBe(true);
    const result = await makePublish(rt)();
    // The new day and the day before it (its next-day link moved); their weeks hold no other day.
    expect(result.daysRead).toBe(2);
    expect(result.daysRendered).toBe(2);
    expect(result.uploadedKeys).toEqual(expect.arrayContaining([`days/${day}/index.html`, `days/${old}/index.html`, 'days/index.html', SITE_PATHS.week(isoWeek(day))]));
    // Of the paper pages, only the new day's: the old day's page is rendered again (its next-day link moved), its papers' pages are not.
    expect(result.uploadedKeys.filter((k) => k.startsWith('papers/')).sort()).toEqual(['2611.90001', '2611.90002'].map((id) => SITE_PATHS.paper(id)));
    expect(await rt.objects.get(`days/${old}/index.html`)).toContain(`href="../../days/${day}/index.html"`);
    expect(await rt.objects.get(`days/${day}/index.html`)).toContain(`href="../../days/${old}/index.html"`);
    const archive = (await rt.objects.get('days/index.html'))!;
    expect(archive).toContain('(2 papers)');
    expect(archive).toContain('(53 papers)');
    // The feed now holds the new day (2 papers) and, to reach feeds.maxItems, the old day whole.
    const json = JSON.parse((await rt.objects.get('feeds/all.json'))!) as { items: unknown[] };
    expect(json.items).toHaveLength(55);
    expect(await makePublish(rt)()).toMatchObject({ uploaded: 0, daysRead: 0 });
  });

  it('sends a due digest exactly once, even when the day is planned twice and two senders start at once', async () => {
    const now = clock.now().toISOString();
    await rt.subscribers.create({ id: 'subscriber-d1', email: 'd1@example.com', status: 'active', topics: ['llm', 'efficiency'], frequency: 'daily', createdAt: now, confirmedAt: now });
    const planned = new PlannedJobs();
    await makePlan(rt, { jobs: planned, startSender: async () => {} })();
    expect(planned.jobs).toEqual([{ subscriberId: 'subscriber-d1', period: '2026-11-26', day: '2026-11-26' }]);

    const before = await outboxCount();
    const send = makeSend(rt, noWait);
    const startTwo = async () => void (await Promise.all([send({}), send({})]));
    // The scheduler's retry of a plan that had already stored its jobs: the jobs again, two senders each time.
    await makePlan(rt, { startSender: startTwo })();
    await makePlan(rt, { startSender: startTwo })();
    expect(await outboxCount()).toBe(before + 1);
    expect(await new DynamoDigestJobStore(rt.clients.dynamo, config.tableName).pending(10)).toEqual([]);
  });

  it('retries a throttled send in line at the pacer, and sends it once', async () => {
    const now = clock.now().toISOString();
    await rt.subscribers.create({ id: 'subscriber-d2', email: 'd2@example.com', status: 'active', topics: ['vision', 'llm'], frequency: 'weekly', createdAt: now, confirmedAt: now });
    let failNext = true;
    const flaky: Mailer = {
      // SES throttling cannot be produced by the stand-in; this wrapper forces it once around the real mailer.
      send: async (m) => {
        if (failNext) {
          failNext = false;
          throw Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'TooManyRequestsException' });
        }
        return rt.mailer.send(m);
      },
    };
    await new DynamoDigestJobStore(rt.clients.dynamo, config.tableName).add([{ subscriberId: 'subscriber-d2', period: '2026-W48' }]);
    const before = await outboxCount();
    const summary = await makeSend({ ...rt, mailer: flaky as Runtime['mailer'] }, noWait)({});
    expect(summary).toMatchObject({ throttles: 1, deferred: 0, gaveUp: 0, stop: 'empty' });
    expect(summary.outcomes.sent).toBe(1);
    expect(await outboxCount()).toBe(before + 1);
  });

  it('links everything it publishes and mails to something that exists; "more" leads to the day page that shows the rest', async () => {
    // A subscriber on every topic: far more papers than digest.maxPapers.
    const now = clock.now().toISOString();
    const topics = config.taxonomy.topics.map((t) => t.slug);
    await rt.subscribers.create({ id: 'subscriber-links', email: 'links@example.com', status: 'active', topics, frequency: 'daily', createdAt: now, confirmedAt: now });
    const sent: EmailMessage[] = [];
    const capture: Mailer = { send: async (m) => (sent.push(m), rt.mailer.send(m)) };
    const job = { subscriberId: 'subscriber-links', period: '2026-11-26', day: '2026-11-26' };
    await new DynamoDigestJobStore(rt.clients.dynamo, config.tableName).add([job]);
    expect((await makeSend({ ...rt, mailer: capture as Runtime['mailer'] }, noWait)({})).outcomes.sent).toBe(1);
    expect(sent).toHaveLength(1);
    const ledger = await rt.clients.dynamo.send(new GetCommand({ TableName: config.tableName, Key: { PK: 'SUB#subscriber-links', SK: 'DIGEST#2026-11-26' } }));
    const shown = ledger.Item!.paperIds as string[];
    const more = ledger.Item!.moreIds as string[];
    expect(shown).toHaveLength(config.owner.digest.maxPapers);
    // Every paper new to the subscriber (first seen within a day before confirming) is either shown or counted
    // by "more", and each day counted has a link to the page that shows it.
    const since = new Date(Date.parse(now) - 86_400_000).toISOString();
    const eligible = (await rt.papers.listListedSince('0000-00-00')).filter((p) => p.firstSeenAt > since).map((p) => p.id);
    expect(eligible).toHaveLength(53);
    expect([...shown, ...more].sort()).toEqual(eligible.sort());
    for (const id of more) {
      const { listedOn } = (await rt.papers.get(id))!;
      expect(sent[0]!.html).toContain(`href="${config.siteUrl}days/${listedOn}/index.html"`);
      expect(await rt.objects.get(`days/${listedOn}/index.html`)).toContain(`id="${anchorId(id)}"`);
    }

    const objects = new Map<string, { contentType: string; body: string }>();
    const listed = await rt.clients.s3.send(new ListObjectsV2Command({ Bucket: config.bucketName }));
    for (const { Key } of listed.Contents ?? []) {
      const object = (await rt.objects.getObject(Key!))!;
      objects.set(Key!, { contentType: object.contentType ?? '', body: Buffer.from(object.body).toString('utf8') });
    }
    expect(objects.size).toBeLessThan(1000); // one page of the listing holds every object
    const result = checkLinks({ siteUrl: config.siteUrl, objects, emails: sent.map((m, i) => ({ name: `digest-${i}`, html: m.html, text: m.text })) });
    expect(result.broken).toEqual([]);
    expect(result.checked).toBeGreaterThan(1000);
  });

  it('sends nothing the next day when no new paper came in', async () => {
    clock.set('2026-11-27T07:00:00.000Z');
    const before = await outboxCount();
    await makePlan(rt, { startSender: async () => void (await makeSend(rt, noWait)({})) })();
    expect(await outboxCount()).toBe(before);
  });
});
