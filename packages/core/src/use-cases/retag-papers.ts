/** Use case: after a taxonomy change, bring stored tags and topic memberships up to date, writing only changes. */
import type { Paper } from '../model.js';
import type { Clock, PaperRepository } from '../ports.js';
import { contentHashOf, type PaperTagger } from './ingest-papers.js';

export interface RetagCounts {
  scanned: number;
  changed: number;
  unchanged: number;
  conflicts: number;
  /** Per topic: papers that gained it (+) and lost it (-). */
  gained: Record<string, number>;
  lost: Record<string, number>;
}

export async function retagPapers(deps: {
  papers: PaperRepository;
  tagger: PaperTagger;
  clock: Clock;
  onProgress?: (done: number) => void;
}): Promise<RetagCounts> {
  const counts: RetagCounts = { scanned: 0, changed: 0, unchanged: 0, conflicts: 0, gained: {}, lost: {} };
  for await (const paper of deps.papers.scanAll()) {
    counts.scanned++;
    const { tags } = deps.tagger.tag(paper);
    const same = tags.length === paper.tags.length && tags.every((t, i) => t === paper.tags[i]);
    if (same) {
      counts.unchanged++;
    } else {
      const { contentHash: _old, ...rest } = paper;
      void _old;
      const now = deps.clock.now().toISOString();
      const retagged: Omit<Paper, 'contentHash'> = { ...rest, tags, updatedAt: now, retaggedAt: now };
      if (await deps.papers.put({ ...retagged, contentHash: contentHashOf(retagged) }, paper)) {
        counts.changed++;
        for (const t of tags) if (!paper.tags.includes(t)) counts.gained[t] = (counts.gained[t] ?? 0) + 1;
        for (const t of paper.tags) if (!tags.includes(t)) counts.lost[t] = (counts.lost[t] ?? 0) + 1;
      } else {
        counts.conflicts++;
      }
    }
    deps.onProgress?.(counts.scanned);
  }
  return counts;
}
