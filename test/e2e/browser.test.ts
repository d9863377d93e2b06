/**
 * The site in a real browser: the Chromium that npm ci brings (@sparticuz/chromium; see
 * test/support/chromium.ts) driven by playwright-core, against the real local server (the embedded stand-ins, the pipeline run once on
 * the bundled snapshot, and the local gateway on a free port, all on a fresh data dir).
 *
 * It checks the home page and a topic page as a reader sees them, the feed autodiscovery links (and
 * that each one serves its feed), accessibility with axe-core (WCAG 2 A/AA rules), the layout on a
 * phone-sized viewport, and that submitting the subscribe form shows the confirmation page. The gateway
 * sends the CDN's security headers, so every page is shown under the real Content-Security-Policy: a
 * violation is reported to the console and fails the test, like any console error.
 * Screenshots are kept in test-results/browser/ (gitignored).
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer as createNetServer } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openLocal, runPipeline, type LocalContext } from '../../packages/local/src/runner.js';
import { startGateway } from '../../packages/local/src/gateway.js';
import { CONTENT_SECURITY_POLICY } from '@paperboy/feeds';
import { searchTerms, subscriberLinks } from '@paperboy/core';

const ROOT = join(import.meta.dirname, '..', '..');
const ARTIFACTS = join(ROOT, 'test-results', 'browser');
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** A common phone's CSS viewport. */
const PHONE = { width: 360, height: 740 };

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** axe-core's WCAG 2.0/2.1 A and AA rules, run in the page; returns the violations, readable. */
async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern (a <script> tag would be refused).
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)).join(', ')}`);
}

describe('the site in Chromium', () => {
  let dataDir: string;
  let ctx: LocalContext;
  let gateway: Server;
  let base: string;
  let browser: BrowserContext;
  let profileDir: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'paperboy-browser-'));
    profileDir = await mkdtemp(join(tmpdir(), 'paperboy-chromium-'));
    await mkdir(ARTIFACTS, { recursive: true });
    const port = await freePort();
    ctx = await openLocal({ PAPERBOY_DATA_DIR: dataDir, PORT: String(port) });
    const summary = await runPipeline(ctx);
    expect(summary.publish.uploaded).toBeGreaterThan(0);
    const started = await startGateway(ctx, port);
    gateway = started.server;
    base = started.url;
    // A fresh profile (user-data-dir) per run; playwright passes it to Chromium as --user-data-dir.
    browser = await launchChromium(profileDir);
  });

  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    if (gateway) await new Promise((r) => gateway.close(r));
    await ctx?.close();
    await rm(dataDir, { recursive: true, force: true });
    await rm(profileDir, { recursive: true, force: true });
  });

  async function newPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
    const page = await browser.newPage();
    await page.setViewportSize(viewport);
    // The site has no JavaScript of its own; any page error (or console error) is a failure.
    page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`));
    // Chromium logs CSP refusals as console errors too; the event names the directive, whatever the wording.
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`));
    });
    page.on('console', (msg) => {
      // Chromium logs a 4xx answer as a console error: expected only for the rejected form post.
      const expected400 = /\/api\/(subscribe|preferences)(\?|$)/.test(page.url()) && /status of 400/.test(msg.text());
      if (msg.type() === 'error' && !expected400) pageErrors.push(`${page.url()}: console: ${msg.text()}`);
    });
    return page;
  }

  it('shows the latest listing day, the topics with counts and the feeds on the home page', async () => {
    const page = await newPage();
    const res = await page.goto(base);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-type']).toBe('text/html; charset=utf-8');
    expect(res?.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    // The inline stylesheet was applied, not refused (the browser's default body margin is 8px).
    expect(await page.evaluate(() => getComputedStyle(document.body).margin)).toBe('0px');
    expect(await page.title()).toBe('paperboy');
    expect(await page.locator('h1').count()).toBe(1);

    const feed = (await (await fetch(`${base}feeds/all.json`)).json()) as { items: { title: string; url: string; summary?: string; _paperboy: { listed_on: string } }[] };
    // The home page shows the newest listing day of the feed, whole, in the feed's order.
    const day = feed.items[0]!._paperboy.listed_on;
    const cards = page.locator('ol.papers > li.card');
    expect(await cards.locator('h3').allTextContents()).toEqual(feed.items.filter((i) => i._paperboy.listed_on === day).map((i) => i.title));
    expect(await page.locator('#latest a').getAttribute('href')).toBe(`days/${day}/index.html`);
    // Every card has a title, a date and a link to its own page; the bundled snapshot's papers have no
    // arXiv id, so each also links arXiv's title search.
    for (const card of await cards.all()) {
      expect((await card.locator('h3').textContent())?.trim()).toBeTruthy();
      expect(await card.locator('time').count()).toBe(1);
      const links = await card.locator('ul.links a').evaluateAll((as) => as.map((a) => [a.textContent, (a as HTMLAnchorElement).href]));
      expect(links.slice(-2).map(([text]) => text)).toEqual([expect.stringMatching(/^Details: /), 'Search arXiv by title']);
      for (const [, h] of links) expect(h).toMatch(/^https?:\/\//);
    }
    // The abstract is folded; a click opens it and shows the same text as the feed.
    const abstract = cards.first().locator('details p');
    expect(await abstract.isVisible()).toBe(false);
    await cards.first().locator('details summary').click();
    expect(await abstract.isVisible()).toBe(true);
    expect(await abstract.textContent()).toBe(feed.items[0]!.summary);

    const topicLinks = page.locator('#topics ~ ul.topics li');
    expect(await topicLinks.count()).toBe(18);
    const llm = page.locator('ul.topics li', { has: page.locator('a[href="topics/llm/index.html"]') });
    expect(await llm.textContent()).toMatch(/\(\d+ papers?\)/);

    await page.screenshot({ path: join(ARTIFACTS, 'index.png'), fullPage: true });
    await page.locator('section[aria-labelledby="topics"]').screenshot({ path: join(ARTIFACTS, 'index-topics.png') });
    await page.locator('section[aria-labelledby="subscribe"]').screenshot({ path: join(ARTIFACTS, 'index-subscribe.png') });
    await page.close();
  });

  it('advertises every feed for autodiscovery, and each link serves its feed with the right type', async () => {
    const page = await newPage();
    for (const [path, expected] of [
      ['', ['feeds/all.xml', 'feeds/all.atom', 'feeds/all.json']],
      ['topics/llm/index.html', ['feeds/topics/llm.xml', 'feeds/topics/llm.atom', 'feeds/topics/llm.json', 'feeds/all.xml', 'feeds/all.atom', 'feeds/all.json']],
    ] as const) {
      await page.goto(`${base}${path}`);
      const links = await page.locator('head link[rel="alternate"]').evaluateAll((ls) =>
        ls.map((l) => ({ type: l.getAttribute('type'), title: l.getAttribute('title'), href: (l as HTMLLinkElement).href })),
      );
      // Resolved by the browser against the page URL, the way a reader's autodiscovery does it.
      expect(links.map((l) => l.href)).toEqual(expected.map((p) => `${base}${p}`));
      for (const link of links) {
        expect(link.title).toBeTruthy();
        const res = await fetch(link.href);
        expect(res.status, link.href).toBe(200);
        expect(res.headers.get('content-type'), link.href).toBe(`${link.type}; charset=utf-8`);
      }
    }
    await page.close();
  });

  it('shows a topic page with only that topic’s papers, reached by clicking its link', async () => {
    const page = await newPage();
    await page.goto(base);
    await page.locator('ul.topics a[href="topics/llm/index.html"]').click();
    await page.waitForURL(`${base}topics/llm/index.html`);
    const feed = (await (await fetch(`${base}feeds/topics/llm.json`)).json()) as { title: string; items: { title: string }[] };
    expect(await page.locator('h1').textContent()).toBe(feed.title.replace(/^paperboy — /, ''));
    // Cards under one heading per listing day, each linking to that day's page.
    const titles = await page.locator('ol.papers > li.card h4').allTextContents();
    expect(titles).toEqual(feed.items.map((i) => i.title));
    expect(await page.locator('section[aria-labelledby="latest"] h3 a[href^="../../days/"]').count()).toBeGreaterThan(0);
    expect(titles.length).toBeGreaterThan(0);
    // Each card carries the topic among its chips.
    for (const card of await page.locator('ol.papers > li.card').all()) {
      expect(await card.locator('ul.chips a[href="../../topics/llm/index.html"]').count()).toBe(1);
    }
    // The topic is pre-selected in its subscribe form.
    expect(await page.locator('#topic-llm').isChecked()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'topic-llm.png'), fullPage: true });
    await page.close();
  });

  it('shows a day page with every paper of that day, reached from the home page, and the archive of days', async () => {
    const page = await newPage();
    await page.goto(base);
    const dayLink = page.locator('#latest a');
    const href = (await dayLink.getAttribute('href'))!;
    expect(href).toMatch(/^days\/\d{4}-\d{2}-\d{2}\/index\.html$/);
    await dayLink.click();
    await page.waitForURL(`${base}${href}`);
    // The bundled page lists 53 papers on one day, more than feeds.maxItems: the day page has them all,
    // in the feed's order (which, for one day, is the day's ranking).
    const feed = (await (await fetch(`${base}feeds/all.json`)).json()) as { items: { title: string }[] };
    const titles = await page.locator('ol.papers > li.card h3').allTextContents();
    expect(titles).toEqual(feed.items.map((i) => i.title));
    expect(titles).toHaveLength(53);
    expect(await axeViolations(page), href).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'day.png'), fullPage: true });
    await page.locator('a[href="../../days/index.html"]').first().click();
    await page.waitForURL(`${base}days/index.html`);
    expect(await page.locator('ul.days li').first().textContent()).toMatch(/\(53 papers\)/);
    expect(await axeViolations(page), 'days/index.html').toEqual([]);
    await page.close();
  });

  it('shows a paper’s own page, reached from its card, with its week and related papers, and a week page', async () => {
    const page = await newPage();
    await page.goto(base);
    // The bundled papers have no source page: the card's title links to the paper's own page.
    const title = page.locator('li.card h3 a').first();
    const href = (await title.getAttribute('href'))!;
    expect(href).toMatch(/^papers\/[^/]+\/index\.html$/);
    const name = (await title.textContent())!;
    await title.click();
    await page.waitForURL(`${base}${href}`);
    expect(await page.locator('h1').textContent()).toBe(name);
    expect(await page.locator('ul.chips a').count()).toBeGreaterThan(0);
    expect(await axeViolations(page), href).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'paper.png'), fullPage: true });
    await page.locator('a[href^="../../weeks/"]').first().click();
    await page.waitForURL(/\/weeks\/\d{4}-W\d{2}\/index\.html$/);
    expect(await page.locator('h1').textContent()).toMatch(/^Papers of Week \d+, \d{4}$/);
    expect(await page.locator('ol.papers > li.card').count()).toBe(50);
    expect(await axeViolations(page), 'a week page').toEqual([]);
    await page.close();
  });

  it('passes axe-core’s WCAG 2 A/AA checks on the home page and a topic page', async () => {
    const page = await newPage();
    for (const path of ['', 'topics/llm/index.html']) {
      await page.goto(`${base}${path}`);
      expect(await axeViolations(page), path || 'index.html').toEqual([]);
    }
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(base);
    expect(await axeViolations(page), 'index.html, dark colour scheme').toEqual([]);
    await page.goto(`${base}${(await page.locator('#latest a').getAttribute('href'))!}`);
    expect(await axeViolations(page), 'a day page, dark colour scheme').toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'index-dark.png') });
    await page.close();
  });

  it('finds a paper by a word from its title on the search page, linked from every page, and the result leads to its card', async () => {
    // Prepare: a word of one title only, cut the way the index cuts words
    const feed = (await (await fetch(`${base}feeds/all.json`)).json()) as { items: { title: string }[] };
    const titles = feed.items.map((i) => i.title);
    const owners = new Map<string, string[]>();
    for (const title of titles) for (const w of new Set(searchTerms(title))) owners.set(w, [...(owners.get(w) ?? []), title]);
    const [word, [title]] = [...owners].find(([w, ts]) => ts.length === 1 && w.length >= 6 && /^[a-z]+$/.test(w))! as [string, string[]];
    const page = await newPage();
    await page.goto(base);
    await page.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'Search' }).click();
    await page.waitForURL(`${base}search/index.html`);

    // Act: type the word, as a reader would
    await page.getByLabel('Words from a title, an author or a TL;DR').pressSequentially(word, { delay: 20 });
    const first = page.locator('#search-results li a').first();
    await first.waitFor();

    // Assess: the paper comes first (a title match outranks the rest), its link is a page that exists
    expect(await first.textContent()).toBe(title);
    expect(await page.getByRole('status').textContent()).toMatch(/^\d+ papers? match/);
    expect(await axeViolations(page), 'search/index.html with results').toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'search.png'), fullPage: true });
    const href = (await first.getAttribute('href'))!;
    expect(href.startsWith(base), href).toBe(true);
    // The paper's permanent link (core's paperPermalinkPath): its card on its day page, or its own page.
    const [path, anchor] = href.slice(base.length).split('#');
    const target = await fetch(`${base}${path}`);
    expect(target.status, href).toBe(200);
    if (anchor !== undefined) expect(await target.text()).toContain(`id="${anchor}"`);
    await first.click();
    await page.waitForURL(href);
    // The query is kept in the address when submitted, so a search can be shared and reloaded.
    await page.goto(`${base}search/index.html?q=${encodeURIComponent(word)}`);
    expect(await page.locator('#search-results li a').first().textContent()).toBe(title);
    await page.close();
  });

  it('shows hostile text from the index as text: no markup, no script, no link off the site', async () => {
    const page = await newPage();
    // The index as publish wrote it, with every title and permalink replaced by an attack.
    await page.route('**/search/d/**', async (route) => {
      const docs = (await (await route.fetch()).json()) as [string, string, string][];
      const hostile = docs.map(([title]) => [`<img src=x onerror="document.title='pwned'">${title}`, '<b>Mallory</b>', 'javascript:alert(1)']);
      await route.fulfill({ json: hostile });
    });
    await page.goto(`${base}search/index.html`);
    await page.locator('#q').fill('the learning');
    await page.locator('#q').press('Enter');
    await page.locator('#search-results li').first().waitFor();
    expect(await page.locator('#search-results img, #search-results b').count()).toBe(0);
    expect(await page.locator('#search-results li a').first().textContent()).toMatch(/^<img src=x onerror=/);
    for (const href of await page.locator('#search-results a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href))) expect(href.startsWith(base), href).toBe(true);
    expect(await page.title()).not.toBe('pwned');
    await page.close();
  });

  it('says on the search page, without JavaScript, that search needs it, and links to every day', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'paperboy-chromium-nojs-'));
    const noScript = await launchChromium(dir, { javaScriptEnabled: false });
    try {
      const page = await noScript.newPage();
      await page.goto(`${base}search/index.html`);
      expect(await page.locator('main').textContent()).toContain('JavaScript is off');
      expect(await page.locator('form#search-form').isVisible()).toBe(false);
      await page.getByRole('link', { name: 'browse every day' }).click();
      await page.waitForURL(`${base}days/index.html`);
    } finally {
      await noScript.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fits a phone screen: no horizontal scrolling, readable text', async () => {
    const page = await newPage(PHONE);
    for (const path of ['', 'topics/llm/index.html']) {
      await page.goto(`${base}${path}`);
      const { scrollWidth, clientWidth, fontSize } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
        fontSize: parseFloat(getComputedStyle(document.body).fontSize),
      }));
      expect(scrollWidth, path).toBeLessThanOrEqual(clientWidth);
      expect(fontSize).toBeGreaterThanOrEqual(16);
    }
    await page.close();
  });

  it('shows a phone the topics and the subscribe link on the first screen, before the first paper, in both colour schemes', async () => {
    const page = await newPage(PHONE);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(base);
      const box = async (selector: string) => {
        const b = await page.locator(selector).boundingBox();
        expect(b, selector).not.toBeNull();
        return b!;
      };
      const bar = await box('section.topic-bar');
      const subscribe = await box('header.site a[href="index.html#subscribe"]');
      const firstCard = await box('ol.papers > li.card >> nth=0');
      // Wholly within the first screen (740 px), and above the first paper: no scrolling past papers.
      for (const [name, b] of [['topic bar', bar], ['subscribe link', subscribe]] as const) {
        expect(b.y, name).toBeGreaterThanOrEqual(0);
        expect(b.y + b.height, name).toBeLessThanOrEqual(PHONE.height);
        expect(b.y + b.height, name).toBeLessThanOrEqual(firstCard.y);
      }
      // Every topic is in the bar, each one tap from its page.
      expect(await page.locator('section.topic-bar li').count()).toBe(18);
      expect(await axeViolations(page), `index.html at 360 px, ${scheme}`).toEqual([]);
      if (scheme === 'light') await page.screenshot({ path: join(ARTIFACTS, 'index-phone.png') });
    }
    // One tap: the subscribe link lands on the form.
    await page.emulateMedia({ colorScheme: 'light' });
    await page.locator('header.site a[href="index.html#subscribe"]').click();
    await page.waitForURL(`${base}index.html#subscribe`);
    const form = await page.locator('form.subscribe').boundingBox();
    expect(form!.y).toBeLessThan(PHONE.height);
    expect(form!.y + 40).toBeGreaterThan(0);
    await page.close();
  });

  it('submits the subscribe form and shows the confirmation message; the confirmation email goes out', async () => {
    const page = await newPage();
    await page.goto(base);
    expect(await ctx.rt.subscribers.findByEmail('browser.reader@example.org')).toBeUndefined();
    await page.getByLabel('Email address').fill('browser.reader@example.org');
    await page.getByLabel('Computer vision', { exact: true }).check();
    await page.getByLabel('Weekly').check();
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.waitForURL(`${base}api/subscribe`);
    expect(await page.getByRole('status').textContent()).toContain('Check your inbox');
    // The API's page, under the same policy (CloudFront applies it to /api/* too): styled, no violation.
    expect(await page.evaluate(() => getComputedStyle(document.body).margin)).toBe('0px');
    const stored = await ctx.rt.subscribers.findByEmail('browser.reader@example.org');
    expect(stored).toMatchObject({ status: 'pending', topics: ['vision'], frequency: 'weekly' });
    await page.screenshot({ path: join(ARTIFACTS, 'subscribed.png'), fullPage: true });
    // The local SES received the confirmation message for that address.
    const mailDir = join(dataDir, 'mail');
    const mails = await Promise.all((await readdir(mailDir)).filter((f) => f.endsWith('.json')).map(async (f) => JSON.parse(await readFile(join(mailDir, f), 'utf8')) as { to: string[]; text: string }));
    const confirmation = mails.find((m) => m.to.includes('browser.reader@example.org'));
    expect(confirmation?.text).toMatch(/\/api\/confirm\?token=/);

    // Without a topic, the browser itself does not stop the form (checkboxes are not "required"),
    // so the API answers with a page that says what is missing.
    await page.goto(base);
    await page.getByLabel('Email address').fill('no.topics@example.org');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.waitForURL(`${base}api/subscribe`);
    expect(await page.getByRole('alert').textContent()).toContain('Choose at least one topic.');
    expect(await ctx.rt.subscribers.findByEmail('no.topics@example.org')).toBeUndefined();
    // The form comes back as it was sent, accessible in both colour schemes, and finishing it there works.
    expect(await page.getByLabel('Email address').inputValue()).toBe('no.topics@example.org');
    expect(await axeViolations(page), 'the rejected form').toEqual([]);
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await axeViolations(page), 'the rejected form, dark colour scheme').toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'subscribe-rejected.png'), fullPage: true });
    await page.getByLabel('Large language models', { exact: true }).check();
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.waitForURL(`${base}api/subscribe`);
    expect(await page.getByRole('status').textContent()).toContain('Check your inbox');
    expect(await ctx.rt.subscribers.findByEmail('no.topics@example.org')).toMatchObject({ status: 'pending', topics: ['llm'] });
    await page.close();
  });

  it('confirms only when the Confirm button is pressed: opening the emailed link (a mail scanner) leaves the subscriber pending', async () => {
    const email = 'browser.confirm@example.org';
    const form = new URLSearchParams([['email', email], ['topics', 'llm'], ['frequency', 'daily']]);
    expect((await fetch(`${base}api/subscribe`, { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(202);
    const mailDir = join(dataDir, 'mail');
    const mails = await Promise.all((await readdir(mailDir)).filter((f) => f.endsWith('.json')).map(async (f) => JSON.parse(await readFile(join(mailDir, f), 'utf8')) as { to: string[]; text: string }));
    const link = /(http:\/\/127\.0\.0\.1:\d+\/api\/confirm\?token=[A-Za-z0-9_%-]+)/.exec(mails.find((m) => m.to.includes(email))!.text)![1]!;
    // GIVEN a link scanner that fetches the link, and a person who opens it in the browser
    expect((await fetch(link)).status).toBe(200);
    const page = await newPage();
    const res = await page.goto(link);
    expect(res?.status()).toBe(200);
    // THEN nothing is confirmed yet: the page asks for one click
    expect((await ctx.rt.subscribers.findByEmail(email))?.status).toBe('pending');
    expect(await page.locator('h1').textContent()).toBe('Confirm your subscription');
    expect(await page.evaluate(() => getComputedStyle(document.body).margin)).toBe('0px');
    expect(await axeViolations(page), 'the confirm page').toEqual([]);
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await axeViolations(page), 'the confirm page, dark colour scheme').toEqual([]);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.screenshot({ path: join(ARTIFACTS, 'confirm.png'), fullPage: true });
    // WHEN the person presses the button (a plain form POST: the page has no script)
    await page.getByRole('button', { name: 'Confirm subscription' }).click();
    await page.waitForURL(`${base}api/confirm`);
    // THEN the subscription is active, and the page says so
    expect(await page.getByRole('status').textContent()).toContain('You are subscribed');
    expect((await ctx.rt.subscribers.findByEmail(email))?.status).toBe('active');
    expect(await axeViolations(page), 'the confirmed page').toEqual([]);
    // AND opening the link again says it is already confirmed
    await page.goto(link);
    expect(await page.locator('h1').textContent()).toBe('Already confirmed');
    expect(await axeViolations(page), 'the already-confirmed page').toEqual([]);
    await page.close();
  });
  it('sets keyword phrases and authors on the preferences page: a bad line is named beside its field, the form comes back as sent, all without script', async () => {
    const email = 'browser.follows@example.org';
    await ctx.rt.subscribers.create({ id: 'browser-follows-1', email, status: 'active', topics: ['llm'], frequency: 'daily', createdAt: new Date().toISOString(), confirmedAt: new Date().toISOString() });
    const link = subscriberLinks({ siteUrl: base, secret: await ctx.rt.secret() }, 'browser-follows-1').preferencesUrl;
    const page = await newPage();
    expect((await page.goto(link))?.status()).toBe(200);
    expect(await axeViolations(page), 'the preferences page').toEqual([]);
    // A bad keyword line: the message says which line and why, next to the field, and what was typed stays.
    await page.getByLabel('Keyword phrases, one a line').fill('speculative decod*\nC++');
    await page.getByLabel('Authors, one a line').fill('Y. LeCun');
    await page.getByRole('button', { name: 'Save preferences' }).click();
    await page.waitForURL(/\/api\/preferences\?token=/);
    expect(await page.locator('#keywords-error').textContent()).toMatch(/^keywords: line 2 "C\+\+": must be words of letters and digits/);
    expect(await page.getByLabel('Keyword phrases, one a line').inputValue()).toBe('speculative decod*\nC++');
    expect(await page.getByLabel('Authors, one a line').inputValue()).toBe('Y. LeCun');
    expect(await page.getByRole('alert').textContent()).toContain('keywords: line 2');
    expect(await axeViolations(page), 'the rejected preferences form').toEqual([]);
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await axeViolations(page), 'the rejected preferences form, dark colour scheme').toEqual([]);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.screenshot({ path: join(ARTIFACTS, 'preferences-rejected.png'), fullPage: true });
    // Fixed and saved: no topic, a keyword and an author are enough.
    await page.getByLabel('Keyword phrases, one a line').fill('speculative decod*');
    await page.getByRole('checkbox', { name: 'Large language models' }).uncheck();
    await page.getByRole('button', { name: 'Save preferences' }).click();
    await page.waitForURL(/\/api\/preferences\?token=/);
    expect(await page.getByRole('status').textContent()).toBe('Saved: daily digests on 1 keyword phrase; 1 author.');
    expect(await ctx.rt.subscribers.get('browser-follows-1')).toMatchObject({ topics: [], keywords: ['speculative decod*'], authors: ['Y. LeCun'] });
    expect(await axeViolations(page), 'the saved preferences page').toEqual([]);
    await page.close();
  });
});
