/** Links every renderer (site, feeds, emails) gives a paper besides its source's own: one copy each. */
import type { Paper } from './model.js';
import { stripNonXmlChars } from './markup.js';

/** Whether any source gave the paper's arXiv id. Without one its id is a title fingerprint (`t-...`). */
export function hasArxivId(paper: Pick<Paper, 'id' | 'arxivId'>): boolean {
  return Boolean(paper.arxivId) || !paper.id.startsWith('t-');
}

/**
 * arXiv's title search for a paper no source gave an arXiv id (a saved page, a feed without ids), or
 * undefined when it has one: the reader's one step from our copy to the paper on arXiv, if it is there.
 * An "@" becomes a space, so a title that quotes an email address never puts one in a URL (the search
 * splits words on it anyway).
 */
export function arxivTitleSearchUrl(paper: Pick<Paper, 'id' | 'arxivId' | 'title'>): string | undefined {
  if (hasArxivId(paper)) return undefined;
  const title = stripNonXmlChars(paper.title).replace(/@/g, ' ').replace(/\s+/g, ' ').trim();
  return title ? `https://arxiv.org/search/?query=${encodeURIComponent(title)}&searchtype=title` : undefined;
}

/** What the site, the feeds and the emails call these links, so a reader sees one name for each. */
export const PAPER_LINK_LABELS = {
  /** The paper's own page on the site (`paperPermalinkPath`). */
  page: 'Details',
  search: 'Search arXiv by title',
} as const;
