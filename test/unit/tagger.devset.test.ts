import { describe, expect, it } from 'vitest';
import { buildTagger, defaultTaxonomyParsed, evaluateTagging } from '@paperboy/core';
import { extendedSet, isTuneFree, seedSet, type LabelledPaper } from '../../bench/tagging-sets.js';

// Regression guards on real hand labels (bench/eval-tagging.ts prints the details): the 53 seed papers and the
// 160 extended papers joined to data/corpus. The floors are the levels the default taxonomy has reached, so a
// rule change that loses quality fails here; they are not targets.
const seed = seedSet();
const extended = extendedSet();
const tagger = buildTagger(defaultTaxonomyParsed());
const microF1 = (papers: LabelledPaper[]) => evaluateTagging(papers.map((p) => ({ title: p.title, expected: p.expected, got: tagger.tag(p).tags }))).micro.f1;

describe('default taxonomy on the labelled sets', () => {
  it('joins every labelled paper to its text and evidence', () => {
    expect(seed).toHaveLength(53);
    expect(extended).toHaveLength(160);
    for (const p of extended) expect(p.abstract.length, p.arxivId).toBeGreaterThan(100);
    // Hugging Face papers carry ai_keywords, arXiv listings categories; both reach the tagger.
    expect(extended.filter((p) => p.keywords!.length > 0).length).toBeGreaterThanOrEqual(100);
    expect(extended.filter((p) => p.categories!.length > 0).length).toBeGreaterThanOrEqual(50);
  });

  it('fails with the record named when a labelled paper is not in the corpus', () => {
    expect(() => extendedSet(new URL('../fixtures/tagging/missing-paper-labels.json', import.meta.url).pathname)).toThrow(
      /record 0 \(0000\.00000, "A paper that is not in the corpus"\) is not in data\/corpus/,
    );
  });

  it('splits the extended set into two fixed halves by arXiv id', () => {
    const free = extended.filter((p) => isTuneFree(p.arxivId!)).length;
    expect(free).toBe(87);
    expect(isTuneFree('2603.19835')).toBe(isTuneFree('2603.19835'));
  });

  it('keeps micro-F1 at its reached levels: seed >= 0.88, extended >= 0.79, tune-free half >= 0.75', () => {
    expect(microF1(seed)).toBeGreaterThanOrEqual(0.88);
    expect(microF1(extended)).toBeGreaterThanOrEqual(0.79);
    expect(microF1(extended.filter((p) => isTuneFree(p.arxivId!)))).toBeGreaterThanOrEqual(0.75);
  });

  it('gives every seed paper a topic, and only real topics to any paper', () => {
    const slugs = new Set(defaultTaxonomyParsed().topics.map((t) => t.slug));
    for (const p of seed) expect(tagger.tag(p).tags.length, p.title).toBeGreaterThan(0);
    for (const p of [...seed, ...extended]) for (const t of tagger.tag(p).tags) expect(slugs.has(t), t).toBe(true);
  });
});

describe('evaluateTagging', () => {
  it('computes per-tag, micro and macro scores and lists the wrong papers', () => {
    const ev = evaluateTagging([
      { title: 'a', expected: ['llm'], got: ['llm'] },
      { title: 'b', expected: ['llm', 'vision'], got: ['llm', 'theory'] },
    ]);
    expect(ev.micro.precision).toBeCloseTo(2 / 3);
    expect(ev.micro.recall).toBeCloseTo(2 / 3);
    expect(ev.micro.f1).toBeCloseTo(2 / 3);
    expect(ev.perTag.map((t) => [t.tag, t.tp, t.fp, t.fn])).toEqual([['llm', 2, 0, 0], ['theory', 0, 1, 0], ['vision', 0, 0, 1]]);
    expect(ev.macroF1).toBeCloseTo(1 / 3);
    expect(ev.wrong.map((w) => w.title)).toEqual(['b']);
  });
});
