/**
 * Tagging quality against hand labels (see bench/tagging-sets.ts for the sets): micro and macro F1 on the
 * 53 seed papers, the 160-paper extended set, both together, and the extended set's two fixed halves
 * ("tune" and "tune-free"); then F1 per topic on each, with the number of labelled papers.
 * The papers it got wrong are listed for the seed set and the tune half only: the tune-free half's
 * per-paper errors are never printed, so rules are not written against it. `--explain` adds the rules.
 * `--labels FILE --page FILE` evaluate another seed-format set instead of the seed set.
 *
 *   npx tsx bench/eval-tagging.ts [--explain] [--quiet] [--labels path --page path]
 */
import { resolve } from 'node:path';
import { buildTagger, defaultTaxonomyParsed, evaluateTagging, formatExplanation, type Evaluation, type TagResult } from '@paperboy/core';
import { corpusPapers, extendedSet, isTuneFree, ROOT, seedSet, type LabelledPaper } from './tagging-sets.js';

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? resolve(ROOT, args[i + 1]!) : undefined;
};
const explain = args.includes('--explain');
const quiet = args.includes('--quiet');

const seed = seedSet(opt('--page'), opt('--labels'));
const extended = extendedSet();
const taxonomy = defaultTaxonomyParsed();
const tagger = buildTagger(taxonomy, [...corpusPapers().values()]);

const results = new Map<LabelledPaper, TagResult>();
const run = (papers: LabelledPaper[]): Evaluation =>
  evaluateTagging(
    papers.map((p) => {
      const result = results.get(p) ?? tagger.tag(p);
      results.set(p, result);
      return { title: p.title, expected: p.expected, got: result.tags };
    }),
  );

const sets: { name: string; papers: LabelledPaper[]; showWrong: boolean }[] = [
  { name: 'seed', papers: seed, showWrong: true },
  { name: 'extended', papers: extended, showWrong: false },
  { name: 'seed+extended', papers: [...seed, ...extended], showWrong: false },
  { name: 'extended/tune', papers: extended.filter((p) => !isTuneFree(p.arxivId!)), showWrong: true },
  { name: 'extended/tune-free', papers: extended.filter((p) => isTuneFree(p.arxivId!)), showWrong: false },
];
const evals = sets.map((s) => ({ ...s, ev: run(s.papers) }));

const f = (x: number) => x.toFixed(3);
console.log(`threshold ${taxonomy.threshold}, relativeThreshold ${taxonomy.relativeThreshold}, maxTags ${taxonomy.maxTags}\n`);
console.log(`${'set'.padEnd(20)} ${'papers'.padStart(6)}  ${'P'.padStart(6)} ${'R'.padStart(6)} ${'micro'.padStart(6)} ${'macro'.padStart(6)}`);
for (const { name, ev } of evals) {
  console.log(`${name.padEnd(20)} ${String(ev.papers).padStart(6)}  ${f(ev.micro.precision)} ${f(ev.micro.recall)} ${f(ev.micro.f1).padStart(6)} ${f(ev.macroF1).padStart(6)}`);
}

// F1 per topic on every set, with the number of papers labelled with it (n) and fp/fn on the extended set.
const slugs = taxonomy.topics.map((t) => t.slug);
console.log(`\nF1 per topic (n = papers labelled with it)`);
console.log(`${'topic'.padEnd(24)}${evals.map((e) => e.name.padStart(20)).join('')}   extended fp  fn`);
for (const slug of slugs) {
  const cells = evals.map(({ ev }) => {
    const t = ev.perTag.find((x) => x.tag === slug);
    const n = t ? t.tp + t.fn : 0;
    return (t ? `${f(t.f1)} (${n})` : '-').padStart(20);
  });
  const ext = evals[1]!.ev.perTag.find((x) => x.tag === slug);
  console.log(`${slug.padEnd(24)}${cells.join('')}   ${String(ext?.fp ?? 0).padStart(11)} ${String(ext?.fn ?? 0).padStart(3)}`);
}

const extendedEv = evals[1]!.ev;
const tuneFreeEv = evals[4]!.ev;
const gap = evals[0]!.ev.micro.f1 - extendedEv.micro.f1;
const weak = extendedEv.perTag.filter((t) => t.tp + t.fn >= 5 && t.f1 < 0.7).map((t) => `${t.tag} ${f(t.f1)}`);
console.log(
  `\ntargets: extended micro-F1 ${f(extendedEv.micro.f1)} (>= 0.85), tune-free ${f(tuneFreeEv.micro.f1)} (>= 0.85), ` +
    `seed-extended gap ${f(gap)} (<= 0.03), topics under 0.70 with >= 5 papers: ${weak.length ? weak.join(', ') : 'none'}`,
);

if (!quiet) {
  for (const { name, papers, ev, showWrong } of evals) {
    if (!showWrong) continue;
    console.log(`\nwrong on ${name}: ${ev.wrong.length} of ${ev.papers}`);
    const byTitle = new Map(papers.map((p) => [p.title, p]));
    for (const w of ev.wrong) {
      const missing = w.expected.filter((t) => !w.got.includes(t));
      const extra = w.got.filter((t) => !w.expected.includes(t));
      const paper = byTitle.get(w.title)!;
      console.log(
        `- ${paper.arxivId ? `${paper.arxivId} ` : ''}${w.title}\n    expected: ${w.expected.join(', ')}\n    got:      ${w.got.join(', ') || '(none)'}` +
          `   [${[...missing.map((t) => `-${t}`), ...extra.map((t) => `+${t}`)].join(' ')}]`,
      );
      if (explain) console.log(formatExplanation(results.get(paper)!, { maxTopics: 6 }).replace(/^/gm, '      '));
    }
  }
}
