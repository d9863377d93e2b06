/**
 * Tagging speed: 10,000 papers synthesised from the 53 bundled ones (cycled, sentences shuffled with a
 * seeded generator, some with arXiv categories and keywords), tagged with the default taxonomy, then
 * again with an extra example-defined topic (tf-idf). After a warm-up pass of each, the two alternate for
 * `runs` repetitions; prints the median time of each, papers per second, whether the targets hold (10,000
 * papers in 0.5 s; the example topic at most 1.5x that, both medians of this run) and the figures as a last
 * JSON line.
 *
 *   npx tsx bench/tag.bench.ts [count] [runs]      (defaults: 10000 papers, 7 runs)
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildTagger, defaultTaxonomyParsed, type TagInput, type Tagger, type Taxonomy } from '@paperboy/core';
import { parseSnapshot } from '@paperboy/sources';
import { withExampleTopic } from './tagging-sets.js';

const count = Number(process.argv[2] ?? 10_000);
const reps = Number(process.argv[3] ?? 7);
const root = resolve(import.meta.dirname, '..');
const { papers } = parseSnapshot(readFileSync(resolve(root, 'data/daily-papers-page.txt'), 'utf8'), { source: 'bench', listedOn: '2024-10-08' });

// Deterministic PRNG (mulberry32) so every run tags the same papers.
let seed = 42;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
const CATEGORIES = ['cs.LG', 'cs.CL', 'cs.CV', 'cs.AI', 'stat.ML', 'cs.RO', 'eess.AS', 'math.OC', 'q-bio.BM'];
const KEYWORDS = ['large language models', 'quantization', 'LoRA', 'reinforcement learning', 'graph neural networks', 'diffusion models', 'contrastive learning', 'model merging'];

const corpus: TagInput[] = Array.from({ length: count }, (_, i) => {
  const p = papers[i % papers.length]!;
  const sentences = p.abstract.split(/(?<=\.)\s+/);
  for (let k = sentences.length - 1; k > 0; k--) {
    const j = Math.floor(random() * (k + 1));
    [sentences[k], sentences[j]] = [sentences[j]!, sentences[k]!];
  }
  return {
    title: i < papers.length ? p.title : `${p.title} (v${1 + (i % 7)})`,
    abstract: sentences.join(' '),
    categories: random() < 0.5 ? [pick(CATEGORIES), pick(CATEGORIES)] : [],
    keywords: random() < 0.5 ? [pick(KEYWORDS), pick(KEYWORDS), pick(KEYWORDS)] : [],
  };
});

const round3 = (x: number) => Math.round(x * 1000) / 1000;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** One pass over the corpus: wall seconds, CPU seconds and the number of tags given. */
function pass(tagger: Tagger) {
  let tags = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const p of corpus) tags += tagger.tag(p).tags.length;
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { secs, cpuSecs: (cpu.user + cpu.system) / 1e6, tags };
}

function build(taxonomy: Taxonomy, idfCorpus: TagInput[] = []) {
  const t0 = performance.now();
  const tagger = buildTagger(taxonomy, idfCorpus);
  return { tagger, buildMs: performance.now() - t0 };
}

const taxonomy = defaultTaxonomyParsed();
const withExamples: Taxonomy = withExampleTopic(taxonomy, papers, /linear (attention|rnn|transformer|sequence)/i);
const variants = [
  { label: `default taxonomy (${taxonomy.topics.length} topics)`, ...build(taxonomy) },
  { label: '+1 example-defined topic (tf-idf)', ...build(withExamples, papers) },
];

// Warm-up (JIT, token caches), then alternating repetitions, so that load from other processes on the
// machine falls on both variants alike; the figures are medians, the ratio is of the medians of this run.
for (const v of variants) pass(v.tagger);
const secs: number[][] = variants.map(() => []);
const cpus: number[][] = variants.map(() => []);
const tagCounts = variants.map(() => 0);
for (let r = 0; r < reps; r++) {
  variants.forEach((v, i) => {
    const m = pass(v.tagger);
    secs[i]!.push(m.secs);
    cpus[i]!.push(m.cpuSecs);
    tagCounts[i] = m.tags;
  });
}
const medians = variants.map((v, i) => {
  const s = median(secs[i]!);
  console.log(
    `${v.label.padEnd(34)} build ${v.buildMs.toFixed(1).padStart(6)} ms   tag ${count} papers: median ${s.toFixed(3)} s ` +
      `(min ${Math.min(...secs[i]!).toFixed(3)}, max ${Math.max(...secs[i]!).toFixed(3)}, cpu ${median(cpus[i]!).toFixed(3)} s, ${reps} runs)   ` +
      `${Math.round(count / s).toLocaleString('en-US').padStart(7)} papers/s   ${(tagCounts[i]! / count).toFixed(2)} tags/paper`,
  );
  return s;
});
const [rules, examples] = medians as [number, number];
const [rulesCpu, examplesCpu] = cpus.map(median) as [number, number];
const ratio = examples / rules;
const ok = rules <= 0.5 && ratio <= 1.5;
console.log(`${ok ? 'OK' : 'SLOW'}: rules ${rules.toFixed(3)} s for ${count} papers (target <= 0.5 s), one example-defined topic x${ratio.toFixed(2)} (target <= 1.5)`);
// The figures as one JSON line, for scripts that collect bench results. The targets are on wall-clock medians;
// the CPU medians are there to tell a slow run from a machine busy with other work.
console.log(JSON.stringify({ bench: 'tag', papers: count, runs: reps, rulesSeconds: round3(rules), exampleTopicSeconds: round3(examples), exampleTopicRatio: round3(ratio), ok, rulesCpuSeconds: round3(rulesCpu), exampleTopicCpuSeconds: round3(examplesCpu) }));
