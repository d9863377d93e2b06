import type { Freshness } from './freshness.js';
import type { SourceHealth } from './source-health.js';
/** Domain types shared by every stage. */

export type Frequency = 'daily' | 'weekly';
export type SubscriberStatus = 'pending' | 'active' | 'unsubscribed' | 'suppressed';

/** A paper as a source delivers it, after normalisation but before tagging. */
export interface PaperInput {
  /** Stable id: the bare arXiv id when known, else `t-<fingerprint of the normalised title>`. */
  id: string;
  arxivId?: string;
  version?: number;
  title: string;
  abstract: string;
  /** At most MAX_STORED_AUTHORS names, in the source's order. */
  authors: string[];
  /** How many authors the source listed, when there were more than were kept (large collaborations). */
  authorCount?: number;
  /** Day the paper was listed on, YYYY-MM-DD. */
  listedOn: string;
  links: PaperLinks;
  categories: string[];
  keywords: string[];
  upvotes?: number;
  /**
   * Where the source listed the item in its day (1 = first), as on a Daily Papers page. Papers without
   * upvotes (a saved page has none) keep the source's order by it; see `compareByRank`.
   */
  rank?: number;
  /** arXiv primary category, e.g. cs.LG. */
  primaryCategory?: string;
  /** Author comments (arXiv), e.g. "12 pages, 4 figures". */
  comments?: string;
  /** Journal reference (arXiv). */
  journalRef?: string;
  /** A one-line TL;DR the source gives for free (Hugging Face's `ai_summary`). */
  summary?: string;
  /** Stars of the paper's code repository, as the source counts them. */
  githubStars?: number;
  /** Comments on the source's discussion of the paper (Hugging Face). */
  numComments?: number;
  /** The organisation the source lists the paper under (Hugging Face's `organization.fullname`). */
  organization?: string;
  /** The source's preview image of the paper (Hugging Face's social thumbnail), http(s). */
  thumbnail?: string;
  source: string;
  /**
   * Only update a paper that is already stored; never create one. Set for arXiv replacements
   * (announce types the owner does not count as new): they refresh the version but are not news.
   */
  updateOnly?: boolean;
}

export interface PaperLinks {
  abs?: string;
  pdf?: string;
  code?: string;
  hf?: string;
  project?: string;
  doi?: string;
}

/** A stored paper. */
export interface Paper extends Omit<PaperInput, 'source' | 'updateOnly'> {
  tags: string[];
  sources: string[];
  /** ISO time the store first saw it. */
  firstSeenAt: string;
  updatedAt: string;
  /**
   * When its topics last changed after it was first stored (a later record brought arXiv categories or
   * keywords, or the owner retagged). A digest takes it then for readers of a topic it newly has.
   */
  retaggedAt?: string;
  /** Hash of the fields that readers see; a changed hash means a changed paper. */
  contentHash: string;
  /** When a code link first appeared on a paper stored without one (follow-ups: "code released"). */
  codeAddedAt?: string;
  /** When its upvotes first reached `digest.trendingUpvotes` after it was stored below it (follow-ups: "now trending"). */
  trendingAt?: string;
}

export interface Subscriber {
  id: string;
  email: string;
  status: SubscriberStatus;
  topics: string[];
  /** Keyword phrases followed besides the topics (matched as in follows.ts). */
  keywords?: string[];
  /** Author names followed besides the topics (matched by normalised name, follows.ts). */
  authors?: string[];
  frequency: Frequency;
  createdAt: string;
  confirmedAt?: string;
  unsubscribedAt?: string;
  /** Why the address was suppressed (hard bounce, complaint). */
  suppressedReason?: string;
  /** sha256 of the pending confirm token; the token itself is never stored. */
  confirmTokenHash?: string;
  confirmExpiresAt?: string;
  /** sha256 of the token that confirmed the subscription, so a second click finds "already confirmed". */
  confirmedTokenHash?: string;
  /** ISO time of the previous digest sent; papers first seen after it are new to this subscriber. */
  lastDigestAt?: string;
  /**
   * Follow-ups on papers already sent (code released, now trending), once each, under "Updates":
   * `digest` in a digest sent anyway, `always` also as a reason to send one. Absent: none.
   */
  followUps?: FollowUpChoice;
  /** Random key of the private feed (tokens.ts: the feed token is derived from it and the link secret, never stored). */
  feedKey?: string;
  /** `hashFeedToken` of the current private feed token: the only token that reads the feed. */
  feedTokenHash?: string;
}

export type FollowUpChoice = 'digest' | 'always';

export interface RunRecord {
  kind: string;
  startedAt: string;
  finishedAt: string;
  counts: Record<string, number>;
  errors: string[];
  /** Per-source health of an ingest run. */
  sources?: SourceRunReport[];
}

export interface SourceRunReport {
  source: string;
  fetched: number;
  new: number;
  updated: number;
  unchanged: number;
  skipped: number;
  /** Why items were skipped (first few). */
  skippedReasons: string[];
  error?: string;
  /** Zero items where some were expected (e.g. a weekday). */
  empty: boolean;
  /** The upstream document is older than it should be. */
  stale: boolean;
  /** The upstream answered 304 Not Modified. */
  notModified?: boolean;
  notes: string[];
}

/** What a fetcher remembers about a source between runs (conditional GET validators). */
export interface SourceState {
  etag?: string;
  lastModified?: string;
  /** The URL the validators belong to. */
  url?: string;
  /** Sources read day by day and page by page (Hugging Face): each day of the lookback window, by YYYY-MM-DD. */
  days?: Record<string, ListingDayState>;
  /** Whether the source still brings new papers (see freshness.ts). */
  freshness?: Freshness;
  /** Failing or quiet, for the sentences readers see (see source-health.ts). */
  health?: SourceHealth;
  updatedAt: string;
}

/** One listing day as the last successful run read it. */
export interface ListingDayState {
  /** The page size the pages were read with; another size reads the day afresh. */
  limit: number;
  pages: ListingPageState[];
}

export interface ListingPageState {
  etag?: string;
  lastModified?: string;
  /** sha256 of the page's items as parsed: tells an unchanged page when the server ignores conditional requests. */
  hash: string;
  /** Items on the page; a page shorter than the limit is the day's last. */
  count: number;
}

export interface SiteObject {
  key: string;
  body: string;
  contentType: string;
  cacheControl: string;
}

export interface EmailMessage {
  to: string;
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
}
