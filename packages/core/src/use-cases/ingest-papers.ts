/** Use case: store what a source delivered. Tags, merges with what is stored, writes only changes. */
import type { Paper, PaperInput } from '../model.js';
import type { Clock, PaperRepository } from '../ports.js';
import { sha256 } from '../text.js';

export interface PaperTagger {
  tag(paper: { title: string; abstract: string; categories?: string[]; keywords?: string[] }): { tags: string[] };
}

export interface IngestCounts {
  received: number;
  new: number;
  updated: number;
  unchanged: number;
  conflicts: number;
  /** Ids of new papers, for the summary. */
  newIds: string[];
  /** Papers written (new or changed) per topic they were tagged with. */
  tagged: Record<string, number>;
}

/** Reader-visible content; its hash tells a changed paper from an unchanged one. */
export function contentHashOf(p: Omit<Paper, 'contentHash' | 'firstSeenAt' | 'updatedAt'>): string {
  const { id, arxivId, version, title, abstract, authors, listedOn, links, categories, keywords, upvotes, tags, sources } = p;
  return sha256(JSON.stringify({ id, arxivId, version, title, abstract, authors, listedOn, links, categories, keywords, upvotes, tags, sources }));
}

const richer = (a: string | undefined, b: string | undefined) => ((b?.length ?? 0) > (a?.length ?? 0) ? b : a);

/**
 * Merges a source's record into the stored one. A thinner record never blanks a richer field;
 * the earliest listing day is kept, so a re-listing (an arXiv replacement, a snapshot ingested again) is not new.
 */
export function mergePaper(previous: Paper | undefined, input: PaperInput, tags: string[], now: string): Paper {
  const { source, ...fields } = input;
  const base: Omit<Paper, 'contentHash'> = previous
    ? {
        ...previous,
        arxivId: previous.arxivId ?? fields.arxivId,
        version: Math.max(previous.version ?? 0, fields.version ?? 0) || undefined,
        title: fields.title || previous.title,
        abstract: richer(previous.abstract, fields.abstract) ?? '',
        authors: fields.authors.length ? fields.authors : previous.authors,
        listedOn: previous.listedOn < fields.listedOn ? previous.listedOn : fields.listedOn,
        links: { ...previous.links, ...definedOnly(fields.links) },
        categories: fields.categories.length ? fields.categories : previous.categories,
        keywords: fields.keywords.length ? fields.keywords : previous.keywords,
        upvotes: fields.upvotes ?? previous.upvotes,
        tags,
        sources: [...new Set([...previous.sources, source])].sort(),
        updatedAt: previous.updatedAt,
      }
    : { ...fields, links: definedOnly(fields.links), tags, sources: [source], firstSeenAt: now, updatedAt: now };
  const contentHash = contentHashOf(base);
  if (previous && contentHash !== previous.contentHash) base.updatedAt = now;
  return { ...base, contentHash };
}

function definedOnly<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as T;
}

export async function ingestPapers(
  inputs: PaperInput[],
  deps: { papers: PaperRepository; tagger: PaperTagger; clock: Clock; onProgress?: (done: number, total: number) => void },
): Promise<IngestCounts> {
  const counts: IngestCounts = { received: inputs.length, new: 0, updated: 0, unchanged: 0, conflicts: 0, newIds: [], tagged: {} };
  let done = 0;
  for (const input of inputs) {
    const previous = await deps.papers.get(input.id);
    const merged = { ...input, abstract: richer(previous?.abstract, input.abstract) ?? '' };
    const { tags } = deps.tagger.tag({ title: input.title, abstract: merged.abstract, categories: input.categories, keywords: input.keywords });
    const paper = mergePaper(previous, input, tags, deps.clock.now().toISOString());
    if (previous && paper.contentHash === previous.contentHash) {
      counts.unchanged++;
    } else if (await deps.papers.put(paper, previous)) {
      for (const t of paper.tags) counts.tagged[t] = (counts.tagged[t] ?? 0) + 1;
      if (previous) counts.updated++;
      else {
        counts.new++;
        counts.newIds.push(paper.id);
      }
    } else {
      counts.conflicts++;
    }
    deps.onProgress?.(++done, inputs.length);
  }
  return counts;
}
