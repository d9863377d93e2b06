/**
 * The subscriptions API (Lambda handler, API Gateway v2 events) against the real stand-ins:
 * the whole journey, tokens, enumeration, rate limits, input errors, preferences, escaping.
 * Every HTML page any test receives is also checked against the site's Content-Security-Policy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoPaperRepository } from '@paperboy/aws';
import { seededBytes, type AppConfig, type Clock, type Paper } from '@paperboy/core';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '@paperboy/aws';
import { buildRuntime, type Runtime } from '../../functions/commons/runtime.js';
import { makeHandler as makeApi } from '../../functions/subscriptions/index.js';
import { makeHandler as makePlan } from '../../functions/plan-digests/index.js';
import { makeHandler as makeSend } from '../../functions/send-digests/index.js';
import { startGateway } from '../../packages/local/src/gateway.js';
import { LocalSignupQueue } from '../../packages/local/src/signup-queue.js';
import { apiEvent, capturedMail, emlHeader, form, json } from '../support/api.js';
import { paper } from '../support/papers.js';
import { startStandIns, type StandIns } from '../support/stand-ins.js';
import { cspViolations } from '../support/csp.js';
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from '@paperboy/feeds';
import { DomUtils, parseDocument } from 'htmlparser2';
import { projectConfig } from '../support/config.js';

const silent = { info() {}, warn() {}, error() {} };
const SITE = 'https://papers.example.com/';
let env: StandIns;
let rt: Runtime;
let api: ReturnType<typeof makeApi>;
let now = new Date('2026-11-26T06:30:00.000Z');
const clock: Clock = { now: () => now };

beforeAll(async () => {
  env = await startStandIns();
  const base = projectConfig();
  const config: AppConfig = { ...base, tableName: env.table, bucketName: env.bucket, endpoints: env.services.endpoints, siteUrl: SITE };
  rt = buildRuntime(config, { clock, logger: silent });
  const handler = makeApi(rt, new LocalSignupQueue(rt));
  // Each HTML answer carries the security headers, and nothing in it would be refused by a browser under them.
  api = async (event) => {
    const res = await handler(event);
    if (String(res.headers?.['content-type']).startsWith('text/html')) {
      expect(res.headers).toMatchObject(SECURITY_HEADERS);
      expect(cspViolations(res.body ?? '', CONTENT_SECURITY_POLICY, `${SITE.replace(/\/$/, '')}${event.rawPath}`), event.rawPath).toEqual([]);
    }
    return res;
  };
});
afterAll(async () => {
  await env?.stop();
});

const local = (url: string) => url.replace(SITE, '/');
const mailTo = async (address: string) => (await capturedMail(env.dataDir)).filter((m) => m.to.includes(address));
const confirmLink = (text: string) => /(https:\/\/papers\.example\.com\/api\/confirm\?token=[A-Za-z0-9_%-]+)/.exec(text)?.[1];

/** The one form of a page: where it posts, and its fields as the browser would send them. */
function formOf(html: string): { method: string; action: string; fields: [string, string][]; buttons: string[] } {
  const doc = parseDocument(html, { decodeEntities: true });
  const forms = DomUtils.findAll((e) => e.name === 'form', doc.children);
  expect(forms).toHaveLength(1);
  const inputs = DomUtils.findAll((e) => e.name === 'input', forms[0]!.children);
  return {
    method: forms[0]!.attribs.method ?? 'get',
    action: forms[0]!.attribs.action ?? '',
    fields: inputs.map((i) => [i.attribs.name!, i.attribs.value ?? '']),
    buttons: DomUtils.findAll((e) => e.name === 'button', forms[0]!.children).map((b) => DomUtils.textContent(b)),
  };
}

/** Presses the page's one button: posts its form to its action, resolved against the page's URL. */
async function submitForm(pageUrl: string, html: string) {
  const f = formOf(html);
  const target = new URL(f.action, new URL(pageUrl, SITE));
  return api(apiEvent(f.method.toUpperCase(), `${target.pathname}${target.search}`, form(f.fields)));
}

/** plan-digests, starting the sender (unpaced; a failed job is reported, not waited for: the clock here stands still). */
async function digestRun() {
  let summary: Awaited<ReturnType<ReturnType<typeof makeSend>>> | undefined;
  await makePlan(rt, { startSender: async () => void (summary = await makeSend(rt, { ratePerSecond: Infinity, waitForDeferred: false })({})) })();
  return summary!;
}

describe('the whole journey', () => {
  it('subscribe -> confirmation email -> confirm -> digest with exactly the right papers -> one-click unsubscribe -> nothing more', async () => {
    const papers = new DynamoPaperRepository(rt.clients.dynamo, rt.config.tableName);
    const p = (id: string, tags: string[], upvotes: number, firstSeenAt: string, listedOn = '2026-11-26') =>
      papers.put(paper({ id, tags, upvotes, listedOn, firstSeenAt, title: `Paper ${id} <b>bold</b>` }), undefined);
    await p('j-vision', ['vision'], 30, '2026-11-26T06:00:00.000Z');
    await p('j-robot', ['robotics', 'llm'], 10, '2026-11-26T06:00:00.000Z');
    await p('j-llm', ['llm'], 99, '2026-11-26T06:00:00.000Z'); // not a chosen topic
    await p('j-backfill', ['robotics'], 50, '2026-11-26T06:00:00.000Z', '2026-10-01'); // listed long ago
    await p('j-stale', ['vision'], 70, '2026-11-24T06:00:00.000Z', '2026-11-24'); // seen before the first period

    // 1. subscribe (JSON)
    const res = await api(apiEvent('POST', '/api/subscribe', { ...json({ email: 'Journey@Example.org', topics: ['vision', 'robotics'], frequency: 'daily' }), sourceIp: '203.0.113.10' }));
    expect(res.statusCode).toBe(202);
    // 2. the confirmation email arrives
    const [confirmation] = await mailTo('journey@example.org');
    expect(confirmation?.subject).toMatch(/^Confirm your subscription/);
    const url = confirmLink(confirmation!.text)!;
    expect(url).toBeDefined();
    expect(url).not.toMatch(/journey|example\.org/i);
    // 3. following the link shows the Confirm button; pressing it activates the subscriber
    now = new Date('2026-11-26T06:40:00.000Z');
    const confirmPage = await api(apiEvent('GET', local(url)));
    expect(confirmPage.statusCode).toBe(200);
    expect((await rt.subscribers.findByEmail('journey@example.org'))?.status).toBe('pending');
    const confirmed = await submitForm(local(url), confirmPage.body!);
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.body).toContain('You are subscribed');
    expect((await rt.subscribers.findByEmail('journey@example.org'))?.status).toBe('active');

    // 4. the digest holds exactly the right papers, best first
    now = new Date('2026-11-26T07:00:00.000Z');
    expect(await digestRun()).toMatchObject({ stop: 'empty', deferred: 0, gaveUp: 0 });
    const digests = (await mailTo('journey@example.org')).slice(1);
    expect(digests).toHaveLength(1);
    const digest = digests[0]!;
    // One paper each: the tie goes to the subscriber's (sorted) topic order.
    expect(digest.subject).toBe('2 new papers on Robotics and 1 more topic — paperboy');
    const shown = [...digest.text.matchAll(/^\d+\. Paper (\S+)/gm)].map((m) => m[1]);
    expect(shown).toEqual(['j-vision', 'j-robot']);
    expect(digest.html).toContain('Paper j-vision &lt;b&gt;bold&lt;/b&gt;');
    expect(emlHeader(digest.eml, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(emlHeader(digest.eml, 'List-Id')).toBe('paperboy digest <digest.papers.example.com>');

    // 5. one-click POST to the List-Unsubscribe URL taken from the header
    const target = /^<(https:\/\/[^>]+)>$/.exec(emlHeader(digest.eml, 'List-Unsubscribe')!)![1]!;
    expect(target).not.toContain('@');
    const out = await api(apiEvent('POST', local(target), { body: 'List-Unsubscribe=One-Click', contentType: 'application/x-www-form-urlencoded' }));
    expect(out.statusCode).toBe(200);
    expect((await rt.subscribers.findByEmail('journey@example.org'))?.status).toBe('unsubscribed');

    // 6. the next digest sends that address nothing, though a new paper on its topics came in
    now = new Date('2026-11-27T06:00:00.000Z');
    await p('j-next', ['vision'], 5, '2026-11-27T06:00:00.000Z', '2026-11-27');
    now = new Date('2026-11-27T07:00:00.000Z');
    await digestRun();
    expect(await mailTo('journey@example.org')).toHaveLength(2);
  });
});

describe('tokens', () => {
  async function pendingConfirmUrl(email: string, ip: string) {
    await api(apiEvent('POST', '/api/subscribe', { ...json({ email, topics: ['llm'] }), sourceIp: ip }));
    return local(confirmLink((await mailTo(email)).at(-1)!.text)!);
  }

  it('refuses a tampered or forged confirm token, and every other spelling of a genuine one, on GET and POST', async () => {
    now = new Date('2026-11-26T08:00:00.000Z');
    const url = await pendingConfirmUrl('reuse@example.org', '203.0.113.20');
    const token = new URL(url, SITE).searchParams.get('token')!;
    const flipped = `${token.slice(0, 5)}${token[5] === 'A' ? 'B' : 'A'}${token.slice(6)}`;
    // 16 bytes in 22 characters: the last character's 4 low bits are unused, so 15 others decode to the same bytes.
    const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const high = B64URL.indexOf(token.at(-1)!) >> 4;
    const sameBytes = [...B64URL].filter((c) => c !== token.at(-1) && B64URL.indexOf(c) >> 4 === high).map((c) => `${token.slice(0, -1)}${c}`);
    expect(sameBytes).toHaveLength(15);
    const others = [flipped, 'AAAAAAAAAAAAAAAAAAAAAA', '<script>', '', ...sameBytes, `${token}=`, ` ${token}`, `${token}\n`, token.replaceAll('-', '+').replaceAll('_', '/'), `${token}A`, token.slice(0, -1)];
    for (const other of others.filter((o) => o !== token)) {
      expect((await api(apiEvent('GET', `/api/confirm?token=${encodeURIComponent(other)}`))).statusCode, JSON.stringify(other)).toBe(404);
      expect((await api(apiEvent('POST', '/api/confirm', form([['token', other]])))).statusCode, JSON.stringify(other)).toBe(404);
    }
    expect((await api(apiEvent('GET', '/api/confirm'))).statusCode).toBe(404);
    expect((await api(apiEvent('POST', '/api/confirm', form([])))).statusCode).toBe(404);
    expect((await rt.subscribers.findByEmail('reuse@example.org'))?.status).toBe('pending');
    // Only the genuine token, pressed on its page, confirms.
    expect((await submitForm(url, (await api(apiEvent('GET', url))).body!)).statusCode).toBe(200);
    expect((await rt.subscribers.findByEmail('reuse@example.org'))?.status).toBe('active');
  });

  it('refuses an expired confirm link (expiry checked in code) and leaves the subscriber pending', async () => {
    now = new Date('2026-11-26T08:00:00.000Z');
    const url = await pendingConfirmUrl('late@example.org', '203.0.113.21');
    now = new Date(now.getTime() + (rt.config.owner.subscriptions.confirmTtlHours * 3600 + 1) * 1000);
    const res = await api(apiEvent('GET', url));
    expect(res.statusCode).toBe(410);
    expect((await rt.subscribers.findByEmail('late@example.org'))?.status).toBe('pending');
  });

  it('refuses forged and tampered unsubscribe and preferences links, and a preferences token used to unsubscribe', async () => {
    now = new Date('2026-11-26T09:00:00.000Z');
    const id = 'token-subscriber-1';
    await rt.subscribers.create({ id, email: 'tok@example.org', status: 'active', topics: ['llm'], frequency: 'daily', createdAt: now.toISOString(), confirmedAt: now.toISOString() });
    const { signLinkToken } = await import('@paperboy/core');
    const prefs = signLinkToken('k'.repeat(40), 'preferences', id);
    const forged = signLinkToken('f'.repeat(40), 'unsubscribe', id);
    const oneClick = (token: string) => apiEvent('POST', `/api/unsubscribe?token=${encodeURIComponent(token)}`, { body: 'List-Unsubscribe=One-Click', contentType: 'application/x-www-form-urlencoded' });
    expect((await api(oneClick(forged))).statusCode).toBe(404);
    expect((await api(oneClick(prefs))).statusCode).toBe(404);
    expect((await api(oneClick(`${id}.${'A'.repeat(43)}`))).statusCode).toBe(404);
    expect((await api(apiEvent('GET', `/api/preferences?token=${encodeURIComponent(signLinkToken('f'.repeat(40), 'preferences', id))}`))).statusCode).toBe(404);
    // Other spellings of the genuine MAC (same bytes, or padded, or in the standard alphabet) are refused too.
    const real = signLinkToken('k'.repeat(40), 'unsubscribe', id);
    const mac = real.slice(id.length + 1);
    const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const high = B64URL.indexOf(mac.at(-1)!) >> 2;
    const respelled = [...B64URL].filter((c) => c !== mac.at(-1) && B64URL.indexOf(c) >> 2 === high).map((c) => `${id}.${mac.slice(0, -1)}${c}`);
    for (const other of [...respelled, `${real}=`, `${real}\n`, ` ${real}`, `${id}.${mac.replaceAll('-', '+').replaceAll('_', '/')}`]) {
      if (other === real) continue;
      expect((await api(oneClick(other))).statusCode, JSON.stringify(other)).toBe(404);
      expect((await api(apiEvent('GET', `/api/unsubscribe?token=${encodeURIComponent(other)}`))).statusCode, JSON.stringify(other)).toBe(404);
    }
    expect((await rt.subscribers.get(id))?.status).toBe('active');
    // The GET page only shows a button: a link scanner's prefetch changes nothing.
    const genuine = signLinkToken('k'.repeat(40), 'unsubscribe', id);
    const page = await api(apiEvent('GET', `/api/unsubscribe?token=${encodeURIComponent(genuine)}`));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<button type="submit">Unsubscribe</button>');
    expect((await rt.subscribers.get(id))?.status).toBe('active');
  });
});

describe('confirm links act only when the button is pressed', () => {
  async function pending(email: string, ip: string) {
    await api(apiEvent('POST', '/api/subscribe', { ...json({ email, topics: ['vision', 'llm'], frequency: 'weekly' }), sourceIp: ip }));
    return local(confirmLink((await mailTo(email)).at(-1)!.text)!);
  }

  it('a GET (a mail scanner opening every link) leaves the subscriber pending; the page\'s POST activates it', async () => {
    now = new Date('2026-11-26T08:30:00.000Z');
    const url = await pending('scanned@example.org', '203.0.113.40');
    // GIVEN a corporate link scanner that fetches the link, twice, as such scanners do
    const first = await api(apiEvent('GET', url));
    const second = await api(apiEvent('GET', url));
    // THEN nothing changed: still pending, not in the due lists
    expect((await rt.subscribers.findByEmail('scanned@example.org'))?.status).toBe('pending');
    expect(await rt.subscribers.listActiveIds('weekly')).not.toContain((await rt.subscribers.findByEmail('scanned@example.org'))!.id);
    expect(second.body).toBe(first.body);
    // AND the page is one form that posts the token in its body (not in the URL), with one Confirm button
    expect(first.statusCode).toBe(200);
    const f = formOf(first.body!);
    expect(f).toMatchObject({ method: 'post', action: 'confirm', buttons: ['Confirm subscription'] });
    expect(f.fields).toEqual([['token', new URL(url, SITE).searchParams.get('token')]]);
    expect(first.body).toContain('weekly emails from paperboy about new papers on Large language models, Computer vision?');
    // WHEN the person presses the button
    const res = await submitForm(url, first.body!);
    // THEN the subscriber is active and due
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('You are subscribed');
    expect(await rt.subscribers.findByEmail('scanned@example.org')).toMatchObject({ status: 'active', confirmedAt: now.toISOString() });
    expect(await rt.subscribers.listActiveIds('weekly')).toContain((await rt.subscribers.findByEmail('scanned@example.org'))!.id);
  });

  it('a link that already confirmed shows "already confirmed", on GET and on POST, and changes nothing', async () => {
    now = new Date('2026-11-26T08:40:00.000Z');
    const url = await pending('twice@example.org', '203.0.113.41');
    const page = (await api(apiEvent('GET', url))).body!;
    expect((await submitForm(url, page)).statusCode).toBe(200);
    const stored = await rt.subscribers.findByEmail('twice@example.org');
    now = new Date('2026-11-26T09:40:00.000Z');
    for (const again of [await api(apiEvent('GET', url)), await submitForm(url, page)]) {
      expect(again.statusCode).toBe(200);
      expect(again.body).toContain('<h1>Already confirmed</h1>');
      expect(again.body).toContain('This subscription is already confirmed.');
      expect(again.body).not.toContain('<form');
    }
    expect(await rt.subscribers.findByEmail('twice@example.org')).toEqual(stored);
  });

  it('an expired link shows a clear page on GET and POST and confirms nothing; an unknown one says it is not valid', async () => {
    now = new Date('2026-11-26T08:50:00.000Z');
    const url = await pending('slow@example.org', '203.0.113.42');
    const page = (await api(apiEvent('GET', url))).body!;
    now = new Date(now.getTime() + (rt.config.owner.subscriptions.confirmTtlHours * 3600 + 1) * 1000);
    for (const res of [await api(apiEvent('GET', url)), await submitForm(url, page)]) {
      expect(res.statusCode).toBe(410);
      expect(res.body).toContain('This confirmation link has expired.');
      expect(res.body).toContain(`href="${SITE}#subscribe"`);
    }
    expect((await rt.subscribers.findByEmail('slow@example.org'))?.status).toBe('pending');
    for (const res of [await api(apiEvent('GET', '/api/confirm?token=AAAAAAAAAAAAAAAAAAAAAA')), await api(apiEvent('POST', '/api/confirm', form([['token', 'AAAAAAAAAAAAAAAAAAAAAA']])))]) {
      expect(res.statusCode).toBe(404);
      expect(res.body).toContain('This confirmation link is not valid');
    }
  });

  it('a link replaced by a newer sign-up no longer confirms, and the newer one does', async () => {
    now = new Date('2026-11-26T09:00:00.000Z');
    const older = await pending('again@example.org', '203.0.113.43');
    const olderPage = (await api(apiEvent('GET', older))).body!;
    const newer = await pending('again@example.org', '203.0.113.44');
    expect(newer).not.toBe(older);
    expect((await submitForm(older, olderPage)).statusCode).toBe(404);
    expect((await rt.subscribers.findByEmail('again@example.org'))?.status).toBe('pending');
    expect((await submitForm(newer, (await api(apiEvent('GET', newer))).body!)).statusCode).toBe(200);
    expect((await rt.subscribers.findByEmail('again@example.org'))?.status).toBe('active');
  });
});

describe('no enumeration', () => {
  it('answers identically for unknown, pending and active addresses, by JSON and by form', async () => {
    now = new Date('2026-11-26T10:00:00.000Z');
    await rt.subscribers.create({ id: 'enum-active-1', email: 'active@example.org', status: 'active', topics: ['llm'], frequency: 'daily', createdAt: now.toISOString(), confirmedAt: now.toISOString() });
    await api(apiEvent('POST', '/api/subscribe', { ...json({ email: 'pending@example.org', topics: ['llm'] }), sourceIp: '203.0.113.30' }));
    const before = (await capturedMail(env.dataDir)).length;
    for (const body of [(e: string) => json({ email: e, topics: ['llm'] }), (e: string) => form([['email', e], ['topics', 'llm']])]) {
      const answers = [];
      for (const [i, email] of ['nobody@example.org', 'pending@example.org', 'active@example.org'].entries()) {
        answers.push(await api(apiEvent('POST', '/api/subscribe', { ...body(email), sourceIp: `203.0.113.${31 + i}` })));
      }
      expect(answers[1]).toEqual(answers[0]);
      expect(answers[2]).toEqual(answers[0]);
      expect(answers[0]!.statusCode).toBe(202);
    }
    // Behind the identical answers: a confirmation to the new and pending address, a note to the active one.
    const sent = (await capturedMail(env.dataDir)).slice(before);
    expect(sent.filter((m) => m.to.includes('active@example.org')).map((m) => m.subject)).toEqual([
      expect.stringMatching(/^You are already subscribed/),
      expect.stringMatching(/^You are already subscribed/),
    ]);
    expect(sent.filter((m) => m.to.includes('nobody@example.org')).every((m) => /^Confirm/.test(m.subject))).toBe(true);
  });
});

describe('rate limits', () => {
  it('limits sign-ups per address, with a 429 and Retry-After, whoever asks', async () => {
    now = new Date('2026-11-26T11:00:00.000Z');
    const limit = rt.config.owner.subscriptions.perAddressPerHour;
    const statuses = [];
    for (let i = 0; i <= limit; i++) {
      statuses.push((await api(apiEvent('POST', '/api/subscribe', { ...json({ email: 'target@example.org', topics: ['llm'] }), sourceIp: `192.0.2.${i + 1}` }))).statusCode);
    }
    expect(statuses).toEqual([...Array(limit).fill(202), 429]);
    const res = await api(apiEvent('POST', '/api/subscribe', { ...json({ email: 'target@example.org', topics: ['llm'] }), sourceIp: '192.0.2.99' }));
    expect(res.statusCode).toBe(429);
    expect(res.headers!['retry-after']).toBe('3600');
    expect(JSON.parse(res.body!)).toEqual({ error: 'Too many sign-up requests for this address; please try again in 60 minutes.' });
    expect(await mailTo('target@example.org')).toHaveLength(limit);
    // An hour later the address may try again.
    now = new Date('2026-11-26T12:00:00.000Z');
    expect((await api(apiEvent('POST', '/api/subscribe', { ...json({ email: 'target@example.org', topics: ['llm'] }), sourceIp: '192.0.2.100' }))).statusCode).toBe(202);
  });

  it('limits requests per client, counting invalid ones too', async () => {
    now = new Date('2026-11-26T13:30:00.000Z');
    const limit = rt.config.owner.subscriptions.perClientPerHour;
    for (let i = 0; i < limit; i++) {
      const r = await api(apiEvent('POST', '/api/subscribe', { ...json({ email: 'not-an-address' }), sourceIp: '198.51.100.77' }));
      expect(r.statusCode).toBe(400);
    }
    const res = await api(apiEvent('POST', '/api/subscribe', { ...form([['email', 'fine@example.org'], ['topics', 'llm']]), sourceIp: '198.51.100.77' }));
    expect(res.statusCode).toBe(429);
    expect(res.body).toContain('Too many sign-up requests from your network; please try again in 30 minutes.');
    expect((await api(apiEvent('POST', '/api/subscribe', { ...json({ email: 'fine@example.org', topics: ['llm'] }), sourceIp: '198.51.100.78' }))).statusCode).toBe(202);
  });
});

describe('the client address of the per-client limit', () => {
  const limit = () => rt.config.owner.subscriptions.perClientPerHour;
  const bad = (options: { sourceIp: string; viewerAddress?: string }) => api(apiEvent('POST', '/api/subscribe', { ...json({ email: 'not-an-address' }), ...options }));

  it('behind CloudFront counts the visitor from CloudFront-Viewer-Address, not the edge', async () => {
    now = new Date('2026-11-26T15:00:00.000Z');
    const edge = '130.176.0.1';
    // GIVEN one visitor (IPv6) at its limit, through two different edges
    for (let i = 0; i < limit(); i++) expect((await bad({ sourceIp: i % 2 ? edge : '130.176.0.2', viewerAddress: `2001:db8::7:${40000 + i}` })).statusCode).toBe(400);
    // THEN that visitor is limited, from any port and any edge
    expect((await bad({ sourceIp: '130.176.0.3', viewerAddress: '2001:db8::7:50000' })).statusCode).toBe(429);
    // AND other visitors of the same edge are not
    expect((await bad({ sourceIp: edge, viewerAddress: '203.0.113.61:443' })).statusCode).toBe(400);
    expect((await bad({ sourceIp: edge, viewerAddress: '[2001:db8::8]:443' })).statusCode).toBe(400);
  });

  it('without the header (or with one that is not "ip:port") counts the source IP', async () => {
    now = new Date('2026-11-26T16:00:00.000Z');
    for (let i = 0; i < limit(); i++) {
      const viewerAddress = [undefined, 'not-an-ip:443', '203.0.113.62', '999.1.1.1:80'][i % 4];
      expect((await bad({ sourceIp: '198.51.100.90', viewerAddress })).statusCode).toBe(400);
    }
    expect((await bad({ sourceIp: '198.51.100.90' })).statusCode).toBe(429);
  });

  it('locally counts the socket address, whatever CloudFront-Viewer-Address the client sends', async () => {
    now = new Date('2026-11-26T17:00:00.000Z');
    // GIVEN the local gateway in front of the same handler
    const { server, url } = await startGateway({ config: rt.config, rt, services: env.services, close: async () => {} }, 0);
    try {
      const post = (forged: string) =>
        fetch(`${url}api/subscribe`, { method: 'POST', headers: { 'content-type': 'application/json', 'cloudfront-viewer-address': forged }, body: '{"email":"not-an-address"}' });
      // WHEN one client forges a new viewer address on every request
      for (let i = 0; i < limit(); i++) expect((await post(`192.0.2.${i + 1}:443`)).status).toBe(400);
      // THEN it is still one client: its socket's address
      expect((await post('192.0.2.250:443')).status).toBe(429);
    } finally {
      await new Promise((done) => server.close(done));
    }
  });
});

describe('the form\'s target opened in a browser', () => {
  it('redirects GET /api/subscribe to the subscribe form on the site, here and through the local gateway', async () => {
    const res = await api(apiEvent('GET', '/api/subscribe'));
    expect(res.statusCode).toBe(303);
    expect(res.headers).toMatchObject({ location: `${SITE}#subscribe`, 'cache-control': 'no-store', ...SECURITY_HEADERS });
    const { server, url } = await startGateway({ config: rt.config, rt, services: env.services, close: async () => {} }, 0);
    try {
      const viaGateway = await fetch(`${url}api/subscribe`, { redirect: 'manual' });
      expect(viaGateway.status).toBe(303);
      expect(viaGateway.headers.get('location')).toBe(`${SITE}#subscribe`);
    } finally {
      await new Promise((done) => server.close(done));
    }
  });
});

describe('invalid input', () => {
  const ask = (body: { body: string; contentType: string }) => api(apiEvent('POST', '/api/subscribe', { ...body, sourceIp: '198.51.100.200' }));

  it('answers 400 with a message that says what is wrong', async () => {
    now = new Date('2026-11-26T14:00:00.000Z');
    const cases: [unknown, string][] = [
      [{ topics: ['llm'] }, 'email is required'],
      [{ email: 'nope', topics: ['llm'] }, 'email must be an address like name@example.com'],
      [{ email: 'a@example.org', topics: [] }, 'topics: choose at least one topic'],
      [{ email: 'a@example.org', topics: ['llm'], frequency: 'hourly' }, 'frequency must be "daily" or "weekly"'],
      [{ email: 'a@example.org', topics: 'llm' }, 'topics must be a list of topic slugs'],
    ];
    for (const [body, message] of cases) {
      const res = await ask(json(body));
      expect(res.statusCode).toBe(400);
      expect(JSON.parse(res.body!)).toEqual({ error: message });
    }
    const unknown = await ask(json({ email: 'a@example.org', topics: ['llm', 'astrology'] }));
    expect(JSON.parse(unknown.body!).error).toMatch(/^topics: unknown topic "astrology"; known topics are llm, vision, /);
    const broken = await ask({ body: '{"email":', contentType: 'application/json' });
    expect(broken.statusCode).toBe(400);
    expect(JSON.parse(broken.body!).error).toMatch(/body must be JSON/);
  });

  it('gives a rejected form back as it was sent, with what to fix beside the field, escaped', async () => {
    const typed = 'Ada"><script>alert(1)</script>';
    const res = await ask(form([['email', typed], ['topics', 'vision'], ['topics', 'llm'], ['frequency', 'weekly']]));
    expect(res.statusCode).toBe(400);
    const doc = parseDocument(res.body!, { decodeEntities: true });
    const byId = (id: string) => DomUtils.findOne((e) => e.attribs.id === id, doc.children)!;
    // What the person typed and chose is all still there...
    const email = byId('email');
    expect(email.attribs.value).toBe(typed);
    const checked = DomUtils.findAll((e) => e.name === 'input' && e.attribs.checked !== undefined, doc.children).map((e) => e.attribs.value);
    expect(checked.sort()).toEqual(['llm', 'vision', 'weekly']);
    // ...with the message beside the field, tied to it for screen readers, and in the alert above the form.
    expect(DomUtils.textContent(byId('email-error'))).toBe('Email must be an address like name@example.com.');
    expect(email.attribs['aria-describedby']).toBe('email-error subscribe-hint');
    expect(email.attribs['aria-invalid']).toBe('true');
    const alert = DomUtils.findOne((e) => e.attribs.role === 'alert', doc.children)!;
    expect(DomUtils.textContent(alert)).toContain('Email must be an address like name@example.com.');
    expect(DomUtils.findOne((e) => e.name === 'a', [alert])!.attribs.href).toBe('#email');
    expect(res.body).not.toContain('<script>');

    // A missing topic is said beside the topics, and the typed address is kept.
    const none = parseDocument((await ask(form([['email', 'ada@example.org'], ['frequency', 'daily']]))).body!, { decodeEntities: true });
    const topicsError = DomUtils.findOne((e) => e.attribs.id === 'topics-error', none.children)!;
    expect(DomUtils.textContent(topicsError)).toBe('Choose at least one topic.');
    expect(DomUtils.findOne((e) => e.name === 'fieldset', none.children)!.attribs['aria-describedby']).toBe('topics-error');
    expect(DomUtils.findOne((e) => e.attribs.id === 'email', none.children)!.attribs.value).toBe('ada@example.org');
  });

  it('escapes what it echoes on the form error page', async () => {
    const res = await ask(form([['email', 'a@example.org'], ['topics', '<script>alert(1)</script>']]));
    expect(res.statusCode).toBe(400);
    expect(res.headers!['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).not.toContain('<script>alert(1)</script>');
    expect(res.body).toContain('&quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;');
  });
});

describe('preferences', () => {
  it('shows the current topics and frequency behind a signed link, and changes them on POST', async () => {
    now = new Date('2026-11-26T15:00:00.000Z');
    const id = 'prefs-subscriber-1';
    await rt.subscribers.create({ id, email: 'prefs@example.org', status: 'active', topics: ['llm', 'vision'], frequency: 'daily', createdAt: now.toISOString(), confirmedAt: now.toISOString() });
    const { subscriberLinks } = await import('@paperboy/core');
    const url = local(subscriberLinks({ siteUrl: SITE, secret: 'k'.repeat(40) }, id).preferencesUrl);
    expect(url).not.toContain('prefs@');

    const page = await api(apiEvent('GET', url));
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/value="llm" checked/);
    expect(page.body).toMatch(/value="vision" checked/);
    expect(page.body).toMatch(/value="robotics">/);
    expect(page.body).toMatch(/name="frequency" value="daily" checked/);

    const bad = await api(apiEvent('POST', url, form([['frequency', 'weekly']])));
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('topics: choose at least one topic');
    expect((await rt.subscribers.get(id))?.topics).toEqual(['llm', 'vision']);

    const saved = await api(apiEvent('POST', url, form([['topics', 'robotics'], ['topics', 'agents'], ['frequency', 'weekly']])));
    expect(saved.statusCode).toBe(200);
    expect(saved.body).toContain('Saved: weekly digests on Agents, Robotics.');
    expect(await rt.subscribers.get(id)).toMatchObject({ topics: ['agents', 'robotics'], frequency: 'weekly', status: 'active' });
    expect(await rt.subscribers.listActiveIds('weekly')).toContain(id);
    expect(await rt.subscribers.listActiveIds('daily')).not.toContain(id);
  });

  it('does not revive an unsubscribed address', async () => {
    const id = 'prefs-subscriber-2';
    await rt.subscribers.create({ id, email: 'gone@example.org', status: 'unsubscribed', topics: ['llm'], frequency: 'daily', createdAt: now.toISOString() });
    const { subscriberLinks } = await import('@paperboy/core');
    const url = local(subscriberLinks({ siteUrl: SITE, secret: 'k'.repeat(40) }, id).preferencesUrl);
    expect((await api(apiEvent('POST', url, form([['topics', 'llm'], ['frequency', 'daily']])))).statusCode).toBe(410);
    expect((await rt.subscribers.get(id))?.status).toBe('unsubscribed');
  });
});

describe('following keyword phrases and authors', () => {
  const byId = (html: string, id: string) => DomUtils.findOne((e) => e.attribs.id === id, parseDocument(html, { decodeEntities: true }).children);
  // A textarea's text is escaped character data: the parser leaves its references, the browser decodes them.
  const text = (html: string, id: string) => {
    const el = byId(html, id);
    if (!el) return undefined;
    const raw = DomUtils.textContent(el);
    return el.name === 'textarea' ? raw.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&') : raw;
  };

  it('saves them on the preferences page, refuses bad lines beside their field with the form as sent, and the digest says why each paper is there', async () => {
    now = new Date('2026-11-28T05:00:00.000Z');
    const id = 'follows-subscriber-1';
    await rt.subscribers.create({ id, email: 'follows@example.org', status: 'active', topics: ['vision'], frequency: 'daily', createdAt: now.toISOString(), confirmedAt: now.toISOString() });
    const { subscriberLinks } = await import('@paperboy/core');
    const url = local(subscriberLinks({ siteUrl: SITE, secret: 'k'.repeat(40) }, id).preferencesUrl);

    const page = await api(apiEvent('GET', url));
    expect(page.statusCode).toBe(200);
    expect(text(page.body!, 'keywords')).toBe('');
    expect(text(page.body!, 'authors')).toBe('');

    // A bad keyword line: the message names the line and what is wrong, beside the field; the form comes back as sent, escaped.
    const sent = 'speculative decod*\n\nx<y </textarea><script>alert(1)</script>';
    const bad = await api(apiEvent('POST', url, form([['topics', 'vision'], ['keywords', sent], ['authors', 'Y. LeCun'], ['frequency', 'weekly']])));
    expect(bad.statusCode).toBe(400);
    expect(bad.body).not.toContain('<script>alert(1)</script>');
    expect(text(bad.body!, 'keywords-error')).toBe('keywords: line 3 "x<y </textarea><script>alert(1)</script>": must be words of letters and digits separated by spaces or hyphens, each optionally ending in * after a stem of 3+ characters (like "fine-tun*"); the first may start with * before an ending (like "*Bench")');
    expect(byId(bad.body!, 'keywords')!.attribs['aria-describedby']).toBe('keywords-error keywords-hint');
    expect(text(bad.body!, 'keywords')).toBe(sent);
    expect(text(bad.body!, 'authors')).toBe('Y. LeCun');
    expect(bad.body).toMatch(/value="vision" checked/);
    expect(bad.body).toMatch(/name="frequency" value="weekly" checked/);
    expect(text(bad.body!, 'authors-error')).toBeUndefined();
    expect(await rt.subscribers.get(id)).toMatchObject({ topics: ['vision'], frequency: 'daily' });
    expect((await rt.subscribers.get(id))?.keywords).toBeUndefined();

    // A bad author line, and too many phrases, each beside its own field.
    const many = Array.from({ length: 21 }, (_, i) => `phrase${i}`).join('\n');
    const bad2 = await api(apiEvent('POST', url, form([['keywords', many], ['authors', 'Ada Lovelace\n& 42 ?'], ['frequency', 'daily']])));
    expect(bad2.statusCode).toBe(400);
    expect(text(bad2.body!, 'keywords-error')).toBe('keywords: at most 20 phrases (21 given)');
    expect(text(bad2.body!, 'authors-error')).toBe('authors: line 2 "& 42 ?": must be a name with at least one letter');
    expect(bad2.body).toContain('&amp; 42 ?');

    // Nothing at all is refused; keywords and authors without a topic are fine (duplicates dropped).
    const none = await api(apiEvent('POST', url, form([['keywords', '\n'], ['frequency', 'daily']])));
    expect(none.statusCode).toBe(400);
    expect(text(none.body!, 'topics-error')).toBe('topics: choose at least one topic, keyword or author');
    const saved = await api(apiEvent('POST', url, form([['keywords', 'speculative decod*\nspeculative   decod*'], ['authors', 'Y. LeCun\ny lecun'], ['frequency', 'daily']])));
    expect(saved.statusCode).toBe(200);
    expect(saved.body).toContain('Saved: daily digests on 1 keyword phrase; 1 author.');
    expect(await rt.subscribers.get(id)).toMatchObject({ topics: [], keywords: ['speculative decod*'], authors: ['Y. LeCun'], frequency: 'daily', status: 'active' });
    expect(text((await api(apiEvent('GET', url))).body!, 'keywords')).toBe('speculative decod*');

    // Follow-ups: chosen on the same page; an unknown choice is refused beside its field; "off" removes it.
    const keep = [['keywords', 'speculative decod*'], ['authors', 'Y. LeCun'], ['frequency', 'daily']] as [string, string][];
    const optIn = await api(apiEvent('POST', url, form([...keep, ['followUps', 'digest']])));
    expect(optIn.statusCode).toBe(200);
    expect((await rt.subscribers.get(id))?.followUps).toBe('digest');
    expect((await api(apiEvent('GET', url))).body).toMatch(/name="followUps" value="digest" checked/);
    const wrong = await api(apiEvent('POST', url, form([...keep, ['followUps', 'sometimes']])));
    expect(wrong.statusCode).toBe(400);
    expect(text(wrong.body!, 'followUps-error')).toBe('followUps must be "off", "digest" or "always"');
    expect((await rt.subscribers.get(id))?.followUps).toBe('digest');
    expect((await api(apiEvent('POST', url, form([...keep, ['followUps', 'off']])))).statusCode).toBe(200);
    expect((await rt.subscribers.get(id))?.followUps).toBeUndefined();

    // The digest, through the real sender and the local SES: keyword and author papers, each saying why.
    const papers = new DynamoPaperRepository(rt.clients.dynamo, rt.config.tableName);
    const p = (pid: string, over: Partial<Paper>) => papers.put(paper({ id: pid, listedOn: '2026-11-28', firstSeenAt: '2026-11-28T06:00:00.000Z', ...over }), undefined);
    await p('f-both', { title: 'Speculative Decoding at Scale', authors: ['Yann LeCun'], tags: ['llm'], upvotes: 40 });
    await p('f-keyword', { title: 'Faster LLMs', abstract: 'We make speculative decoding cheaper.', authors: ['Jane Roe'], tags: ['efficiency'], upvotes: 30 });
    await p('f-author', { title: 'World models', authors: ['Ada Lovelace', 'Yann Le Cun', 'Yann LeCun'], tags: ['theory'], upvotes: 20 });
    await p('f-vision', { title: 'Seeing', tags: ['vision'], upvotes: 99 }); // a topic the subscriber no longer follows
    now = new Date('2026-11-28T07:00:00.000Z');
    await digestRun();
    const [digest, ...others] = await mailTo('follows@example.org');
    expect(others).toEqual([]);
    expect(digest!.subject).toBe('3 new papers on your keywords and your authors — paperboy');
    expect([...digest!.text.matchAll(/^\d+\. (.+)\n.*\nWhy: (.+)$/gm)].map((m) => [m[1], m[2]])).toEqual([
      ['Speculative Decoding at Scale', 'keyword “speculative decod*” · author Y. LeCun'],
      ['Faster LLMs', 'keyword “speculative decod*”'],
      ['World models', 'author Y. LeCun'],
    ]);
    const why = [...digest!.html.matchAll(/<strong>Why:<\/strong> ([^<]*)</g)].map((m) => m[1]);
    expect(why).toEqual(['keyword &#8220;speculative decod*&#8221; &middot; author Y. LeCun', 'keyword &#8220;speculative decod*&#8221;', 'author Y. LeCun']);
    expect(digest!.text).toContain('You get this because you subscribed to daily papers on 1 keyword phrase and 1 author from paperboy.');
  });
});

describe('the randomness of ids and tokens', () => {
  /** The same sign-up, through the API, on a runtime of its own (its own table) with the given randomness. */
  async function signUp(table: string, overrides: Partial<Runtime>) {
    const dynamo = new DynamoDBClient({ region: rt.config.region, endpoint: env.services.endpoints.dynamodb, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    await ensureTable(dynamo, table);
    const own = buildRuntime({ ...rt.config, tableName: table }, { clock, logger: silent, ...overrides });
    const res = await makeApi(own, new LocalSignupQueue(own))(apiEvent('POST', '/api/subscribe', { ...json({ email: 'same-signup@example.org', topics: ['llm'] }), sourceIp: '203.0.113.90' }));
    expect(res.statusCode).toBe(202);
    const { id, confirmTokenHash } = (await own.subscribers.findByEmail('same-signup@example.org'))!;
    return { id, confirmTokenHash };
  }

  it('gives the same sign-up the same subscriber id and confirm token on two runtimes with the same seeded bytes; crypto by default', async () => {
    const seededA = await signUp(`${env.table}-seeded-a`, { randomBytes: seededBytes(11) });
    const seededB = await signUp(`${env.table}-seeded-b`, { randomBytes: seededBytes(11) });
    const cryptoA = await signUp(`${env.table}-crypto-a`, {});
    const cryptoB = await signUp(`${env.table}-crypto-b`, {});
    expect(seededB).toEqual(seededA);
    expect(seededA.confirmTokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(cryptoB.id).not.toBe(cryptoA.id);
    expect(cryptoB.confirmTokenHash).not.toBe(cryptoA.confirmTokenHash);
    expect(cryptoA.id).not.toBe(seededA.id);
  });
});
