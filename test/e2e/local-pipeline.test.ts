/**
 * End to end, as a new user runs it: `paperboy start --once` twice on a fresh data dir, then the
 * served site, feeds, subscriptions API and captured mail, and the CLI beside the running server.
 */
import { readFile, rm, writeFile, mkdtemp } from 'node:fs/promises';
import type { ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Parser from 'rss-parser';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECURITY_HEADERS } from '@paperboy/feeds';
import { freePort, mailEntries, outboxFiles, paperboy, ROOT, startServer, stopServer } from '../support/cli.js';
import { parseSnapshot } from '@paperboy/sources';
import { checkLinks } from '../../packages/local/src/simulate/link-check.js';

/** The titles are in the order of the bundled page (which has no upvotes to order by). */
async function expectPageOrder(titles: string[]): Promise<void> {
  const page = parseSnapshot(await readFile(join(ROOT, 'data', 'daily-papers-page.txt'), 'utf8'), { source: 'demo', listedOn: '2026-01-01' });
  const places = titles.map((t) => page.papers.findIndex((p) => p.title === t));
  expect(places).not.toContain(-1);
  expect(places).toEqual([...places].sort((a, b) => a - b));
}

describe('local pipeline, end to end', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let first: { stdout: string; stderr: string };
  let second: { stdout: string; stderr: string };
  let server: ChildProcess | undefined;
  let base: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'paperboy-e2e-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}/`;
    env = { PAPERBOY_DATA_DIR: dataDir, PORT: String(port) };
    first = await paperboy(['start', '--once'], env);
    second = await paperboy(['start', '--once'], env);
  });

  afterAll(async () => {
    await stopServer(server);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('ingests the 53 bundled papers, publishes and sends the demo digest on the first run', async () => {
    expect(first.stdout).toMatch(/ingest\s+53 received, 53 new/);
    expect(first.stdout).toMatch(/publish\s+\d+ objects, \d+ uploaded/);
    expect(first.stdout).toMatch(/digest\s+1 due, 1 sent/);
    const files = await outboxFiles(dataDir);
    expect(files).toHaveLength(1);
    const eml = await readFile(join(dataDir, 'outbox', files[0]!), 'utf8');
    expect(eml).toMatch(/^To: reader@example\.com$/m);
    expect(eml).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    expect(eml).toMatch(/^List-Unsubscribe:\s*<http:\/\/127\.0\.0\.1:\d+\/api\/unsubscribe\?token=[^>]+>$/m);
    expect(eml).toMatch(/Content-Type: text\/html/);
    expect(eml).toMatch(/Content-Type: text\/plain/);
  });

  it('lists the demo digest in the order of the saved page, which has no upvotes', async () => {
    const [mail] = await mailEntries(dataDir);
    const titles = [...mail!.text.matchAll(/^\d+\. (.+)$/gm)].map((m) => m[1]!);
    expect(titles.length).toBeGreaterThan(2);
    await expectPageOrder(titles);
  });

  it('finds nothing new and sends nothing on the second run', async () => {
    expect(second.stdout).toMatch(/ingest\s+53 received, 0 new, 0 updated, 53 unchanged/);
    expect(second.stdout).toMatch(/publish\s+\d+ objects, 0 uploaded/);
    expect(second.stdout).toMatch(/digest\s+1 due, 0 sent/);
    expect(await outboxFiles(dataDir)).toHaveLength(1);
  });

  describe('served on one local origin', () => {
    beforeAll(async () => {
      ({ server } = await startServer([], env));
    });

    it('serves index.html with feed autodiscovery', async () => {
      const res = await fetch(base);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const html = await res.text();
      const feed = (await (await fetch(`${base}feeds/all.json`)).json()) as { items: { title: string }[] };
      expect(feed.items.length).toBeGreaterThan(0);
      expect(html).toContain(`>${feed.items[0]!.title}<`);
      expect(html).toMatch(/<link[^>]+rel="alternate"[^>]+type="application\/rss\+xml"/);
    });

    it('serves RSS, Atom and JSON Feed that real parsers accept', async () => {
      const parser = new Parser();
      const rssRes = await fetch(`${base}feeds/all.xml`);
      expect(rssRes.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
      const rssText = await rssRes.text();
      expect(XMLValidator.validate(rssText)).toBe(true);
      const rss = await parser.parseString(rssText);
      expect(rss.items.length).toBeGreaterThan(0);
      expect(rss.items.map((i) => i.title)).toContain('Pointer Networks');

      const atomRes = await fetch(`${base}feeds/all.atom`);
      expect(atomRes.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
      const atomText = await atomRes.text();
      expect(XMLValidator.validate(atomText)).toBe(true);
      const atom = await parser.parseString(atomText);
      expect(atom.items.length).toBe(rss.items.length);

      const jsonRes = await fetch(`${base}feeds/all.json`);
      expect(jsonRes.headers.get('content-type')).toBe('application/feed+json; charset=utf-8');
      const json = (await jsonRes.json()) as { version: string; items: { title: string }[] };
      expect(json.version).toBe('https://jsonfeed.org/version/1.1');
      expect(json.items.map((i) => i.title).sort()).toEqual(rss.items.map((i) => i.title).sort());
      await expectPageOrder(json.items.map((i) => i.title));
    });

    it('lets the CLI work beside the running server, on the same data dir', async () => {
      const status = await paperboy(['status'], env);
      const { pid } = JSON.parse(await readFile(join(dataDir, 'services.json'), 'utf8')) as { pid: number };
      expect(status.stdout.split('\n')[0]).toBe(`paperboy status: ${dataDir} (served at ${base} by process ${pid})`);
      expect(status.stdout).toMatch(/subscribers\s+1 daily, 0 weekly/);
      expect(status.stdout).toMatch(/^\s+demo-snapshot\s+53\s+0\s+0\s+53\s+0\s+ok$/m);
      const json = JSON.parse((await paperboy(['status', '--json'], env)).stdout) as { activeSubscribers: { daily: number }; server: { siteUrl: string }; runs: { ingest: { counts: { received: number } } } };
      expect(json.activeSubscribers.daily).toBe(1);
      expect(json.server.siteUrl).toBe(base);
      expect(json.runs.ingest.counts.received).toBe(53);
    });

    it('subscribes through the form, confirms by the emailed link, and unsubscribes in one click', async () => {
      const before = (await mailEntries(dataDir)).length;
      const form = new URLSearchParams([
        ['email', 'new.reader@example.org'],
        ['topics', 'vision'],
        ['topics', 'llm'],
        ['frequency', 'weekly'],
      ]);
      const sub = await fetch(`${base}api/subscribe`, { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(sub.status).toBe(202);
      expect(await sub.text()).toContain('Check your inbox');

      const mails = await mailEntries(dataDir);
      expect(mails).toHaveLength(before + 1);
      const confirmation = mails.at(-1)!;
      expect(confirmation.to).toEqual(['new.reader@example.org']);
      const confirmUrl = /(http:\/\/127\.0\.0\.1:\d+\/api\/confirm\?token=[A-Za-z0-9_%-]+)/.exec(confirmation.text)?.[1];
      expect(confirmUrl).toBeDefined();
      expect(confirmUrl).not.toContain('example.org');

      // The link opens a page with the Confirm button; its form posts the token in the body.
      const confirmPage = await fetch(confirmUrl!.replace(/^http:\/\/127\.0\.0\.1:\d+\//, base));
      expect(confirmPage.status).toBe(200);
      const token = /<input type="hidden" name="token" value="([A-Za-z0-9_-]+)">/.exec(await confirmPage.text())?.[1];
      expect(token).toBeDefined();
      const confirmed = await fetch(`${base}api/confirm`, { method: 'POST', body: new URLSearchParams({ token: token! }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(confirmed.status).toBe(200);
      expect(await confirmed.text()).toContain('You are subscribed');
      const again = await fetch(confirmUrl!.replace(/^http:\/\/127\.0\.0\.1:\d+\//, base));
      expect(again.status).toBe(200);
      expect(await again.text()).toContain('This subscription is already confirmed.');

      // The demo digest's one-click unsubscribe: GET shows a button, POST acts.
      const eml = await readFile(join(dataDir, 'outbox', (await outboxFiles(dataDir))[0]!), 'utf8');
      const unsubscribeUrl = /List-Unsubscribe:\s*<([^>]+)>/.exec(eml)![1]!.replace(/^http:\/\/127\.0\.0\.1:\d+\//, base);
      const page = await fetch(unsubscribeUrl);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<button');
      const status1 = await paperboy(['status'], env);
      expect(status1.stdout).toMatch(/subscribers\s+1 daily, 1 weekly/);
      const oneClick = await fetch(unsubscribeUrl, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(oneClick.status).toBe(200);
      const status2 = await paperboy(['status'], env);
      expect(status2.stdout).toMatch(/subscribers\s+0 daily, 1 weekly/);
    });

    it('has no broken internal link: every page and feed reached from the home page, the OPML and the demo email, as served', async () => {
      // Crawl the site as a reader's browser and feed reader reach it, through the gateway in front of the
      // bucket: every internal link of every page, feed and the OPML is followed; what answers is checked.
      const objects = new Map<string, { contentType: string; body: string }>();
      const todo = ['index.html', 'feeds/index.opml', 'feeds/all.xml', 'feeds/all.atom', 'feeds/all.json'];
      const queued = new Set(todo);
      while (todo.length) {
        const key = todo.pop()!;
        const res = await fetch(new URL(key, base));
        if (!res.ok) continue; // checkLinks reports every link to it as a missing object
        const contentType = res.headers.get('content-type') ?? '';
        const body = await res.text();
        objects.set(key, { contentType, body });
        for (const m of body.matchAll(/(?:href|src|xmlUrl|htmlUrl)="([^"#]+)|"(?:url|home_page_url|feed_url)":\s*"([^"#]+)|<link>([^<#]+)<|<link[^>]*href="([^"#]+)"/g)) {
          const href = (m[1] ?? m[2] ?? m[3] ?? m[4]!).replace(/&amp;/g, '&');
          const url = new URL(href, new URL(key, base));
          if (url.origin !== new URL(base).origin || url.pathname.startsWith('/api/') || url.pathname.startsWith('/_local/')) continue;
          const next = decodeURIComponent(url.pathname.slice(1)) || 'index.html';
          if (!queued.has(next)) {
            queued.add(next);
            todo.push(next);
          }
        }
      }
      const emails = (await mailEntries(dataDir)).map((m) => ({ name: m.name, html: m.html, text: m.text }));
      const result = checkLinks({ siteUrl: base, objects, emails });
      expect(result.broken).toEqual([]);
      // Every bundled paper's own page was reached, and each day's page, week page and the archive.
      expect([...objects.keys()].filter((k) => /^papers\/[^/]+\/index\.html$/.test(k))).toHaveLength(53);
      for (const k of ['days/index.html', 'feeds/index.opml']) expect(objects.has(k), k).toBe(true);
      expect([...objects.keys()].some((k) => k.startsWith('weeks/'))).toBe(true);
      expect(emails.length).toBeGreaterThan(0);
      expect(result.checked).toBeGreaterThan(1000);
    });

    it('shows the captured mail at /_local/mail/', async () => {
      const res = await fetch(`${base}_local/mail/`);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('Confirm');
      expect(html).toMatch(/new papers on/);
    });

    it('sends the CDN\'s security headers on pages, feeds, errors and API answers, and never serves internal objects', async () => {
      for (const url of [base, `${base}feeds/all.xml`, `${base}nothing-here`, `${base}api/confirm?token=forged`]) {
        const res = await fetch(url);
        for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(res.headers.get(name), `${name} on ${url}`).toBe(value);
      }
      for (const path of ['_paperboy/manifest.json', '%5Fpaperboy/manifest.json', '_paperboy/']) expect((await fetch(`${base}${path}`)).status, path).toBe(404);
    });

    it('rejects a forged unsubscribe token', async () => {
      const res = await fetch(`${base}api/unsubscribe?token=AAAAAAAAAAAAAAAA.forged`, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(res.status).toBe(404);
    });
  });

  it('fails when the config has a bad value, with one line naming the field', async () => {
    const bad = join(dataDir, 'bad.config.json');
    const config = JSON.parse(await readFile(join(ROOT, 'paperboy.config.json'), 'utf8')) as { digest: { maxPapers: number } };
    config.digest.maxPapers = -3;
    await writeFile(bad, JSON.stringify(config));
    const err = await paperboy(['start', '--once'], { ...env, PAPERBOY_CONFIG: bad }).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(2);
    const lines = err!.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/digest\.maxPapers = -3/);
  });
});
