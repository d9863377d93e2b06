import { describe, expect, it } from 'vitest';
import { authorKey, followMatcher, phraseSchema, sameAuthor } from '@paperboy/core';

const paper = (over: Partial<{ title: string; abstract: string; authors: string[]; tags: string[] }> = {}) => ({
  title: 'Faster Decoding',
  abstract: 'We study speculative decoding with a draft model.',
  authors: ['Yann LeCun', 'Zoë Müller-Lüdenscheidt'],
  tags: ['efficiency'],
  ...over,
});

describe('followMatcher', () => {
  it('matches topics by tag and says which', () => {
    const m = followMatcher({ topics: ['llm', 'efficiency'] });
    expect(m.reasons(paper())).toEqual([{ kind: 'topic', slug: 'efficiency' }]);
    expect(m.matches(paper({ tags: ['vision'] }))).toBe(false);
  });

  it('matches keyword phrases on whole words, plurals and hyphen variants, in the title or abstract', () => {
    const m = followMatcher({ topics: [], keywords: ['speculative decoding', 'draft model', 'multi-token'] });
    expect(m.reasons(paper())).toEqual([
      { kind: 'keyword', phrase: 'speculative decoding' },
      { kind: 'keyword', phrase: 'draft model' },
    ]);
    expect(m.matches(paper({ title: 'Multi token prediction', abstract: '' }))).toBe(true);
    expect(m.matches(paper({ title: 'Draft Models Help', abstract: '' }))).toBe(true);
    // Not inside another word.
    expect(followMatcher({ topics: [], keywords: ['RL'] }).matches(paper({ title: 'A URL shortener', abstract: '' }))).toBe(false);
  });

  it('matches a phrase typed in title case in any case, and keeps acronyms exact', () => {
    expect(followMatcher({ topics: [], keywords: ['Speculative Decoding'] }).matches(paper())).toBe(true);
    expect(followMatcher({ topics: [], keywords: ['MoE'] }).matches(paper({ title: 'moe is not an acronym here', abstract: '' }))).toBe(false);
    expect(followMatcher({ topics: [], keywords: ['MoE'] }).matches(paper({ title: 'Sparse MoE layers', abstract: '' }))).toBe(true);
  });

  it('matches authors by normalised name: accents, case, punctuation and initials', () => {
    const m = followMatcher({ topics: [], authors: ['Y. LeCun', 'zoe muller ludenscheidt'] });
    expect(m.reasons(paper())).toEqual([
      { kind: 'author', name: 'Y. LeCun' },
      { kind: 'author', name: 'zoe muller ludenscheidt' },
    ]);
    expect(followMatcher({ topics: [], authors: ['J. LeCun'] }).matches(paper({ tags: [] }))).toBe(false);
  });

  it('lists topic, keyword and author reasons together, in that order', () => {
    const m = followMatcher({ topics: ['efficiency'], keywords: ['speculative decoding'], authors: ['Yann LeCun'] });
    expect(m.reasons(paper()).map((r) => r.kind)).toEqual(['topic', 'keyword', 'author']);
  });
});

describe('authorKey and sameAuthor', () => {
  it('folds accents and case, and tells different given names apart', () => {
    expect(authorKey('  José   García ')).toEqual({ given: ['jose'], family: 'garcia' });
    expect(authorKey('...')).toBeUndefined();
    expect(sameAuthor(authorKey('Jane Smith')!, authorKey('J. Smith')!)).toBe(true);
    expect(sameAuthor(authorKey('Jane Smith')!, authorKey('John Smith')!)).toBe(false);
    expect(sameAuthor(authorKey('Smith')!, authorKey('Jane Smith')!)).toBe(false);
  });
});

describe('phraseSchema', () => {
  it('accepts the rule language and says what is wrong otherwise', () => {
    expect(phraseSchema.parse('  speculative   decoding ')).toBe('speculative decoding');
    const r = phraseSchema.safeParse('a<script>');
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toMatch(/letters and digits/);
  });
});
