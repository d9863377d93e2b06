/**
 * The public URL contract of the published site, shared by the renderers (feeds, pages) and the emails,
 * so a link written by one always names an object the other publishes. Paths are site-relative.
 *
 * Pages are published as `<dir>/index.html` and linked by that full key: CloudFront's default root object
 * only covers `/`, so a link to `days/2026-10-08/` would reach no object there.
 */
import { stripNonXmlChars } from './markup.js';

export const SITE_PATHS = {
  index: 'index.html',
  /** Every listing day with its count: the site's archive. */
  archive: 'days/index.html',
  /** One listing day (YYYY-MM-DD): every paper listed that day. */
  day: (day: string) => `days/${day}/index.html`,
  topic: (slug: string) => `topics/${slug}/index.html`,
  /** One ISO week (YYYY-Www): its top papers and its days. */
  week: (week: string) => `weeks/${week}/index.html`,
  /** One topic's papers of one ISO week: the topic's archive, a page per week that never shifts. */
  topicWeek: (slug: string, week: string) => `topics/${slug}/weeks/${week}/index.html`,
  /** One paper's own page, for good: its id made safe for a path (see anchorId). */
  paper: (id: string) => `papers/${anchorId(id)}/index.html`,
} as const;

/**
 * The HTML id of a paper's card, also the URL fragment that points to it. Paper ids are
 * arXiv ids (`2410.01234`, `hep-th/9901001`) or fingerprints (`t-0123abcd...`); anything outside
 * a conservative set becomes "-" so that the fragment needs no percent-encoding.
 */
export function anchorId(paperId: string): string {
  const id = stripNonXmlChars(paperId).replace(/[^A-Za-z0-9._-]/g, '-');
  return /^[A-Za-z0-9]/.test(id) ? id : `p${id}`;
}

/**
 * Site-relative link to a paper's own page: permanent, unlike any rolling page, and independent of the
 * listing day (a paper a source moves to another day keeps its link).
 */
export function paperPermalinkPath(paper: { id: string }): string {
  return SITE_PATHS.paper(paper.id);
}

/** Site-relative link to a paper's card on its listing day's page. */
export function paperCardPath(paper: { id: string; listedOn: string }): string {
  return `${SITE_PATHS.day(paper.listedOn)}#${anchorId(paper.id)}`;
}
