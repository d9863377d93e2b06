/**
 * Use cases of a subscriber's private feed: what it holds, the token in its URL, issuing that token once,
 * and revoking it. The feed holds the papers of the public feeds' window (the newest whole listing days
 * of the all-papers feed) that the subscriber's follows match, with the reasons, in the public feeds' order.
 * It selects with `followMatcher`, the one rule the digest uses too.
 */
import { followMatcher, type Follows, type MatchReason } from '../follows.js';
import type { Paper, Subscriber } from '../model.js';
import type { EdgeCache, FeedTokenRepository, PaperRepository, RandomBytes, RunLog, SubscriberRepository } from '../ports.js';
import type { RunRecord } from '../model.js';
import { ALL_PRIVATE_FEEDS, currentFeedInvalidation, privateFeedPath } from '../edge-cache.js';
import { compareNewestDayFirst, wholeDays } from '../ranking.js';
import { feedToken, hashFeedToken, isFeedToken, newFeedKey } from '../tokens.js';

export type PrivateFeedFormat = 'rss' | 'atom' | 'json';
export const PRIVATE_FEED_FORMATS: readonly PrivateFeedFormat[] = ['rss', 'atom', 'json'];

export interface PrivateFeedItem {
  paper: Paper;
  reasons: MatchReason[];
}

/**
 * The papers of the window that `follows` match, newest day first and ranked within a day as the public
 * feeds are. `windowPapers` are the public feeds' window (`privateFeedWindow`).
 */
export function selectPrivateFeed(follows: Follows, windowPapers: readonly Paper[]): PrivateFeedItem[] {
  const matcher = followMatcher(follows);
  return [...windowPapers]
    .sort(compareNewestDayFirst)
    .filter((p) => matcher.matches(p))
    .map((paper) => ({ paper, reasons: matcher.reasons(paper) }));
}

/** The public all-papers feed's window: its newest whole listing days, at least `maxItems` papers. */
export async function privateFeedWindow(papers: Pick<PaperRepository, 'listLatest'>, maxItems: number): Promise<Paper[]> {
  const latest = await papers.listLatest(maxItems);
  const byId = new Map<string, Paper>();
  for (const p of latest) byId.set(p.id, p);
  return wholeDays([...byId.values()].sort(compareNewestDayFirst), maxItems);
}

/**
 * The window as the latest publish left it, read again only when another publish has run: every feed a warm
 * container serves meanwhile selects from the same papers. Keyed on the latest publish run (one small read a
 * request), never on time: behind the edge a feed is kept until the next publish invalidates it, so it must
 * not be built from papers read before that publish. Publish records its run before it invalidates the feeds
 * (`recordPublish`), so a request the invalidation lets through always sees the new run.
 */
export function publishedFeedWindow(papers: Pick<PaperRepository, 'listLatest'>, runs: Pick<RunLog, 'latest'>, maxItems: number): () => Promise<Paper[]> {
  let cached: { mark: string; window: Promise<Paper[]> } | undefined;
  return async () => {
    const latest = await runs.latest('publish');
    const mark = latest ? `${latest.startedAt} ${latest.finishedAt}` : '';
    if (cached?.mark !== mark) {
      const entry = { mark, window: privateFeedWindow(papers, maxItems) };
      entry.window.catch(() => cached === entry && (cached = undefined));
      cached = entry;
    }
    return cached.window;
  };
}

/**
 * The end of a publish: its run recorded, then every private feed dropped from the edge, in this order (see
 * `publishedFeedWindow`). Every run invalidates, a retry included: one wildcard path, free up to 1,000 a month.
 */
export async function recordPublish(run: RunRecord, deps: { runs: Pick<RunLog, 'record'>; edge: EdgeCache }): Promise<void> {
  await deps.runs.record(run);
  await deps.edge.invalidate([ALL_PRIVATE_FEEDS]);
}

/**
 * The URL of a private feed in each format: `/api/feed/<token>?format=…`. The token is the only thing that
 * names the subscriber, and it is in the path so that one invalidation of `/api/feed/<token>` drops every
 * format of that feed at the edge (the format is the cache key's query string).
 */
export function privateFeedUrls(siteUrl: string, token: string): Record<PrivateFeedFormat, string> {
  const u = (format: PrivateFeedFormat) => `${siteUrl}${privateFeedPath(encodeURIComponent(token)).slice(1)}?format=${format}`;
  return { rss: u('rss'), atom: u('atom'), json: u('json') };
}

export interface FeedTokenDeps {
  subscribers: SubscriberRepository;
  feedTokens: FeedTokenRepository;
  secret: string;
  randomBytes: RandomBytes;
}

/**
 * The subscriber's feed token, issued on first use. Safe to run again and at once: the lookup item is
 * written first (a crash after it leaves an item no subscriber's hash vouches for), then the key is set only
 * if none is (conditional), and the loser of a race reads the winner's key. The same key always gives the
 * same token, so a retried digest links the feed the first attempt linked. Undefined when not active.
 */
export async function ensureFeedToken(subscriber: Subscriber, deps: FeedTokenDeps): Promise<string | undefined> {
  if (subscriber.status !== 'active') return undefined;
  if (subscriber.feedKey && subscriber.feedTokenHash) return feedToken(deps.secret, subscriber.id, subscriber.feedKey);
  const key = newFeedKey(deps.randomBytes);
  const token = feedToken(deps.secret, subscriber.id, key);
  const hash = hashFeedToken(token);
  await deps.feedTokens.put(hash, subscriber.id);
  if (await deps.subscribers.setFeedKey(subscriber.id, key, hash, undefined)) return token;
  await deps.feedTokens.delete(hash);
  const now = await deps.subscribers.get(subscriber.id);
  return now?.status === 'active' && now.feedKey && now.feedTokenHash ? feedToken(deps.secret, now.id, now.feedKey) : undefined;
}

/**
 * A new feed token for the subscriber; the old one answers "not found" from the moment the subscriber's
 * hash changes, and the CDN (`edge`) is told to drop its copy of the old address. Undefined when the subscriber is not active.
 */
export async function revokeFeedToken(subscriberId: string, deps: FeedTokenDeps & { edge: EdgeCache }): Promise<string | undefined> {
  const subscriber = await deps.subscribers.get(subscriberId);
  if (!subscriber || subscriber.status !== 'active') return undefined;
  const key = newFeedKey(deps.randomBytes);
  const token = feedToken(deps.secret, subscriber.id, key);
  const hash = hashFeedToken(token);
  await deps.feedTokens.put(hash, subscriber.id);
  if (!(await deps.subscribers.setFeedKey(subscriber.id, key, hash, subscriber.feedTokenHash))) {
    await deps.feedTokens.delete(hash);
    // Another revocation (or an unsubscribe) came first: try once more from what it left.
    const now = await deps.subscribers.get(subscriberId);
    return now?.status === 'active' && now.feedKey ? feedToken(deps.secret, now.id, now.feedKey) : undefined;
  }
  if (subscriber.feedTokenHash) await deps.feedTokens.delete(subscriber.feedTokenHash);
  // The old address answers 404 at the origin from the moment the hash changed; now at the edge too.
  const oldPath = currentFeedInvalidation(subscriber, deps.secret);
  if (oldPath) await deps.edge.invalidate([oldPath]);
  return token;
}

export type PrivateFeedAnswer =
  | { status: 'ok'; subscriber: Subscriber; items: PrivateFeedItem[]; tokenHash: string }
  /** Not a token, or not the current token of any subscriber (revoked, or the subscriber left and its feed went with it). */
  | { status: 'not-found' }
  /** The token is current but the subscriber is no longer active (unsubscribed or suppressed). */
  | { status: 'gone' };

export interface PrivateFeedDeps {
  subscribers: Pick<SubscriberRepository, 'get'>;
  feedTokens: Pick<FeedTokenRepository, 'find'>;
  /** The public feeds' window (privateFeedWindow, or publishedFeedWindow). */
  window: () => Promise<Paper[]>;
}

/** What the private feed of `token` holds now. */
export async function readPrivateFeed(token: string, deps: PrivateFeedDeps): Promise<PrivateFeedAnswer> {
  if (!isFeedToken(token)) return { status: 'not-found' };
  const hash = hashFeedToken(token);
  const id = await deps.feedTokens.find(hash);
  const subscriber = id ? await deps.subscribers.get(id) : undefined;
  if (!subscriber || subscriber.feedTokenHash !== hash) return { status: 'not-found' };
  if (subscriber.status !== 'active') return { status: 'gone' };
  return { status: 'ok', subscriber, items: selectPrivateFeed(subscriber, await deps.window()), tokenHash: hash };
}
