/** Private feeds: the token, the selection (followMatcher's, nothing else) and the rendering (the public feeds' ids). */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  compareNewestDayFirst,
  feedToken,
  followMatcher,
  hashFeedToken,
  hashToken,
  isFeedToken,
  newFeedKey,
  privateFeedUrls,
  seededBytes,
  selectPrivateFeed,
  taxonomySchema,
  type Paper,
} from '@paperboy/core';
import { renderPrivateFeed, renderSite } from '@paperboy/feeds';
import { paper } from '../support/papers.js';

const SECRET = 'test-secret-of-some-length';
const SITE = { title: 'Papers', description: 'd', url: 'https://papers.example.com/', language: 'en' };

describe('private feed tokens', () => {
  it('are 256 bits from a 128-bit random key: 43 canonical base64url characters, stable for a key, new for a new key', () => {
    const random = seededBytes(7);
    const key = newFeedKey(random);
    expect(key).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const token = feedToken(SECRET, 'sub-123456', key);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(isFeedToken(token)).toBe(true);
    expect(feedToken(SECRET, 'sub-123456', key)).toBe(token);
    expect(feedToken(SECRET, 'sub-123456', newFeedKey(random))).not.toBe(token);
    expect(feedToken('another-secret', 'sub-123456', key)).not.toBe(token);
    // Neither the subscriber id nor the key is in it.
    expect(token).not.toContain('sub-123456');
    expect(token).not.toContain(key);
  });

  it('take only their canonical spelling', () => {
    const token = feedToken(SECRET, 'sub-123456', newFeedKey(seededBytes(1)));
    // The last character carries 2 unused bits: the other spellings of the same bytes are refused too.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(token.at(-1)!);
    const sameBytes = [1, 2, 3].map((d) => `${token.slice(0, -1)}${alphabet[(last & ~3) | ((last + d) & 3)]}`);
    for (const bad of [`${token}=`, ` ${token}`, `${token} `, `${token}\n`, token.slice(1), `${token}A`, `${token.slice(0, 42)}!`, '', ...sameBytes]) {
      expect(isFeedToken(bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it('are stored as a hash of their own kind', () => {
    const token = feedToken(SECRET, 'sub-123456', newFeedKey(seededBytes(2)));
    expect(hashFeedToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashFeedToken(token)).not.toBe(hashToken(token));
    expect(hashFeedToken(token)).not.toContain(token);
  });

  it('make URLs that carry the token and nothing else of the subscriber', () => {
    const token = feedToken(SECRET, 'sub-123456', newFeedKey(seededBytes(3)));
    const urls = privateFeedUrls('https://papers.example.com/', token);
    expect(urls).toEqual({
      rss: `https://papers.example.com/api/feed/${token}?format=rss`,
      atom: `https://papers.example.com/api/feed/${token}?format=atom`,
      json: `https://papers.example.com/api/feed/${token}?format=json`,
    });
  });
});

const TOPICS = ['llm', 'vision', 'agents', 'theory'];
const arbPaper = fc.record({
  n: fc.integer({ min: 0, max: 10_000 }),
  day: fc.constantFrom('2026-11-18', '2026-11-19', '2026-11-20'),
  tags: fc.subarray(TOPICS),
  title: fc.constantFrom('Speculative decoding at scale', 'A vision transformer', 'Agents that plan', 'On theory', 'Draft models'),
  authors: fc.subarray(['Yann LeCun', 'Jane Doe', 'Zoë Müller', 'Wei Zhang']),
  upvotes: fc.option(fc.integer({ min: 0, max: 50 }), { nil: undefined }),
});

describe('selectPrivateFeed', () => {
  it('holds exactly the papers followMatcher matches, with its reasons, in the public feeds order', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(arbPaper, { selector: (p) => p.n, maxLength: 30 }),
        fc.subarray(TOPICS),
        fc.subarray(['speculative decoding', 'draft model*', 'vision']),
        fc.subarray(['Y. LeCun', 'J. Doe', 'Zoe Muller']),
        (specs, topics, keywords, authors) => {
          const papers: Paper[] = specs.map((s) => paper({ id: `2611.${String(s.n).padStart(5, '0')}`, listedOn: s.day, tags: s.tags, title: s.title, authors: s.authors, upvotes: s.upvotes }));
          const follows = { topics, keywords, authors };
          const matcher = followMatcher(follows);
          const got = selectPrivateFeed(follows, papers);
          const expected = papers.filter((p) => matcher.matches(p)).sort(compareNewestDayFirst);
          expect(got.map((i) => i.paper.id)).toEqual(expected.map((p) => p.id));
          for (const item of got) expect(item.reasons).toEqual(matcher.reasons(item.paper));
          for (const item of got) expect(item.reasons.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('renderPrivateFeed', () => {
  const papers = [
    paper({ id: '2611.00001', tags: ['llm'], title: 'Speculative decoding <fast> & "cheap"', upvotes: 5 }),
    paper({ id: '2611.00002', tags: ['vision'], authors: ['Yann LeCun'], upvotes: 3 }),
    paper({ id: '2611.00003', tags: ['theory'] }),
  ];
  const follows = { topics: ['llm'], keywords: [], authors: ['Y. LeCun'] };
  const items = selectPrivateFeed(follows, papers);
  const token = feedToken(SECRET, 'sub-123456', newFeedKey(seededBytes(4)));
  const urls = privateFeedUrls(SITE.url, token);
  const topics = taxonomySchema.parse({ topics: [
    { slug: 'llm', name: 'Large language models', phrases: ['language model'] },
    { slug: 'vision', name: 'Vision', phrases: ['image'] },
    { slug: 'theory', name: 'Theory', phrases: ['theorem'] },
  ] }).topics;
  const render = (format: 'rss' | 'atom' | 'json') =>
    renderPrivateFeed({ site: SITE, topics, items, urls, feedId: hashFeedToken(token).slice(0, 32), emptyUpdated: new Date('2026-11-01T00:00:00Z') }, format);
  const publicIds = (body: string, re: RegExp) => [...body.matchAll(re)].map((m) => m[1]);
  const site = renderSite({ site: SITE, topics, papers, maxItems: 50, generatedAt: new Date('2026-11-26T00:00:00Z') });
  const publicFeed = (key: string) => site.find((o) => o.key === key)!.body;

  it('gives each item the id of the same paper in the public feeds, in all three formats', () => {
    expect(items.map((i) => i.paper.id)).toEqual(['2611.00001', '2611.00002']);
    const guid = /<guid isPermaLink="false">([^<]+)<\/guid>/g;
    const pub = new Set(publicIds(publicFeed('feeds/all.xml'), guid));
    const rss = publicIds(render('rss').body, guid);
    expect(rss).toHaveLength(2);
    for (const id of rss) expect(pub.has(id!)).toBe(true);
    const entryId = /<entry>\s*<id>([^<]+)<\/id>/g;
    const atomPub = new Set(publicIds(publicFeed('feeds/all.atom'), entryId));
    const atom = publicIds(render('atom').body, entryId);
    expect(atom).toEqual(rss);
    for (const id of atom) expect(atomPub.has(id!)).toBe(true);
    const json = JSON.parse(render('json').body) as { items: { id: string; summary: string; content_html: string }[]; feed_url: string };
    expect(json.items.map((i) => i.id)).toEqual(rss);
    expect(json.feed_url).toBe(urls.json);
  });

  it('says why each item is there, in its summary and its body, escaped', () => {
    const json = JSON.parse(render('json').body) as { items: { summary: string; content_html: string }[] };
    expect(json.items[0]!.summary).toMatch(/^Why: topic: Large language models/);
    expect(json.items[1]!.summary).toMatch(/^Why: author: Y\. LeCun/);
    expect(json.items[1]!.content_html).toContain('<p><strong>Why:</strong> author: Y. LeCun</p>');
    const atom = render('atom').body;
    expect(atom).toContain('<summary type="text">Why: topic: Large language models');
    expect(atom).toContain('Speculative decoding &lt;fast&gt; &amp; "cheap"');
    expect(render('rss').body).toContain('&lt;p&gt;&lt;strong&gt;Why:&lt;/strong&gt; author: Y. LeCun&lt;/p&gt;');
  });

  it('links itself by its own URL and has an id that is not the token', () => {
    const atom = render('atom').body;
    expect(atom).toContain(`href="${urls.atom.replace(/&/g, '&amp;')}"`);
    expect(atom).toMatch(/<id>tag:paperboy,2024:feed\/private\/[0-9a-f]{32}<\/id>/);
    expect(atom).not.toMatch(new RegExp(`<id>[^<]*${token}`));
    expect(render('rss').contentType).toBe('application/rss+xml; charset=utf-8');
    expect(render('json').contentType).toBe('application/feed+json; charset=utf-8');
  });
});
