/**
 * Feeds: RSS 2.0, Atom 1.0, JSON Feed 1.1 and OPML 2.0 from renderSite, read back with independent
 * parsers (rss-parser over xml2js/sax, @rowanmanning/feed-parser, feedsmith, fast-xml-parser, saxes,
 * JSON.parse + a JSON Feed 1.1 schema) and checked against the specs and against the source text.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import Parser from 'rss-parser';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { paperPermalinkPath, taxonomySchema, type Paper, type SiteObject } from '@paperboy/core';
import { parseSnapshot } from '@paperboy/sources';
import { comparePapers, renderSite, type RenderSiteInput } from '@paperboy/feeds';
import { parseAtomFeed, parseJsonFeed, parseOpml, parseRssFeed } from 'feedsmith';
import { parseFeed } from '@rowanmanning/feed-parser';
import { jsonFeed, saxesErrors, seen } from '../support/feed-rules.js';

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

const SITE = { title: 'paperboy', description: 'New research papers, by topic.', url: 'https://papers.example.org/', language: 'en' };
const ORIGIN = 'https://papers.example.org';

const taxonomy = taxonomySchema.parse({
  threshold: 1,
  maxTags: 3,
  titleWeight: 2,
  topics: [
    { slug: 'llm', name: 'Language models', description: 'LLMs & friends', phrases: ['language model', 'llm', 'reasoning'] },
    { slug: 'vision', name: 'Vision', phrases: ['image', 'video', 'visual'] },
    { slug: 'speech-audio', name: 'Speech & audio', phrases: ['audio', 'speech', 'talking'] },
    { slug: 'agents', name: 'Agents', phrases: ['agent'] },
    { slug: 'quantum-gravity', name: 'Quantum gravity', description: 'Nothing in the snapshot is about this.', phrases: ['loop quantum gravity'] },
  ],
});
const TOPICS = taxonomy.topics;

const DAYS = ['2024-10-08', '2024-10-07', '2024-10-06'];

/** A plain phrase match (the real tagger is tested on its own; feeds only need some tags). */
function tagsFor(text: string): string[] {
  const lower = text.toLowerCase();
  return TOPICS.filter((t) => t.phrases.some((p) => lower.includes((typeof p === 'string' ? p : p.phrase).toLowerCase()))).map((t) => t.slug);
}

function snapshotPapers(): Paper[] {
  const text = readFileSync(new URL('../../data/daily-papers-page.txt', import.meta.url), 'utf8');
  const { papers } = parseSnapshot(text, { source: 'snapshot', listedOn: '2024-10-08' });
  return papers.map((p, i) => {
    const arxiv = `2410.${String(1000 + i).padStart(5, '0')}`;
    const links: Paper['links'] = {};
    if (i % 2 === 0) {
      links.abs = `https://arxiv.org/abs/${arxiv}`;
      links.pdf = `https://arxiv.org/pdf/${arxiv}`;
    }
    if (i % 3 === 0) links.hf = `https://huggingface.co/papers/${arxiv}`;
    if (i % 4 === 1) links.code = `https://github.com/example/repo-${i}`;
    const { source, ...rest } = p;
    return {
      ...rest,
      links,
      authors: i % 2 === 0 ? [`Author ${i}`, 'Second Author'] : [],
      listedOn: DAYS[i % 3]!,
      upvotes: i % 4 === 0 ? undefined : (i * 7) % 20,
      tags: tagsFor(`${p.title} ${p.abstract}`),
      sources: [source],
      firstSeenAt: new Date(Date.UTC(2024, 9, 8, 6 + (i % 5), 0, 0)).toISOString(),
      updatedAt: new Date(Date.UTC(2024, 9, 8, 6 + (i % 5), i, 0)).toISOString(),
      contentHash: `h${i}`,
    };
  });
}

const C0 = '\u0001\u0002\u0008\u000B\u000C\u001F\u007F\u0085\uFFFE\uFFFF\uD800';
/** What a hostile source hands us, and, written out by hand, what a reader must see. */
const HOSTILE_TITLE = `<script>alert("x")</script> & Tom's "quotes" ]]> a]]]]>b 🚀👩‍🔬 ${C0}مرحبا بالعالم שלום $\\alpha$ &amp; &lt;`;
const HOSTILE_TITLE_SEEN = `<script>alert("x")</script> & Tom's "quotes" ]]> a]]]]>b 🚀👩‍🔬 مرحبا بالعالم שלום $\\alpha$ &amp; &lt;`;
const HOSTILE_ABSTRACT = `We study $\\mathcal{O}(n^2)$ <b>bold</b> claims & "quotes" ]]> in\tRTL: עברית and العربية;\u0000 x < y > z, 100% \\textbf{sure} {x}_{i}^{2}.`;
const HOSTILE_ABSTRACT_SEEN = `We study $\\mathcal{O}(n^2)$ <b>bold</b> claims & "quotes" ]]> in\tRTL: עברית and العربية; x < y > z, 100% \\textbf{sure} {x}_{i}^{2}.`;

function hostilePapers(): Paper[] {
  const base = { categories: [], keywords: [], sources: ['hostile'], contentHash: 'x' };
  return [
    {
      ...base,
      id: '2410.99999',
      arxivId: '2410.99999',
      version: 2,
      title: HOSTILE_TITLE,
      abstract: HOSTILE_ABSTRACT,
      authors: [`O'Brien & <Sons>`, 'محمد الخوارزمي', 'Zoë "Z" Ünal\u0001'],
      listedOn: '2024-10-09',
      links: {
        abs: 'https://arxiv.org/abs/2410.99999?x=1&y=2',
        pdf: 'https://arxiv.org/pdf/2410.99999v2',
        code: 'javascript:alert(1)',
        hf: 'https://huggingface.co/papers/2410.99999',
        project: 'data:text/html,<script>alert(1)</script>',
      },
      upvotes: 42,
      tags: ['llm', 'vision', 'not-a-topic'],
      firstSeenAt: '2024-10-09T05:00:00.000Z',
      updatedAt: '2024-10-09T07:30:00.000Z',
    },
    {
      ...base,
      id: 'hep-th/9901001',
      title: 'Old-style id, no links at all',
      abstract: 'No abs, no Hugging Face page: the link is the card on our own page.',
      authors: [],
      listedOn: '2024-10-09',
      links: {},
      tags: ['llm'],
      firstSeenAt: '2024-10-09T05:00:00.000Z',
      updatedAt: '2024-10-09T05:00:00.000Z',
    },
  ];
}

const ALL_PAPERS = [...hostilePapers(), ...snapshotPapers()];

function render(overrides: Partial<RenderSiteInput> = {}): Map<string, SiteObject> {
  const objects = renderSite({
    site: SITE,
    topics: TOPICS,
    papers: ALL_PAPERS,
    maxItems: 20,
    generatedAt: new Date('2030-01-01T00:00:00Z'),
    ...overrides,
  });
  const map = new Map(objects.map((o) => [o.key, o]));
  expect(map.size, 'keys are unique').toBe(objects.length);
  return map;
}

function body(objects: Map<string, SiteObject>, key: string): string {
  const o = objects.get(key);
  if (!o) throw new Error(`no object ${key}; have ${[...objects.keys()].join(', ')}`);
  return o.body;
}

const FEED_KEYS = (slug?: string) =>
  slug ? ['xml', 'atom', 'json'].map((e) => `feeds/topics/${slug}.${e}`) : ['feeds/all.xml', 'feeds/all.atom', 'feeds/all.json'];

// ---------------------------------------------------------------------------------------------
// Readers' helpers
// ---------------------------------------------------------------------------------------------

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const RFC822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} (GMT|[+-]\d{4})$/;
/** Characters XML 1.0 does not allow (section 2.2), written independently of the implementation. */
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Well-formedness: fast-xml-parser's validator (tags, attributes, entities) and the XML 1.0 Char
 * production checked here. rss-parser (xml2js over sax in strict mode) parses every feed below too,
 * and feeds.conformance.test.ts checks every document with saxes, a fully conformant checker.
 */
function expectWellFormed(xml: string, what: string): void {
  expect(XMLValidator.validate(xml), `${what}: fast-xml-parser validator`).toBe(true);
  expect(XML_FORBIDDEN.test(xml), `${what}: contains a character XML 1.0 forbids`).toBe(false);
  // We never write CDATA, so "]]>" may only appear escaped.
  expect(xml.includes(']]>'), `${what}: literal "]]>"`).toBe(false);
  expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n'), `${what}: XML declaration`).toBe(true);
}

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  // fast-xml-parser does not decode character references by default; these are the only ones we write.
  htmlEntities: true,
  isArray: (name) => ['item', 'entry', 'link', 'category', 'author', 'dc:creator', 'outline'].includes(name),
});

/** Element text whether fast-xml-parser gave a string or an object with attributes. */
function text(node: unknown): string {
  if (typeof node === 'string') return node;
  if (node && typeof node === 'object' && '#text' in node) return String((node as { '#text': unknown })['#text']);
  if (node && typeof node === 'object') return '';
  throw new Error(`no text in ${JSON.stringify(node)}`);
}

const rssParser = new Parser({ customFields: { item: [['dc:creator', 'creators', { keepArray: true }], ['atom:updated', 'atomUpdated']] } });

function expectAbsoluteHttp(url: unknown, what: string): void {
  expect(typeof url, what).toBe('string');
  const u = new URL(url as string); // throws for relative URLs
  expect(['https:', 'http:'], `${what}: ${url as string}`).toContain(u.protocol);
}

const byOrder = [...ALL_PAPERS].sort(comparePapers);
/** The newest whole listing days of a scope until they hold at least `min` papers: a feed never cuts a day. */
const expectedIds = (slug?: string, min = 20) => {
  const scope = byOrder.filter((p) => !slug || p.tags.includes(slug));
  const days = [...new Set(scope.map((p) => p.listedOn))];
  const ids: string[] = [];
  for (const day of days) {
    if (ids.length >= min) break;
    ids.push(...scope.filter((p) => p.listedOn === day).map((p) => p.id));
  }
  return ids;
};
const guidOf = (id: string) => `tag:paperboy,2024:paper/${id}`;

// ---------------------------------------------------------------------------------------------

describe('renderSite: objects', () => {
  it('parses the 53 bundled papers and tags them, leaving one topic empty', () => {
    const snap = snapshotPapers();
    expect(snap).toHaveLength(53);
    expect(snap.filter((p) => p.tags.length > 0).length).toBeGreaterThan(10);
    expect(ALL_PAPERS.some((p) => p.tags.includes('quantum-gravity'))).toBe(false);
  });

  it('produces every key of the URL contract with the right content type and cache control', () => {
    const objects = render();
    const expected = [
      ...FEED_KEYS(),
      ...TOPICS.flatMap((t) => FEED_KEYS(t.slug)),
      'feeds/index.opml',
      'index.html',
      ...TOPICS.map((t) => `topics/${t.slug}/index.html`),
    ];
    for (const key of expected) expect(objects.has(key), key).toBe(true);
    for (const o of objects.values()) {
      expect(o.key).not.toMatch(/^\/|\/\/|\.\./);
      const ext = o.key.split('.').pop();
      const types: Record<string, string> = {
        xml: 'application/rss+xml; charset=utf-8',
        atom: 'application/atom+xml; charset=utf-8',
        json: 'application/feed+json; charset=utf-8',
        opml: 'text/x-opml; charset=utf-8',
        html: 'text/html; charset=utf-8',
        css: 'text/css; charset=utf-8',
      };
      expect(o.contentType, o.key).toBe(types[ext!]);
      if (ext === 'html') expect(o.cacheControl).toBe('public, max-age=60');
      else if (ext === 'css') expect(o.cacheControl).toMatch(/max-age=\d{4,}/);
      else expect(o.cacheControl).toBe('public, max-age=300');
    }
  });

  it('is byte-stable: another generatedAt or another input order gives identical bytes', () => {
    const a = render();
    const b = render({ generatedAt: new Date('2031-06-15T12:34:56Z'), papers: [...ALL_PAPERS].reverse() });
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [key, o] of a) expect(b.get(key)!.body, key).toBe(o.body);
    // ...and nothing of the render time leaks in.
    for (const o of a.values()) expect(o.body).not.toMatch(/2030|Jan 2030/);
  });

  it('changes the bytes when a paper changes', () => {
    const a = render();
    const changed = ALL_PAPERS.map((p) => (p.id === '2410.99999' ? { ...p, upvotes: 43, updatedAt: '2024-10-10T00:00:00.000Z' } : p));
    const b = render({ papers: changed });
    expect(body(b, 'feeds/all.xml')).not.toBe(body(a, 'feeds/all.xml'));
    expect(body(b, 'feeds/topics/agents.xml')).toBe(body(a, 'feeds/topics/agents.xml'));
  });

  it('rejects a bad maxItems and a bad site URL instead of publishing nonsense', () => {
    expect(() => render({ maxItems: 0 })).toThrow(/maxItems/);
    expect(() => render({ site: { ...SITE, url: '/relative/' } })).toThrow(/site.url/);
  });
});

describe('RSS 2.0', () => {
  it('every RSS feed is well-formed and reads back with rss-parser', async () => {
    const objects = render();
    for (const key of [...objects.keys()].filter((k) => k.endsWith('.xml'))) {
      const doc = body(objects, key);
      expectWellFormed(doc, key);
      const feed = await rssParser.parseString(doc);
      expect(feed.title, key).toMatch(/^paperboy/);
      expectAbsoluteHttp(feed.link, `${key} link`);
      for (const item of feed.items) {
        expect(item.guid, key).toMatch(/^tag:paperboy,2024:paper\//);
        expectAbsoluteHttp(item.link, `${key} item link`);
        expect(item.pubDate).toMatch(RFC822);
      }
    }
  });

  it('has the channel and item elements the spec requires, and a self link', () => {
    const objects = render();
    const rss = xml.parse(body(objects, 'feeds/all.xml')).rss;
    expect(rss['@version']).toBe('2.0');
    const ch = rss.channel;
    expect(text(ch.title)).toBe('paperboy');
    expect(ch.link.map(text)).toEqual([`${ORIGIN}/index.html`]);
    expect(text(ch.description)).toBe(SITE.description);
    expect(text(ch.language)).toBe('en');
    expect(text(ch.generator)).toBe('paperboy');
    expect(text(ch.lastBuildDate)).toMatch(RFC822);
    expect(ch['atom:link']).toMatchObject({ '@rel': 'self', '@href': `${ORIGIN}/feeds/all.xml`, '@type': 'application/rss+xml' });
    const ids = ch.item.map((i: any) => text(i.guid));
    expect(ids).toEqual(expectedIds().map(guidOf));
    for (const item of ch.item) {
      expect(item.guid['@isPermaLink']).toBe('false');
      expect(text(item.pubDate)).toMatch(RFC822);
      expect(text(item['atom:updated'])).toMatch(RFC3339);
    }
    // The newest item's update time, not the render time.
    const newest = Math.max(...ALL_PAPERS.filter((p) => ids.includes(guidOf(p.id))).map((p) => Date.parse(p.updatedAt)));
    expect(Date.parse(text(ch.lastBuildDate))).toBe(newest);
  });

  it('brings hostile text back exactly (minus forbidden characters) and escapes the HTML body once', async () => {
    const objects = render();
    const feed = await rssParser.parseString(body(objects, 'feeds/all.xml'));
    const item = feed.items.find((i) => i.guid === guidOf('2410.99999'))! as Parser.Item & { creators: string[]; atomUpdated: string };
    expect(item.title).toBe(HOSTILE_TITLE_SEEN);
    expect(item.creators).toEqual([`O'Brien & <Sons>`, 'محمد الخوارزمي', 'Zoë "Z" Ünal']);
    // rss-parser gives categories with a domain attribute as xml2js objects.
    expect(item.categories!.map((c: any) => (typeof c === 'string' ? c : c._))).toEqual(['Language models', 'Vision']);
    expect((item.categories as any[]).map((c) => c.$?.domain)).toEqual([`${ORIGIN}/topics/llm/index.html`, `${ORIGIN}/topics/vision/index.html`]);
    expect(item.link).toBe('https://arxiv.org/abs/2410.99999?x=1&y=2');
    expect(item.pubDate).toBe('Wed, 09 Oct 2024 05:00:00 GMT');
    expect(item.atomUpdated).toBe('2024-10-09T07:30:00Z');
    // The description is HTML: the abstract in it is escaped exactly once.
    const html = item.content!;
    expect(html).toContain(`<p>We study $\\mathcal{O}(n^2)$ &lt;b&gt;bold&lt;/b&gt; claims &amp; &quot;quotes&quot; ]]&gt; in\tRTL: עברית and العربية; x &lt; y &gt; z`);
    expect(html).toContain('<a href="https://arxiv.org/pdf/2410.99999v2">PDF</a>');
    expect(html).toContain('<a href="https://huggingface.co/papers/2410.99999">Hugging Face</a>');
    expect(html).toContain('42 upvotes');
    expect(html).not.toMatch(/javascript:|data:text/);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('&amp;amp;');
  });

  it('links a paper without abs or Hugging Face page to its own page, which never rolls off', async () => {
    const objects = render();
    const permalink = `${ORIGIN}/papers/hep-th-9901001/index.html`;
    const all = await rssParser.parseString(body(objects, 'feeds/all.xml'));
    expect(all.items.find((i) => i.guid === guidOf('hep-th/9901001'))!.link).toBe(permalink);
    const topic = await rssParser.parseString(body(objects, 'feeds/topics/llm.xml'));
    expect(topic.items.find((i) => i.guid === guidOf('hep-th/9901001'))!.link).toBe(permalink);
    expect(JSON.parse(body(objects, 'feeds/all.json')).items.find((i: any) => i.id === guidOf('hep-th/9901001')).url).toBe(permalink);
    expect(body(objects, 'days/2024-10-09/index.html')).toContain('id="hep-th-9901001"');
    expect(body(objects, 'papers/hep-th-9901001/index.html')).toContain(`<link rel="canonical" href="${permalink}">`);
    // Even once the paper has left every rolling page and feed, its day page and its own page still hold it.
    const later = render({ papers: [...ALL_PAPERS, ...Array.from({ length: 25 }, (_, i) => ({ ...ALL_PAPERS[2]!, id: `2411.${String(i).padStart(5, '0')}`, listedOn: '2024-11-01' }))] });
    expect(body(later, 'index.html')).not.toContain('id="hep-th-9901001"');
    expect(body(later, 'feeds/all.xml')).not.toContain('hep-th/9901001');
    expect(body(later, 'days/2024-10-09/index.html')).toContain('id="hep-th-9901001"');
    expect(body(later, 'papers/hep-th-9901001/index.html')).toContain('<h1>');
    // A paper with only a Hugging Face page links there.
    const hfOnly = snapshotPapers().find((p) => !p.links.abs && p.links.hf)!;
    const hfItem = all.items.find((i) => i.guid === guidOf(hfOnly.id))!;
    expect(hfItem.link).toBe(hfOnly.links.hf);
  });

  it('links every item to its own page as well ("Details"), and a paper with no arXiv id to arXiv’s title search', async () => {
    const objects = render();
    const detailsOf = (html: string) => {
      const hrefs = new Map<string, string>();
      for (const m of html.matchAll(/<a href="([^"]*)">([^<]*)<\/a>/g)) hrefs.set(m[2]!.replace(/&amp;/g, '&'), m[1]!.replace(/&amp;/g, '&'));
      return hrefs;
    };
    const json = JSON.parse(body(objects, 'feeds/all.json')) as { items: { id: string; url: string; content_html: string }[] };
    const rss = await rssParser.parseString(body(objects, 'feeds/all.xml'));
    const atom = parseAtomFeed(body(objects, 'feeds/all.atom'));
    expect(json.items.length).toBeGreaterThan(10);
    for (const item of json.items) {
      const paper = ALL_PAPERS.find((p) => guidOf(p.id) === item.id)!;
      const own = `${ORIGIN}/${paperPermalinkPath(paper)}`;
      const search = paper.id.startsWith('t-') ? `https://arxiv.org/search/?query=${encodeURIComponent(paper.title.replace(/\s+/g, ' ').trim())}&searchtype=title` : undefined;
      for (const [where, html] of [['json', item.content_html], ['rss', rss.items.find((i) => i.guid === item.id)!.content!]] as const) {
        const links = detailsOf(html);
        expect(links.get('Details'), `${where} ${paper.id}`).toBe(own);
        expect(links.get('Search arXiv by title'), `${where} ${paper.id}`).toBe(search);
      }
      // Atom names them as related links whenever the entry's own link is the source's page.
      const related = atom.entries!.find((e) => e.id === item.id)!.links!.filter((l) => l.rel === 'related').map((l) => [l.title, l.href]);
      if (item.url !== own) expect(related, paper.id).toContainEqual(['Details', own]);
      if (search) expect(related, paper.id).toContainEqual(['Search arXiv by title', search]);
    }
    // The bundled snapshot has no arXiv ids: some papers get the search, the hostile one (an arXiv id) does not.
    expect(json.items.filter((i) => i.content_html.includes('Search arXiv by title')).length).toBeGreaterThan(5);
    expect(json.items.find((i) => i.id === guidOf('2410.99999'))!.content_html).not.toContain('arxiv.org/search');
  });
});

describe('Atom 1.0 (RFC 4287)', () => {
  it('every Atom feed is well-formed and has the required feed and entry elements', async () => {
    const objects = render();
    for (const key of [...objects.keys()].filter((k) => k.endsWith('.atom'))) {
      const doc = body(objects, key);
      expectWellFormed(doc, key);
      const feed = xml.parse(doc).feed;
      expect(feed['@xmlns']).toBe('http://www.w3.org/2005/Atom');
      expect(text(feed.id)).toMatch(/^tag:paperboy,2024:feed\//);
      expect(text(feed.title)).toMatch(/^paperboy/);
      expect(text(feed.updated)).toMatch(RFC3339);
      const links = feed.link as any[];
      expect(links.find((l) => l['@rel'] === 'self')['@href']).toBe(`${ORIGIN}/${key}`);
      expectAbsoluteHttp(links.find((l) => l['@rel'] === 'alternate')['@href'], key);
      const feedHasAuthor = (feed.author ?? []).length > 0;
      const ids = new Set<string>();
      for (const entry of feed.entry ?? []) {
        const id = text(entry.id);
        expect(ids.has(id), `${key}: duplicate entry id ${id}`).toBe(false);
        ids.add(id);
        expect(typeof text(entry.title)).toBe('string');
        expect(text(entry.updated)).toMatch(RFC3339);
        expect(text(entry.published)).toMatch(RFC3339);
        expect(feedHasAuthor || (entry.author ?? []).length > 0, `${key}: entry without author`).toBe(true);
        const alternates = (entry.link as any[]).filter((l) => l['@rel'] === 'alternate');
        expect(alternates).toHaveLength(1);
        for (const l of entry.link) expectAbsoluteHttp(l['@href'], `${key} entry link`);
        expect(entry.content['@type']).toBe('html');
      }
      // rss-parser reads Atom too: a second, independent reader.
      const parsed = await rssParser.parseString(doc);
      expect(parsed.items.map((i) => (i as { id?: string }).id)).toEqual([...ids]);
    }
  });

  it('carries hostile text as text (type="text"), exact, and the HTML content escaped once', async () => {
    const objects = render();
    const doc = body(objects, 'feeds/all.atom');
    const entry = (xml.parse(doc).feed.entry as any[]).find((e) => text(e.id) === guidOf('2410.99999'));
    expect(entry.title['@type']).toBe('text');
    expect(text(entry.title)).toBe(HOSTILE_TITLE_SEEN);
    expect(text(entry.summary)).toBe(HOSTILE_ABSTRACT_SEEN);
    expect(entry.author.map((a: any) => text(a.name))).toEqual([`O'Brien & <Sons>`, 'محمد الخوارزمي', 'Zoë "Z" Ünal']);
    expect(entry.category.map((c: any) => c['@term'])).toEqual(['llm', 'vision']);
    expect(entry.category.map((c: any) => c['@label'])).toEqual(['Language models', 'Vision']);
    expect(text(entry.published)).toBe('2024-10-09T05:00:00Z');
    expect(text(entry.updated)).toBe('2024-10-09T07:30:00Z');
    const html = text(entry.content);
    expect(html).toContain('&lt;b&gt;bold&lt;/b&gt; claims &amp; &quot;quotes&quot; ]]&gt;');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<b>');
    // rss-parser agrees on the title.
    const parsed = await rssParser.parseString(doc);
    expect(parsed.items.find((i) => (i as { id?: string }).id === guidOf('2410.99999'))!.title).toBe(HOSTILE_TITLE_SEEN);
  });
});

describe('JSON Feed 1.1', () => {
  it('every JSON feed matches the 1.1 schema, with absolute URLs', () => {
    const objects = render();
    for (const key of [...objects.keys()].filter((k) => k.endsWith('.json'))) {
      const doc = JSON.parse(body(objects, key));
      const result = jsonFeed.safeParse(doc);
      expect(result.success ? '' : JSON.stringify(result.error.issues), key).toBe('');
      expect(doc.feed_url).toBe(`${ORIGIN}/${key}`);
      expect(new Set(doc.items.map((i: any) => i.id)).size).toBe(doc.items.length);
    }
  });

  it('brings hostile text back exactly', () => {
    const doc = JSON.parse(body(render(), 'feeds/all.json'));
    const item = doc.items.find((i: any) => i.id === guidOf('2410.99999'));
    expect(item.title).toBe(HOSTILE_TITLE_SEEN);
    expect(item.summary).toBe(HOSTILE_ABSTRACT_SEEN);
    expect(item.authors).toEqual([{ name: `O'Brien & <Sons>` }, { name: 'محمد الخوارزمي' }, { name: 'Zoë "Z" Ünal' }]);
    expect(item.tags).toEqual(['Language models', 'Vision']);
    expect(item.url).toBe('https://arxiv.org/abs/2410.99999?x=1&y=2');
    expect(item.date_published).toBe('2024-10-09T05:00:00Z');
    expect(item.date_modified).toBe('2024-10-09T07:30:00Z');
    expect(item.attachments).toEqual([{ url: 'https://arxiv.org/pdf/2410.99999v2', mime_type: 'application/pdf', title: 'PDF' }]);
    expect(item.content_html).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(item.content_html).not.toContain('<script');
  });
});

describe('selection and order', () => {
  it('sorts by listedOn desc, upvotes desc, the order the source listed them in, firstSeenAt desc, then id', () => {
    const mk = (id: string, listedOn: string, upvotes: number | undefined, firstSeenAt: string, rank?: number): Paper => ({
      id, title: id, abstract: '', authors: [], listedOn, links: {}, categories: [], keywords: [], upvotes, rank,
      tags: ['agents'], sources: ['t'], firstSeenAt, updatedAt: firstSeenAt, contentHash: id,
    });
    const papers = [
      mk('e', '2024-10-07', 100, '2024-10-07T00:00:00Z'),
      mk('d', '2024-10-08', undefined, '2024-10-08T09:00:00Z'),
      mk('c', '2024-10-08', 1, '2024-10-08T01:00:00Z'),
      mk('b2', '2024-10-08', 5, '2024-10-08T01:00:00Z'),
      mk('b1', '2024-10-08', 5, '2024-10-08T01:00:00Z'),
      mk('a', '2024-10-08', 5, '2024-10-08T02:00:00Z'),
      mk('z', '2024-10-09', 0, '2024-10-09T00:00:00Z'),
      // No upvotes (a saved page): the page's order, whatever the titles or first-seen times.
      mk('r2', '2024-10-08', undefined, '2024-10-08T09:30:00Z', 2),
      mk('r1', '2024-10-08', undefined, '2024-10-08T00:30:00Z', 1),
    ];
    const want = ['z', 'a', 'b1', 'b2', 'c', 'r1', 'r2', 'd', 'e'];
    for (const input of [papers, [...papers].reverse(), [papers[3]!, papers[8]!, papers[0]!, papers[6]!, papers[1]!, papers[7]!, papers[5]!, papers[2]!, papers[4]!]]) {
      const doc = JSON.parse(body(render({ papers: input, maxItems: 50 }), 'feeds/topics/agents.json'));
      expect(doc.items.map((i: any) => i._paperboy.paper_id)).toEqual(want);
    }
  });

  it('holds the newest whole days until maxItems, never cutting a day, in every feed; the home page holds the newest day', async () => {
    const objects = render({ maxItems: 5 });
    const dayOf = new Map(ALL_PAPERS.map((p) => [guidOf(p.id), p.listedOn]));
    for (const key of [...objects.keys()].filter((k) => k.startsWith('feeds/') && !k.endsWith('.opml'))) {
      const doc = body(objects, key);
      const guids: string[] = key.endsWith('.json') ? JSON.parse(doc).items.map((i: any) => i.id) : (await rssParser.parseString(doc)).items.map((i) => i.guid ?? (i as { id?: string }).id!);
      const slug = /topics\/([a-z-]+)\./.exec(key)?.[1];
      expect(guids, key).toEqual(expectedIds(slug, 5).map(guidOf));
      // Every day the feed touches is there whole.
      for (const day of new Set(guids.map((g) => dayOf.get(g)))) {
        const whole = ALL_PAPERS.filter((p) => p.listedOn === day && (!slug || p.tags.includes(slug))).length;
        expect(guids.filter((g) => dayOf.get(g) === day), `${key} ${day}`).toHaveLength(whole);
      }
    }
    // The newest day (2024-10-09) has 2 papers; the next (2024-10-08) has 18 or so: it comes whole.
    const all = await rssParser.parseString(body(objects, 'feeds/all.xml'));
    expect(all.items.length).toBe(ALL_PAPERS.filter((p) => p.listedOn >= '2024-10-08').length);
    expect(all.items.length).toBeGreaterThan(5);
    // The home page shows one day, the newest, whole: the days before are on their own pages.
    expect(body(objects, 'index.html').match(/<li class="card"/g)).toHaveLength(ALL_PAPERS.filter((p) => p.listedOn === '2024-10-09').length);
  });

  it('caps a feed at 10 × maxItems: an earlier day that would pass the cap is left out, the newest day never', async () => {
    const day = (d: string, n: number) => Array.from({ length: n }, (_, i) => ({ ...ALL_PAPERS[2]!, id: `${d}-${i}`, listedOn: d, tags: ['llm'] }));
    const objects = render({ maxItems: 2, papers: [...day('2025-01-03', 1), ...day('2025-01-02', 25), ...day('2025-01-01', 1)] });
    expect(JSON.parse(body(objects, 'feeds/all.json')).items).toHaveLength(1);
    const big = render({ maxItems: 2, papers: [...day('2025-01-03', 30), ...day('2025-01-02', 1)] });
    expect(JSON.parse(body(big, 'feeds/all.json')).items).toHaveLength(30);
    expect(JSON.parse(body(big, 'feeds/topics/llm.json')).items).toHaveLength(30);
  });

  it('per-topic feeds hold exactly the newest papers tagged with that topic; empty topics get valid empty feeds', async () => {
    const objects = render();
    for (const topic of TOPICS) {
      const want = expectedIds(topic.slug).map(guidOf);
      const rss = await rssParser.parseString(body(objects, `feeds/topics/${topic.slug}.xml`));
      expect(rss.items.map((i) => i.guid), topic.slug).toEqual(want);
      expect(rss.title).toBe(`paperboy — ${topic.name}`);
      const atom = xml.parse(body(objects, `feeds/topics/${topic.slug}.atom`)).feed;
      expect((atom.entry ?? []).map((e: any) => text(e.id))).toEqual(want);
      const json = JSON.parse(body(objects, `feeds/topics/${topic.slug}.json`));
      expect(json.items.map((i: any) => i.id)).toEqual(want);
      for (const item of json.items) expect(item._paperboy.topics).toContain(topic.slug);
    }
    expect(expectedIds('quantum-gravity')).toEqual([]);
    const empty = xml.parse(body(objects, 'feeds/topics/quantum-gravity.atom')).feed;
    expect(empty.entry).toBeUndefined();
    // An empty feed's updated time comes from the data (newest change anywhere), not the clock.
    expect(text(empty.updated)).toBe('2024-10-09T07:30:00Z');
  });

  it('an empty site renders valid feeds dated generatedAt', async () => {
    const generatedAt = new Date('2024-11-01T10:00:00Z');
    const objects = render({ papers: [], generatedAt });
    for (const key of [...objects.keys()].filter((k) => /\.(xml|atom|opml)$/.test(k))) expectWellFormed(body(objects, key), key);
    expect(text(xml.parse(body(objects, 'feeds/all.atom')).feed.updated)).toBe('2024-11-01T10:00:00Z');
    expect((await rssParser.parseString(body(objects, 'feeds/all.xml'))).items).toEqual([]);
    expect(jsonFeed.safeParse(JSON.parse(body(objects, 'feeds/all.json'))).success).toBe(true);
  });

  it('ids are host-independent: another site URL changes links, never guids', async () => {
    const a = await rssParser.parseString(body(render(), 'feeds/all.xml'));
    const b = await rssParser.parseString(body(render({ site: { ...SITE, url: 'http://127.0.0.1:8787' } }), 'feeds/all.xml'));
    expect(b.items.map((i) => i.guid)).toEqual(a.items.map((i) => i.guid));
    expect(b.link).toBe('http://127.0.0.1:8787/index.html');
  });
});

// The hostile-text round trip over random input is a fast-check property: feeds.property.test.ts.

describe('OPML 2.0', () => {
  it('is well-formed and lists one Atom feed per topic, plus all papers, with absolute URLs, in one folder', () => {
    const objects = render();
    const doc = body(objects, 'feeds/index.opml');
    expectWellFormed(doc, 'opml');
    const opml = xml.parse(doc).opml;
    expect(opml['@version']).toBe('2.0');
    expect(text(opml.head.title)).toBe('paperboy feeds');
    expect(text(opml.head.dateModified)).toMatch(RFC822);
    const groups = [opml.body.outline].flat() as any[];
    expect(groups).toHaveLength(1);
    expect(groups[0]['@text']).toBe('paperboy (Atom)');
    const listed: string[] = [];
    for (const o of groups[0].outline) {
      expect(o['@type']).toBe('rss');
      expect(o['@text']).toBeTruthy();
      expectAbsoluteHttp(o['@xmlUrl'], 'xmlUrl');
      expectAbsoluteHttp(o['@htmlUrl'], 'htmlUrl');
      expect(objects.has(new URL(o['@htmlUrl']).pathname.slice(1)), o['@htmlUrl']).toBe(true);
      listed.push(new URL(o['@xmlUrl']).pathname.slice(1));
    }
    // Each scope once, in one format: importing it subscribes to each paper once per topic, not three times.
    expect(listed).toEqual(['feeds/all.atom', ...TOPICS.map((t) => `feeds/topics/${t.slug}.atom`)]);
    expect(groups[0].outline.map((o: any) => o['@text'])).toEqual(['paperboy — all papers', ...TOPICS.map((t) => `paperboy — ${t.name}`)]);
  });
});

describe('every feed, read by independent real feed parsers', () => {
  const objects = render();
  const keys = [...objects.keys()].filter((k) => k.startsWith('feeds/'));

  it.each(keys.filter((k) => /\.(xml|atom)$/.test(k)))('%s: rss-parser, @rowanmanning/feed-parser and feedsmith agree with the source', async (key) => {
    const doc = body(objects, key);
    expect(saxesErrors(doc).errors).toEqual([]);
    const slug = /topics\/([a-z0-9-]+)\./.exec(key)?.[1];
    const want = expectedIds(slug);
    const papers = new Map(ALL_PAPERS.map((p) => [guidOf(p.id), p]));
    const a = await rssParser.parseString(doc);
    const b = parseFeed(doc);
    expect(b.meta.type).toBe(key.endsWith('.xml') ? 'rss' : 'atom');
    expect(b.self).toBe(`${ORIGIN}/${key}`);
    expect(b.language).toBe('en');
    expect(b.generator?.label).toBe('paperboy');
    expect(b.url).toBe(slug ? `${ORIGIN}/topics/${slug}/index.html` : `${ORIGIN}/index.html`);
    expect(b.items.map((i) => i.id)).toEqual(want.map(guidOf));
    expect(a.items.map((i) => (key.endsWith('.xml') ? i.guid : (i as { id?: string }).id))).toEqual(want.map(guidOf));
    for (const item of b.items) {
      const p = papers.get(item.id!)!;
      expect(item.url).toMatch(/^https:\/\//);
      expect(item.published?.toISOString()).toBe(new Date(p.firstSeenAt).toISOString());
      // In Atom an entry without authors inherits the feed's author (RFC 4287 4.1.2); this reader applies that.
      const authors = p.authors.map(seen);
      expect(item.authors.map((x) => x.name)).toEqual(authors.length || key.endsWith('.xml') ? authors : ['paperboy']);
      expect(item.categories.map((c) => c.label)).toEqual(TOPICS.filter((t) => p.tags.includes(t.slug)).map((t) => t.name));
      // This reader decodes entities in titles once more; the hostile title is checked exactly elsewhere.
      if (!p.title.includes('&')) expect(item.title).toBe(p.title);
    }
    if (key.endsWith('.xml')) {
      const c = parseRssFeed(doc);
      expect(c.items?.map((i) => i.guid?.value) ?? []).toEqual(want.map(guidOf));
      expect(c.atom?.links?.[0]).toMatchObject({ rel: 'self', href: `${ORIGIN}/${key}` });
      for (const item of c.items ?? []) {
        const p = papers.get(item.guid!.value!)!;
        expect(item.guid?.isPermaLink).toBe(false);
        expect(item.title).toBe(p.id === '2410.99999' ? HOSTILE_TITLE_SEEN : p.title);
        expect(new Date(item.pubDate!).toISOString()).toBe(new Date(p.firstSeenAt).toISOString());
      }
    } else {
      const c = parseAtomFeed(doc);
      expect(c.id).toMatch(/^tag:paperboy,2024:feed\//);
      expect(c.entries?.map((e) => e.id) ?? []).toEqual(want.map(guidOf));
      for (const entry of c.entries ?? []) {
        const p = papers.get(entry.id!)!;
        expect(entry.title?.value).toBe(p.id === '2410.99999' ? HOSTILE_TITLE_SEEN : p.title);
        expect(entry.updated).toBe(new Date(p.updatedAt).toISOString().replace('.000Z', 'Z'));
        if (p.links.pdf) expect(entry.links?.find((l) => l.type === 'application/pdf')?.href).toBe(p.links.pdf);
      }
    }
  });

  it.each(keys.filter((k) => k.endsWith('.json')))('%s: JSON.parse with the 1.1 schema and feedsmith agree', (key) => {
    const doc = body(objects, key);
    const parsed = JSON.parse(doc);
    expect(jsonFeed.safeParse(parsed).success).toBe(true);
    const slug = /topics\/([a-z0-9-]+)\./.exec(key)?.[1];
    const f = parseJsonFeed(doc);
    expect(f.feed_url).toBe(`${ORIGIN}/${key}`);
    expect(f.language).toBe('en');
    expect((f.items ?? []).map((i) => i.id)).toEqual(expectedIds(slug).map(guidOf));
    expect((f.items ?? []).map((i) => i.title)).toEqual(parsed.items.map((i: { title: string }) => i.title));
  });

  it('feeds/index.opml: feedsmith reads every Atom feed URL back', () => {
    const opml = parseOpml(body(objects, 'feeds/index.opml'));
    const urls = (opml.body?.outlines ?? []).flatMap((g) => (g.outlines ?? []).map((o) => o.xmlUrl));
    expect([...urls].sort()).toEqual(keys.filter((k) => k.endsWith('.atom')).map((k) => `${ORIGIN}/${k}`).sort());
  });
});
