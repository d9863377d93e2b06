import { readFileSync } from 'node:fs';
import { buildTagger, defaultTaxonomyParsed, normaliseTitle } from '@paperboy/core';
import { evaluateTagging } from './packages/core/src/tagging/evaluate.js';
import { parseSnapshot } from '@paperboy/sources';
const { papers } = parseSnapshot(readFileSync('data/daily-papers-page.txt', 'utf8'), { source: 'e', listedOn: '2024-10-08' });
const labels = JSON.parse(readFileSync('test/fixtures/tagging/seed-labels.json', 'utf8')) as { title: string; tags: string[] }[];
const exp = new Map(labels.map((l) => [normaliseTitle(l.title), l.tags]));
const base = defaultTaxonomyParsed();
for (const th of [2, 2.5, 3, 3.5, 4]) {
  const row: string[] = [];
  for (const rel of [0, 0.2, 0.3, 0.4, 0.5]) for (const mt of [3]) {
    const t = buildTagger({ ...base, threshold: th, relativeThreshold: rel, maxTags: mt });
    const ev = evaluateTagging(papers.map((p) => ({ title: p.title, expected: exp.get(normaliseTitle(p.title))!, got: t.tag(p).tags })));
    row.push(`${rel}:${ev.micro.f1.toFixed(3)}(${ev.micro.precision.toFixed(2)}/${ev.micro.recall.toFixed(2)})`);
  }
  console.log(th, row.join('  '));
}
