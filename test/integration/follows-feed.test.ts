/**
 * One reader, every kind of follow, end to end through the real handlers on the stand-ins: topic `llm`, the
 * keyword "speculative decoding" and one author. Their digest says why each paper is there; their private
 * feed holds exactly the digest's selection of the day, each item with the same reasons; once they
 * unsubscribe, the feed answers 404 or 410.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriberLinks, type Clock } from '@paperboy/core';
import { type Runtime } from '../../functions/commons/runtime.js';
import { makeHandler as makePlan } from '../../functions/plan-digests/index.js';
import { makeHandler as makeSend } from '../../functions/send-digests/index.js';
import { makeHandler as makePublish } from '../../functions/publish/index.js';
import { apiEvent, capturedMail, form } from '../support/api.js';
import { paper } from '../support/papers.js';
import { type StandIns } from '../support/stand-ins.js';
import { SITE, startApiRuntime } from '../support/api-runtime.js';

const SECRET = 'w'.repeat(40);
let env: StandIns;
let rt: Runtime;
let api: Awaited<ReturnType<typeof startApiRuntime>>['api'];
let now = new Date('2026-11-26T05:00:00.000Z');
const clock: Clock = { now: () => now };
const local = (url: string) => url.replace(SITE, '/');

beforeAll(async () => {
  ({ env, rt, api } = await startApiRuntime(clock, SECRET));
});
afterAll(async () => {
  await env?.stop();
});

describe('a reader of a topic, a keyword and an author', () => {
  it('gets a digest that says why, a private feed equal to its selection, and a dead feed after unsubscribing', async () => {
    const day = '2026-11-26';
    const put = (id: string, over: Parameters<typeof paper>[0] extends infer P ? Partial<P> : never) =>
      rt.papers.put(paper({ id, listedOn: day, firstSeenAt: `${day}T06:00:00.000Z`, updatedAt: `${day}T06:00:00.000Z`, ...over } as Parameters<typeof paper>[0]), undefined);
    await put('2611.20001', { title: 'Scaling laws for instruction tuning', tags: ['llm'], upvotes: 40 });
    await put('2611.20002', { title: 'Faster serving', abstract: 'We make speculative decoding cheaper on GPUs.', tags: ['efficiency'], upvotes: 30 });
    await put('2611.20003', { title: 'World models for robots', authors: ['Ada Lovelace', 'Grace Hopper'], tags: ['robotics'], upvotes: 20 });
    await put('2611.20004', { title: 'Speculative Decoding for LLMs', authors: ['G. Hopper'], tags: ['llm', 'efficiency'], upvotes: 50 });
    await put('2611.20005', { title: 'Seeing in the dark', tags: ['vision'], upvotes: 99 }); // followed by nothing of theirs
    await makePublish(rt)();

    const id = 'all-follows-reader';
    await rt.subscribers.create({ id, email: 'all@example.org', status: 'active', topics: ['llm'], frequency: 'daily', createdAt: now.toISOString(), confirmedAt: now.toISOString() });
    const links = subscriberLinks({ siteUrl: SITE, secret: SECRET }, id);
    const saved = await api(apiEvent('POST', local(links.preferencesUrl), form([['topics', 'llm'], ['keywords', 'speculative decoding'], ['authors', 'Grace Hopper'], ['frequency', 'daily']])));
    expect(saved.statusCode).toBe(200);

    now = new Date(`${day}T07:00:00.000Z`);
    await makePlan(rt, { startSender: async () => void (await makeSend(rt, { ratePerSecond: Infinity, waitForDeferred: false })({})) })();
    const [digest, ...more] = (await capturedMail(env.dataDir)).filter((m) => m.to.includes('all@example.org'));
    expect(more).toEqual([]);

    // Every entry says why it is there.
    const entries = [...digest!.text.matchAll(/^\d+\. (.+)\n(?:.*\n)*?Why: (.+)$/gm)].map((m) => [m[1], m[2]]);
    expect(entries).toEqual([
      ['Speculative Decoding for LLMs', 'topic Large language models · keyword “speculative decoding” · author Grace Hopper'],
      ['Scaling laws for instruction tuning', 'topic Large language models'],
      ['Faster serving', 'keyword “speculative decoding”'],
      ['World models for robots', 'author Grace Hopper'],
    ]);

    // The private feed, linked from the digest, holds exactly the day's selection, each item with its reasons.
    const feedUrl = /^JSON Feed: (\S+)$/m.exec(digest!.text)![1]!;
    const selection = await rt.ledger.sentPaperIds(id);
    const res = await api(apiEvent('GET', local(feedUrl)));
    expect(res.statusCode).toBe(200);
    const items = (JSON.parse(res.body!) as { items: { id: string; summary: string }[] }).items;
    expect(items.map((i) => i.id.replace('tag:paperboy,2024:paper/', '')).sort()).toEqual([...selection].sort());
    expect(items).toHaveLength(4);
    expect(items.every((i) => i.summary.startsWith('Why: '))).toBe(true);
    expect(items.find((i) => i.id.endsWith('2611.20003'))!.summary).toMatch(/^Why: author: Grace Hopper/);

    // Unsubscribed: the feed is gone.
    expect((await api(apiEvent('POST', local(links.unsubscribePostUrl), { body: 'List-Unsubscribe=One-Click', contentType: 'application/x-www-form-urlencoded' }))).statusCode).toBe(200);
    expect([404, 410]).toContain((await api(apiEvent('GET', local(feedUrl)))).statusCode);
  });
});
