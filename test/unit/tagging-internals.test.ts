/**
 * The tagger's fast paths against the plain definitions they replace: the token cache against a regular
 * expression and the form functions, CentroidScorer against vector + cosine + topSharedTerms (bit for bit),
 * and PhraseIndex's rule ids.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PhraseIndex } from '../../packages/core/src/tagging/phrases.js';
import { CentroidScorer, cosine, TfIdf, topSharedTerms, type Doc } from '../../packages/core/src/tagging/tfidf.js';
import { singular, singularCased, tokenForm, tokenize } from '../../packages/core/src/tagging/tokens.js';

const wordsOf = (text: string) => text.match(/[A-Za-z0-9]+/g) ?? [];

describe('tokenize', () => {
  it('splits any text into the runs of ASCII letters and digits, each with its three forms', () => {
    const char = fc.constantFrom(...'aAbBsSzZ09 -.,()*é\u00a0\n\u4e2d'.split(''));
    fc.assert(
      fc.property(fc.array(char, { maxLength: 60 }), (chars) => {
        const text = chars.join('');
        const tokens = tokenize(text);
        expect(tokens.map((t) => t.word)).toEqual(wordsOf(text));
        for (const t of tokens) {
          expect(t.raw).toBe(t.word.toLowerCase());
          expect(t.lower).toBe(singular(t.word.toLowerCase()));
          expect(t.cased).toBe(singularCased(t.word));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same token object for the same word, through tens of thousands of distinct words', () => {
    const words = Array.from({ length: 40_000 }, (_, i) => `w${i.toString(36)}x${(i * 7919).toString(36)}`);
    const first = tokenize(words.join(' '));
    expect(first.map((t) => t.word)).toEqual(words);
    const again = tokenize(words.join(', '));
    expect(again.every((t, i) => t === first[i])).toBe(true);
    expect(tokenForm(words[123]!)).toBe(first[123]);
    expect(new Set(first).size).toBe(words.length);
  });

  it('keeps giving the right forms once the cache has been emptied (past 200,000 distinct words)', () => {
    const words = Array.from({ length: 250_000 }, (_, i) => `Zq${i.toString(36)}s`);
    const tokens = tokenize(words.join(' '));
    expect(tokens.length).toBe(words.length);
    expect(tokens.every((t, i) => t.word === words[i])).toBe(true);
    const sample = [0, 1, 199_999, 200_000, 200_001, 249_999];
    for (const i of sample) {
      const t = tokenize(`(${words[i]!})`)[0]!;
      expect([t.word, t.raw, t.lower, t.cased]).toEqual([words[i], words[i]!.toLowerCase(), singular(words[i]!.toLowerCase()), singularCased(words[i]!)]);
    }
    expect(tokenize(`${words[249_999]} ${words[249_999]}`)[1]).toBe(tokens[249_999]);
  });
});

describe('CentroidScorer', () => {
  const vocabulary = ['attention', 'linear', 'transformer', 'state', 'space', 'models', 'recurrent', 'kernel', 'memory', 'sequence', 'the', 'and', 'we', '2024', 'a1'];
  const word = fc.oneof(fc.constantFrom(...vocabulary), fc.stringMatching(/^[a-z]{1,8}$/), fc.stringMatching(/^[A-Z][a-z]{0,5}s?$/));
  const text = fc.array(word, { maxLength: 40 }).map((ws) => ws.join(' '));
  const doc: fc.Arbitrary<Doc> = fc.record({ title: text, abstract: text });

  it('gives the similarities and shared terms of vector, cosine and topSharedTerms, bit for bit', () => {
    fc.assert(
      fc.property(fc.array(doc, { minLength: 1, maxLength: 8 }), fc.array(fc.array(doc, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }), fc.array(doc, { minLength: 1, maxLength: 5 }), (corpus, exampleSets, papers) => {
        const model = new TfIdf([...exampleSets.flat(), ...corpus]);
        const centroids = exampleSets.map((examples) => model.centroid(examples));
        const scorer = new CentroidScorer(model, centroids);
        for (const paper of papers) {
          const titleTokens = tokenize(paper.title);
          const abstractTokens = tokenize(paper.abstract);
          const v = model.vector({ titleTokens, abstractTokens });
          scorer.load({ titleTokens, abstractTokens });
          centroids.forEach((c, k) => {
            expect(Object.is(scorer.similarity(k), cosine(v, c))).toBe(true);
            for (const n of [1, 4, 10]) expect(scorer.sharedTerms(k, n)).toEqual(topSharedTerms(v, c, n));
          });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('still agrees when a paper has more terms than the centroid, and after thousands of unseen words', () => {
    const model = new TfIdf([{ title: 'Linear attention', abstract: 'linear attention kernel' }, { title: 'Graphs', abstract: 'graph neural networks' }]);
    const centroid = model.centroid([{ title: 'Linear attention', abstract: 'linear attention kernel' }]);
    const scorer = new CentroidScorer(model, [centroid]);
    const unseen = Array.from({ length: 5000 }, (_, i) => `unseen${i.toString(36)}`).join(' ');
    const paper = { titleTokens: tokenize('Kernel attention made linear'), abstractTokens: tokenize(`${unseen} attention memory kernel kernel`) };
    const v = model.vector(paper);
    expect(v.size).toBeGreaterThan(centroid.size);
    scorer.load(paper);
    expect(Object.is(scorer.similarity(0), cosine(v, centroid))).toBe(true);
    expect(scorer.similarity(0)).toBeGreaterThan(0);
    expect(scorer.sharedTerms(0, 4)).toEqual(topSharedTerms(v, centroid, 4));
    // A paper with none of the centroid's terms, after one with many.
    scorer.load({ titleTokens: tokenize('Protein folding'), abstractTokens: [] });
    expect(scorer.similarity(0)).toBe(0);
    expect(scorer.sharedTerms(0, 4)).toEqual([]);
  });
});

describe('PhraseIndex', () => {
  it('reports each match with the id of its rule, numbered in the order the rules were added', () => {
    const index = new PhraseIndex<string>();
    const rules = [
      { phrase: 'fine-tun*', data: 'a' },
      { phrase: 'LoRA', data: 'b' },
      { phrase: 'large language model', data: 'c' },
    ];
    for (const r of rules) index.add(r);
    expect(index.size).toBe(3);
    const found: [string, number, number][] = [];
    index.scan(tokenize('We finetune large language models with LoRA, then fine tuning again.'), (rule, start, _length, id) => {
      expect(index.rule(id)).toBe(rule);
      found.push([rule.phrase, start, id]);
    });
    expect(found).toEqual([
      ['fine-tun*', 1, 0],
      ['large language model', 2, 2],
      ['LoRA', 6, 1],
      ['fine-tun*', 8, 0],
    ]);
  });
});
