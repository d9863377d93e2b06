/**
 * The CDN's cache of the private feeds, as the use cases see it (the EdgeCache port): what each change
 * invalidates, and how a failed invalidation is reported rather than thrown.
 */
import { PRIVATE_FEED_EDGE, PRIVATE_FEED_PREFIX } from './api-routes.js';
import type { Subscriber } from './model.js';
import type { EdgeCache } from './ports.js';
import { feedToken } from './tokens.js';

/** No CDN in front (a local run without the gateway's edge, most tests): nothing to invalidate. */
export const NO_EDGE: EdgeCache = { invalidate: async () => {} };

/** The ERROR line of a failed invalidation (counted by the Problems alarm). */
export const EDGE_LOG = 'edge invalidation failed; the feeds it names are served from the cache until the next publish or the TTL';

/** The path of a private feed: every format of it is one cached object per `format` under this path. */
export function privateFeedPath(token: string): string {
  return `${PRIVATE_FEED_PREFIX}${token}`;
}

/** Every private feed: what publish invalidates, since each selects from the window it just published. */
export const ALL_PRIVATE_FEEDS = PRIVATE_FEED_EDGE.pathPattern;

/**
 * What drops every cached copy of one private feed: its path and a wildcard. CloudFront keeps one copy per
 * `format` (the cache key's query string), and an invalidation path without `*` names one query string
 * only. Tokens all have 43 characters, so the prefix is no other feed's.
 */
export function feedInvalidationPath(token: string): string {
  return `${privateFeedPath(token)}*`;
}

/** The invalidation path of the subscriber's current private feed, if it has one (its key is set). */
export function currentFeedInvalidation(subscriber: Pick<Subscriber, 'id' | 'feedKey'>, secret: string): string | undefined {
  return subscriber.feedKey ? feedInvalidationPath(feedToken(secret, subscriber.id, subscriber.feedKey)) : undefined;
}

/**
 * An EdgeCache whose failures are reported, not thrown. An invalidation always follows a change that is
 * already stored (an unsubscribe, new preferences, a publish): failing the request would tell the reader
 * that change did not happen, and a retry could not repeat the invalidation (an unsubscribed subscriber's
 * feed path is gone with its key). The feed stays stale until the next publish invalidates every feed, or
 * the edge's TTL (PRIVATE_FEED_EDGE.ttlSeconds) runs out; `report` logs the ERROR line that alarms the owner.
 * It is told how many paths failed, never which: a feed's path is its token, which no log may hold.
 */
export function reportingEdge(edge: EdgeCache, report: (error: unknown, failed: { paths: number; everyFeed: boolean }) => void): EdgeCache {
  return {
    async invalidate(paths) {
      if (!paths.length) return;
      try {
        await edge.invalidate(paths);
      } catch (error) {
        report(error, { paths: paths.length, everyFeed: paths.includes(ALL_PRIVATE_FEEDS) });
      }
    },
  };
}
