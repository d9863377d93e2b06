/**
 * The static site: pages parsed with htmlparser2 (a real HTML tokenizer) and checked for what a reader
 * without JavaScript, a screen-reader user and a feed reader doing autodiscovery each need.
 */
import { describe, expect, it } from 'vitest';
import { DomUtils, parseDocument } from 'htmlparser2';
import { compareByRank, isoWeek, paperPermalinkPath, taxonomySchema, type Paper, type SiteObject } from '@paperboy/core';
import { CONTENT_SECURITY_POLICY, escapeHtml, renderPage, renderSite, SEARCH_SCRIPT, SEARCH_SCRIPT_HASH, SECURITY_HEADERS, SITE_CSS, SITE_CSS_HASH } from '@paperboy/feeds';
import { cspViolations } from '../support/csp.js';
import { createHash } from 'node:crypto';

type Document = ReturnType<typeof parseDocument>;
type Element = Extract<Document['children'][number], { attribs: Record<string, string> }>;

const SITE = { title: 'paperboy <dev>', description: 'Papers & "feeds".', url: 'https://papers.example.org/', language: 'en' };
const TOPICS = taxonomySchema.parse({
  topics: [
    { slug: 'llm', name: 'Language models', description: 'LLMs & <friends>', phrases: ['language model'] },
    { slug: 'vision', name: 'Vision', phrases: ['image'] },
    { slug: 'empty-topic', name: 'Empty <topic>', phrases: ['nothing'] },
  ],
}).topics;

const HOSTILE_TITLE = '<script>alert("x")</script> & "q" ]]> 🚀 مرحبا שלום \u0001$\\alpha$';
const HOSTILE_TITLE_SEEN = '<script>alert("x")</script> & "q" ]]> 🚀 مرحبا שלום $\\alpha$';

function paper(i: number, extra: Partial<Paper> = {}): Paper {
  const id = `2410.${String(10000 + i)}`;
  return {
    id,
    title: `Paper ${i}`,
    abstract: `Abstract ${i} <i>with</i> & markup.`,
    authors: Array.from({ length: i % 12 }, (_, k) => `Author ${k}`),
    listedOn: `2024-10-${String(10 + (i % 5)).padStart(2, '0')}`,
    links: { abs: `https://arxiv.org/abs/${id}`, pdf: `https://arxiv.org/pdf/${id}`, ...(i % 2 ? { code: `https://github.com/x/${i}` } : {}) },
    categories: [],
    keywords: [],
    upvotes: i,
    tags: i % 3 === 0 ? ['llm'] : i % 3 === 1 ? ['vision', 'llm'] : [],
    sources: ['t'],
    firstSeenAt: '2024-10-10T00:00:00Z',
    updatedAt: `2024-10-10T00:${String(i).padStart(2, '0')}:00Z`,
    contentHash: String(i),
    ...extra,
  };
}

const PAPERS: Paper[] = [
  ...Array.from({ length: 12 }, (_, i) => paper(i)),
  paper(40, {
    id: '2410.99999',
    title: HOSTILE_TITLE,
    abstract: 'Abstract </details><script>alert(1)</script> & more',
    authors: ['<img src=x onerror=alert(1)>', "O'Brien"],
    links: { abs: 'javascript:alert(1)', pdf: 'https://arxiv.org/pdf/2410.99999?a=1&b="2"', hf: 'https://huggingface.co/papers/2410.99999' },
    tags: ['llm'],
    // The newest listing day, so the home page shows it too.
    listedOn: '2024-10-14',
  }),
];

function render(extra: { topicCounts?: Record<string, number>; maxItems?: number } = {}): Map<string, SiteObject> {
  const objects = renderSite({ site: SITE, topics: TOPICS, papers: PAPERS, maxItems: extra.maxItems ?? 50, topicCounts: extra.topicCounts, generatedAt: new Date('2030-01-01T00:00:00Z') });
  return new Map(objects.map((o) => [o.key, o]));
}

const pages = (objects: Map<string, SiteObject>) => [...objects.values()].filter((o) => o.key.endsWith('.html'));
const dom = (html: string): Document => parseDocument(html, { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true });
const all = (doc: Document, pred: (e: Element) => boolean) => DomUtils.findAll(pred, doc.children);
const byTag = (doc: Document, tag: string) => all(doc, (e) => e.name === tag);
const attr = (e: Element, name: string) => e.attribs[name];
const textOf = (e: Element) => DomUtils.textContent(e);

describe('site pages', () => {
  it('renders the home page and one page per topic, as documents with lang, charset, viewport and a title', () => {
    const objects = render();
    expect(objects.has('index.html')).toBe(true);
    for (const t of TOPICS) expect(objects.has(`topics/${t.slug}/index.html`)).toBe(true);
    for (const page of pages(objects)) {
      expect(page.body.startsWith('<!DOCTYPE html>\n'), page.key).toBe(true);
      const doc = dom(page.body);
      expect(attr(byTag(doc, 'html')[0]!, 'lang')).toBe('en');
      expect(byTag(doc, 'meta').some((m) => attr(m, 'charset') === 'utf-8')).toBe(true);
      expect(byTag(doc, 'meta').some((m) => attr(m, 'name') === 'viewport' && /width=device-width/.test(attr(m, 'content') ?? ''))).toBe(true);
      expect(textOf(byTag(doc, 'title')[0]!)).toContain('paperboy <dev>');
    }
  });

  it('has one h1, headings that never skip a level, and a skip link to the main landmark', () => {
    for (const page of pages(render())) {
      const doc = dom(page.body);
      const levels = all(doc, (e) => /^h[1-6]$/.test(e.name)).map((e) => Number(e.name[1]));
      expect(levels.filter((l) => l === 1), page.key).toHaveLength(1);
      expect(levels[0]).toBe(1);
      for (let i = 1; i < levels.length; i++) expect(levels[i]! - levels[i - 1]!, `${page.key} heading ${i}`).toBeLessThanOrEqual(1);
      const skip = byTag(doc, 'a')[0]!;
      expect(attr(skip, 'href')).toBe('#main');
      expect(byTag(doc, 'main').map((m) => attr(m, 'id'))).toEqual(['main']);
    }
  });

  it('never lets data become markup: hostile titles, authors and links are escaped or dropped', () => {
    const objects = render();
    for (const page of pages(objects)) {
      const doc = dom(page.body);
      // The only script is the search page's own, the same bytes whatever the papers are.
      expect(byTag(doc, 'script').map((s) => DomUtils.textContent(s)), page.key).toEqual(page.key === 'search/index.html' ? [SEARCH_SCRIPT] : []);
      expect(byTag(doc, 'img'), page.key).toEqual([]);
      for (const a of byTag(doc, 'a')) expect(attr(a, 'href') ?? '', page.key).not.toMatch(/^\s*(javascript|data):/i);
      expect(all(doc, (e) => Object.keys(e.attribs).some((k) => k.startsWith('on'))), page.key).toEqual([]);
    }
    const day = PAPERS.find((p) => p.id === '2410.99999')!.listedOn;
    for (const key of ['index.html', 'topics/llm/index.html', `days/${day}/index.html`]) {
      const doc = dom(objects.get(key)!.body);
      const card = all(doc, (e) => attr(e, 'id') === '2410.99999')[0]!;
      expect(card, key).toBeDefined();
      // The title reads exactly as the source had it (minus the control character)...
      expect(textOf(DomUtils.findOne((e) => /^h[2-4]$/.test(e.name), [card])!)).toBe(HOSTILE_TITLE_SEEN);
      // ...and, with no safe abstract URL, the title links to the Hugging Face page.
      expect(attr(DomUtils.findOne((e) => e.name === 'a', [card])!, 'href')).toBe('https://huggingface.co/papers/2410.99999');
      expect(textOf(card)).toContain('<img src=x onerror=alert(1)>');
      expect(textOf(card)).toContain('Abstract </details><script>alert(1)</script> & more');
      const pdf = DomUtils.findOne((e) => e.name === 'a' && textOf(e) === 'PDF', [card])!;
      expect(attr(pdf, 'href')).toBe('https://arxiv.org/pdf/2410.99999?a=1&b=%222%22');
    }
    expect(objects.get('index.html')!.body).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });

  it('says "Abstract" once per card: the title links to the abstract page, the folded text is the abstract', () => {
    const doc = dom(render().get('index.html')!.body);
    const card = all(doc, (e) => attr(e, 'id') === '2410.10009')[0]!;
    const words = (e: Element) => DomUtils.findAll((x) => x.name === 'a' || x.name === 'summary', [e]).filter((x) => /Abstract/.test(textOf(x)));
    expect(words(card).map((e) => e.name)).toEqual(['summary']);
    expect(attr(DomUtils.findOne((e) => e.name === 'a', [card])!, 'href')).toBe('https://arxiv.org/abs/2410.10009');
    const links = DomUtils.findAll((e) => e.name === 'a', [DomUtils.findOne((e) => attr(e, 'class') === 'links', [card])!]);
    // "Details" names its paper for a screen reader, which reads the links of a page out of context.
    expect(links.map((a) => textOf(a))).toEqual(['PDF', 'Code', 'Details: Paper 9']);
    for (const c of all(doc, (e) => attr(e, 'class') === 'card')) expect(words(c).length, attr(c, 'id')).toBe(1);
  });

  it('gives every paper a unique id anchor, and every relative link and fragment resolves inside the site', () => {
    const objects = render();
    const idsByKey = new Map(pages(objects).map((p) => [p.key, new Set(all(dom(p.body), (e) => !!attr(e, 'id')).map((e) => attr(e, 'id')!))]));
    for (const page of pages(objects)) {
      const doc = dom(page.body);
      const ids = all(doc, (e) => !!attr(e, 'id')).map((e) => attr(e, 'id'));
      expect(new Set(ids).size, `${page.key}: duplicate ids`).toBe(ids.length);
      const base = new URL(page.key, SITE.url);
      for (const el of all(doc, (e) => (e.name === 'a' || e.name === 'link') && !!attr(e, 'href'))) {
        const href = attr(el, 'href')!;
        if (/^https?:/.test(href)) continue; // external (arXiv, Hugging Face, code)
        if (href === 'data:,') continue; // the empty favicon: no request for /favicon.ico
        const target = new URL(href, base);
        expect(target.origin, `${page.key}: ${href}`).toBe(new URL(SITE.url).origin);
        const key = target.pathname.slice(1);
        expect(objects.has(key), `${page.key}: ${href} -> ${key}`).toBe(true);
        if (target.hash) expect(idsByKey.get(key)?.has(decodeURIComponent(target.hash.slice(1))), `${page.key}: ${href}`).toBe(true);
      }
    }
    // The home page holds the newest listing day only, every paper of it once.
    const index = dom(objects.get('index.html')!.body);
    const newest = PAPERS.map((p) => p.listedOn).sort().at(-1);
    for (const p of PAPERS) expect(all(index, (e) => attr(e, 'id') === p.id), p.id).toHaveLength(p.listedOn === newest ? 1 : 0);
  });

  it('advertises the feeds for autodiscovery: all feeds on the home page, topic feeds first on topic pages', () => {
    const objects = render();
    const alternates = (key: string) =>
      byTag(dom(objects.get(key)!.body), 'link')
        .filter((l) => attr(l, 'rel') === 'alternate')
        .map((l) => ({ type: attr(l, 'type'), href: new URL(attr(l, 'href')!, new URL(key, SITE.url)).pathname, title: attr(l, 'title') }));
    expect(alternates('index.html').map((a) => [a.type, a.href])).toEqual([
      ['application/rss+xml', '/feeds/all.xml'],
      ['application/atom+xml', '/feeds/all.atom'],
      ['application/feed+json', '/feeds/all.json'],
    ]);
    const topic = alternates('topics/llm/index.html');
    expect(topic.map((a) => [a.type, a.href])).toEqual([
      ['application/rss+xml', '/feeds/topics/llm.xml'],
      ['application/atom+xml', '/feeds/topics/llm.atom'],
      ['application/feed+json', '/feeds/topics/llm.json'],
      ['application/rss+xml', '/feeds/all.xml'],
      ['application/atom+xml', '/feeds/all.atom'],
      ['application/feed+json', '/feeds/all.json'],
    ]);
    expect(topic[0]!.title).toContain('Language models');
    for (const page of pages(objects)) {
      const links = byTag(dom(page.body), 'a').map((a) => attr(a, 'href') ?? '');
      expect(links.some((h) => h.endsWith('feeds/index.opml')), `${page.key}: OPML link`).toBe(true);
    }
  });

  it('has a subscribe form that works without JavaScript, every control labelled', () => {
    const objects = render();
    for (const key of ['index.html', 'topics/llm/index.html', 'topics/empty-topic/index.html']) {
      const doc = dom(objects.get(key)!.body);
      const forms = byTag(doc, 'form');
      expect(forms, key).toHaveLength(1);
      const form = forms[0]!;
      expect(attr(form, 'method')).toBe('post');
      expect(attr(form, 'action')).toBe('/api/subscribe');
      const inputs = DomUtils.findAll((e) => e.name === 'input', [form]);
      const labels = DomUtils.findAll((e) => e.name === 'label', [form]);
      const labelFor = (id: string | undefined) => labels.find((l) => attr(l, 'for') === id);
      for (const input of inputs) expect(labelFor(attr(input, 'id')), `${key}: label for ${attr(input, 'id')}`).toBeDefined();

      const email = inputs.filter((i) => attr(i, 'name') === 'email');
      expect(email).toHaveLength(1);
      expect(attr(email[0]!, 'type')).toBe('email');
      expect(attr(email[0]!, 'required')).toBeDefined();
      expect(textOf(labelFor(attr(email[0]!, 'id'))!)).toMatch(/email/i);

      const boxes = inputs.filter((i) => attr(i, 'name') === 'topics');
      expect(boxes.map((b) => [attr(b, 'type'), attr(b, 'value')])).toEqual(TOPICS.map((t) => ['checkbox', t.slug]));
      expect(textOf(labelFor(attr(boxes[2]!, 'id'))!)).toBe('Empty <topic>');
      const checked = boxes.filter((b) => attr(b, 'checked') !== undefined).map((b) => attr(b, 'value'));
      expect(checked).toEqual(key.startsWith('topics/') ? [key.split('/')[1]] : []);

      const radios = inputs.filter((i) => attr(i, 'name') === 'frequency');
      expect(radios.map((r) => [attr(r, 'type'), attr(r, 'value')])).toEqual([['radio', 'daily'], ['radio', 'weekly']]);
      expect(radios.filter((r) => attr(r, 'checked') !== undefined)).toHaveLength(1);
      // Radios and checkboxes are grouped with a legend.
      expect(DomUtils.findAll((e) => e.name === 'legend', [form]).length).toBeGreaterThanOrEqual(2);

      const submit = DomUtils.findAll((e) => e.name === 'button', [form]);
      expect(submit.map((b) => attr(b, 'type'))).toEqual(['submit']);
    }
  });

  it('lists the topics with counts (store counts win over the papers given), linked to their pages', () => {
    const counts = (objects: Map<string, SiteObject>) =>
      Object.fromEntries(
        byTag(dom(objects.get('index.html')!.body), 'a')
          .filter((a) => /^topics\/[a-z-]+\/index\.html$/.test(attr(a, 'href') ?? '') && a.parent && (a.parent as Element).name === 'li' && /\(\d+/.test(textOf(a.parent as Element)))
          .map((a) => [attr(a, 'href')!.split('/')[1], Number(/\((\d+)/.exec(textOf(a.parent as Element))![1])]),
      );
    const tagged = (slug: string) => PAPERS.filter((p) => p.tags.includes(slug)).length;
    expect(counts(render())).toEqual({ llm: tagged('llm'), vision: tagged('vision'), 'empty-topic': 0 });
    expect(counts(render({ topicCounts: { llm: 1234 } }))).toEqual({ llm: 1234, vision: tagged('vision'), 'empty-topic': 0 });
    const topicPage = render({ topicCounts: { llm: 1234 }, maxItems: 3 }).get('topics/llm/index.html')!.body;
    expect(textOf(byTag(dom(topicPage), 'main')[0]!)).toContain('1234 papers in this topic. The latest 3 are below.');
  });

  it('shows the topic page with its description, papers of that topic only, and an empty state', () => {
    const objects = render();
    const doc = dom(objects.get('topics/llm/index.html')!.body);
    expect(textOf(byTag(doc, 'h1')[0]!)).toBe('Language models');
    expect(textOf(byTag(doc, 'main')[0]!)).toContain('LLMs & <friends>');
    const cards = all(doc, (e) => (attr(e, 'class') ?? '').split(' ').includes('card')).map((e) => attr(e, 'id'));
    expect(cards.sort()).toEqual(PAPERS.filter((p) => p.tags.includes('llm')).map((p) => p.id).sort());
    const empty = dom(objects.get('topics/empty-topic/index.html')!.body);
    expect(textOf(byTag(empty, 'h1')[0]!)).toBe('Empty <topic>');
    expect(textOf(byTag(empty, 'main')[0]!)).toContain('No papers in this topic yet.');
  });

  it('is readable on a phone: fluid layout, no fixed widths, system fonts, colour-scheme aware', () => {
    expect(SITE_CSS).toMatch(/max-width:46rem/);
    expect(SITE_CSS).toMatch(/system-ui/);
    expect(SITE_CSS).toMatch(/prefers-color-scheme:dark/);
    expect(SITE_CSS).not.toMatch(/[^-]width:\s*\d{3,}px/);
    expect(SITE_CSS_HASH).toBe(`sha256-${createHash('sha256').update(SITE_CSS).digest('base64')}`);
    expect(render().get('index.html')!.body).toContain(`<style>${SITE_CSS}</style>`);
  });
});

describe('day pages and the archive', () => {
  const DAYS = [...new Set(PAPERS.map((p) => p.listedOn))].sort().reverse();

  it('publishes one page per listing day with every paper of that day, ranked by compareByRank, each with its anchor', () => {
    const objects = render({ maxItems: 1 });
    for (const day of DAYS) {
      const doc = dom(objects.get(`days/${day}/index.html`)!.body);
      const want = PAPERS.filter((p) => p.listedOn === day).sort(compareByRank).map((p) => p.id);
      expect(all(doc, (e) => e.name === 'li' && attr(e, 'class') === 'card').map((e) => attr(e, 'id')), day).toEqual(want);
      expect(textOf(byTag(doc, 'h1')[0]!)).toMatch(/^Papers of \d{1,2} Oct 2024$/);
    }
  });

  it('links each day to the previous and next listing days, and every day to the archive', () => {
    const objects = render();
    const nav = (day: string) => {
      const doc = dom(objects.get(`days/${day}/index.html`)!.body);
      const first = all(doc, (e) => e.name === 'nav' && attr(e, 'aria-label') === 'Days')[0]!;
      return DomUtils.findAll((e) => e.name === 'a', [first]).map((a) => [attr(a, 'rel') ?? '', attr(a, 'href')]);
    };
    const [newest, middle, oldest] = [DAYS[0]!, DAYS[2]!, DAYS[DAYS.length - 1]!];
    const week = (day: string) => ['', `../../weeks/${isoWeek(day)}/index.html`];
    expect(nav(newest)).toEqual([['prev', `../../days/${DAYS[1]}/index.html`], week(newest), ['', '../../days/index.html']]);
    expect(nav(middle)).toEqual([['prev', `../../days/${DAYS[3]}/index.html`], ['next', `../../days/${DAYS[1]}/index.html`], week(middle), ['', '../../days/index.html']]);
    expect(nav(oldest)).toEqual([['next', `../../days/${DAYS[DAYS.length - 2]}/index.html`], week(oldest), ['', '../../days/index.html']]);
  });

  it('lists every day with its count in the archive, newest first', () => {
    const objects = render({ maxItems: 1 });
    const archive = dom(objects.get('days/index.html')!.body);
    const rows = all(archive, (e) => e.name === 'li' && !!e.parent && (e.parent as Element).attribs?.class === 'days');
    expect(rows.map((li) => attr(DomUtils.findOne((e) => e.name === 'a', [li])!, 'href'))).toEqual(DAYS.map((d) => `../days/${d}/index.html`));
    expect(rows.map((li) => Number(/\((\d+) papers?\)/.exec(textOf(li))![1]))).toEqual(DAYS.map((d) => PAPERS.filter((p) => p.listedOn === d).length));
  });

  it('shows the latest listing day on the home page, ranked, linked to its day page, the day before, its week and every day', () => {
    // maxItems 1 or 50: the home page shows one day whatever the feeds hold.
    for (const maxItems of [1, 50]) {
      const index = dom(render({ maxItems }).get('index.html')!.body);
      const heading = all(index, (e) => e.name === 'h2' && attr(e, 'id') === 'latest')[0]!;
      expect(textOf(heading)).toBe('Papers of 14 Oct 2024');
      expect(attr(DomUtils.findOne((e) => e.name === 'a', [heading])!, 'href')).toBe(`days/${DAYS[0]}/index.html`);
      const cards = all(index, (e) => e.name === 'li' && attr(e, 'class') === 'card').map((e) => attr(e, 'id'));
      expect(cards, `maxItems ${maxItems}`).toEqual(PAPERS.filter((p) => p.listedOn === DAYS[0]).sort(compareByRank).map((p) => p.id));
      const navs = all(index, (e) => e.name === 'nav' && /^Days/.test(attr(e, 'aria-label') ?? ''));
      expect(navs).toHaveLength(2);
      for (const nav of navs) {
        expect(DomUtils.findAll((e) => e.name === 'a', [nav]).map((a) => [attr(a, 'rel') ?? '', attr(a, 'href')])).toEqual([
          ['prev', `days/${DAYS[1]}/index.html`],
          ['', `weeks/${isoWeek(DAYS[0]!)}/index.html`],
          ['', 'days/index.html'],
        ]);
      }
    }
    // An empty site says so, and still links the archive.
    const empty = renderSite({ site: SITE, topics: TOPICS, papers: [], maxItems: 5, generatedAt: new Date(0) }).find((o) => o.key === 'index.html')!.body;
    expect(textOf(byTag(dom(empty), 'main')[0]!)).toContain('No papers yet.');
    expect(empty).toContain('href="days/index.html"');
  });

  it('puts the topic bar before the papers and, in the header of every page, the days, the topics and a subscribe link', () => {
    const objects = render();
    const index = objects.get('index.html')!.body;
    const bar = index.indexOf('<section class="topic-bar"');
    expect(bar).toBeGreaterThan(0);
    expect(bar).toBeLessThan(index.indexOf('<li class="card"'));
    for (const t of TOPICS) expect(index.slice(bar, index.indexOf('</section>', bar))).toContain(`href="topics/${t.slug}/index.html"`);
    for (const page of pages(objects)) {
      const header = byTag(dom(page.body), 'header')[0]!;
      const root = page.key.split('/').slice(1).map(() => '../').join('');
      const nav = DomUtils.findAll((e) => e.name === 'a', [header]).map((a) => [textOf(a), attr(a, 'href')]);
      expect(nav, page.key).toEqual([
        ['paperboy <dev>', `${root}index.html`],
        ['Latest', `${root}index.html#latest`],
        ['Days', `${root}days/index.html`],
        ['Search', `${root}search/index.html`],
        ['Topics', `${root}index.html#topics`],
        ['Feeds', `${root}index.html#feeds`],
        ['Subscribe', `${root}index.html#subscribe`],
      ]);
    }
  });

  it('gives every card a permanent link to its own page, links a title with no source page there, and a paper with no arXiv id to arXiv’s title search', () => {
    const bare = paper(50, { id: 'hep-th/9901001', links: {}, listedOn: '2024-10-14', tags: ['llm'] });
    const snapshot = paper(51, { id: 't-0123456789abcdef', title: 'Saved & "found" @ home', links: {}, listedOn: '2024-10-14', tags: ['llm'] });
    const objects = new Map(renderSite({ site: SITE, topics: TOPICS, papers: [...PAPERS, bare, snapshot], maxItems: 50, generatedAt: new Date(0) }).map((o) => [o.key, o]));
    for (const key of ['index.html', 'topics/llm/index.html', 'days/2024-10-14/index.html']) {
      const doc = dom(objects.get(key)!.body);
      const root = key === 'index.html' ? '' : '../../';
      const links = (id: string) => {
        const card = all(doc, (e) => attr(e, 'id') === id)[0]!;
        return DomUtils.findAll((e) => e.name === 'a', [card]).map((a) => [textOf(a), attr(a, 'href')!] as const);
      };
      const bareLinks = links('hep-th-9901001');
      expect(bareLinks[0], key).toEqual([bare.title, `${root}${paperPermalinkPath(bare)}`]);
      expect(bareLinks, key).toContainEqual([`Details: ${bare.title}`, `${root}${paperPermalinkPath(bare)}`]);
      expect(bareLinks.map(([text]) => text), key).not.toContain('Search arXiv by title');
      // Every card links its own page; nothing links into a page that rolls (the home page, a topic page).
      for (const p of PAPERS.filter((x) => x.listedOn === '2024-10-14')) expect(links(p.id), key).toContainEqual([`Details: ${DomUtils.textContent(dom(escapeHtml(p.title)))}`, `${root}${paperPermalinkPath(p)}`]);
      for (const a of byTag(doc, 'a')) expect(attr(a, 'href'), key).not.toMatch(/^(\.\.\/\.\.\/)?(index\.html|topics\/[^#]*)#(?!latest$|topics$|feeds$|subscribe$)/);
      // A saved page's paper has no arXiv id: arXiv's title search, with the "@" left out of the URL.
      expect(links('t-0123456789abcdef'), key).toContainEqual(['Search arXiv by title', 'https://arxiv.org/search/?query=Saved%20%26%20%22found%22%20home&searchtype=title']);
    }
  });

  it('renders only the days it is given, with neighbours from the archive', () => {
    const day = DAYS[1]!;
    const objects = renderSite({
      site: SITE,
      topics: TOPICS,
      papers: PAPERS,
      maxItems: 50,
      generatedAt: new Date(0),
      days: [{ day, papers: PAPERS.filter((p) => p.listedOn === day) }],
      archive: [{ day: '2024-09-01', count: 3 }, ...DAYS.map((d) => ({ day: d, count: 1 }))],
    });
    expect(objects.filter((o) => o.key.startsWith('days/')).map((o) => o.key).sort()).toEqual([`days/${day}/index.html`, 'days/index.html']);
    expect(objects.find((o) => o.key === 'days/index.html')!.body).toContain('days/2024-09-01/index.html');
  });
});

describe('renderPage and escapeHtml (for the subscription API)', () => {
  it('escapes & < > " \' once and drops characters XML forbids', () => {
    expect(escapeHtml(`<a href="x">Tom's & Jerry's</a>\u0001\u007F`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom&#39;s &amp; Jerry&#39;s&lt;/a&gt;');
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
    expect(escapeHtml(undefined)).toBe('');
    expect(escapeHtml(42)).toBe('42');
  });

  it('wraps a body in the site layout, escaping title and heading, with absolute site links by default', () => {
    const html = renderPage({ site: SITE, title: 'You are <in>', heading: 'Confirmed & "done"', bodyHtml: '<p class="x">Trusted body</p>' });
    const doc = dom(html);
    expect(textOf(byTag(doc, 'title')[0]!)).toBe('You are <in> · paperboy <dev>');
    expect(textOf(byTag(doc, 'h1')[0]!)).toBe('Confirmed & "done"');
    expect(html).toContain('<p class="x">Trusted body</p>');
    expect(attr(byTag(doc, 'html')[0]!, 'lang')).toBe('en');
    expect(html).toContain(`<style>${SITE_CSS}</style>`);
    // Served from /api/..., so links back to the site are absolute.
    const hrefs = byTag(doc, 'a').map((a) => attr(a, 'href')!).filter((h) => h !== '#main');
    for (const h of hrefs) expect(h.startsWith('https://papers.example.org/'), h).toBe(true);
    expect(byTag(doc, 'script')).toEqual([]);
  });
});

describe('the Content-Security-Policy', () => {
  it('fits every page of the site: only the search script and the one stylesheet, by hash, no style attributes, same-origin forms', () => {
    const pages = [...render().values()].filter((o) => o.contentType.startsWith('text/html'));
    expect(pages.length).toBeGreaterThan(2);
    for (const page of pages) expect(cspViolations(page.body, CONTENT_SECURITY_POLICY, `${SITE.url}${page.key}`), page.key).toEqual([]);
    expect(CONTENT_SECURITY_POLICY).toContain(`style-src '${SITE_CSS_HASH}'`);
    for (const directive of ["default-src 'none'", "frame-ancestors 'none'", "form-action 'self'", "base-uri 'none'"]) expect(CONTENT_SECURITY_POLICY).toContain(directive);
    // The one script is the search page's, by hash; it may fetch from this origin only.
    expect(CONTENT_SECURITY_POLICY).toContain(`script-src '${SEARCH_SCRIPT_HASH}'`);
    expect(CONTENT_SECURITY_POLICY).toContain("connect-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-|script-src [^;]*'self'/);
  });

  it('is checked for real: a style attribute, an inline script, another stylesheet or a foreign form are reported', () => {
    const page = (body: string, head = '') => renderPage({ site: SITE, title: 't', heading: 'h', bodyHtml: body, headHtml: head });
    const check = (html: string) => cspViolations(html, CONTENT_SECURITY_POLICY, SITE.url);
    expect(check(page('<p>fine</p>'))).toEqual([]);
    expect(check(page('<p style="color:red">x</p>'))).toEqual(['<p style="color:red">: style attribute (style-src)']);
    expect(check(page('<script>1</script>'))[0]).toMatch(/^<script>: its hash 'sha256-.*' is not in script-src$/);
    expect(check(page('<script src="https://elsewhere.example/x.js"></script>'))).toEqual(['<script src="https://elsewhere.example/x.js">: script-src']);
    expect(check(page('<a href="#" onclick="x()">x</a>'))).toEqual(['<a onclick>: inline event handler (script-src)']);
    expect(check(page('', '<style>p{}</style>'))[0]).toMatch(/^<style>: its hash 'sha256-.*' is not in style-src$/);
    expect(check(page('<form action="https://elsewhere.example/collect"></form>'))).toEqual(['<form action="https://elsewhere.example/collect">: form-action']);
  });

  it('comes with HSTS (two years, subdomains, not preloaded), nosniff, no referrer and no framing', () => {
    expect(SECURITY_HEADERS).toEqual({
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'strict-transport-security': 'max-age=63072000; includeSubDomains',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    });
  });
});

describe('paper pages, week pages and topic pages by week', () => {
  it('gives every paper its own page: title, every author, day and week links, TL;DR, topics, abstract, every link, related papers of its day', () => {
    const objects = render();
    for (const p of PAPERS) expect(objects.has(`papers/${p.id}/index.html`), p.id).toBe(true);
    const p = PAPERS[1]!; // vision + llm, code link; paper 6 of its day shares llm
    const doc = dom(objects.get(`papers/${p.id}/index.html`)!.body);
    expect(textOf(byTag(doc, 'h1')[0]!)).toBe(p.title);
    const text = textOf(byTag(doc, 'main')[0]!);
    for (const a of p.authors) expect(text).toContain(a);
    const hrefs = byTag(doc, 'a').map((a) => attr(a, 'href'));
    expect(hrefs).toContain(`../../days/${p.listedOn}/index.html#${p.id}`);
    expect(hrefs).toContain(`../../weeks/${isoWeek(p.listedOn)}/index.html`);
    expect(hrefs).toEqual(expect.arrayContaining([p.links.abs, p.links.pdf, p.links.code, '../../topics/vision/index.html', '../../topics/llm/index.html']));
    // Related: other papers of the same day sharing a topic, those sharing both first.
    const sameDay = PAPERS.filter((q) => q.listedOn === p.listedOn && q.id !== p.id && q.tags.some((t) => p.tags.includes(t)));
    const related = all(doc, (e) => e.name === 'ol' && attr(e, 'class') === 'related').flatMap((ol) => DomUtils.findAll((e) => e.name === 'a', [ol]).map((a) => attr(a, 'href')));
    expect(related.length).toBe(Math.min(5, sameDay.length));
    expect(related.length).toBeGreaterThan(0);
    for (const href of related) expect(sameDay.map((q) => `../../papers/${q.id}/index.html`)).toContain(href);
    expect(byTag(doc, 'link').find((l) => attr(l, 'rel') === 'canonical')!.attribs.href).toBe(`https://papers.example.org/papers/${p.id}/index.html`);
  });

  it('escapes a hostile paper on its own page, and makes ids that are not path-safe into safe paths', () => {
    const objects = render();
    const body = objects.get('papers/2410.99999/index.html')!.body;
    expect(body).not.toContain('<script>alert');
    expect(body).not.toContain('<img src=x');
    expect(body).not.toContain('javascript:');
    const slashed = renderSite({ site: SITE, topics: TOPICS, papers: [paper(1, { id: 'hep-th/9901001', links: {} })], maxItems: 5, generatedAt: new Date(0) });
    expect(slashed.map((o) => o.key)).toContain('papers/hep-th-9901001/index.html');
  });

  it('shows a thumbnail, lazy and sized, only from an origin the Content-Security-Policy allows', () => {
    const thumb = 'https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2410.10001.png';
    // One listing day, so the home page (the latest day) shows both.
    const papers = [paper(1, { thumbnail: thumb }), paper(2, { thumbnail: 'https://tracker.example.net/pixel.png', listedOn: paper(1).listedOn })];
    const objects = new Map(renderSite({ site: SITE, topics: TOPICS, papers, maxItems: 5, generatedAt: new Date(0) }).map((o) => [o.key, o]));
    for (const key of ['papers/2410.10001/index.html', 'index.html', `days/${papers[0]!.listedOn}/index.html`]) {
      const img = byTag(dom(objects.get(key)!.body), 'img').find((i) => attr(i, 'src') === thumb);
      expect(img, key).toBeDefined();
      expect(img!.attribs).toMatchObject({ loading: 'lazy', width: '1200', height: '648', alt: 'Preview image of “Paper 1”' });
      expect(cspViolations(objects.get(key)!.body, CONTENT_SECURITY_POLICY, `https://papers.example.org/${key}`), key).toEqual([]);
    }
    for (const o of objects.values()) expect(o.body).not.toContain('tracker.example.net');
  });

  it('renders one page per week with its days, its top papers and its topics, linked to the weeks before and after', () => {
    const papers = [paper(1, { listedOn: '2024-10-07' }), paper(2, { listedOn: '2024-10-09' }), paper(4, { listedOn: '2024-10-15' }), paper(3, { listedOn: '2024-10-29' })];
    const objects = new Map(renderSite({ site: SITE, topics: TOPICS, papers, maxItems: 5, generatedAt: new Date(0) }).map((o) => [o.key, o]));
    expect([...objects.keys()].filter((k) => k.startsWith('weeks/')).sort()).toEqual(['weeks/2024-W41/index.html', 'weeks/2024-W42/index.html', 'weeks/2024-W44/index.html']);
    const doc = dom(objects.get('weeks/2024-W41/index.html')!.body);
    const hrefs = byTag(doc, 'a').map((a) => [attr(a, 'rel') ?? '', attr(a, 'href')]);
    expect(hrefs).toContainEqual(['next', '../../weeks/2024-W42/index.html']);
    expect(hrefs.some(([rel]) => rel === 'prev')).toBe(false);
    expect(hrefs).toContainEqual(['', '../../days/2024-10-07/index.html']);
    expect(hrefs).toContainEqual(['', '../../days/2024-10-09/index.html']);
    // Most upvoted first.
    const cards = all(doc, (e) => e.name === 'li' && attr(e, 'class') === 'card').map((e) => attr(e, 'id'));
    expect(cards).toEqual(['2410.10002', '2410.10001']);
    // paper(1) is vision+llm, paper(2) has no topic: the week lists llm and vision with their counts.
    expect(hrefs).toContainEqual(['', '../../topics/llm/weeks/2024-W41/index.html']);
    expect(hrefs).toContainEqual(['', '../../topics/vision/weeks/2024-W41/index.html']);
    const w44 = byTag(dom(objects.get('weeks/2024-W44/index.html')!.body), 'a').map((a) => [attr(a, 'rel') ?? '', attr(a, 'href')]);
    expect(w44).toContainEqual(['prev', '../../weeks/2024-W42/index.html']);
  });

  it('pages each topic by week: the topic page lists its weeks, each week page its papers by day and its neighbouring weeks of that topic', () => {
    // llm: papers 1 (W41), 3 (W44), 4 (W42); vision: papers 1 (W41), 4 (W42).
    const papers = [paper(1, { listedOn: '2024-10-07' }), paper(2, { listedOn: '2024-10-09' }), paper(4, { listedOn: '2024-10-15' }), paper(3, { listedOn: '2024-10-29' })];
    const objects = new Map(renderSite({ site: SITE, topics: TOPICS, papers, maxItems: 5, generatedAt: new Date(0) }).map((o) => [o.key, o]));
    expect([...objects.keys()].filter((k) => /^topics\/[^/]+\/weeks\//.test(k)).sort()).toEqual([
      'topics/llm/weeks/2024-W41/index.html',
      'topics/llm/weeks/2024-W42/index.html',
      'topics/llm/weeks/2024-W44/index.html',
      'topics/vision/weeks/2024-W41/index.html',
      'topics/vision/weeks/2024-W42/index.html',
    ]);
    const topicPage = dom(objects.get('topics/vision/index.html')!.body);
    const weekLinks = all(topicPage, (e) => e.name === 'section' && attr(e, 'aria-labelledby') === 'weeks').flatMap((s) => DomUtils.findAll((e) => e.name === 'a', [s]).map((a) => attr(a, 'href')));
    expect(weekLinks).toEqual(['weeks/2024-W42/index.html', 'weeks/2024-W41/index.html'].map((w) => `../../topics/vision/${w}`));
    const w42 = dom(objects.get('topics/llm/weeks/2024-W42/index.html')!.body);
    const nav = byTag(w42, 'a').filter((a) => attr(a, 'rel')).map((a) => [attr(a, 'rel'), attr(a, 'href')]);
    expect(nav).toEqual([
      ['prev', '../../../../topics/llm/weeks/2024-W41/index.html'],
      ['next', '../../../../topics/llm/weeks/2024-W44/index.html'],
    ]);
    expect(all(w42, (e) => e.name === 'li' && attr(e, 'class') === 'card').map((e) => attr(e, 'id'))).toEqual(['2410.10004']);
  });
});
