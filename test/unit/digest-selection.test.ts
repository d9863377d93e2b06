import { describe, expect, it } from 'vitest';
import { cachedCandidates, followMatcher, isoWeek, mergePaper, MORE_BY_AUTHOR, MORE_BY_KEYWORD, periodFor, selectDigestPapers, type PaperInput, type Subscriber } from '@paperboy/core';
import { paper } from '../support/papers.js';

const subscriber: Subscriber = {
  id: 'sub-1',
  email: 'r@example.com',
  status: 'active',
  topics: ['llm', 'vision'],
  frequency: 'daily',
  createdAt: '2026-11-20T00:00:00.000Z',
  confirmedAt: '2026-11-25T12:00:00.000Z',
};

describe('selectDigestPapers', () => {
  const candidates = [
    paper({ id: 'old', tags: ['llm'], firstSeenAt: '2026-11-24T06:00:00.000Z' }),
    paper({ id: 'a', tags: ['llm'], upvotes: 5, firstSeenAt: '2026-11-25T06:00:00.000Z' }),
    paper({ id: 'b', tags: ['vision'], upvotes: 50, firstSeenAt: '2026-11-26T06:00:00.000Z' }),
    paper({ id: 'c', tags: ['graphs'], upvotes: 99, firstSeenAt: '2026-11-26T06:00:00.000Z' }),
    paper({ id: 'd', tags: ['vision', 'llm'], upvotes: 5, listedOn: '2026-11-26', firstSeenAt: '2026-11-26T06:00:00.000Z' }),
  ];

  it('for a first digest, takes papers first seen since one period before confirming, on the chosen topics, by upvotes then day', () => {
    const s = selectDigestPapers({ subscriber, candidates, alreadySent: new Set(), maxPapers: 10 });
    expect(s.papers.map((p) => p.id)).toEqual(['b', 'd', 'a']);
    expect(s.moreByDay).toEqual({});
    expect(s.moreIds).toEqual([]);
  });

  it('after a digest, takes only papers first seen since it, and never one already sent', () => {
    const s = selectDigestPapers({
      subscriber: { ...subscriber, lastDigestAt: '2026-11-25T07:00:00.000Z' },
      candidates,
      alreadySent: new Set(['d']),
      maxPapers: 10,
    });
    expect(s.papers.map((p) => p.id)).toEqual(['b']);
  });

  it('caps the digest and counts the rest per listing day and topic, naming each paper counted', () => {
    const s = selectDigestPapers({ subscriber, candidates, alreadySent: new Set(), maxPapers: 1 });
    expect(s.papers.map((p) => p.id)).toEqual(['b']);
    // d is on 2026-11-26, a on the builder's default day; each day's link leads to the page that shows it.
    expect(s.moreByDay).toEqual({ '2026-11-26': { llm: 1 }, [candidates[1]!.listedOn]: { llm: 1 } });
    expect(s.moreIds).toEqual(['d', 'a']);
  });

  it('takes a paper that gained one of the reader\'s topics after their last digest, unless it was sent or counted before', () => {
    // Seen before the last digest on another topic; a later arXiv record gave it "vision".
    const retagged = paper({ id: 'r', tags: ['vision', 'graphs'], firstSeenAt: '2026-11-24T06:00:00.000Z', retaggedAt: '2026-11-26T06:00:00.000Z' });
    const after = { ...subscriber, lastDigestAt: '2026-11-25T07:00:00.000Z' };
    expect(selectDigestPapers({ subscriber: after, candidates: [retagged], alreadySent: new Set(), maxPapers: 10 }).papers.map((p) => p.id)).toEqual(['r']);
    expect(selectDigestPapers({ subscriber: after, candidates: [retagged], alreadySent: new Set(['r']), maxPapers: 10 }).papers).toEqual([]);
    // Retagged before the last digest: it was due then, not now.
    const early = paper({ ...retagged, retaggedAt: '2026-11-25T06:00:00.000Z' });
    expect(selectDigestPapers({ subscriber: after, candidates: [early], alreadySent: new Set(), maxPapers: 10 }).papers).toEqual([]);
  });

  describe('by keyword phrases and authors', () => {
    const follows = [
      paper({ id: 'k', title: 'Faster Speculative Decoding', abstract: 'A draft model.', authors: ['Jane Roe'], tags: ['efficiency'], upvotes: 30, firstSeenAt: '2026-11-26T06:00:00.000Z' }),
      paper({ id: 'w', title: 'Self-supervised learning', abstract: 'We learn.', authors: ['Yann LeCun'], tags: ['theory'], upvotes: 20, firstSeenAt: '2026-11-26T06:00:00.000Z' }),
      paper({ id: 'v', title: 'Seeing clearly', abstract: 'Images, with speculative decoding.', authors: ['Y. LeCun'], tags: ['vision'], upvotes: 10, firstSeenAt: '2026-11-26T06:00:00.000Z' }),
      paper({ id: 'n', title: 'Unrelated', abstract: 'Nothing here decodes.', authors: ['Ann Other'], tags: ['graphs'], upvotes: 99, firstSeenAt: '2026-11-26T06:00:00.000Z' }),
    ];
    const only = (over: Partial<Subscriber>): Subscriber => ({ ...subscriber, topics: [], ...over });

    it('selects for a subscriber who follows a keyword only, and says which phrase matched', () => {
      const s = selectDigestPapers({ subscriber: only({ keywords: ['speculative decod*'] }), candidates: follows, alreadySent: new Set(), maxPapers: 10 });
      expect(s.papers.map((p) => p.id)).toEqual(['k', 'v']);
      expect(s.reasons).toEqual({ k: [{ kind: 'keyword', phrase: 'speculative decod*' }], v: [{ kind: 'keyword', phrase: 'speculative decod*' }] });
    });

    it('selects for a subscriber who follows an author only, by normalised name', () => {
      const s = selectDigestPapers({ subscriber: only({ authors: ['yann lecun'] }), candidates: follows, alreadySent: new Set(), maxPapers: 10 });
      expect(s.papers.map((p) => p.id)).toEqual(['w', 'v']);
      expect(s.reasons['v']).toEqual([{ kind: 'author', name: 'yann lecun' }]);
    });

    it('gives every reason of a subscriber with topics, keywords and authors, and selects exactly what followMatcher matches', () => {
      const sub = only({ topics: ['vision'], keywords: ['speculative decoding'], authors: ['Yann LeCun'] });
      const s = selectDigestPapers({ subscriber: sub, candidates: follows, alreadySent: new Set(), maxPapers: 10 });
      expect(s.papers.map((p) => p.id)).toEqual(['k', 'w', 'v']);
      expect(s.reasons['v']).toEqual([
        { kind: 'topic', slug: 'vision' },
        { kind: 'keyword', phrase: 'speculative decoding' },
        { kind: 'author', name: 'Yann LeCun' },
      ]);
      const matcher = followMatcher(sub);
      expect(s.papers).toEqual(follows.filter((p) => matcher.matches(p)).sort((a, b) => (b.upvotes ?? 0) - (a.upvotes ?? 0)));
      for (const p of s.papers) expect(s.reasons[p.id]!.length).toBeGreaterThan(0);
    });

    it('counts papers past the cap under their first topic, else under the keywords or authors bucket', () => {
      const sub = only({ topics: ['vision'], keywords: ['speculative decoding'], authors: ['Yann LeCun'] });
      const s = selectDigestPapers({ subscriber: sub, candidates: follows, alreadySent: new Set(), maxPapers: 0 });
      expect(s.papers).toEqual([]);
      expect(s.reasons).toEqual({});
      expect(s.moreByDay).toEqual({ [follows[0]!.listedOn]: { [MORE_BY_KEYWORD]: 1, [MORE_BY_AUTHOR]: 1, vision: 1 } });
      expect(s.moreIds).toEqual(['k', 'w', 'v']);
    });
  });

  it('keeps the order the source listed papers in when they have no upvotes (a saved page), never the alphabet', () => {
    const day = { tags: ['llm'], listedOn: '2026-11-26', firstSeenAt: '2026-11-26T06:00:00.000Z' };
    const listed = [
      paper({ id: 'x', title: 'Zebra', rank: 1, ...day }),
      paper({ id: 'y', title: 'Aardvark', rank: 2, ...day }),
      paper({ id: 'z', title: 'Mole', rank: 3, ...day }),
      paper({ id: 'w', title: 'Upvoted', upvotes: 1, rank: 4, ...day }),
    ];
    const s = selectDigestPapers({ subscriber, candidates: [...listed].reverse(), alreadySent: new Set(), maxPapers: 10 });
    expect(s.papers.map((p) => p.id)).toEqual(['w', 'x', 'y', 'z']);
  });
});

describe('mergePaper', () => {
  const now = '2026-11-26T08:00:00.000Z';
  const stored = paper({ id: '2411.00001', abstract: 'A long and rich abstract.', listedOn: '2026-11-20', upvotes: 3, links: { pdf: 'https://arxiv.org/pdf/2411.00001' } });

  it('never lets a thinner record blank a richer field, and keeps which sources saw the paper', () => {
    const merged = mergePaper(
      stored,
      { id: '2411.00001', title: stored.title, abstract: '', authors: [], listedOn: '2026-11-21', links: { code: 'https://github.com/x/y' }, categories: [], keywords: [], upvotes: 9, source: 'hf' },
      stored.tags,
      now,
    );
    expect(merged.abstract).toBe('A long and rich abstract.');
    expect(merged.authors).toEqual(stored.authors);
    expect(merged.links).toEqual({ pdf: 'https://arxiv.org/pdf/2411.00001', code: 'https://github.com/x/y' });
    expect(merged.upvotes).toBe(9);
    expect(merged.listedOn).toBe('2026-11-20');
    expect(merged.sources).toEqual(['hf', 'test']);
    expect(merged.firstSeenAt).toBe(stored.firstSeenAt);
    expect(merged.updatedAt).toBe(now);
  });

  it('follows the latest upvotes and code and project links, and an update never makes a paper new again', () => {
    const hf = { id: '2411.00001', title: stored.title, abstract: '', authors: [], listedOn: '2026-11-20', categories: [], keywords: [], source: 'hf' };
    const before = mergePaper(stored, { ...hf, links: { code: 'https://github.com/x/old' }, upvotes: 5 }, ['llm'], '2026-11-20T06:00:00.000Z');
    const after = mergePaper(before, { ...hf, links: { code: 'https://github.com/x/new', project: 'https://x.github.io/' }, upvotes: 40 }, ['llm'], now);
    expect(after).toMatchObject({ upvotes: 40, links: { pdf: 'https://arxiv.org/pdf/2411.00001', code: 'https://github.com/x/new', project: 'https://x.github.io/' } });
    expect(after.updatedAt).toBe(now);
    // What makes a paper new to a digest is its first-seen time, which an update never moves.
    expect(after.firstSeenAt).toBe(stored.firstSeenAt);
    const since = { ...subscriber, lastDigestAt: '2026-11-25T07:00:00.000Z', topics: ['llm'] };
    expect(stored.firstSeenAt < since.lastDigestAt).toBe(true);
    expect(selectDigestPapers({ subscriber: since, candidates: [after], alreadySent: new Set(), maxPapers: 10 }).papers).toEqual([]);
    // A record without the links keeps them (a thinner record never blanks a richer one).
    expect(mergePaper(after, { ...hf, links: {}, upvotes: 40 }, ['llm'], now).links.code).toBe('https://github.com/x/new');
  });

  it('lets a saved page\'s links fill gaps but never replace the live listing\'s, so running both converges', () => {
    const hf = { id: '2411.00001', title: stored.title, abstract: '', authors: [], listedOn: '2026-11-20', categories: [], keywords: [], source: 'hf' };
    const page = { ...hf, links: { code: 'https://github.com/x/from-abstract', project: 'https://x.example/' }, source: 'demo-snapshot' };
    const live = mergePaper(stored, { ...hf, links: { code: 'https://github.com/x/live' }, upvotes: 5 }, ['llm'], now);
    const both = mergePaper(live, page, ['llm'], now);
    expect(both.links).toMatchObject({ code: 'https://github.com/x/live', project: 'https://x.example/' });
    expect(mergePaper(both, page, ['llm'], now)).toEqual(both);
    expect(mergePaper(both, { ...hf, links: { code: 'https://github.com/x/live' }, upvotes: 5 }, ['llm'], now).contentHash).toBe(both.contentHash);
  });

  it('an arXiv replacement updates the stored version and is never announced again', () => {
    const v1 = { ...stored, version: 1, tags: ['llm'] };
    const replace = { id: '2411.00001', arxivId: '2411.00001', version: 2, title: stored.title, abstract: 'The revised abstract.', authors: ['A. Author'], listedOn: '2026-11-26', links: {}, categories: ['cs.LG'], keywords: [], source: 'arxiv-rss', updateOnly: true };
    const v2 = mergePaper(v1, replace, ['llm'], now);
    expect(v2).toMatchObject({ version: 2, abstract: 'The revised abstract.', listedOn: v1.listedOn, firstSeenAt: v1.firstSeenAt, updatedAt: now });
    const since = { ...subscriber, lastDigestAt: '2026-11-25T07:00:00.000Z', topics: ['llm'] };
    expect(selectDigestPapers({ subscriber: since, candidates: [v2], alreadySent: new Set(), maxPapers: 10 }).papers).toEqual([]);
    // The same replacement again (tomorrow's feed still lists it) changes nothing.
    expect(mergePaper(v2, replace, ['llm'], '2026-11-27T08:00:00.000Z')).toEqual(v2);
  });

  it('keeps the place a paper was first listed at, and a new place alone is no change', () => {
    const input = { id: '2411.00002', title: 'Ranked', abstract: 'A.', authors: [], listedOn: '2026-11-26', links: {}, categories: [], keywords: [], source: 'hf' };
    const first = mergePaper(undefined, { ...input, rank: 7 }, ['llm'], '2026-11-26T06:00:00.000Z');
    expect(first.rank).toBe(7);
    const again = mergePaper(first, { ...input, rank: 2 }, ['llm'], now);
    expect(again).toEqual(first);
  });

  it('records when a paper\'s topics change, and only then', () => {
    const input = (more: Partial<PaperInput>): PaperInput => ({ id: '2411.00002', title: 'T', abstract: 'A', authors: [], listedOn: '2026-11-20', links: {}, categories: [], keywords: [], source: 'hf', ...more });
    const stored = mergePaper(undefined, input({ categories: [] }), ['llm'], '2026-11-20T06:00:00.000Z');
    expect(stored.retaggedAt).toBeUndefined();
    const same = mergePaper(stored, input({ upvotes: 9 }), ['llm'], '2026-11-21T06:00:00.000Z');
    expect(same.retaggedAt).toBeUndefined();
    const more = mergePaper(stored, input({ categories: ['cs.CV'] }), ['llm', 'vision'], '2026-11-22T06:00:00.000Z');
    expect(more.retaggedAt).toBe('2026-11-22T06:00:00.000Z');
    expect(more.firstSeenAt).toBe(stored.firstSeenAt);
  });

  it('leaves the hash and update time alone when nothing changed', () => {
    const { contentHash, firstSeenAt, updatedAt, tags, sources, ...rest } = stored;
    void firstSeenAt, updatedAt;
    const merged = mergePaper(stored, { ...rest, source: sources[0]! }, tags, now);
    expect(merged.contentHash).toBe(contentHash);
    expect(merged.updatedAt).toBe(stored.updatedAt);
  });
});

describe('periods', () => {
  it('names a daily digest by its day and a weekly one by its ISO week', () => {
    expect(periodFor('daily', '2026-11-26')).toBe('2026-11-26');
    expect(periodFor('weekly', '2026-11-26')).toBe('2026-W48');
    expect(isoWeek('2027-01-01')).toBe('2026-W53');
    expect(isoWeek('2024-12-30')).toBe('2025-W01');
  });
});

describe('cachedCandidates', () => {
  it('reads a window once per TTL and reports when it read it, so the next digest counts from the read', async () => {
    let now = new Date('2026-11-26T07:00:00.000Z');
    let reads = 0;
    const source = cachedCandidates(
      { listListedSince: async () => (reads++, [paper({ id: `r${reads}` })]) },
      { now: () => now },
      60_000,
    );
    const first = await source('2026-11-19');
    now = new Date('2026-11-26T07:00:59.000Z');
    const second = await source('2026-11-19');
    expect(reads).toBe(1);
    expect(second).toEqual(first);
    expect(first.readAt).toBe('2026-11-26T07:00:00.000Z');
    await source('2026-11-20');
    expect(reads).toBe(2);
    now = new Date('2026-11-26T07:01:01.000Z');
    const third = await source('2026-11-19');
    expect(reads).toBe(3);
    expect(third.readAt).toBe('2026-11-26T07:01:01.000Z');
  });
});
