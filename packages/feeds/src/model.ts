/** The view model shared by the feed and page renderers: papers sorted, cleaned, with every URL resolved. */
import { arxivTitleSearchUrl, compareByRank, compareNewestDayFirst, wholeDays, WHOLE_DAYS_CAP_FACTOR, paperCardPath, paperPermalinkPath, SITE_PATHS, type Paper, type Topic } from '@paperboy/core';
import { anchorId, baseUrl, cleanText, doiUrl, safeUrl } from './text.js';

export interface SiteInfo {
  title: string;
  description: string;
  /** Absolute base URL of the site, such as https://papers.example.com/ (a trailing slash is added if missing). */
  url: string;
  /** BCP 47 language tag, such as "en". */
  language: string;
}

/** Tag URIs (RFC 4151) make item and feed ids that never depend on the host the site is served from. */
export const TAG_PREFIX = 'tag:paperboy,2024:';

export function paperGuid(id: string): string {
  return `${TAG_PREFIX}paper/${encodeTagPart(id)}`;
}

export function feedGuid(kind: 'all' | { topic: string }): string {
  return kind === 'all' ? `${TAG_PREFIX}feed/all` : `${TAG_PREFIX}feed/topic/${encodeTagPart(kind.topic)}`;
}

function encodeTagPart(s: string): string {
  // RFC 4151 specific part: pchar / "/" / "?"; percent-encode everything else.
  return cleanText(s).replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/]/gu, (c) =>
    Array.from(new TextEncoder().encode(c), (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
}

/** Site-relative paths of the public URL contract (core's SITE_PATHS, plus the feeds). */
export const paths = {
  ...SITE_PATHS,
  feed: (scope: FeedScope, format: FeedFormat) =>
    scope === 'all' ? `feeds/all.${FEED_EXT[format]}` : `feeds/topics/${scope.topic}.${FEED_EXT[format]}`,
  opml: 'feeds/index.opml',
};

export type FeedFormat = 'rss' | 'atom' | 'json';
export type FeedScope = 'all' | { topic: string };
export const FEED_EXT: Record<FeedFormat, string> = { rss: 'xml', atom: 'atom', json: 'json' };
export const FEED_TYPE: Record<FeedFormat, string> = {
  rss: 'application/rss+xml',
  atom: 'application/atom+xml',
  json: 'application/feed+json',
};
export const FEED_LABEL: Record<FeedFormat, string> = { rss: 'RSS', atom: 'Atom', json: 'JSON Feed' };

export interface TopicView {
  slug: string;
  name: string;
  description: string;
}

export interface ItemLink {
  kind: 'abs' | 'pdf' | 'code' | 'hf' | 'project' | 'doi';
  label: string;
  url: string;
}

/** One paper, ready to render: text cleaned of characters XML forbids, URLs absolute and http(s) only. */
export interface PaperView {
  id: string;
  anchor: string;
  guid: string;
  title: string;
  abstract: string;
  authors: string[];
  /** How many authors the paper has: more than `authors` when the store kept only the first ones. */
  authorCount: number;
  listedOn: string;
  /** The paper's own page (arXiv abstract, else Hugging Face); undefined when neither is known. */
  pageUrl?: string;
  /** Site-relative link to the paper's own page, which never moves: `papers/<id>/index.html`. */
  permalink: string;
  /** Site-relative link to the paper's card on its listing day's page: `days/<listedOn>/index.html#<anchor>`. */
  cardPath: string;
  /** arXiv's title search, for a paper no source gave an arXiv id (core's `arxivTitleSearchUrl`). */
  searchUrl?: string;
  /** The source's preview image, only from an origin the pages' Content-Security-Policy allows. */
  thumbnail?: string;
  links: ItemLink[];
  upvotes?: number;
  /** The source's one-line TL;DR (Hugging Face's `ai_summary`), when it gives one. */
  summary?: string;
  /** Stars of the code repository (shown beside the Code link). */
  githubStars?: number;
  /** Comments on the source's discussion (Hugging Face). */
  numComments?: number;
  organization?: string;
  topics: TopicView[];
  published: Date;
  updated: Date;
  paper: Paper;
}

const LINK_LABELS: Array<[ItemLink['kind'], string]> = [
  ['abs', 'Abstract'],
  ['pdf', 'PDF'],
  ['code', 'Code'],
  ['hf', 'Hugging Face'],
  ['project', 'Project page'],
  ['doi', 'DOI'],
];

function parseTime(iso: string | undefined): number {
  if (!iso) return Number.NaN;
  return Date.parse(iso);
}

function dayTime(day: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? Date.parse(`${day}T00:00:00Z`) : Number.NaN;
}

/** Newest listing day first; within a day, core's `compareByRank` (one copy in core, shared with private feeds). */
export const comparePapers = compareNewestDayFirst;

/** One copy per id (the most recently updated), sorted with comparePapers. */
export function sortPapers(papers: readonly Paper[]): Paper[] {
  const byId = new Map<string, Paper>();
  for (const p of papers) {
    const seen = byId.get(p.id);
    if (!seen || (parseTime(p.updatedAt) || 0) > (parseTime(seen.updatedAt) || 0)) byId.set(p.id, p);
  }
  return [...byId.values()].sort(comparePapers);
}

/** "1 comment", "1,234 stars". */
export function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

/** A link's label as shown: the code link says how many stars its repository has. */
export function linkLabel(link: ItemLink, item: Pick<PaperView, 'githubStars'>): string {
  return link.kind === 'code' && item.githubStars !== undefined ? `${link.label} (${plural(item.githubStars, 'star')})` : link.label;
}

/**
 * Where pages may load images from (the CSP's img-src): Hugging Face's paper thumbnails. An image
 * from anywhere else is not shown, so a source cannot make readers' browsers call a host of its choice.
 */
export const THUMBNAIL_ORIGINS = ['https://cdn-thumbnails.huggingface.co'] as const;

/** The thumbnail's URL when it is https on an allowed origin, else undefined. */
export function thumbnailUrl(raw: string | undefined): string | undefined {
  const url = safeUrl(raw);
  if (!url) return undefined;
  try {
    return (THUMBNAIL_ORIGINS as readonly string[]).includes(new URL(url).origin) ? url : undefined;
  } catch {
    return undefined;
  }
}

/** A whole, non-negative count, else undefined. */
function count(n: unknown): number | undefined {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.trunc(n) : undefined;
}

export function toPaperView(paper: Paper, topicsBySlug: ReadonlyMap<string, TopicView>): PaperView {
  const links: ItemLink[] = [];
  for (const [kind, label] of LINK_LABELS) {
    const url = kind === 'doi' ? doiUrl(paper.links?.doi) : safeUrl(paper.links?.[kind]);
    if (url && !links.some((l) => l.url === url)) links.push({ kind, label, url });
  }
  const pageUrl = links.find((l) => l.kind === 'abs')?.url ?? links.find((l) => l.kind === 'hf')?.url;
  const listed = dayTime(paper.listedOn);
  const firstSeen = parseTime(paper.firstSeenAt);
  const publishedMs = !Number.isNaN(firstSeen) ? firstSeen : !Number.isNaN(listed) ? listed : 0;
  const updatedMs = parseTime(paper.updatedAt);
  const seenTopics = new Set<string>();
  const topics: TopicView[] = [];
  for (const slug of paper.tags ?? []) {
    const topic = topicsBySlug.get(slug);
    if (topic && !seenTopics.has(slug)) {
      seenTopics.add(slug);
      topics.push(topic);
    }
  }
  const authors = (paper.authors ?? []).map((a) => cleanText(a).trim()).filter(Boolean);
  const upvotes = count(paper.upvotes);
  const summary = cleanText(paper.summary ?? '').trim();
  const organization = cleanText(paper.organization ?? '').trim();
  const search = arxivTitleSearchUrl(paper);
  return {
    id: paper.id,
    anchor: anchorId(paper.id),
    guid: paperGuid(paper.id),
    title: cleanText(paper.title).trim() || paper.id,
    abstract: cleanText(paper.abstract).trim(),
    authors,
    authorCount: Math.max(authors.length, typeof paper.authorCount === 'number' && Number.isFinite(paper.authorCount) ? Math.trunc(paper.authorCount) : 0),
    listedOn: cleanText(paper.listedOn),
    pageUrl,
    permalink: paperPermalinkPath(paper),
    cardPath: paperCardPath(paper),
    ...(search ? { searchUrl: search } : {}),
    ...(thumbnailUrl(paper.thumbnail) ? { thumbnail: thumbnailUrl(paper.thumbnail) } : {}),
    links,
    upvotes,
    ...(summary ? { summary } : {}),
    ...(count(paper.githubStars) !== undefined && links.some((l) => l.kind === 'code') ? { githubStars: count(paper.githubStars) } : {}),
    ...(count(paper.numComments) !== undefined ? { numComments: count(paper.numComments) } : {}),
    ...(organization ? { organization } : {}),
    topics,
    published: new Date(publishedMs),
    updated: new Date(Number.isNaN(updatedMs) ? publishedMs : updatedMs),
    paper,
  };
}

export function topicView(topic: Topic): TopicView {
  return { slug: topic.slug, name: cleanText(topic.name).trim(), description: cleanText(topic.description ?? '').trim() };
}

/** Absolute URL of a site-relative path. */
export function absolute(site: SiteInfo, path: string): string {
  return `${baseUrl(site.url)}${path}`;
}

/** RFC 822 (with the four-digit year of RFC 1123), as RSS 2.0 wants: "Tue, 08 Oct 2024 06:00:00 GMT". */
export function rfc822(date: Date): string {
  return date.toUTCString();
}

/** RFC 3339 in UTC, without fractional seconds when they are zero. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}

/** The newest `updated` of the given papers, or undefined when there are none. */
export function newestUpdate(views: readonly PaperView[]): Date | undefined {
  let max: number | undefined;
  for (const v of views) {
    const t = v.updated.getTime();
    if (max === undefined || t > max) max = t;
  }
  return max === undefined ? undefined : new Date(max);
}

export { wholeDays, WHOLE_DAYS_CAP_FACTOR };
