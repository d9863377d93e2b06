/**
 * Property (fast-check): for any hostile titles, abstracts, authors, topic names and site title
 * (markup, entities, "]]>", control characters, lone surrogates, noncharacters, emoji, combining
 * marks, right-to-left text, TeX, any Unicode at all), every RSS, Atom and JSON feed renderSite writes
 *  - is well-formed XML 1.0 with namespaces (saxes, strict) or valid JSON Feed 1.1 (schema), and
 *  - gives each reader back exactly the source text, minus the characters XML 1.0 forbids,
 * read by independent real feed parsers: rss-parser (xml2js over sax), feedsmith (its own RSS, Atom
 * and JSON Feed readers over fast-xml-parser) and @rowanmanning/feed-parser (its own normaliser).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import Parser from 'rss-parser';
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from 'feedsmith';
import { parseFeed } from '@rowanmanning/feed-parser';
import { DomUtils, parseDocument } from 'htmlparser2';
import type { Paper } from '@paperboy/core';
import { renderSite } from '@paperboy/feeds';
import { jsonFeed, saxesErrors, seen } from '../support/feed-rules.js';

const TROUBLE = [
  '<', '>', '&', '"', "'", ']]>', ']]]]>', '<![CDATA[', '&amp;', '&lt;', '&#x1;', '&#0;', '&nbsp;', '<script>alert(1)</script>',
  '\u0000', '\u0001', '\u0008', '\u000B', '\u000C', '\u001F', '\u007F', '\u0085', '\u009F', '\uFFFE', '\uFFFF', '\uD800', '\uDFFF',
  '\r', '\r\n', '\n\n', '\t', '\u00A0', '\u2028', '\u2029', '\uFEFF', '\u200B', '\u202E', '\u200F',
  '🚀', '👩‍🔬', '🇺🇦', 'e\u0301', 'ש', 'ع', 'مرحبا', 'שלום', '中文', '$\\alpha$', '$\\mathcal{O}(n^2)$', '\\textbf{x}', '{x}_{i}^{2}', '%', '\\',
];

/** Any text a source might hand us: trouble tokens mixed with arbitrary strings of any code unit or code point. */
const hostile = (maxParts: number) =>
  fc
    .array(
      fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...TROUBLE) },
        { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
        { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 4 }) },
        { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
        { weight: 2, arbitrary: fc.constantFrom('a', 'Word', ' ', 'model') },
      ),
      { maxLength: maxParts },
    )
    .map((parts) => parts.join(''));

const paperArb = fc.record({
  title: hostile(12),
  abstract: hostile(30),
  authors: fc.array(hostile(4), { maxLength: 3 }),
  upvotes: fc.option(fc.nat(5000), { nil: undefined }),
});

const inputArb = fc.record({
  siteTitle: hostile(5),
  topicName: hostile(5),
  papers: fc.array(paperArb, { minLength: 1, maxLength: 6 }),
});

const rssParser = new Parser({ customFields: { item: [['dc:creator', 'creators', { keepArray: true }]] } });

/** The title a reader sees: the cleaned source, or the paper id when nothing is left. */
const titleOf = (title: string, id: string) => seen(title) || id;

/** The abstract's paragraphs as the HTML body (description / content_html) shows them. */
const paragraphsOf = (abstract: string) =>
  seen(abstract)
    .split(/\n\s*\n?/)
    .map((p) => p.trim())
    .filter(Boolean);

/** Text of the leading <p> elements of an item's HTML body, decoded by an HTML parser. */
function htmlParagraphs(html: string, n: number): string[] {
  const doc = parseDocument(html);
  return DomUtils.getElementsByTagName('p', doc)
    .slice(0, n)
    .map((p) => DomUtils.textContent(p));
}

describe('feeds under hostile input (fast-check property)', () => {
  it('stay valid and give every reader back exactly the source text, minus characters XML forbids', async () => {
    await fc.assert(
      fc.asyncProperty(inputArb, async ({ siteTitle, topicName, papers: specs }) => {
        const papers: Paper[] = specs.map((s, i) => ({
          id: `2410.${String(10000 + i)}`,
          title: s.title,
          abstract: s.abstract,
          authors: s.authors,
          listedOn: '2024-10-08',
          links: { abs: `https://arxiv.org/abs/2410.${10000 + i}`, pdf: `https://arxiv.org/pdf/2410.${10000 + i}` },
          categories: [],
          keywords: [],
          upvotes: s.upvotes,
          tags: ['hostile'],
          sources: ['fuzz'],
          firstSeenAt: `2024-10-08T0${i}:00:00.000Z`,
          updatedAt: `2024-10-08T0${i}:30:00.000Z`,
          contentHash: String(i),
        }));
        const objects = new Map(
          renderSite({
            site: { title: siteTitle, description: '', url: 'https://papers.example.org/', language: 'en' },
            topics: [{ slug: 'hostile', name: topicName || 'x', description: '', phrases: ['x'], negative: [], categories: [], examples: [] } as never],
            papers,
            maxItems: 10,
            generatedAt: new Date('2024-10-09T00:00:00Z'),
          }).map((o) => [o.key, o.body]),
        );
        const byGuid = new Map(papers.map((p) => [`tag:paperboy,2024:paper/${p.id}`, p]));
        const expectedSiteTitle = seen(siteTitle) || 'paperboy';

        for (const scope of ['feeds/all', 'feeds/topics/hostile']) {
          const rss = objects.get(`${scope}.xml`)!;
          const atom = objects.get(`${scope}.atom`)!;
          const json = objects.get(`${scope}.json`)!;

          // Valid: strict XML 1.0 well-formedness; the JSON Feed 1.1 schema.
          expect(saxesErrors(rss).errors, `${scope}.xml`).toEqual([]);
          expect(saxesErrors(atom).errors, `${scope}.atom`).toEqual([]);
          const jsonDoc = JSON.parse(json);
          const schema = jsonFeed.safeParse(jsonDoc);
          expect(schema.success ? [] : schema.error.issues, `${scope}.json`).toEqual([]);

          // RSS 2.0, read by rss-parser and by feedsmith.
          const a = await rssParser.parseString(rss);
          const b = parseRssFeed(rss);
          expect(a.items).toHaveLength(papers.length);
          expect(b.items).toHaveLength(papers.length);
          if (scope === 'feeds/all') expect([a.title, b.title]).toEqual([expectedSiteTitle, expectedSiteTitle]);
          for (const [i, item] of a.items.entries()) {
            const p = byGuid.get(item.guid!)!;
            const other = b.items![i]!;
            expect(other.guid?.value).toBe(item.guid);
            expect(item.title).toBe(titleOf(p.title, p.id));
            expect(other.title).toBe(titleOf(p.title, p.id));
            const authors = p.authors.map(seen).filter(Boolean);
            expect((item as { creators?: string[] }).creators ?? []).toEqual(authors);
            expect(other.dc?.creators ?? []).toEqual(authors);
            const paragraphs = paragraphsOf(p.abstract);
            expect(htmlParagraphs(item.content!, paragraphs.length)).toEqual(paragraphs);
            expect(htmlParagraphs(other.description!, paragraphs.length)).toEqual(paragraphs);
          }

          // Atom 1.0, read by rss-parser and by feedsmith.
          const c = await rssParser.parseString(atom);
          const d = parseAtomFeed(atom);
          expect(c.items).toHaveLength(papers.length);
          for (const [i, entry] of (d.entries ?? []).entries()) {
            const p = byGuid.get(entry.id!)!;
            expect(c.items[i]!.title).toBe(titleOf(p.title, p.id));
            expect(entry.title?.value).toBe(titleOf(p.title, p.id));
            expect(entry.summary?.value ?? '').toBe(seen(p.abstract));
            expect((entry.authors ?? []).map((x) => x.name)).toEqual(p.authors.map(seen).filter(Boolean));
            expect(htmlParagraphs(entry.content!.value!, paragraphsOf(p.abstract).length)).toEqual(paragraphsOf(p.abstract));
          }
          expect(d.entries ?? []).toHaveLength(papers.length);

          // JSON Feed 1.1: JSON.parse (above) and feedsmith.
          const e = parseJsonFeed(json);
          const eItems = e.items ?? [];
          expect(eItems).toHaveLength(papers.length);
          for (const [i, item] of jsonDoc.items.entries()) {
            const p = byGuid.get(item.id)!;
            expect(item.title).toBe(titleOf(p.title, p.id));
            expect(item.summary ?? '').toBe(seen(p.abstract));
            expect(eItems[i]!.title).toBe(titleOf(p.title, p.id));
            expect((eItems[i]!.authors ?? []).map((x) => x.name)).toEqual(p.authors.map(seen).filter(Boolean));
          }

          // @rowanmanning/feed-parser reads both XML formats to the same items. It decodes HTML
          // entities in text fields once more (lenient, for feeds that double-escape), so a title
          // that really contains "&" comes out changed there: compared exactly only without "&".
          for (const doc of [rss, atom]) {
            const f = parseFeed(doc);
            expect(f.items.map((i) => i.id)).toEqual(a.items.map((i) => i.guid));
            for (const item of f.items) {
              const p = byGuid.get(item.id!)!;
              const want = titleOf(p.title, p.id);
              if (!want.includes('&')) expect(item.title).toBe(want);
              expect(item.url).toBe(p.links.abs);
            }
          }
        }
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});
