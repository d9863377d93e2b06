/** The simulation's link checker: small hand-made fixtures for each kind of broken link, and a real rendered site that has none. */
import { describe, expect, it } from 'vitest';
import { subscriberLinks, taxonomySchema, type Paper } from '@paperboy/core';
import { renderSite } from '@paperboy/feeds';
import { renderDigestEmail } from '@paperboy/mail';
import { checkLinks } from '../../packages/local/src/simulate/link-check.js';
import { paper } from '../support/papers.js';

const SITE = 'https://papers.example.org/';
const html = (body: string) => ({ contentType: 'text/html; charset=utf-8', body: `<!DOCTYPE html><html><body>${body}</body></html>` });

function check(objects: Record<string, { contentType: string; body: string }>, emails: { name: string; html: string; text: string }[] = []) {
  return checkLinks({ siteUrl: SITE, objects: new Map(Object.entries(objects)), emails });
}

describe('checkLinks', () => {
  it('passes links that resolve: root, relative, absolute, anchors on this page and on another, API routes with their parameters', () => {
    const result = check({
      'index.html': html('<main id="main"><a href="#main">skip</a><a href="days/2026-10-08/index.html#p1">p1</a><form action="/api/subscribe" method="post"></form></main>'),
      'days/2026-10-08/index.html': html('<li id="p1"><a href="../../">home</a><a href="https://papers.example.org/index.html#main">home</a><a href="https://arxiv.org/abs/2410.01234">abs</a></li>'),
    }, [{ name: 'digest.eml', html: '<a href="https://papers.example.org/api/unsubscribe?token=abc">out</a>', text: 'See https://papers.example.org/days/2026-10-08/index.html#p1.\n' }]);
    expect(result.broken).toEqual([]);
    expect(result.checked).toBe(8);
  });

  it('reports a dead anchor, a missing object and an email address in a URL, each with where it was found', () => {
    const result = check(
      {
        'index.html': html('<a href="days/2026-10-08/index.html#gone">dead anchor</a><a href="days/2026-10-09/index.html">missing</a><a href="#nowhere">x</a>'),
        'days/2026-10-08/index.html': html('<li id="p1"></li>'),
      },
      [{ name: 'confirm.eml', html: '<a href="https://papers.example.org/api/confirm?token=t&amp;email=reader%40example.com">confirm</a>', text: 'https://tracker.example.net/c?to=reader@example.com\n' }],
    );
    expect(result.broken).toEqual([
      { where: 'index.html a[href]', href: 'days/2026-10-08/index.html#gone', why: 'no element with id "gone" in days/2026-10-08/index.html' },
      { where: 'index.html a[href]', href: 'days/2026-10-09/index.html', why: 'no object days/2026-10-09/index.html' },
      { where: 'index.html a[href]', href: '#nowhere', why: 'no element with id "nowhere" on this page' },
      { where: 'confirm.eml (html) a[href]', href: 'https://papers.example.org/api/confirm?token=t&email=reader%40example.com', why: 'an email address in the URL' },
      { where: 'confirm.eml (text) url', href: 'https://tracker.example.net/c?to=reader@example.com', why: 'an email address in the URL' },
    ]);
  });

  it('checks API links for form: a known route, its required parameters, POST only from forms', () => {
    const result = check({}, [
      { name: 'a.eml', html: '<a href="https://papers.example.org/api/confirm">no token</a><a href="https://papers.example.org/api/nope?token=1">no route</a>', text: '' },
    ]);
    expect(result.broken.map((b) => b.why)).toEqual(['missing query parameter token', 'no API route /api/nope']);
  });

  it('checks external links for form only, and refuses javascript:, whitespace and a directory CloudFront would not serve', () => {
    const result = check({
      'index.html': html('<a href="javascript:alert(1)">x</a><a href="https://example.com/a b">x</a><a href="https://unknown.example.net/anything">fine</a><a href="topics/llm/">dir</a><link rel="icon" href="data:,">'),
      'topics/llm/index.html': html(''),
      '_paperboy/manifest.json': { contentType: 'application/json', body: '{"x": "https://papers.example.org/none"}' },
    });
    expect(result.broken.map((b) => [b.href, b.why])).toEqual([
      ['javascript:alert(1)', 'not an http(s) URL (javascript:)'],
      ['https://example.com/a b', 'whitespace in the URL'],
      ['topics/llm/', 'CloudFront serves no index document below the root: link to topics/llm/index.html'],
    ]);
    // The local gateway serves dir/ as dir/index.html; an option accepts that.
    expect(checkLinks({ siteUrl: SITE, objects: new Map([['index.html', html('<a href="topics/llm/">dir</a>')], ['topics/llm/index.html', html('')]]), emails: [], directoryIndexes: true }).broken).toEqual([]);
  });

  it('reads links in RSS, Atom, JSON Feed and OPML, including the HTML inside items', () => {
    const result = check({
      'feeds/all.xml': { contentType: 'application/rss+xml; charset=utf-8', body: '<rss><channel><link>https://papers.example.org/index.html</link><item><link>https://papers.example.org/days/2026-10-08/index.html#p9</link><description>&lt;a href="https://papers.example.org/topics/x/index.html"&gt;x&lt;/a&gt;</description></item></channel></rss>' },
      'feeds/all.atom': { contentType: 'application/atom+xml; charset=utf-8', body: '<feed xmlns="http://www.w3.org/2005/Atom"><link rel="self" href="https://papers.example.org/feeds/all.atom"/><entry><link href="https://papers.example.org/gone.html"/></entry></feed>' },
      'feeds/all.json': { contentType: 'application/feed+json; charset=utf-8', body: JSON.stringify({ feed_url: 'https://papers.example.org/feeds/all.json', items: [{ url: 'https://papers.example.org/missing.html', content_html: '<a href="https://papers.example.org/index.html#main">ok</a>' }] }) },
      'feeds/index.opml': { contentType: 'text/x-opml; charset=utf-8', body: '<opml><body><outline xmlUrl="https://papers.example.org/feeds/none.xml" htmlUrl="https://papers.example.org/index.html"/></body></opml>' },
      'index.html': html('<main id="main"></main>'),
      'days/2026-10-08/index.html': html('<li id="p1"></li>'),
    });
    expect(result.broken.map((b) => `${b.where} -> ${b.why}`).sort()).toEqual([
      'feeds/all.atom entry link[href] -> no object gone.html',
      'feeds/all.json items[].url -> no object missing.html',
      'feeds/all.xml description a[href] -> no object topics/x/index.html',
      'feeds/all.xml item link -> no element with id "p9" in days/2026-10-08/index.html',
      'feeds/index.opml outline[xmlUrl] -> no object feeds/none.xml',
    ]);
  });

  it('finds no broken link in a rendered site and a digest that links its papers and "more" to day pages', () => {
    const topics = taxonomySchema.parse({ topics: [{ slug: 'llm', name: 'LLM', phrases: ['x'] }, { slug: 'vision', name: 'Vision', phrases: ['y'] }] }).topics;
    const papers: Paper[] = [
      ...Array.from({ length: 8 }, (_, i) => paper({ id: `2410.0000${i}`, listedOn: `2026-10-0${1 + (i % 3)}`, tags: i % 2 ? ['llm'] : ['vision', 'llm'], links: i % 2 ? {} : { abs: `https://arxiv.org/abs/2410.0000${i}` } })),
      paper({ id: 'hep-th/9901001', listedOn: '2026-10-03', links: {} }),
    ];
    const objects = renderSite({ site: { title: 't', description: 'd', url: SITE, language: 'en' }, topics, papers, maxItems: 2, generatedAt: new Date(0) });
    const email = renderDigestEmail({
      to: 'reader@example.com',
      site: { title: 't', url: SITE },
      topics,
      papers: papers.slice(0, 3),
      reasons: {},
      moreByDay: { '2026-10-01': { llm: 2 } },
      frequency: 'daily',
      period: '2026-10-03',
      ...subscriberLinks({ siteUrl: SITE, secret: 's'.repeat(40) }, 'sub-1'),
    });
    const result = checkLinks({ siteUrl: SITE, objects: new Map(objects.map((o) => [o.key, o])), emails: [{ name: 'digest.eml', html: email.html, text: email.text }] });
    expect(result.broken).toEqual([]);
    expect(result.checked).toBeGreaterThan(200);
  });
});
