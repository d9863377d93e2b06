/**
 * Tagging quality on the development set: the 53 papers of data/daily-papers-page.txt against the expert
 * labels in test/fixtures/tagging/seed-labels.json. Prints precision/recall/F1 per tag, micro and macro F1,
 * and the papers it got wrong. `--explain` also prints why, for each wrong paper. `--labels FILE` and
 * `--page FILE` evaluate another labelled set (same formats).
 *
 *   npx tsx bench/eval-tagging.ts [--explain] [--labels path] [--page path]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildTagger, defaultTaxonomyParsed, evaluateTagging, formatExplanation, normaliseTitle, type TagResult } from '@paperboy/core';
import { parseSnapshot } from '@paperboy/sources';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const root = resolve(import.meta.dirname, '..');
const pagePath = resolve(root, opt('--page', 'data/daily-papers-page.txt'));
const labelsPath = resolve(root, opt('--labels', 'test/fixtures/tagging/seed-labels.json'));
const explain = args.includes('--explain');

const { papers } = parseSnapshot(readFileSync(pagePath, 'utf8'), { source: 'eval', listedOn: '2024-10-08' });
const labels = JSON.parse(readFileSync(labelsPath, 'utf8')) as { title: string; tags: string[] }[];
const expectedByTitle = new Map(labels.map((l) => [normaliseTitle(l.title), l.tags]));

const taxonomy = defaultTaxonomyParsed();
const tagger = buildTagger(taxonomy, papers);
const results = new Map<string, TagResult>();
const items = papers.flatMap((p) => {
  const expected = expectedByTitle.get(normaliseTitle(p.title));
  if (!expected) {
    console.warn(`no label for "${p.title}"; skipped`);
    return [];
  }
  const result = tagger.tag(p);
  results.set(p.title, result);
  return [{ title: p.title, expected, got: result.tags }];
});
const ev = evaluateTagging(items);

const pct = (x: number) => x.toFixed(3);
console.log(`papers: ${ev.papers}   threshold ${taxonomy.threshold}, maxTags ${taxonomy.maxTags}, titleWeight ${taxonomy.titleWeight}\n`);
console.log(`${'tag'.padEnd(24)} ${'P'.padStart(6)} ${'R'.padStart(6)} ${'F1'.padStart(6)}   tp  fp  fn`);
for (const t of ev.perTag) {
  console.log(`${t.tag.padEnd(24)} ${pct(t.precision).padStart(6)} ${pct(t.recall).padStart(6)} ${pct(t.f1).padStart(6)}  ${String(t.tp).padStart(3)} ${String(t.fp).padStart(3)} ${String(t.fn).padStart(3)}`);
}
console.log(`\nmicro  P ${pct(ev.micro.precision)}  R ${pct(ev.micro.recall)}  F1 ${pct(ev.micro.f1)}`);
console.log(`macro  F1 ${pct(ev.macroF1)}`);
console.log(`\nwrong: ${ev.wrong.length} of ${ev.papers}`);
for (const w of ev.wrong) {
  const missing = w.expected.filter((t) => !w.got.includes(t));
  const extra = w.got.filter((t) => !w.expected.includes(t));
  console.log(`- ${w.title}\n    expected: ${w.expected.join(', ')}\n    got:      ${w.got.join(', ') || '(none)'}` + `   [${[...missing.map((t) => `-${t}`), ...extra.map((t) => `+${t}`)].join(' ')}]`);
  if (explain) console.log(formatExplanation(results.get(w.title)!, { maxTopics: 6 }).replace(/^/gm, '      '));
}
