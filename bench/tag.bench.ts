/**
 * Tagging speed: 10,000 papers synthesised from the 53 bundled ones (cycled, sentences shuffled with a
 * seeded generator, some with arXiv categories and keywords), tagged with the default taxonomy, then
 * again with an extra example-defined topic (tf-idf). Prints papers per second, whether the targets hold
 * (10,000 papers in 0.5 s; the example topic at most 1.5x that) and the figures as a last JSON line.
 *
 *   npx tsx bench/tag.bench.ts [count]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildTagger, defaultTaxonomyParsed, type TagInput, type Taxonomy } from '@paperboy/core';
import { parseSnapshot } from '@paperboy/sources';

const count = Number(process.argv[2] ?? 10_000);
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

function run(label: string, taxonomy: Taxonomy, idfCorpus: TagInput[] = []) {
  const t0 = performance.now();
  const tagger = buildTagger(taxonomy, idfCorpus);
  const t1 = performance.now();
  let tags = 0;
  const cpu0 = process.cpuUsage();
  for (const p of corpus) tags += tagger.tag(p).tags.length;
  const cpu = process.cpuUsage(cpu0);
  const t2 = performance.now();
  const secs = (t2 - t1) / 1000;
  const cpuSecs = (cpu.user + cpu.system) / 1e6;
  console.log(
    `${label.padEnd(34)} build ${(t1 - t0).toFixed(1).padStart(6)} ms   tag ${count} papers in ${secs.toFixed(3)} s   ` +
      `(cpu ${cpuSecs.toFixed(3)} s)   ${Math.round(count / secs).toLocaleString('en-US').padStart(7)} papers/s   ${(tags / count).toFixed(2)} tags/paper`,
  );
  return secs;
}

const taxonomy = defaultTaxonomyParsed();
// Warm-up, then the measured runs.
buildTagger(taxonomy).tag(corpus[0]!);
const rules = run('default taxonomy (18 topics)', taxonomy);
const withExamples: Taxonomy = {
  ...taxonomy,
  topics: [
    ...taxonomy.topics,
    {
      slug: 'linear-sequence-models',
      name: 'Linear sequence models',
      description: 'defined by example',
      phrases: [],
      negative: [],
      categories: [],
      examples: papers.filter((p) => /linear (attention|rnn|transformer|sequence)/i.test(p.title)).map((p) => ({ title: p.title, abstract: p.abstract })),
    },
  ],
};
const examples = run('+1 example-defined topic (tf-idf)', withExamples, papers);
const ratio = examples / rules;
const ok = rules <= 0.5 && ratio <= 1.5;
console.log(`${ok ? 'OK' : 'SLOW'}: rules ${rules.toFixed(3)} s for ${count} papers (target <= 0.5 s), one example-defined topic x${ratio.toFixed(2)} (target <= 1.5)`);
// The figures as one JSON line, for scripts that collect bench results.
console.log(JSON.stringify({ bench: 'tag', papers: count, rulesSeconds: round3(rules), exampleTopicSeconds: round3(examples), exampleTopicRatio: round3(ratio), ok }));
