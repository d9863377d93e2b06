/** Rule-based topic tagger (first version; the tagging work deepens it). */
import type { Taxonomy } from './taxonomy.js';

export interface TagInput {
  title: string;
  abstract: string;
  categories?: string[];
  keywords?: string[];
}

export interface TagResult {
  tags: string[];
}

export function tagPaper(paper: TagInput, taxonomy: Taxonomy): TagResult {
  const title = paper.title.toLowerCase();
  const abstract = paper.abstract.toLowerCase();
  const scored = taxonomy.topics
    .map((topic) => {
      let score = 0;
      for (const p of topic.phrases) {
        const phrase = (typeof p === 'string' ? p : p.phrase).toLowerCase();
        const weight = typeof p === 'string' ? 1 : p.weight;
        if (title.includes(phrase)) score += weight * taxonomy.titleWeight;
        if (abstract.includes(phrase)) score += weight;
      }
      return { slug: topic.slug, score };
    })
    .filter((t) => t.score >= taxonomy.threshold)
    .sort((a, b) => b.score - a.score || a.slug.localeCompare(b.slug))
    .slice(0, taxonomy.maxTags);
  return { tags: scored.map((t) => t.slug) };
}
