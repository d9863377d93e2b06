import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTagger, defaultTaxonomyParsed, evaluateTagging, normaliseTitle } from '@paperboy/core';
import { parseSnapshot } from '@paperboy/sources';

// The development set: the bundled Daily Papers page and its expert labels (bench/eval-tagging.ts prints the details).
const root = resolve(import.meta.dirname, '../..');
const { papers } = parseSnapshot(readFileSync(resolve(root, 'data/daily-papers-page.txt'), 'utf8'), { source: 'dev', listedOn: '2024-10-08' });
const labels = JSON.parse(readFileSync(resolve(root, 'test/fixtures/tagging/seed-labels.json'), 'utf8')) as { title: string; tags: string[] }[];

describe('default taxonomy on the development set', () => {
  it('labels every bundled paper', () => {
    const labelled = new Set(labels.map((l) => normaliseTitle(l.title)));
    expect(papers).toHaveLength(53);
    expect(papers.filter((p) => !labelled.has(normaliseTitle(p.title)))).toEqual([]);
  });

  it('reaches micro-F1 >= 0.85 against the expert labels', () => {
    const expected = new Map(labels.map((l) => [normaliseTitle(l.title), l.tags]));
    const tagger = buildTagger(defaultTaxonomyParsed(), papers);
    const ev = evaluateTagging(papers.map((p) => ({ title: p.title, expected: expected.get(normaliseTitle(p.title))!, got: tagger.tag(p).tags })));
    expect(ev.micro.f1).toBeGreaterThanOrEqual(0.85);
    // Every paper gets at least one topic, and the tags are real slugs.
    const slugs = new Set(defaultTaxonomyParsed().topics.map((t) => t.slug));
    for (const p of papers) {
      const tags = tagger.tag(p).tags;
      expect(tags.length, p.title).toBeGreaterThan(0);
      for (const t of tags) expect(slugs.has(t)).toBe(true);
    }
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
