/**
 * Private feeds behind the edge, as deployed: the local gateway keeps `/api/feed/*` as CloudFront's cache
 * policy does (a day, keyed on the path and `format`), and the real CloudFront adapter invalidates it
 * through the CloudFront stand-in. A reader polling again is answered from the edge; every change that
 * must show at once (publish, new preferences, a new address, unsubscribing, suppression) does, because
 * its use case invalidated the feed. A change stored without the use case stays hidden behind the cache,
 * which shows what the invalidations do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import {
  ensureFeedToken,
  EDGE_LOG,
  newSubscriberId,
  PRIVATE_FEED_EDGE,
  privateFeedUrls,
  subscriberLinks,
  type AppConfig,
  type Subscriber,
} from '@paperboy/core';
import { buildRuntime, type Runtime } from '../../functions/commons/runtime.js';
import { makeHandler as makePublish } from '../../functions/publish/index.js';
import { makeHandler as makeSesEvents } from '../../functions/ses-events/index.js';
import { makeHandler as makeApi } from '../../functions/subscriptions/index.js';
import { LocalSignupQueue } from '../../packages/local/src/signup-queue.js';
import { apiEvent } from '../../packages/local/src/api-event.js';
import { sesEventBridgeEventOf } from '../../functions/commons/events.js';
import { startGateway } from '../../packages/local/src/gateway.js';
import { LOCAL_DISTRIBUTION_ID, type LocalEdgeCache } from '../../packages/local/src/edge.js';
import { startStandIns, type StandIns } from '../support/stand-ins.js';
import { projectConfig } from '../support/config.js';
import { paper } from '../support/papers.js';

const silent = { info() {}, warn() {}, error() {} };
let now = new Date('2026-11-26T06:00:00.000Z');
const clock = { now: () => new Date(now) };
let env: StandIns;
let rt: Runtime;
let edge: LocalEdgeCache;
let server: Server;
let site: string;

beforeAll(async () => {
  env = await startStandIns();
  edge = env.services.edge!;
  // The gateway's own URL is the site URL, so every link the pages write can be followed through it.
  const base = projectConfig();
  const config: AppConfig = { ...base, tableName: env.table, bucketName: env.bucket, endpoints: env.services.endpoints, distributionId: LOCAL_DISTRIBUTION_ID };
  rt = buildRuntime(config, { clock, logger: silent });
  ({ server, url: site } = await startGateway({ config, rt, services: env.services, close: async () => {} }, 0));
  rt.config.siteUrl = site;
});
afterAll(async () => {
  server?.close();
  await env?.stop();
});

const at = (path: string) => new URL(path, site).toString();
async function poll(url: string): Promise<{ status: number; ids: string[] }> {
  const res = await fetch(url);
  const body = await res.text();
  if (res.status !== 200) return { status: res.status, ids: [] };
  return { status: 200, ids: (JSON.parse(body) as { items: { id: string }[] }).items.map((i) => i.id.replace(/^.*paper\//, '')) };
}
const form = (fields: [string, string][]) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });

async function subscriber(email: string, topics: string[]): Promise<{ s: Subscriber; json: string }> {
  const s: Subscriber = { id: newSubscriberId(), email, status: 'active', topics, frequency: 'daily', createdAt: now.toISOString(), confirmedAt: now.toISOString() };
  await rt.subscribers.create(s);
  const token = (await ensureFeedToken(s, { subscribers: rt.subscribers, feedTokens: rt.feedTokens, secret: await rt.secret(), randomBytes: rt.randomBytes }))!;
  return { s, json: privateFeedUrls(site, token).json };
}

const put = (id: string, tags: string[], day = '2026-11-26') =>
  rt.papers.put(paper({ id, tags, listedOn: day, firstSeenAt: `${day}T06:00:00.000Z`, updatedAt: `${day}T06:00:00.000Z` }), undefined);

describe('private feeds at the edge', () => {
  it('are answered from the edge between changes, and every change shows at once', async () => {
    await put('2611.20001', ['llm']);
    await put('2611.20002', ['vision']);
    await makePublish(rt)();
    const reader = await subscriber('edge-reader@example.org', ['llm']);

    // The first poll reaches the function; the next ones, whatever else the query holds, are the edge's copy.
    const before = { ...edge.stats };
    expect(await poll(reader.json)).toEqual({ status: 200, ids: ['2611.20001'] });
    expect(await poll(reader.json)).toEqual({ status: 200, ids: ['2611.20001'] });
    expect(await poll(`${reader.json}&utm_source=reader`)).toEqual({ status: 200, ids: ['2611.20001'] });
    expect(edge.stats.misses - before.misses).toBe(1);
    expect(edge.stats.hits - before.hits).toBe(2);

    // A paper stored by ingest shows after publish, which invalidates every feed, and not before.
    now = new Date('2026-11-26T20:00:00.000Z');
    await put('2611.20003', ['llm'], '2026-11-27');
    expect((await poll(reader.json)).ids).toEqual(['2611.20001']);
    await makePublish(rt)();
    expect((await poll(reader.json)).ids).toEqual(['2611.20003', '2611.20001']);

    // New preferences, through the page's form: the feed follows them at once, at the same address.
    const { preferencesUrl, unsubscribeUrl } = subscriberLinks({ siteUrl: site, secret: await rt.secret() }, reader.s.id);
    const saved = await fetch(preferencesUrl, form([['topics', 'llm'], ['topics', 'vision'], ['frequency', 'daily']]));
    expect(saved.status).toBe(200);
    expect((await poll(reader.json)).ids).toEqual(['2611.20003', '2611.20001', '2611.20002']);

    // A new address: the old one answers 404 at once, through the edge that held it; the new one is served.
    const page = await (await fetch(preferencesUrl, form([['action', 'new-feed-url']]))).text();
    const fresh = /href="([^"]+\/api\/feed\/[A-Za-z0-9_-]{43}\?format=json)"/.exec(page)![1]!;
    expect(fresh).not.toBe(reader.json);
    expect((await poll(reader.json)).status).toBe(404);
    expect((await poll(fresh)).status).toBe(200);

    // Unsubscribing (RFC 8058 one-click): the feed ends at once.
    expect((await poll(fresh)).status).toBe(200);
    expect((await fetch(unsubscribeUrl, form([['List-Unsubscribe', 'One-Click']]))).status).toBe(200);
    expect([404, 410]).toContain((await poll(fresh)).status);
  });

  it('ends a suppressed address\'s feed at once (ses-events invalidates it)', async () => {
    const reader = await subscriber('bounces@example.org', ['llm']);
    expect((await poll(reader.json)).status).toBe(200);
    const message = {
      eventType: 'Bounce' as const,
      mail: { timestamp: now.toISOString(), messageId: 'edge-bounce-1', source: 'digest@example.com', destination: ['bounces@example.org'] },
      bounce: { bounceType: 'Permanent' as const, bounceSubType: 'General', bouncedRecipients: [{ emailAddress: 'bounces@example.org' }], timestamp: now.toISOString() },
    };
    expect((await makeSesEvents(rt)(sesEventBridgeEventOf(message))).suppressed).toBe(1);
    expect([404, 410]).toContain((await poll(reader.json)).status);
  });

  it('keeps serving its copy when a change skips the use case: the invalidations are what end a feed', async () => {
    const reader = await subscriber('bypass@example.org', ['llm']);
    expect((await poll(reader.json)).status).toBe(200);
    // Unsubscribed in the table directly, with no invalidation: the edge still has the feed, for up to its TTL.
    await rt.subscribers.update({ ...(await rt.subscribers.get(reader.s.id))!, status: 'unsubscribed', feedKey: undefined, feedTokenHash: undefined });
    expect((await poll(reader.json)).status).toBe(200);
    now = new Date(now.getTime() + (PRIVATE_FEED_EDGE.ttlSeconds - 60) * 1000);
    expect((await poll(reader.json)).status).toBe(200);
    now = new Date(now.getTime() + 120 * 1000);
    expect((await poll(reader.json)).status).toBe(404);
  });

  it('logs a failed invalidation without failing the change it follows, and never logs the feed\'s address', async () => {
    const errors: [string, Record<string, unknown> | undefined][] = [];
    const logger = { info() {}, warn() {}, error: (message: string, extra?: Record<string, unknown>) => void errors.push([message, extra]) };
    // A distribution the stand-in does not know: CloudFront answers NoSuchDistribution.
    const wrong = buildRuntime({ ...rt.config, distributionId: 'E0NOSUCHDIST' }, { clock, logger });
    const reader = await subscriber('unlucky@example.org', ['llm']);
    const { unsubscribeUrl } = subscriberLinks({ siteUrl: site, secret: await rt.secret() }, reader.s.id);
    const api = makeApi(wrong, new LocalSignupQueue(wrong));
    const res = await api(apiEvent('POST', new URL(unsubscribeUrl).pathname + new URL(unsubscribeUrl).search, { body: 'List-Unsubscribe=One-Click', contentType: 'application/x-www-form-urlencoded' }));
    expect(res.statusCode).toBe(200);
    expect((await rt.subscribers.get(reader.s.id))!.status).toBe('unsubscribed');
    expect(errors.map(([m]) => m)).toEqual([EDGE_LOG]);
    expect(errors[0]![1]).toMatchObject({ paths: 1, everyFeed: false });
    expect(String(errors[0]![1]!.error)).toMatch(/NoSuchDistribution/);
    const token = new URL(reader.json).pathname.split('/').pop()!;
    expect(JSON.stringify(errors)).not.toContain(token);
  });
});
