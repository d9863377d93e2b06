/** Use case: store what a source delivered. Tags, merges with what is stored, writes only changes. */
import type { Paper, PaperInput } from '../model.js';
import type { Clock, PaperRepository, PaperWrite } from '../ports.js';
import { sha256, titleFingerprint } from '../text.js';

export interface PaperTagger {
  tag(paper: { title: string; abstract: string; categories?: string[]; keywords?: string[] }): { tags: string[] };
}

export interface IngestCounts {
  received: number;
  new: number;
  updated: number;
  unchanged: number;
  conflicts: number;
  /** Replacements (update-only items) of papers that were never stored: not news, so not stored. */
  ignored: number;
  /** Ids of new papers, for the summary. */
  newIds: string[];
  /** Papers written (new or changed) per topic they were tagged with. */
  tagged: Record<string, number>;
  /** Items the store refused (too large even after trimming): skipped alone, with the reason. */
  rejected: { id: string; reason: string }[];
}

/** Reader-visible content; its hash tells a changed paper from an unchanged one. */
export function contentHashOf(p: Omit<Paper, 'contentHash' | 'firstSeenAt' | 'updatedAt'>): string {
  const { id, arxivId, version, title, abstract, authors, listedOn, links, categories, keywords, upvotes, tags, sources, primaryCategory, comments, journalRef, authorCount } = p;
  const { summary, githubStars, numComments, organization, thumbnail } = p;
  // Fields added later come last and are left out when undefined, so older records keep their hash.
  return sha256(JSON.stringify({ id, arxivId, version, title, abstract, authors, listedOn, links, categories, keywords, upvotes, tags, sources, primaryCategory, comments, journalRef, authorCount, summary, githubStars, numComments, organization, thumbnail }));
}

const richer = (a: string | undefined, b: string | undefined) => ((b?.length ?? 0) > (a?.length ?? 0) ? b : a);

/**
 * Merges a source's record into the stored one. A thinner record never blanks a richer field;
 * the earliest listing day is kept, so a re-listing (an arXiv replacement, a snapshot ingested again) is not new.
 */
export interface MergeOptions {
  /** Upvotes that make a stored paper "trending" (digest.trendingUpvotes): crossing them sets `trendingAt`. */
  trendingUpvotes?: number;
}

export function mergePaper(previous: Paper | undefined, input: PaperInput, tags: string[], now: string, options: MergeOptions = {}): Paper {
  const { source, updateOnly, ...fields } = input;
  void updateOnly;
  // Merge rules that converge: re-running the same inputs, in any order, changes nothing the second time.
  // A strictly newer arXiv version is authoritative; otherwise what is stored stays and the input only fills gaps.
  const newer = previous !== undefined && fields.version !== undefined && fields.version > (previous.version ?? 0);
  const pick = <T,>(stored: T | undefined, incoming: T | undefined, has: (v: T | undefined) => boolean): T | undefined =>
    newer ? (has(incoming) ? incoming : stored) : has(stored) ? stored : incoming;
  const nonEmpty = (v: { length: number } | undefined) => (v?.length ?? 0) > 0;
  const base: Omit<Paper, 'contentHash'> = previous
    ? {
        ...previous,
        arxivId: previous.arxivId ?? fields.arxivId,
        version: Math.max(previous.version ?? 0, fields.version ?? 0) || undefined,
        title: pick(previous.title, fields.title, nonEmpty) ?? '',
        // Without versions on both sides, the richer abstract wins (a thinner record never blanks a richer one).
        abstract: (newer || previous.version !== undefined ? pick(previous.abstract, fields.abstract, nonEmpty) : richer(previous.abstract, fields.abstract)) ?? '',
        authors: pick(previous.authors, fields.authors, nonEmpty) ?? [],
        authorCount: pick(previous.authors, fields.authors, nonEmpty) === fields.authors ? fields.authorCount : previous.authorCount,
        listedOn: previous.listedOn < fields.listedOn ? previous.listedOn : fields.listedOn,
        // Code and project links change upstream after listing, and only a live listing tracks them (Hugging Face's,
        // the one source with upvotes): there the latest wins, like upvotes. Links read from a saved page only fill gaps,
        // so running both sources converges.
        links: {
          ...(newer ? { ...previous.links, ...definedOnly(fields.links) } : { ...definedOnly(fields.links), ...previous.links }),
          ...(fields.upvotes !== undefined ? definedOnly({ code: fields.links.code, project: fields.links.project }) : {}),
        },
        categories: pick(previous.categories, fields.categories, nonEmpty) ?? [],
        keywords: fields.keywords.length ? fields.keywords : previous.keywords,
        upvotes: fields.upvotes ?? previous.upvotes,
        // Where the paper was listed when first seen. Not part of the content hash: a listing that
        // reshuffles through the day (new papers join, upvotes move them) is not a change to the paper.
        rank: previous.rank ?? fields.rank,
        primaryCategory: pick(previous.primaryCategory, fields.primaryCategory, nonEmpty),
        comments: pick(previous.comments, fields.comments, nonEmpty),
        journalRef: pick(previous.journalRef, fields.journalRef, nonEmpty),
        // What a live listing tracks (Hugging Face's summary, stars, comments, organisation, thumbnail):
        // the latest wins, like upvotes; a source without them never blanks them.
        summary: fields.summary ?? previous.summary,
        githubStars: fields.githubStars ?? previous.githubStars,
        numComments: fields.numComments ?? previous.numComments,
        organization: fields.organization ?? previous.organization,
        thumbnail: fields.thumbnail ?? previous.thumbnail,
        tags,
        ...(sameTopics(previous.tags, tags) ? {} : { retaggedAt: now }),
        sources: [...new Set([...previous.sources, source])].sort(),
        updatedAt: previous.updatedAt,
      }
    : { ...fields, links: definedOnly(fields.links), tags, sources: [source], firstSeenAt: now, updatedAt: now };
  const contentHash = contentHashOf(base);
  if (previous && contentHash !== previous.contentHash) {
    base.updatedAt = now;
    // Follow-ups: the moment a stored paper got its code, or passed the trending line, each noted once.
    if (!previous.links.code && base.links.code && !previous.codeAddedAt) base.codeAddedAt = now;
    const line = options.trendingUpvotes;
    if (line !== undefined && (previous.upvotes ?? 0) < line && (base.upvotes ?? 0) >= line && !previous.trendingAt) base.trendingAt = now;
  }
  return { ...base, contentHash };
}

/** Same topics, in any order. */
export function sameTopics(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((t) => b.includes(t));
}

function definedOnly<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as T;
}

/** Inputs looked up and written together: one BatchGetItem of ids (100 keys) and one write batch. */
const CHUNK = 100;

/**
 * Stores what a source delivered. Reads the stored records in batches, resolves each item to the record
 * it belongs to (same id, or the same normalised title: a snapshot record and an arXiv record of one paper
 * meet), merges, and writes only what changed, a chunk at a time (`PaperRepository.putMany`). An unchanged
 * re-run writes nothing.
 */
export async function ingestPapers(
  inputs: PaperInput[],
  deps: { papers: PaperRepository; tagger: PaperTagger; clock: Clock; merge?: MergeOptions; onProgress?: (done: number, total: number) => void },
): Promise<IngestCounts> {
  const counts: IngestCounts = { received: inputs.length, new: 0, updated: 0, unchanged: 0, conflicts: 0, ignored: 0, newIds: [], tagged: {}, rejected: [] };
  /** Stored records seen in this run, by stored id, kept current as we write. */
  const stored = new Map<string, Paper>();
  /** Any key (an id or a title fingerprint) -> the stored id it resolves to. */
  const known = new Map<string, string>();
  const askedTitle = new Set<string>();
  const remember = (p: Paper, ...keys: string[]) => {
    stored.set(p.id, p);
    for (const k of [p.id, titleFingerprint(p.title), ...keys]) known.set(k, p.id);
  };
  /** The stored record an input belongs to, from what the chunk's batched reads found. */
  const resolve = (input: PaperInput): Paper | undefined => {
    const direct = known.get(input.id);
    if (direct) return stored.get(direct);
    const fp = titleFingerprint(input.title);
    const viaTitle = known.has(fp) ? stored.get(known.get(fp)!) : undefined;
    // Two different arXiv papers can share a title ("Erratum"); they stay apart.
    if (viaTitle && viaTitle.arxivId && input.arxivId && viaTitle.arxivId !== input.arxivId) return undefined;
    return viaTitle;
  };

  /** Writes waiting to be stored together, and every key (ids, title fingerprints) that would resolve to one of them. */
  let batch: { write: PaperWrite; inputId: string }[] = [];
  const batchKeys = new Set<string>();
  let done = 0;
  let decided = 0;
  const flush = async () => {
    const outcomes = batch.length ? await deps.papers.putMany(batch.map((b) => b.write)) : [];
    batch.forEach(({ write: { paper, previous }, inputId }, i) => {
      const outcome = outcomes[i]!;
      if (outcome.status === 'written') {
        remember(paper, inputId);
        for (const t of paper.tags) counts.tagged[t] = (counts.tagged[t] ?? 0) + 1;
        if (previous) counts.updated++;
        else {
          counts.new++;
          counts.newIds.push(paper.id);
        }
      } else if (outcome.status === 'conflict') {
        counts.conflicts++;
      } else {
        // Refused by the store (too large even after trimming): skipped alone, and the run goes on.
        counts.rejected.push({ id: paper.id, reason: outcome.reason });
      }
    });
    batch = [];
    batchKeys.clear();
    while (done < decided) {
      done++;
      deps.onProgress?.(done, inputs.length);
    }
  };

  for (let i = 0; i < inputs.length; i += CHUNK) {
    const chunk = inputs.slice(i, i + CHUNK);
    const ids = chunk.map((p) => p.id).filter((id) => !known.has(id));
    for (const p of await deps.papers.getMany(ids)) remember(p);
    // Items not found by id may be stored under their title (a snapshot record, or an arXiv record behind its alias).
    const fingerprints = [...new Set(chunk.filter((p) => !known.has(p.id)).map((p) => titleFingerprint(p.title)))].filter((fp) => !known.has(fp) && !askedTitle.has(fp));
    for (const fp of fingerprints) askedTitle.add(fp);
    if (fingerprints.length) for (const p of (await deps.papers.findManyByTitleKey(fingerprints)).values()) remember(p);
    for (const input of chunk) {
      // An item of a paper already waiting in the batch (the same id twice, or an HF and an arXiv record of one
      // paper) merges with what that write stores: write the batch first, as one paper at a time would have.
      let previous = resolve(input);
      if ([input.id, titleFingerprint(input.title), previous?.id].some((k) => k !== undefined && batchKeys.has(k))) {
        await flush();
        previous = resolve(input);
      }
      if (!previous && input.updateOnly) {
        counts.ignored++;
      } else {
        const now = deps.clock.now().toISOString();
        const draft = mergePaper(previous, input, previous?.tags ?? [], now, deps.merge);
        const { tags } = deps.tagger.tag({ title: draft.title, abstract: draft.abstract, categories: draft.categories, keywords: draft.keywords });
        const paper = mergePaper(previous, input, tags, now, deps.merge);
        if (previous && paper.contentHash === previous.contentHash) {
          counts.unchanged++;
        } else {
          batch.push({ write: { paper, previous }, inputId: input.id });
          for (const k of [paper.id, input.id, titleFingerprint(paper.title), ...(previous ? [previous.id, titleFingerprint(previous.title)] : [])]) batchKeys.add(k);
        }
      }
      decided++;
    }
    await flush();
  }
  return counts;
}
