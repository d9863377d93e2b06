/**
 * The tagger's full results for every paper of data/corpus and the seed set, as JSON (tags, scores with
 * their evidence, and the explanation text), with the default taxonomy and again with one extra
 * example-defined topic (tf-idf). A change meant only to make tagging faster must leave this output
 * byte-identical:
 *
 *   npx tsx bench/tag-snapshot.ts > /tmp/before.json   (before the change)
 *   npx tsx bench/tag-snapshot.ts > /tmp/after.json    (after)
 *   cmp /tmp/before.json /tmp/after.json
 */
import { buildTagger, defaultTaxonomyParsed, formatExplanation, type TagInput, type Taxonomy } from '@paperboy/core';
import { corpusPapers, seedSet, withExampleTopic } from './tagging-sets.js';

const corpus: TagInput[] = [...corpusPapers().values()];
const seed: TagInput[] = seedSet().map(({ title, abstract, categories, keywords }) => ({ title, abstract, categories, keywords }));
const papers = [...seed, ...corpus];
const taxonomy = defaultTaxonomyParsed();
const withExamples: Taxonomy = withExampleTopic(taxonomy, papers, /linear (attention|rnn|transformer|sequence)|state[- ]space/i);

for (const [label, tax] of [['rules', taxonomy], ['examples', withExamples]] as const) {
  const tagger = buildTagger(tax, corpus);
  for (const p of papers) {
    const r = tagger.tag(p);
    process.stdout.write(`${JSON.stringify({ set: label, title: p.title, tags: r.tags, scores: r.scores, explanation: formatExplanation(r) })}\n`);
  }
}
