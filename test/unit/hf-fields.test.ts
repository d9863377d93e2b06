/**
 * What Hugging Face gives beyond a title and an abstract (a TL;DR, stars, comments, the organisation and
 * a thumbnail) is kept from a real response, follows the source when it changes, and reaches the card,
 * the feeds and the digest.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DomUtils, parseDocument } from 'htmlparser2';
import { mergePaper, taxonomySchema, validatePaperInput, MAX_SUMMARY_CHARS, type Paper, type PaperInput } from '@paperboy/core';
import { renderSite } from '@paperboy/feeds';
import { renderDigestEmail } from '@paperboy/mail';
import { parseHfDaily } from '@paperboy/sources';

const RAW = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'upstream', 'hf-daily-papers.json'), 'utf8');
const entries = JSON.parse(RAW) as { paper: { id: string; ai_summary?: string; githubStars?: number; githubRepo?: string }; numComments?: number; thumbnail?: string; organization?: { fullname?: string } }[];
const parsed = parseHfDaily(RAW, { source: 'hf', date: '2026-09-04' });
const SITE = { title: 'papers', description: 'd', url: 'https://papers.example.org/', language: 'en' };
const TOPICS = taxonomySchema.parse({ topics: [{ slug: 'llm', name: 'Language models', phrases: ['language model'] }] }).topics;

function stored(input: PaperInput): Paper {
  return mergePaper(undefined, input, ['llm'], '2026-09-04T06:00:00.000Z');
}

describe('Hugging Face rich fields', () => {
  const withAll = entries.find((e) => e.paper.ai_summary && e.paper.githubStars != null && e.paper.githubRepo && e.numComments && e.organization?.fullname && e.thumbnail)!;
  const input = parsed.papers.find((p) => p.arxivId === withAll.paper.id || p.id === withAll.paper.id)!;

  it('keeps the TL;DR, stars, comments, organisation and thumbnail of a real response', () => {
    expect(withAll).toBeDefined();
    expect(input).toMatchObject({
      summary: withAll.paper.ai_summary!.trim(),
      githubStars: withAll.paper.githubStars,
      numComments: withAll.numComments,
      organization: withAll.organization!.fullname,
      thumbnail: withAll.thumbnail,
    });
    // Most items of the day carry a TL;DR.
    expect(parsed.papers.filter((p) => p.summary).length).toBeGreaterThan(parsed.papers.length / 2);
  });

  it('follows the source when it updates them, and a source without them never blanks them', () => {
    const first = stored(input);
    const later = mergePaper(first, { ...input, githubStars: (input.githubStars ?? 0) + 10, numComments: 9 }, ['llm'], '2026-09-05T06:00:00.000Z');
    expect(later.githubStars).toBe((input.githubStars ?? 0) + 10);
    expect(later.contentHash).not.toBe(first.contentHash);
    const { summary, githubStars, numComments, organization, thumbnail, ...bare } = input;
    void [summary, githubStars, numComments, organization, thumbnail];
    const thin = mergePaper(later, { ...bare, source: 'snapshot' }, ['llm'], '2026-09-06T06:00:00.000Z');
    expect(thin).toMatchObject({ summary: later.summary, githubStars: later.githubStars, numComments: 9, organization: later.organization, thumbnail: later.thumbnail });
  });

  it('cuts an over-long TL;DR at a word', () => {
    const r = validatePaperInput({ ...input, summary: 'word '.repeat(400) });
    expect(r.ok && r.paper.summary!.length).toBeLessThanOrEqual(MAX_SUMMARY_CHARS + 1);
    expect(r.ok && r.paper.summary!.endsWith('…')).toBe(true);
  });

  const paper = stored(input);
  const objects = new Map(renderSite({ site: SITE, topics: TOPICS, papers: [paper], maxItems: 50, generatedAt: new Date('2026-09-05T00:00:00Z') }).map((o) => [o.key, o.body]));

  it('shows the TL;DR, the stars beside the code link, the comments and the organisation on the card', () => {
    const doc = parseDocument(objects.get('index.html')!);
    const card = DomUtils.findOne((n) => n.attribs?.class === 'card', doc.children, true)!;
    const text = DomUtils.textContent(card).replace(/\s+/g, ' ');
    expect(text).toContain(`TL;DR ${paper.summary}`);
    expect(text).toContain(`Code (${paper.githubStars!.toLocaleString('en-US')} star${paper.githubStars === 1 ? '' : 's'})`);
    expect(text).toContain(`${paper.numComments} comment`);
    expect(text).toContain(paper.organization!);
  });

  it('shows the thumbnail (lazy, sized, with alt text) on the card, and everything on the paper’s own page', () => {
    const card = DomUtils.findOne((n) => n.attribs?.class === 'card', parseDocument(objects.get('index.html')!).children, true)!;
    const img = DomUtils.findOne((n) => n.name === 'img', [card], true)!;
    expect(img.attribs).toMatchObject({ src: paper.thumbnail, loading: 'lazy', width: '1200', height: '648' });
    expect(img.attribs.alt).toContain(paper.title);
    const page = parseDocument(objects.get(`papers/${paper.id}/index.html`)!);
    const text = DomUtils.textContent(page).replace(/\s+/g, ' ');
    expect(text).toContain(`TL;DR ${paper.summary}`);
    expect(text).toContain(`Code (${paper.githubStars!.toLocaleString('en-US')} star${paper.githubStars === 1 ? '' : 's'})`);
    expect(text).toContain(`${paper.numComments} comment`);
    expect(text).toContain(paper.organization!);
    expect(text).toContain(paper.abstract.slice(0, 80));
    expect(DomUtils.findAll((n) => n.name === 'img', page.children).map((i) => i.attribs.src)).toEqual([paper.thumbnail]);
  });

  it('puts the TL;DR in every feed item', () => {
    const json = JSON.parse(objects.get('feeds/all.json')!) as { items: { summary: string; content_html: string; _paperboy: Record<string, unknown> }[] };
    expect(json.items[0]!.summary).toBe(paper.summary);
    expect(json.items[0]!._paperboy).toMatchObject({ github_stars: paper.githubStars, comments: paper.numComments, organization: paper.organization });
    const rss = DomUtils.textContent(parseDocument(DomUtils.textContent(DomUtils.getElementsByTagName('description', parseDocument(objects.get('feeds/all.xml')!, { xmlMode: true }))[1]!)));
    expect(rss).toContain(`TL;DR: ${paper.summary}`);
    const atom = objects.get('feeds/all.atom')!;
    expect(atom).toContain('TL;DR:');
  });

  it('puts the TL;DR in the digest, in HTML and in text', () => {
    const mail = renderDigestEmail({
      to: 'reader@example.org', site: SITE, topics: [{ slug: 'llm', name: 'Language models' }], papers: [paper], reasons: { [paper.id]: [{ kind: 'topic', slug: 'llm' }] }, moreByDay: {}, frequency: 'daily', period: '2026-09-05',
      unsubscribeUrl: 'https://papers.example.org/api/unsubscribe?t=x', preferencesUrl: 'https://papers.example.org/api/preferences?t=x', unsubscribePostUrl: 'https://papers.example.org/api/unsubscribe?t=x',
    });
    expect(DomUtils.textContent(parseDocument(mail.html)).replace(/\s+/g, ' ')).toContain(`TL;DR ${paper.summary}`);
    expect(mail.text).toContain(`TL;DR: ${paper.summary}`);
  });
});
