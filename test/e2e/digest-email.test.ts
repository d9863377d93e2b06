/**
 * The digest email in a real browser (Chromium through playwright-core), at desktop and phone
 * widths. Screenshots are kept as test artifacts under test-results/ (git-ignored) for a human to look at.
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultTaxonomyParsed, followMatcher, mergePaper, paperPermalinkPath, subscriberLinks, type Paper } from '@paperboy/core';
import { renderDigestEmail } from '@paperboy/mail';
import { parseHfDaily } from '@paperboy/sources';
import { paper } from '../support/papers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const OUT = join(ROOT, 'test-results');
const SITE = 'https://papers.example.com/';

const topics = defaultTaxonomyParsed().topics.filter((t) => ['llm', 'vision', 'efficiency'].includes(t.slug));
const papers: Paper[] = [
  paper({
    id: '2411.04905',
    title: 'OpenCoder: The Open Cookbook for Top-Tier Code Large Language Models',
    authors: ['Siming Huang', 'Tianhao Cheng', 'J. K. Liu', 'Jiaran Hao', 'Liuyihan Song'],
    abstract:
      'Large language models (LLMs) for code have become indispensable in various domains, including code generation, reasoning tasks and agent systems. While open-access code LLMs are increasingly approaching the performance levels of proprietary models, high-quality code LLMs suitable for rigorous scientific investigation remain limited.',
    tags: ['llm', 'efficiency'],
    upvotes: 142,
    links: { abs: 'https://arxiv.org/abs/2411.04905', pdf: 'https://arxiv.org/pdf/2411.04905', code: 'https://github.com/OpenCoder-llm/OpenCoder-llm', hf: 'https://huggingface.co/papers/2411.04905' },
  }),
  paper({
    id: '2411.05000',
    title: 'A very long title with <script>alert("x")</script> & Supercalifragilisticexpialidocious_unbreakable_identifier_without_any_hyphens_at_all_v2',
    authors: ['Ada Lovelace'],
    abstract: 'Short abstract with <b>markup</b> that must show as text.',
    tags: ['vision'],
    upvotes: 7,
    links: { abs: 'https://arxiv.org/abs/2411.05000', project: 'https://example.org/project' },
  }),
  paper({ id: '2411.05001', title: 'Sparse Mixture of Experts at Scale', tags: ['efficiency', 'llm'], upvotes: 1, links: { doi: '10.1000/xyz123' } }),
  // A paper of a real Hugging Face response, through the real source and merge: its TL;DR (`ai_summary`).
  hfPaper(),
];

function hfPaper(): Paper {
  const raw = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'upstream', 'hf-daily-papers.json'), 'utf8');
  const input = parseHfDaily(raw, { source: 'hf', date: '2026-11-26' }).papers.find((p) => p.summary)!;
  return mergePaper(undefined, input, ['llm'], '2026-11-26T06:00:00.000Z');
}

// The subscriber follows three topics, a keyword phrase and an author: each entry says which matched.
const follows = { topics: topics.map((t) => t.slug), keywords: ['mixture of experts'], authors: ['A. Lovelace'] };
const matcher = followMatcher(follows);
const email = renderDigestEmail({
  to: 'reader@example.com',
  site: { title: 'paperboy', url: SITE },
  topics,
  keywords: follows.keywords,
  authors: follows.authors,
  papers,
  reasons: Object.fromEntries(papers.map((p) => [p.id, matcher.reasons(p)])),
  moreByDay: { '2026-11-26': { llm: 9, vision: 3, ':authors': 2 }, '2026-11-25': { llm: 3 } },
  frequency: 'daily',
  period: '2026-11-26',
  ...subscriberLinks({ siteUrl: SITE, secret: 'e'.repeat(40) }, 'subscriber-e2e-1'),
});

let browser: BrowserContext;
let userDataDir: string;

beforeAll(async () => {
  await mkdir(OUT, { recursive: true });
  await writeFile(join(OUT, 'digest-email.html'), email.html);
  userDataDir = await mkdtemp(join(tmpdir(), 'paperboy-chromium-'));
  // A fresh profile every run; emails run no scripts, so neither does the page.
  browser = await launchChromium(userDataDir, { javaScriptEnabled: false, deviceScaleFactor: 1 });
});
afterAll(async () => {
  await browser?.close();
  await rm(userDataDir, { recursive: true, force: true });
});

async function render(width: number, name: string) {
  const page = await browser.newPage();
  await page.setViewportSize({ width, height: 900 });
  // No network: everything an email needs is inline.
  await page.route('**/*', (route) => route.abort());
  await page.setContent(email.html, { waitUntil: 'load' });
  await page.screenshot({ path: join(OUT, `digest-email-${name}.png`), fullPage: true });
  const layout = await page.evaluate(() => {
    const doc = document.documentElement;
    const card = document.querySelectorAll('table')[1]!.getBoundingClientRect();
    const titles = Array.from(document.querySelectorAll('h2 a')).map((a) => ({ text: a.textContent, width: a.getBoundingClientRect().width, right: a.getBoundingClientRect().right }));
    const smallest = Math.min(...Array.from(document.querySelectorAll('p, a, span, h1, h2')).filter((e) => (e as HTMLElement).offsetParent !== null).map((e) => parseFloat(getComputedStyle(e).fontSize)));
    const links = Array.from(document.querySelectorAll('a')).map((a) => ({ text: a.textContent?.trim(), href: a.getAttribute('href') }));
    const h1 = document.querySelector('h1 span');
    const heading = h1 && h1.getClientRects().length === 1 ? h1.textContent : '(date broken over lines)';
    const text = (document.body.textContent ?? '').replace(/\s+/g, ' ');
    return { heading, scrollWidth: doc.scrollWidth, innerWidth: window.innerWidth, cardWidth: card.width, cardLeft: card.left, titles, smallest, links, text, scripts: document.querySelectorAll('script').length };
  });
  await page.close();
  return layout;
}

describe('the digest email in chromium', () => {
  it('reads well at desktop width: one centred 600px column, nothing injected', async () => {
    const l = await render(1280, 'desktop');
    expect(l.scrollWidth).toBeLessThanOrEqual(l.innerWidth);
    expect(l.cardWidth).toBe(600);
    expect(Math.abs(l.cardLeft - (l.innerWidth - 600) / 2)).toBeLessThanOrEqual(1);
    expect(l.scripts).toBe(0);
    expect(l.titles.map((t) => t.text)).toEqual(papers.map((p) => p.title));
    expect(l.smallest).toBeGreaterThanOrEqual(12);
    const texts = l.links.map((x) => x.text);
    const newest = 'And 14 more from 26 Nov 2026 (9 on Large language models, 3 on Computer vision, 2 by your authors)';
    expect(texts).toEqual(expect.arrayContaining([newest, 'And 3 more from 25 Nov 2026 (3 on Large language models)', 'Change topics, keywords, authors or frequency', 'Unsubscribe']));
    // Why each paper is there, as the matcher found it: topics, the keyword phrase, the author.
    const name = (slug: string) => topics.find((t) => t.slug === slug)!.name;
    expect(l.text.match(/Why: /g)).toHaveLength(papers.length);
    expect(l.text).toContain(`Why: topic ${name('llm')} · topic ${name('efficiency')} · keyword “mixture of experts”`);
    expect(l.text).toContain(`Why: topic ${name('vision')} · author A. Lovelace`);
    expect(l.links.find((x) => x.text === newest)?.href).toBe(`${SITE}days/2026-11-26/index.html`);
    // Every paper links its own page on the site, whatever its source page; the real one shows its TL;DR.
    for (const p of papers) {
      const own = `${SITE}${paperPermalinkPath(p)}`;
      expect(l.links, p.id).toContainEqual(p.links.abs || p.links.hf ? { text: 'Details', href: own } : { text: p.title, href: own });
    }
    const tldr = papers.at(-1)!.summary!;
    expect(tldr.length).toBeGreaterThan(20);
    expect(l.text).toContain(`TL;DR ${tldr.replace(/\s+/g, ' ')}`);
  });

  it('fits a phone: no sideways scrolling, the long title wraps, the date in the heading stays whole', async () => {
    const l = await render(375, 'phone');
    expect(l.scrollWidth).toBeLessThanOrEqual(l.innerWidth);
    expect(l.heading).toContain('2026-11-26');
    expect(l.cardWidth).toBeLessThanOrEqual(375);
    for (const t of l.titles) expect(t.right).toBeLessThanOrEqual(l.innerWidth);
  });
});
