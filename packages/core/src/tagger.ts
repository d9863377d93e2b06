/**
 * Rule-based topic tagger: deterministic, explainable, compiled once per taxonomy.
 *
 * Rule language (taxonomy topics, see taxonomy.ts for the schema):
 * - Text is split into word tokens of letters and digits, so phrases only ever match whole words:
 *   "RL" does not match "URL" or "RLHF", "graph" does not match "paragraph".
 * - Phrase words are case-insensitive and singular/plural-insensitive ("transformer" = "Transformers",
 *   "strategy" = "strategies"). No other automatic inflection: a word ending in `*` is a stem that matches any
 *   word starting with it ("quantiz*" = quantize, quantized, quantization; "merg*" = merge, merging, merged).
 *   A word starting with `*` matches any word ending with it: "*Bench" = "ClawBench", "VideoBench".
 * - A phrase word with a capital letter is an acronym and matches case-sensitively, plural allowed:
 *   "LoRA", "MoE", "GNN" (= "GNNs", not "gnn"), "3D".
 * - A hyphen in a phrase matches a hyphen, a space or nothing: "fine-tun*" = "fine-tuning", "fine tuned",
 *   "finetuning"; "multi-modal" = "multimodal".
 * - Within a topic the longest phrase at a position wins and its words are not counted again, so
 *   "large language model" does not also count as "language model"; a longer negative phrase therefore
 *   also cancels the shorter positive phrases inside it.
 *
 * - An acronym phrase directly after another match of its topic ("Mixture-of-Experts (MoE)") is taken as the
 *   definition of that match and not counted again.
 *
 * Score of a topic = sum over its phrases and places (title, abstract, each keyword) of
 *   weight x placeWeight x min(2, 1 + 0.5 log2 n)    (n = occurrences; keywords count each keyword once)
 * where placeWeight is taxonomy.titleWeight for the title, 1 for the abstract, taxonomy.keywordWeight for
 * Hugging Face keywords; minus the same for negative phrases (a `veto` negative removes the topic);
 * plus taxonomy.categoryWeight x hint weight for each matching arXiv category; plus
 * taxonomy.exampleWeight x cosine(tf-idf of the paper, centroid of the topic's examples) for topics with examples.
 * A topic is tagged when score >= threshold and score >= relativeThreshold x the best score; at most maxTags,
 * highest first (ties: taxonomy order). A paper with no such topic gets its best topic when that scores at least
 * taxonomy.fallbackThreshold (0 disables).
 */
import type { CategoryHint, NegativePhrase, Taxonomy, Topic, WeightedPhrase } from './taxonomy.js';
import { PhraseIndex } from './tagging/phrases.js';
import { CentroidScorer, TfIdf, type SparseVector } from './tagging/tfidf.js';
import { tokenize, type Token } from './tagging/tokens.js';

export interface TagInput {
  title: string;
  abstract: string;
  categories?: string[];
  keywords?: string[];
}

export type EvidenceWhere = 'title' | 'abstract' | 'keyword' | 'category' | 'examples';

/** One rule that fired for a topic. */
export interface Evidence {
  kind: 'phrase' | 'negative' | 'veto' | 'category' | 'examples';
  /** The phrase or category as the taxonomy wrote it, or a description of the example match. */
  rule: string;
  where: EvidenceWhere;
  /** Occurrences (phrases), 1 for categories; for examples, the cosine similarity. */
  count: number;
  /** Signed contribution to the topic score. */
  contribution: number;
}

export type TopicStatus = 'tagged' | 'below-threshold' | 'below-relative' | 'over-max-tags' | 'vetoed';

export interface TopicScore {
  slug: string;
  score: number;
  status: TopicStatus;
  /** Contributions, largest first. */
  evidence: Evidence[];
}

export interface TagResult {
  /** Tagged topic slugs, best first. */
  tags: string[];
  /** Every topic with any evidence, best first (ties in taxonomy order). */
  scores: TopicScore[];
  threshold: number;
  maxTags: number;
}

export interface Tagger {
  readonly taxonomy: Taxonomy;
  tag(paper: TagInput): TagResult;
}

interface RuleData {
  topic: number;
  kind: 'phrase' | 'negative' | 'veto';
  weight: number;
  /** A single acronym word ("LoRA"): right after another match of its topic it is that match's abbreviation. */
  acronym: boolean;
}

const phraseOf = (p: WeightedPhrase): { phrase: string; weight: number } => (typeof p === 'string' ? { phrase: p, weight: 1 } : p);
const negativeOf = (p: NegativePhrase): { phrase: string; weight: number; veto: boolean } =>
  typeof p === 'string' ? { phrase: p, weight: 1, veto: false } : { phrase: p.phrase, weight: p.weight ?? 1, veto: p.veto ?? false };
const categoryOf = (c: CategoryHint): { category: string; weight: number } => (typeof c === 'string' ? { category: c, weight: 1 } : c);

const round = (x: number) => Math.round(x * 1000) / 1000;
/** Repeated mentions count sublinearly, at most double: 1, 1.5, 1.79, 2, 2, ... */
const repeats = (n: number) => Math.min(2, 1 + 0.5 * Math.log2(n));
/** Evidence order: largest contribution first, then by rule. */
const byContribution = (a: Evidence, b: Evidence) => b.contribution - a.contribution || a.rule.localeCompare(b.rule);
const isAcronym = (phrase: string) => /^[A-Za-z0-9]+$/.test(phrase) && /[A-Z]/.test(phrase);

/**
 * Compiles a taxonomy into a reusable tagger. `corpus` (optional) is a set of papers whose document
 * frequencies join the examples' for the idf of example-defined topics; without it idf comes from the examples.
 */
export function buildTagger(taxonomy: Taxonomy, corpus: readonly TagInput[] = []): Tagger {
  const index = new PhraseIndex<RuleData>();
  const topics = taxonomy.topics;
  topics.forEach((topic, t) => {
    for (const p of topic.phrases.map(phraseOf)) index.add({ phrase: p.phrase, data: { topic: t, kind: 'phrase', weight: p.weight, acronym: isAcronym(p.phrase) } });
    for (const n of topic.negative.map(negativeOf)) {
      index.add({ phrase: n.phrase, data: { topic: t, kind: n.veto ? 'veto' : 'negative', weight: n.weight, acronym: false } });
    }
  });
  const categoryHints = topics.map((topic) => topic.categories.map(categoryOf).map((c) => ({ ...c, lower: c.category.toLowerCase() })));

  const exampleTopics = topics.map((topic, t) => ({ t, examples: topic.examples })).filter((x) => x.examples.length > 0);
  let tfidf: TfIdf | undefined;
  const centroids = new Map<number, SparseVector>();
  if (exampleTopics.length > 0) {
    tfidf = new TfIdf([...exampleTopics.flatMap((x) => x.examples), ...corpus]);
    for (const { t, examples } of exampleTopics) centroids.set(t, tfidf.centroid(examples));
  }
  const scorer = tfidf && new CentroidScorer(tfidf, [...centroids.values()]);
  // Occurrences per rule id in the place being scanned, and the ids found, in order (reused, all 0 between places).
  const ruleCounts = new Int32Array(index.size);
  const ruleHits: number[] = [];

  function tag(paper: TagInput): TagResult {
    const evidence: Evidence[][] = topics.map(() => []);
    const vetoed = new Array<boolean>(topics.length).fill(false);
    const covered = new Array<number>(topics.length);

    // Phrase occurrences per place, longest-first per topic with no overlaps.
    const scanPlace = (tokens: Token[], where: EvidenceWhere, placeWeight: number, once: boolean) => {
      if (tokens.length === 0 || placeWeight === 0) return;
      covered.fill(0);
      index.scan(tokens, (rule, start, length, id) => {
        const t = rule.data.topic;
        if (start < covered[t]!) return;
        // "Low-Rank Adaptation (LoRA)": an acronym directly after a match of the same topic is its definition, not more evidence.
        const definition = rule.data.acronym && start > 0 && start === covered[t];
        covered[t] = start + length;
        if (definition) return;
        if (ruleCounts[id] === 0) ruleHits.push(id);
        ruleCounts[id] = once ? 1 : ruleCounts[id]! + 1;
      });
      // In the order the rules were first found, as before with a Map.
      for (const id of ruleHits) {
        addPhrase(index.rule(id), where, placeWeight, ruleCounts[id]!);
        ruleCounts[id] = 0;
      }
      ruleHits.length = 0;
    };
    const keywordCounts = new Map<{ phrase: string; data: RuleData }, number>();
    const addPhrase = (rule: { phrase: string; data: RuleData }, where: EvidenceWhere, placeWeight: number, n: number) => {
      const { topic, kind, weight } = rule.data;
      if (kind === 'veto') vetoed[topic] = true;
      const sign = kind === 'phrase' ? 1 : kind === 'negative' ? -1 : 0;
      evidence[topic]!.push({ kind, rule: rule.phrase, where, count: n, contribution: round(sign * weight * placeWeight * repeats(n)) });
    };

    const titleTokens = tokenize(paper.title ?? '');
    const abstractTokens = tokenize(paper.abstract ?? '');
    scanPlace(titleTokens, 'title', taxonomy.titleWeight, false);
    scanPlace(abstractTokens, 'abstract', 1, false);
    if (paper.keywords?.length && taxonomy.keywordWeight > 0) {
      // Each keyword is matched on its own (phrases never span two keywords) and counts once per phrase.
      for (const kw of paper.keywords) {
        const seen = new Set<{ phrase: string; data: RuleData }>();
        covered.fill(0);
        index.scan(tokenize(kw), (rule, start, length) => {
          const t = rule.data.topic;
          if (start < covered[t]!) return;
          covered[t] = start + length;
          if (!seen.has(rule)) keywordCounts.set(rule, (keywordCounts.get(rule) ?? 0) + 1);
          seen.add(rule);
        });
      }
      for (const [rule, n] of keywordCounts) addPhrase(rule, 'keyword', taxonomy.keywordWeight, n);
    }

    if (paper.categories?.length && taxonomy.categoryWeight > 0) {
      const cats = [...new Set(paper.categories.map((c) => c.trim().toLowerCase()))];
      categoryHints.forEach((hints, t) => {
        for (const h of hints) {
          if (cats.some((c) => c === h.lower || c.startsWith(`${h.lower}.`))) {
            evidence[t]!.push({ kind: 'category', rule: h.category, where: 'category', count: 1, contribution: round(taxonomy.categoryWeight * h.weight) });
          }
        }
      });
    }

    if (scorer && taxonomy.exampleWeight > 0) {
      // The same as cosine(tfidf.vector(paper), centroid) and topSharedTerms, computed without Maps.
      scorer.load({ titleTokens, abstractTokens });
      let k = -1;
      for (const t of centroids.keys()) {
        const sim = scorer.similarity(++k);
        if (sim <= 0) continue;
        const shared = scorer.sharedTerms(k, 4).join(', ');
        const n = topics[t]!.examples.length;
        evidence[t]!.push({
          kind: 'examples',
          rule: `similar to ${n} example${n === 1 ? '' : 's'} (cosine ${sim.toFixed(3)}; ${shared})`,
          where: 'examples',
          count: round(sim),
          contribution: round(taxonomy.exampleWeight * sim),
        });
      }
    }

    // Only topics with evidence are scored (most have none), and one piece of evidence needs no sorting.
    const scored: { t: number; slug: string; score: number; evidence: Evidence[]; vetoed: boolean }[] = [];
    topics.forEach((topic, t) => {
      const ev = evidence[t]!;
      if (ev.length === 0) return;
      if (ev.length > 1) ev.sort(byContribution);
      const score = round(ev.reduce((s, e) => s + e.contribution, 0));
      scored.push({ t, slug: topic.slug, score: vetoed[t] ? 0 : score, evidence: ev, vetoed: vetoed[t]! });
    });
    scored.sort((a, b) => b.score - a.score || a.t - b.t);

    const best = scored.find((s) => !s.vetoed)?.score ?? 0;
    const tags: string[] = [];
    const scores: TopicScore[] = scored.map((s) => {
      let status: TopicStatus;
      if (s.vetoed) status = 'vetoed';
      else if (s.score < taxonomy.threshold) status = 'below-threshold';
      else if (s.score < taxonomy.relativeThreshold * best) status = 'below-relative';
      else if (tags.length >= taxonomy.maxTags) status = 'over-max-tags';
      else {
        status = 'tagged';
        tags.push(s.slug);
      }
      return { slug: s.slug, score: s.score, status, evidence: s.evidence };
    });
    // A paper with no topic over the threshold still gets its best topic if that reaches the fallback threshold.
    const top = scores.find((s) => s.status !== 'vetoed');
    if (tags.length === 0 && top && taxonomy.fallbackThreshold > 0 && top.score >= taxonomy.fallbackThreshold) {
      top.status = 'tagged';
      tags.push(top.slug);
    }
    return { tags, scores, threshold: taxonomy.threshold, maxTags: taxonomy.maxTags };
  }

  return { taxonomy, tag };
}

const cache = new WeakMap<Taxonomy, Tagger>();

/** Convenience: tags one paper, compiling (and caching) the tagger for this taxonomy object. */
export function tagPaper(paper: TagInput, taxonomy: Taxonomy): TagResult {
  let tagger = cache.get(taxonomy);
  if (!tagger) {
    tagger = buildTagger(taxonomy);
    cache.set(taxonomy, tagger);
  }
  return tagger.tag(paper);
}

const STATUS_TEXT: Record<TopicStatus, string> = {
  tagged: 'tagged',
  'below-threshold': 'below threshold',
  'below-relative': 'too far below the best topic',
  'over-max-tags': 'over maxTags',
  vetoed: 'vetoed by a negative phrase',
};

/**
 * Human-readable explanation, one line per topic and one per rule that fired, e.g.
 *   tags: llm, efficiency (threshold 2.5, maxTags 3)
 *   llm  6.12  tagged
 *     +3.00  "large language model*"  in title
 *     +1.50  "LLM"  in abstract x2
 */
export function formatExplanation(result: TagResult, opts: { maxTopics?: number } = {}): string {
  const lines = [`tags: ${result.tags.length ? result.tags.join(', ') : '(none)'} (threshold ${result.threshold}, maxTags ${result.maxTags})`];
  const shown = result.scores.slice(0, opts.maxTopics ?? result.scores.length);
  const width = Math.max(0, ...shown.map((s) => s.slug.length));
  for (const s of shown) {
    lines.push(`${s.slug.padEnd(width)}  ${s.score.toFixed(2).padStart(6)}  ${STATUS_TEXT[s.status]}`);
    for (const e of s.evidence) {
      const amount = `${e.contribution >= 0 ? '+' : ''}${e.contribution.toFixed(2)}`.padStart(7);
      const what = e.kind === 'examples' ? e.rule : `${e.kind === 'category' ? 'category ' : ''}"${e.rule}"`;
      const tagKind = e.kind === 'negative' ? ' (negative)' : e.kind === 'veto' ? ' (veto)' : '';
      const where = e.kind === 'category' || e.kind === 'examples' ? '' : `  in ${e.where}${e.count > 1 ? ` x${e.count}` : ''}`;
      lines.push(`  ${amount}  ${what}${tagKind}${where}`);
    }
  }
  return lines.join('\n');
}

/**
 * (Here rather than in taxonomy.ts, which holds zod's schemas: functions build taggers without them.)
 * Turns a topic's `exampleIds` into examples, from the papers the store already has. Ids not found are
 * reported (the paper may simply not have been ingested yet) and left out.
 */
export async function resolveExampleIds(
  taxonomy: Taxonomy,
  lookup: (arxivId: string) => Promise<{ title: string; abstract: string } | undefined>,
): Promise<{ taxonomy: Taxonomy; unresolved: { topic: string; arxivId: string }[] }> {
  const unresolved: { topic: string; arxivId: string }[] = [];
  const topics = await Promise.all(
    taxonomy.topics.map(async (topic) => {
      if (!topic.exampleIds?.length) return topic;
      const found: Topic['examples'] = [];
      for (const arxivId of topic.exampleIds) {
        const paper = await lookup(arxivId);
        if (paper) found.push({ title: paper.title, abstract: paper.abstract });
        else unresolved.push({ topic: topic.slug, arxivId });
      }
      return { ...topic, examples: [...topic.examples, ...found] };
    }),
  );
  return { taxonomy: { ...taxonomy, topics }, unresolved };
}

export { evaluateTagging, type Evaluation, type LabelledPrediction, type TagMetrics } from './tagging/evaluate.js';
