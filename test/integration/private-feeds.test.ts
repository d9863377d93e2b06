/**
 * Private feeds through the real subscriptions handler, send-digests and publish, on the stand-ins: the feed
 * a confirmed reader of `llm` gets holds exactly what the digest selected that day, with the public feeds'
 * ids; the digest and the preferences page link the same feed; revoking gives a new URL and kills the old at
 * once; changed preferences change the feed under the same URL; unsubscribing ends it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Clock } from '@paperboy/core';
import { type Runtime } from '../../functions/commons/runtime.js';
import { makeHandler as makePlan } from '../../functions/plan-digests/index.js';
import { makeHandler as makeSend } from '../../functions/send-digests/index.js';
import { makeHandler as makePublish } from '../../functions/publish/index.js';
import { apiEvent, capturedMail, form, json } from '../support/api.js';
import { paper } from '../support/papers.js';
import { type StandIns } from '../support/stand-ins.js';
import { SITE, startApiRuntime } from '../support/api-runtime.js';
import { DomUtils, parseDocument } from 'htmlparser2';

let env: StandIns;
let rt: Runtime;
let api: Awaited<ReturnType<typeof startApiRuntime>>['api'];
let now = new Date('2026-11-26T06:30:00.000Z');
const clock: Clock = { now: () => now };

beforeAll(async () => {
  ({ env, rt, api } = await startApiRuntime(clock));
});
afterAll(async () => {
  await env?.stop();
});

const local = (url: string) => url.replace(SITE, '/');
const mailTo = async (address: string) => (await capturedMail(env.dataDir)).filter((m) => m.to.includes(address));

async function digestRun() {
  await makePlan(rt, { startSender: async () => void (await makeSend(rt, { ratePerSecond: Infinity, waitForDeferred: false })({})) })();
}

/** The feed at a URL as JSON Feed items (ids and summaries), or the status when it is not served. */
async function feedAt(url: string): Promise<{ status: number; ids: string[]; summaries: string[]; contentType?: string }> {
  const res = await api(apiEvent('GET', local(url)));
  if (res.statusCode !== 200) return { status: res.statusCode!, ids: [], summaries: [] };
  const type = String(res.headers?.['content-type']);
  if (!type.startsWith('application/feed+json')) return { status: 200, ids: [], summaries: [], contentType: type };
  const doc = JSON.parse(res.body!) as { items: { id: string; summary?: string }[] };
  return { status: 200, ids: doc.items.map((i) => i.id), summaries: doc.items.map((i) => i.summary ?? ''), contentType: type };
}

const guid = (id: string) => `tag:paperboy,2024:paper/${id}`;
const feedLinks = (text: string) => ({
  rss: /^RSS: (\S+)$/m.exec(text)?.[1],
  atom: /^Atom: (\S+)$/m.exec(text)?.[1],
  json: /^JSON Feed: (\S+)$/m.exec(text)?.[1],
});

describe('a private feed', () => {
  it('holds what the digest selected, with the public ids; follows revocation, preferences and unsubscribing', async () => {
    const day = '2026-11-26';
    const p = (id: string, tags: string[], upvotes: number, title = `Paper ${id}`, on = day) =>
      rt.papers.put(paper({ id, tags, upvotes, listedOn: on, firstSeenAt: `${on}T06:00:00.000Z`, updatedAt: `${on}T06:00:00.000Z`, title }), undefined);
    await p('2611.10001', ['llm'], 30);
    await p('2611.10002', ['llm', 'vision'], 12);
    await p('2611.10003', ['vision'], 99);
    await p('2611.10004', ['llm'], 3, 'Attention <b>bold</b> & more');
    await p('2611.10005', ['theory'], 1);
    await makePublish(rt)();

    // Subscribe, confirm with the page's button.
    expect((await api(apiEvent('POST', '/api/subscribe', { ...json({ email: 'reader@example.org', topics: ['llm'], frequency: 'daily' }), sourceIp: '203.0.113.30' }))).statusCode).toBe(202);
    const confirmUrl = /(https:\/\/papers\.example\.com\/api\/confirm\?token=[A-Za-z0-9_%-]+)/.exec((await mailTo('reader@example.org'))[0]!.text)![1]!;
    now = new Date('2026-11-26T06:40:00.000Z');
    const token = new URL(confirmUrl).searchParams.get('token')!;
    expect((await api(apiEvent('POST', '/api/confirm', form([['token', token]])))).statusCode).toBe(200);
    const subscriber = (await rt.subscribers.findByEmail('reader@example.org'))!;
    expect(subscriber.status).toBe('active');

    // The digest links the feed, in the footer's HTML and text, with its three formats; no address in any URL.
    now = new Date('2026-11-26T07:00:00.000Z');
    await digestRun();
    const digest = (await mailTo('reader@example.org'))[1]!;
    const links = feedLinks(digest.text);
    expect(links.rss && links.atom && links.json).toBeTruthy();
    for (const url of Object.values(links)) {
      expect(url).toMatch(/^https:\/\/papers\.example\.com\/api\/feed\/[A-Za-z0-9_-]{43}\?format=(rss|atom|json)$/);
      expect(url).not.toMatch(/reader|example\.org|@/);
      expect(url).not.toContain(subscriber.id);
      expect(digest.html).toContain(url!.replace(/&/g, '&amp;'));
    }
    const feedToken = new URL(links.json!).pathname.split('/').pop()!;
    // Stored only as its hash.
    const stored = (await rt.subscribers.get(subscriber.id))!;
    expect(JSON.stringify(stored)).not.toContain(feedToken);

    // The feed's items are exactly the papers the digest selected for that day (shown and counted), in the public feeds' order.
    const selected = await rt.ledger.sentPaperIds(subscriber.id);
    expect([...selected].sort()).toEqual(['2611.10001', '2611.10002', '2611.10004']);
    const feed = await feedAt(links.json!);
    expect(feed.status).toBe(200);
    expect(feed.ids).toEqual(['2611.10001', '2611.10002', '2611.10004'].map(guid));
    expect(feed.summaries.every((s) => s.startsWith('Why: topic: '))).toBe(true);
    // The same ids as the published public feed (s3rver), so a reader merges them.
    const publicIds = new Set((JSON.parse((await rt.objects.get('feeds/all.json'))!) as { items: { id: string }[] }).items.map((i) => i.id));
    for (const id of feed.ids) expect(publicIds.has(id)).toBe(true);
    // RSS and Atom too.
    const rss = await api(apiEvent('GET', local(links.rss!)));
    expect(rss.statusCode).toBe(200);
    expect(rss.headers?.['content-type']).toBe('application/rss+xml; charset=utf-8');
    expect([...rss.body!.matchAll(/<guid isPermaLink="false">([^<]+)<\/guid>/g)].map((m) => m[1])).toEqual(feed.ids);
    expect(rss.body).toContain('<title>Attention &lt;b&gt;bold&lt;/b&gt; &amp; more</title>');
    const atom = await api(apiEvent('GET', local(links.atom!)));
    expect(atom.headers?.['content-type']).toBe('application/atom+xml; charset=utf-8');
    expect([...atom.body!.matchAll(/<entry>\s*<id>([^<]+)<\/id>/g)].map((m) => m[1])).toEqual(feed.ids);
    expect(rss.headers?.['cache-control']).toBe('private, max-age=300');
    // A HEAD, as CloudFront passes one it has no copy for, is answered as the GET.
    const head = await api(apiEvent('HEAD', local(links.rss!)));
    expect([head.statusCode, head.headers?.['content-type']]).toEqual([200, rss.headers?.['content-type']]);

    // A second digest (the next day, or a retry) links the same feed: the token is issued once.
    now = new Date('2026-11-27T07:00:00.000Z');
    await p('2611.10006', ['llm'], 8, 'Paper 2611.10006', '2026-11-27');
    // As deployed: ingest stores the day, publish publishes it (the private feeds show the published window), then the digest.
    await makePublish(rt)();
    await digestRun();
    const second = (await mailTo('reader@example.org'))[2]!;
    expect(feedLinks(second.text)).toEqual(links);

    // The preferences page shows the same feed, and a button for a new address.
    const prefsUrl = /^(https:\/\/papers\.example\.com\/api\/preferences\?token=\S+)$/m.exec(digest.text)![1]!;
    const prefs = await api(apiEvent('GET', local(prefsUrl)));
    expect(prefs.statusCode).toBe(200);
    expect(prefs.body).toContain(links.json!.replace(/&/g, '&amp;'));

    // Changed preferences change the feed, at the same URL.
    const saved = await api(apiEvent('POST', local(prefsUrl), form([['topics', 'llm'], ['topics', 'vision'], ['frequency', 'daily']])));
    expect(saved.statusCode).toBe(200);
    expect((await feedAt(links.json!)).ids).toEqual(['2611.10006', '2611.10003', '2611.10001', '2611.10002', '2611.10004'].map(guid));

    // Revoking: the page's button posts action=new-feed-url; the old URL answers 404 at once, the new one 200.
    const doc = parseDocument(prefs.body!, { decodeEntities: true });
    const revokeForm = DomUtils.findAll((e) => e.name === 'form', doc.children).find((f) => DomUtils.findAll((e) => e.name === 'input' && e.attribs.value === 'new-feed-url', f.children).length > 0)!;
    expect(revokeForm.attribs.method).toBe('post');
    const revoked = await api(apiEvent('POST', new URL(revokeForm.attribs.action!, prefsUrl).pathname + new URL(revokeForm.attribs.action!, prefsUrl).search, form([['action', 'new-feed-url']])));
    expect(revoked.statusCode).toBe(200);
    const newJson = /href="(https:\/\/papers\.example\.com\/api\/feed\/[A-Za-z0-9_-]{43}\?format=json)"/.exec(revoked.body!)![1]!;
    expect(newJson).not.toBe(links.json);
    for (const url of Object.values(links)) expect([404, 410]).toContain((await feedAt(url!)).status);
    expect((await feedAt(newJson)).status).toBe(200);
    // The next digest links the new one.
    now = new Date('2026-11-28T07:00:00.000Z');
    await p('2611.10007', ['vision'], 2, 'Paper 2611.10007', '2026-11-28');
    await digestRun();
    expect(feedLinks((await mailTo('reader@example.org'))[3]!.text).json).toBe(newJson);

    // Unsubscribing ends the feed.
    const unsubscribeUrl = /^(https:\/\/papers\.example\.com\/api\/unsubscribe\?token=\S+)$/m.exec(digest.text)![1]!;
    expect((await api(apiEvent('POST', local(unsubscribeUrl), { body: 'List-Unsubscribe=One-Click', contentType: 'application/x-www-form-urlencoded' }))).statusCode).toBe(200);
    expect([404, 410]).toContain((await feedAt(newJson)).status);
  });

  it('answers a bad token 404 and a bad format 400, with a message', async () => {
    expect((await api(apiEvent('GET', '/api/feed/nope?format=json'))).statusCode).toBe(404);
    expect((await api(apiEvent('GET', `/api/feed/${'A'.repeat(43)}?format=json`))).statusCode).toBe(404);
    expect((await api(apiEvent('GET', `/api/feed/${'A'.repeat(43)}/more?format=json`))).statusCode).toBe(404);
    const bad = await api(apiEvent('GET', `/api/feed/${'A'.repeat(43)}?format=html`));
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toBe('format must be one of rss, atom, json');
  });

  it('redirects the first form of the address (/api/feed?token=…) for good, to the same format', async () => {
    const token = 'A'.repeat(43);
    const moved = await api(apiEvent('GET', `/api/feed?token=${token}&format=atom`));
    expect(moved.statusCode).toBe(301);
    expect(moved.headers?.location).toBe(`${SITE}api/feed/${token}?format=atom`);
    expect((await api(apiEvent('GET', `/api/feed?token=${token}`))).headers?.location).toBe(`${SITE}api/feed/${token}?format=rss`);
    // Nothing to redirect: no token, or one no token could be.
    expect((await api(apiEvent('GET', '/api/feed'))).statusCode).toBe(404);
    expect((await api(apiEvent('GET', '/api/feed?token=a%2Fb%3Fc'))).statusCode).toBe(404);
    expect((await api(apiEvent('GET', `/api/feed?token=${token}&format=html`))).statusCode).toBe(400);
  });
});
