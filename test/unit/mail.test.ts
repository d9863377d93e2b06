import { describe, expect, it } from 'vitest';
import { followMatcher, paperPermalinkPath, type Paper } from '@paperboy/core';
import { renderAlreadySubscribedEmail, renderConfirmationEmail, renderDigestEmail, listId, type DigestInput } from '@paperboy/mail';

const site = { title: 'paperboy', url: 'https://papers.example.org/' };
const topics = [
  { slug: 'llm', name: 'Large language models' },
  { slug: 'vision', name: 'Computer vision' },
  { slug: 'speech-audio', name: 'Speech & audio' },
];

function paper(id: string, over: Partial<Paper> = {}): Paper {
  return {
    id,
    arxivId: id,
    title: `Paper ${id}`,
    abstract: `We study problem ${id}.`,
    authors: ['Ada Lovelace', 'Alan Turing'],
    listedOn: '2026-11-26',
    links: { abs: `https://arxiv.org/abs/${id}`, pdf: `https://arxiv.org/pdf/${id}` },
    categories: ['cs.CL'],
    keywords: [],
    tags: ['llm'],
    sources: ['arxiv'],
    firstSeenAt: '2026-11-26T06:00:00Z',
    updatedAt: '2026-11-26T06:00:00Z',
    contentHash: 'h',
    ...over,
  };
}

const unsubscribeUrl = 'https://papers.example.org/unsubscribe?s=abc123&sig=ZZZ';
const unsubscribePostUrl = 'https://api.example.org/unsubscribe/one-click?s=abc123&sig=ZZZ';
const preferencesUrl = 'https://papers.example.org/preferences?s=abc123&sig=YYY';

/** A digest input; unless given, each paper's reasons are the subscriber's topics it carries, as core computes them. */
function digest(over: Partial<DigestInput> = {}): DigestInput {
  const papers = over.papers ?? [paper('2611.00001')];
  const matcher = followMatcher({ topics: (over.topics ?? topics).map((t) => t.slug) });
  return {
    to: 'reader@example.com',
    site,
    topics,
    papers,
    reasons: Object.fromEntries(papers.map((p) => [p.id, matcher.reasons(p)])),
    moreByDay: {},
    frequency: 'daily',
    period: '2026-11-26',
    unsubscribeUrl,
    preferencesUrl,
    unsubscribePostUrl,
    ...over,
  };
}

/** Every href value in the HTML, entity-decoded. */
function hrefs(html: string): string[] {
  return [...html.matchAll(/href\s*=\s*"([^"]*)"/gi)].map((m) => m[1]!.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>'));
}

const amp = (s: string) => s.replace(/&/g, '&amp;');

describe('renderDigestEmail subject', () => {
  it('counts papers, names the leading topic and how many other topics have papers', () => {
    const papers = [
      paper('1', { tags: ['llm'] }),
      paper('2', { tags: ['llm', 'vision'] }),
      paper('3', { tags: ['llm'] }),
      paper('4', { tags: ['vision'] }),
      paper('5', { tags: ['speech-audio'] }),
    ];
    expect(renderDigestEmail(digest({ papers })).subject).toBe('5 new papers on Large language models and 2 more topics — paperboy');
  });

  it('uses the topic with the most papers as the leading one, not just the first chosen', () => {
    const papers = [paper('1', { tags: ['vision'] }), paper('2', { tags: ['vision'] }), paper('3', { tags: ['llm'] })];
    expect(renderDigestEmail(digest({ papers })).subject).toBe('3 new papers on Computer vision and 1 more topic — paperboy');
  });

  it('is singular for one paper and omits "more topics" when only one topic has anything', () => {
    expect(renderDigestEmail(digest({ papers: [paper('1')] })).subject).toBe('1 new paper on Large language models — paperboy');
  });

  it('counts a topic that only has unshown papers as another topic', () => {
    const s = renderDigestEmail(digest({ papers: [paper('1')], moreByDay: { '2026-11-26': { vision: 4 } } })).subject;
    expect(s).toBe('1 new paper on Large language models and 1 more topic — paperboy');
  });

  it('names the same topics as the body, by their display names and in the same order', () => {
    const papers = [paper('1', { tags: ['vision'] }), paper('2', { tags: ['vision'] }), paper('3', { tags: ['llm'] })];
    const m = renderDigestEmail(digest({ papers }));
    expect(m.subject).toBe('3 new papers on Computer vision and 1 more topic — paperboy');
    // Speech & audio has nothing in this digest, so neither the subject nor the body claims it.
    expect(m.text).toContain('\n3 new papers on Computer vision and Large language models.\n');
    expect(m.html).toContain('>3 new papers on Computer vision and Large language models.</p>');
    expect(m.text).not.toMatch(/new papers on [^\n]*(llm|Speech)/);
  });

  it('with nothing new, names every chosen topic in both, the same way', () => {
    const m = renderDigestEmail(digest({ papers: [] }));
    expect(m.subject).toBe('No new papers on Large language models and 2 more topics — paperboy');
    expect(m.text).toContain('No new papers on Large language models, Computer vision and Speech & audio this time.');
  });

  it('never carries a line break from data into the subject', () => {
    const s = renderDigestEmail(digest({ topics: [{ slug: 'llm', name: 'LLM\r\nBcc: x@evil.test' }] })).subject;
    expect(s).not.toMatch(/[\r\n]/);
  });
});

describe('renderDigestEmail escaping and URLs', () => {
  const hostile = '<script>alert(1)</script> & "quotes"';

  it('escapes a hostile title in HTML and keeps it verbatim in text', () => {
    const m = renderDigestEmail(digest({ papers: [paper('1', { title: hostile, authors: ['<b>Mallory</b>'] })] }));
    expect(m.html).not.toContain('<script>');
    expect(m.html).not.toContain('<b>Mallory');
    expect(m.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
    expect(m.html).toContain('&lt;b&gt;Mallory&lt;/b&gt;');
    expect(m.text).toContain(hostile);
  });

  it('escapes a hostile TL;DR in HTML and keeps it verbatim in text', () => {
    const m = renderDigestEmail(digest({ papers: [paper('1', { summary: hostile })] }));
    expect(m.html).not.toContain('<script>');
    expect(m.html).toContain('<strong>TL;DR</strong> &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
    expect(m.text).toContain(`TL;DR: ${hostile}`);
  });

  it('escapes topic names in chips, footer and "more" lines', () => {
    const m = renderDigestEmail(digest({ papers: [paper('1', { tags: ['speech-audio'] })], moreByDay: { '2026-11-26': { 'speech-audio': 2 } } }));
    expect(m.html).toContain('Speech &amp; audio');
    expect(m.html).not.toMatch(/Speech & audio/);
  });

  it('never puts a javascript: (or other non-http) URL into an href', () => {
    const bad = paper('1', {
      links: { abs: 'javascript:alert(1)', pdf: ' JaVaScRiPt:alert(2)', code: 'data:text/html,<script>x</script>', hf: 'vbscript:x', project: '//evil.test/x' },
    });
    const m = renderDigestEmail(digest({ papers: [bad] }));
    const all = hrefs(m.html);
    expect(all.length).toBeGreaterThan(0);
    for (const h of all) expect(h).toMatch(/^https?:\/\//);
    expect(m.html.toLowerCase()).not.toContain('javascript:');
    expect(m.text.toLowerCase()).not.toContain('javascript:');
    // The title falls back to the paper's own page, which never rolls off; nothing links to an anchor.
    expect(all[0]).toBe('https://papers.example.org/papers/1/index.html');
    expect(all.some((h) => h.includes('#'))).toBe(false);
  });

  it('links every paper to its own page too ("Details"), and one with no arXiv id to arXiv’s title search, in HTML and text', () => {
    const arxiv = paper('2611.00001');
    const saved = paper('t-0123456789abcdef', { arxivId: undefined, title: 'A <saved> & "found" paper', links: {} });
    const m = renderDigestEmail(digest({ papers: [arxiv, saved] }));
    const own = (p: Paper) => `https://papers.example.org/${paperPermalinkPath(p)}`;
    const search = 'https://arxiv.org/search/?query=A%20%3Csaved%3E%20%26%20%22found%22%20paper&searchtype=title';
    // HTML: the arXiv paper's title links arXiv and "Details" its own page; the saved one's title links its own page.
    const links = [...m.html.matchAll(/<a href="([^"]*)"[^>]*>([^<]*)<\/a>/g)].map((x) => [x[2]!.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"'), x[1]!.replace(/&amp;/g, '&')]);
    expect(links).toContainEqual(['Paper 2611.00001', 'https://arxiv.org/abs/2611.00001']);
    expect(links).toContainEqual(['Details', own(arxiv)]);
    expect(links).toContainEqual(['A <saved> & "found" paper', own(saved)]);
    expect(links).toContainEqual(['Search arXiv by title', search]);
    expect(links.filter(([text]) => text === 'Search arXiv by title')).toHaveLength(1);
    // Text: each URL on its own line after its label.
    const lines = m.text.split('\n');
    expect(lines[lines.indexOf('Details:') + 1]).toBe(own(arxiv));
    expect(lines[lines.indexOf('Search arXiv by title:') + 1]).toBe(search);
    expect(lines).toContain(own(saved));
  });

  it('links the title to abs, else to the Hugging Face page', () => {
    const a = renderDigestEmail(digest({ papers: [paper('2611.00001')] }));
    expect(a.html).toMatch(/<h2[^>]*><a href="https:\/\/arxiv\.org\/abs\/2611\.00001"/);
    const hf = renderDigestEmail(digest({ papers: [paper('2', { links: { hf: 'https://huggingface.co/papers/2' } })] }));
    expect(hrefs(hf.html)[0]).toBe('https://huggingface.co/papers/2');
  });

  it('shows PDF, code and HF links and upvotes when known, and nothing for missing ones', () => {
    const p = paper('1', {
      links: { abs: 'https://arxiv.org/abs/1', pdf: 'https://arxiv.org/pdf/1', code: 'https://github.com/o/r', hf: 'https://huggingface.co/papers/1' },
      upvotes: 42,
    });
    const m = renderDigestEmail(digest({ papers: [p] }));
    expect(hrefs(m.html)).toEqual(expect.arrayContaining(['https://arxiv.org/pdf/1', 'https://github.com/o/r', 'https://huggingface.co/papers/1']));
    expect(m.html).toContain('42 upvotes');
    expect(m.text).toContain('42 upvotes');
    const bare = renderDigestEmail(digest({ papers: [paper('2', { links: { abs: 'https://arxiv.org/abs/2' } })] }));
    expect(bare.html).not.toContain('>PDF<');
    expect(bare.html).not.toContain('upvote');
  });
});

describe('renderDigestEmail unsubscribe', () => {
  it('sets RFC 8058 one-click headers and an RFC 2919 List-Id exactly', () => {
    const m = renderDigestEmail(digest());
    expect(m.headers).toEqual({
      'List-Id': expect.stringMatching(/^[A-Za-z0-9 !#$%&'*+/=?^_`{|}~-]+ digest <digest\.[a-z0-9.-]+>$/),
      'List-Unsubscribe': `<${unsubscribePostUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  });

  it('keeps the List-Id free of characters that would need quoting or encoding', () => {
    expect(listId('Papers "& news" <daily>', 'https://Papers.Example.com:8443/x/')).toBe('Papers & news daily digest <digest.papers.example.com>');
    expect(listId('', 'http://127.0.0.1:8787/')).toBe('<digest.127.0.0.1>');
  });

  it('refuses a non-http one-click URL rather than sending a broken header', () => {
    expect(() => renderDigestEmail(digest({ unsubscribePostUrl: 'mailto:unsub@example.org' }))).toThrow(/unsubscribePostUrl/);
    expect(() => renderDigestEmail(digest({ unsubscribeUrl: 'javascript:alert(1)' }))).toThrow(/unsubscribeUrl/);
  });

  it('puts a visible unsubscribe link and the preferences link in HTML and text', () => {
    const m = renderDigestEmail(digest());
    expect(m.html).toContain(`href="${amp(unsubscribeUrl)}"`);
    expect(m.html).toMatch(/>Unsubscribe<\/a>/);
    expect(m.html).toContain(`href="${amp(preferencesUrl)}"`);
    const lines = m.text.split('\n');
    expect(lines).toContain(unsubscribeUrl);
    expect(lines).toContain(preferencesUrl);
  });

  it('says why the reader gets it', () => {
    const m = renderDigestEmail(digest({ frequency: 'weekly', period: '2026-W48' }));
    expect(m.text).toContain('You get this because you subscribed to weekly papers on Large language models, Computer vision and Speech & audio');
    expect(m.html).toContain('weekly papers on Large language models, Computer vision and Speech &amp; audio');
    expect(m.text).toContain('2026-W48');
  });
});

describe('renderDigestEmail content', () => {
  it('adds one "more" line per listing day, newest first, linking to the day page that shows every paper of it', () => {
    const m = renderDigestEmail(digest({ moreByDay: { '2026-11-25': { llm: 2 }, '2026-11-26': { 'speech-audio': 1, llm: 7, vision: 0 }, '2026-11-24': { vision: 0 } } }));
    expect(m.html).toContain('<a href="https://papers.example.org/days/2026-11-26/index.html"');
    expect(m.html).toContain('And 8 more from 26 Nov 2026 (7 on Large language models, 1 on Speech &amp; audio)</a>');
    expect(m.html).toContain('And 2 more from 25 Nov 2026 (2 on Large language models)</a>');
    expect(m.html).not.toContain('2026-11-24');
    expect(m.html).not.toContain('topics/llm/');
    const lines = m.text.split('\n');
    expect(lines.indexOf('https://papers.example.org/days/2026-11-26/index.html')).toBeLessThan(lines.indexOf('https://papers.example.org/days/2026-11-25/index.html'));
    expect(lines).toContain('And 8 more from 26 Nov 2026 (7 on Large language models, 1 on Speech & audio):');
  });

  it('truncates long author lists to three names and "et al."', () => {
    const many = renderDigestEmail(digest({ papers: [paper('1', { authors: ['A One', 'B Two', 'C Three', 'D Four', 'E Five'] })] }));
    expect(many.html).toContain('A One, B Two, C Three et al.');
    expect(many.html).not.toContain('D Four');
    expect(many.text).toContain('A One, B Two, C Three et al.');
    const three = renderDigestEmail(digest({ papers: [paper('1', { authors: ['A One', 'B Two', 'C Three'] })] }));
    expect(three.text).toContain('A One, B Two, C Three');
    expect(three.text).not.toContain('et al.');
  });

  it('cuts a long abstract at a word boundary near 300 characters with an ellipsis', () => {
    const words = Array.from({ length: 80 }, (_, i) => `word${i}`);
    const abstract = words.join(' '); // ~ 550 chars
    const m = renderDigestEmail(digest({ papers: [paper('1', { abstract })] }));
    const line = m.text.split('\n').find((l) => l.startsWith('word0 '))!;
    expect(line.endsWith('…')).toBe(true);
    expect(line.length).toBeLessThanOrEqual(301);
    expect(line.length).toBeGreaterThan(200);
    const lastWord = line.slice(0, -1).split(' ').pop()!;
    expect(words).toContain(lastWord); // whole word, not a fragment like "word4"
    expect(line.slice(0, -1)).toBe(words.slice(0, words.indexOf(lastWord) + 1).join(' '));
    // A short abstract is kept whole, no ellipsis.
    const short = renderDigestEmail(digest({ papers: [paper('2', { abstract: 'Short and sweet.' })] }));
    expect(short.text).toContain('Short and sweet.');
    expect(short.text).not.toContain('Short and sweet.…');
  });

  it('says why each paper is there, in both parts, from the reasons core gives: topics by name, keywords quoted, authors', () => {
    const m = renderDigestEmail(
      digest({
        keywords: ['speculative decod*'],
        authors: ['Y. LeCun'],
        papers: [paper('1', { tags: ['vision', 'llm', 'unrelated'] }), paper('2', { tags: [] })],
        reasons: {
          '1': [{ kind: 'topic', slug: 'llm' }, { kind: 'topic', slug: 'vision' }, { kind: 'keyword', phrase: 'speculative decod*' }],
          '2': [{ kind: 'author', name: 'Y. LeCun' }],
        },
      }),
    );
    expect(m.text).toContain('1. Paper 1\nAda Lovelace, Alan Turing\nWhy: topic Large language models · topic Computer vision · keyword “speculative decod*”\n');
    expect(m.text).toContain('2. Paper 2\nAda Lovelace, Alan Turing\nWhy: author Y. LeCun\n');
    const why = [...m.html.matchAll(/<strong>Why:<\/strong> ([^<]*)<\/p>/g)].map((x) => x[1]);
    expect(why).toEqual(['topic Large language models &middot; topic Computer vision &middot; keyword &#8220;speculative decod*&#8221;', 'author Y. LeCun']);
    expect(m.html).not.toContain('unrelated');
    // The footer names what the subscriber follows; the intro and subject name the author-only paper's group, "your authors".
    expect(m.text).toContain('subscribed to daily papers on Large language models, Computer vision, Speech & audio, 1 keyword phrase and 1 author from paperboy.');
    expect(m.subject).toBe('2 new papers on Large language models, 1 more topic and your authors — paperboy');
    expect(m.text).toContain('2 new papers on Large language models, Computer vision and your authors.');
  });

  it('escapes keyword phrases and author names in the "Why" line', () => {
    const hostile = '<img src=x onerror=alert(1)> & "Bobby"';
    const m = renderDigestEmail(digest({ papers: [paper('1')], reasons: { '1': [{ kind: 'author', name: hostile }, { kind: 'keyword', phrase: '</p><script>x</script>' }] } }));
    expect(m.html).not.toContain('<img');
    expect(m.html).not.toContain('<script>');
    expect(m.html).toContain('author &lt;img src=x onerror=alert(1)&gt; &amp; &quot;Bobby&quot; &middot; keyword &#8220;&lt;/p&gt;&lt;script&gt;x&lt;/script&gt;&#8221;');
    expect(m.text).toContain(`Why: author ${hostile} · keyword “</p><script>x</script>”`);
  });

  it('names a digest of keyword and author follows only by them, and counts their "more" under them', () => {
    const m = renderDigestEmail(
      digest({
        topics: [],
        keywords: ['MoE'],
        authors: ['Ada Lovelace'],
        papers: [paper('1', { tags: ['llm'] })],
        reasons: { '1': [{ kind: 'keyword', phrase: 'MoE' }] },
        moreByDay: { '2026-11-26': { ':authors': 2, ':keywords': 3 } },
      }),
    );
    expect(m.subject).toBe('1 new paper on your keywords and your authors — paperboy');
    expect(m.text).toContain('1 new paper on your keywords and your authors.');
    expect(m.text).toContain('Why: keyword “MoE”');
    expect(m.text).toContain('And 5 more from 26 Nov 2026 (3 matching your keywords, 2 by your authors):');
    expect(m.text).toContain('subscribed to daily papers on 1 keyword phrase and 1 author from paperboy.');
    const empty = renderDigestEmail(digest({ topics: [], keywords: ['MoE'], papers: [], reasons: {} }));
    expect(empty.subject).toBe('No new papers on your keywords — paperboy');
  });

  it('has a hidden preheader and an inline-styled 600px layout without <style>', () => {
    const m = renderDigestEmail(digest({ papers: [paper('1', { title: 'First title' })] }));
    expect(m.html).toMatch(/<div style="display:none;[^"]*">First title/);
    expect(m.html).toContain('max-width:600px');
    expect(m.html).not.toMatch(/<style/i);
    expect(m.html).not.toMatch(/<link/i);
  });

  it('plain text has no HTML tags, and every URL sits on its own line', () => {
    const papers = [
      paper('1', { links: { abs: 'https://arxiv.org/abs/1', pdf: 'https://arxiv.org/pdf/1', code: 'https://github.com/o/r' }, upvotes: 3 }),
      paper('2', { tags: ['vision'], authors: ['A', 'B', 'C', 'D'] }),
    ];
    const m = renderDigestEmail(digest({ papers, moreByDay: { '2026-11-26': { llm: 2 } } }));
    expect(m.text).not.toMatch(/<\/?[a-z][^>]*>/i);
    expect(m.text).not.toMatch(/&(amp|lt|gt|quot|#\d+);/);
    for (const line of m.text.split('\n')) {
      if (/https?:\/\//.test(line)) expect(line).toMatch(/^https?:\/\/\S+$/);
    }
    expect(m.text).toContain('Paper 1');
    expect(m.text.split('\n')).toContain('https://arxiv.org/pdf/1');
  });
});

describe('renderConfirmationEmail', () => {
  const confirmUrl = 'https://api.example.org/confirm?token=SECRET-TOKEN-123&s=abc';
  const m = renderConfirmationEmail({ to: 'new@example.com', site, confirmUrl, topics, frequency: 'weekly', expiresInHours: 48 });

  it('contains the confirm URL in both parts and as a link', () => {
    expect(m.to).toBe('new@example.com');
    expect(m.subject).toContain('Confirm');
    expect(hrefs(m.html)).toContain(confirmUrl);
    expect(m.text.split('\n')).toContain(confirmUrl);
  });

  it('carries no other token-like URL: only the confirm link and the site home', () => {
    const urlsIn = (s: string) => [...s.matchAll(/https?:\/\/[^\s"'<>]+/g)].map((x) => x[0].replace(/&amp;/g, '&'));
    for (const u of [...urlsIn(m.html), ...urlsIn(m.text)]) expect([confirmUrl, site.url]).toContain(u);
    expect(m.html.split('SECRET-TOKEN-123').length - 1).toBeGreaterThan(0);
    expect(m.headers?.['List-Unsubscribe']).toBeUndefined();
  });

  it('explains what was asked for, the expiry and that ignoring it sends nothing', () => {
    expect(m.text).toContain('weekly');
    expect(m.text).toContain('Large language models, Computer vision and Speech & audio');
    expect(m.text).toContain('48 hours');
    expect(m.text).toMatch(/did not ask for this, ignore/);
    expect(m.text).toMatch(/nothing will be sent/);
    expect(m.text).not.toMatch(/<\/?[a-z][^>]*>/i);
    expect(m.html).toContain('Speech &amp; audio');
  });

  it('says that one more click is needed: the link opens a page whose button confirms', () => {
    const said = 'Open the link, then press "Confirm subscription" on the page it opens. Opening the link alone changes nothing.';
    expect(m.text).toContain(said);
    expect(m.html).toContain(said.replaceAll('"', '&quot;'));
    expect(m.html).toContain('Open the confirmation page');
  });

  it('rejects a non-http confirm URL', () => {
    expect(() => renderConfirmationEmail({ to: 'x@example.com', site, confirmUrl: 'javascript:alert(1)', topics, frequency: 'daily', expiresInHours: 24 })).toThrow();
  });
});

describe('renderAlreadySubscribedEmail', () => {
  it('says so and links to preferences and unsubscribe in both parts', () => {
    const m = renderAlreadySubscribedEmail({ to: 'old@example.com', site, preferencesUrl, unsubscribeUrl });
    expect(m.subject).toBe('You are already subscribed — paperboy');
    expect(m.text).toContain('already subscribed');
    expect(hrefs(m.html)).toEqual(expect.arrayContaining([preferencesUrl, unsubscribeUrl]));
    const lines = m.text.split('\n');
    expect(lines).toContain(preferencesUrl);
    expect(lines).toContain(unsubscribeUrl);
    expect(m.text).not.toMatch(/<\/?[a-z][^>]*>/i);
  });
});
