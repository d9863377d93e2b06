/**
 * The labelled sets the tagger is measured on, joined to the evidence the ingest path has for each paper:
 * - seed: the 53 papers of data/daily-papers-page.txt, labels in test/fixtures/tagging/seed-labels.json;
 * - extended: 160 Hugging Face and arXiv papers of 2026 (test/fixtures/tagging/dev-labels-extended.json),
 *   joined by arXiv id to data/corpus/: title, abstract, HF `ai_keywords` and arXiv categories, merged when
 *   a paper is in both sources, as ingest merges them.
 * The extended set is split in two fixed halves by a hash of the arXiv id: "tune" (rules may be changed
 * while looking at its errors) and "tune-free" (only its totals may be looked at), so a score on the
 * tune-free half is a score on papers the rules were not written against.
 * Used by bench/eval-tagging.ts and the unit tests; everything read is inside the repository.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cleanText, normaliseTitle, sha256, type TagInput, type Taxonomy } from '@paperboy/core';
import { parseHfDaily, parseSnapshot } from '@paperboy/sources';

export const ROOT = resolve(import.meta.dirname, '..');
const FIXTURES = join(ROOT, 'test/fixtures/tagging');
const CORPUS = join(ROOT, 'data/corpus');

export interface LabelledPaper extends TagInput {
  title: string;
  abstract: string;
  expected: string[];
  /** arXiv id (extended set only). */
  arxivId?: string;
}

/** The 53 seed papers with their expert labels. */
export function seedSet(pagePath = join(ROOT, 'data/daily-papers-page.txt'), labelsPath = join(FIXTURES, 'seed-labels.json')): LabelledPaper[] {
  const { papers } = parseSnapshot(readFileSync(pagePath, 'utf8'), { source: 'eval', listedOn: '2024-10-08' });
  const labels = JSON.parse(readFileSync(labelsPath, 'utf8')) as { title: string; tags: string[] }[];
  const byTitle = new Map(labels.map((l) => [normaliseTitle(l.title), l.tags]));
  return papers.map((p) => {
    const expected = byTitle.get(normaliseTitle(p.title));
    if (!expected) throw new Error(`${labelsPath}: no label for the seed paper "${p.title}"`);
    return { title: p.title, abstract: p.abstract, categories: p.categories, keywords: p.keywords, expected };
  });
}

interface CorpusEntry {
  title: string;
  abstract: string;
  categories: string[];
  keywords: string[];
}

let corpusCache: Map<string, CorpusEntry> | undefined;

/** Every paper of data/corpus by arXiv id, HF keywords and arXiv categories merged. */
export function corpusPapers(): Map<string, CorpusEntry> {
  if (corpusCache) return corpusCache;
  const byId = new Map<string, CorpusEntry>();
  const merge = (id: string, e: CorpusEntry) => {
    const old = byId.get(id);
    if (!old) return void byId.set(id, e);
    old.categories = [...new Set([...old.categories, ...e.categories])];
    old.keywords = [...new Set([...old.keywords, ...e.keywords])];
    if (!old.abstract) old.abstract = e.abstract;
  };
  const hfDir = join(CORPUS, 'hf-daily');
  for (const file of readdirSync(hfDir).filter((f) => f.endsWith('.json')).sort()) {
    const { papers } = parseHfDaily(readFileSync(join(hfDir, file), 'utf8'), { source: `hf-daily/${file}`, date: file.slice(0, 10) });
    for (const p of papers) if (p.arxivId) merge(p.arxivId, { title: p.title, abstract: p.abstract, categories: [], keywords: p.keywords ?? [] });
  }
  const arxivDir = join(CORPUS, 'arxiv-listings');
  for (const file of readdirSync(arxivDir).filter((f) => f.endsWith('.jsonl')).sort()) {
    for (const line of readFileSync(join(arxivDir, file), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const item = JSON.parse(line) as { id: string; title: string; abstract: string; categories: string[] };
      merge(item.id, { title: cleanText(item.title), abstract: cleanText(item.abstract), categories: item.categories, keywords: [] });
    }
  }
  corpusCache = byId;
  return byId;
}

/** The extended set joined to the corpus; a record whose paper is not in the corpus is an error naming it. */
export function extendedSet(labelsPath = join(FIXTURES, 'dev-labels-extended.json')): LabelledPaper[] {
  const records = JSON.parse(readFileSync(labelsPath, 'utf8')) as { id: string; title: string; tags: string[] }[];
  const corpus = corpusPapers();
  return records.map((r, i) => {
    const paper = corpus.get(r.id);
    if (!paper) throw new Error(`${labelsPath}: record ${i} (${r.id}, "${r.title}") is not in data/corpus`);
    return { ...paper, expected: r.tags, arxivId: r.id };
  });
}

/** The fixed half of the extended set whose per-paper errors are never used to write rules. */
export const isTuneFree = (arxivId: string): boolean => parseInt(sha256(`tagging-split:${arxivId}`).slice(0, 2), 16) % 2 === 1;

/** The taxonomy plus one topic defined by example: the papers whose titles match `titles` (bench:tag, tag-snapshot). */
export function withExampleTopic(taxonomy: Taxonomy, papers: readonly TagInput[], titles: RegExp): Taxonomy {
  return {
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
        examples: papers.filter((p) => titles.test(p.title)).map((p) => ({ title: p.title, abstract: p.abstract })),
      },
    ],
  };
}
