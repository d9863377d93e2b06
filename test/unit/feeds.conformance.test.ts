/**
 * XML 1.0 + Namespaces well-formedness of every XML document renderSite writes, checked with saxes,
 * a parser that (unlike sax "strict" and fast-xml-parser's validator) reports every well-formedness
 * error: characters outside the Char production, "]]>" in character data, undefined entities,
 * unbound namespace prefixes. Needs the dev dependency saxes@6.0.0.
 */
import { describe, expect, it } from 'vitest';
import type { Paper } from '@paperboy/core';
import { renderSite } from '@paperboy/feeds';
import { saxesErrors } from '../support/feed-rules.js';

const topics = [
  { slug: 'llm', name: 'LLMs & <friends>', description: '"quoted" ]]>', phrases: ['x'], negative: [], categories: [], examples: [] },
  { slug: 'empty', name: 'Empty', description: '', phrases: ['x'], negative: [], categories: [], examples: [] },
];

const nasty = '<script>&amp; ]]> ]]]]> "\' \u0000\u0001\u0008\u000B\u000C\u001F\u007F\u0085\uD800\uDFFF\uFFFE\uFFFF 🚀 ש ع \r\n\t $\\alpha$';
const papers: Paper[] = [
  {
    id: '2410.00001', title: `T ${nasty}`, abstract: `A ${nasty}`, authors: [`Au ${nasty}`], listedOn: '2024-10-08',
    links: { abs: 'https://arxiv.org/abs/2410.00001?a=1&b=]]>', pdf: 'https://arxiv.org/pdf/2410.00001', hf: 'https://huggingface.co/papers/2410.00001' },
    categories: [], keywords: [], upvotes: 3, tags: ['llm'], sources: ['s'], firstSeenAt: '2024-10-08T00:00:00Z', updatedAt: '2024-10-08T01:00:00Z', contentHash: 'h',
  },
];

describe('XML conformance (saxes)', () => {
  it.each([
    ['with hostile papers', papers],
    ['with no papers', []],
  ])('every RSS, Atom and OPML document is well-formed XML 1.0 with namespaces, %s', (_, input) => {
    const objects = renderSite({
      site: { title: `Site ${nasty}`, description: `D ${nasty}`, url: 'https://example.org/x/', language: 'en' },
      topics,
      papers: input,
      maxItems: 10,
      generatedAt: new Date('2024-10-10T00:00:00Z'),
    });
    const xmlObjects = objects.filter((o) => /\.(xml|atom|opml)$/.test(o.key));
    expect(xmlObjects.map((o) => o.key).sort()).toEqual(
      ['feeds/all.atom', 'feeds/all.xml', 'feeds/index.opml', 'feeds/topics/empty.atom', 'feeds/topics/empty.xml', 'feeds/topics/llm.atom', 'feeds/topics/llm.xml'],
    );
    for (const o of xmlObjects) expect(saxesErrors(o.body).errors, o.key).toEqual([]);
    // Carriage return and tab survive as text, via character references.
    if (input.length) expect(saxesErrors(objects.find((o) => o.key === 'feeds/all.atom')!.body).text).toContain('\r\n\t $\\alpha$');
  });

  it('the checker itself rejects what a lax parser accepts', () => {
    expect(saxesErrors('<r>\u0001</r>').errors.length).toBeGreaterThan(0);
    expect(saxesErrors('<r>a ]]> b</r>').errors.length).toBeGreaterThan(0);
    expect(saxesErrors('<r>&nbsp;</r>').errors.length).toBeGreaterThan(0);
    expect(saxesErrors('<r><dc:creator>x</dc:creator></r>').errors.length).toBeGreaterThan(0);
  });
});
