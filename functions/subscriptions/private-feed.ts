/**
 * The private feeds' route of the subscriptions API: `GET /api/feed/<token>?format=rss|atom|json`.
 * CloudFront keeps each answer until publish or a change to the subscriber invalidates it
 * (PRIVATE_FEED_EDGE), so this runs about once per feed per publish, not once per poll.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { isFeedToken, publishedFeedWindow, PRIVATE_FEED_FORMATS, PRIVATE_FEED_PREFIX, privateFeedUrls, readPrivateFeed, type PrivateFeedFormat } from '@paperboy/core';
import { renderPrivateFeed, SECURITY_HEADERS } from '@paperboy/feeds';
import type { BaseRuntime } from '../commons/runtime.js';

type Result = APIGatewayProxyStructuredResultV2;

/**
 * How long the reader's own cache may keep a feed, seconds. `private`: no shared cache but the site's own CDN,
 * which keeps it by its cache policy (its minimum TTL overrides this header) and drops it on invalidation.
 */
export const PRIVATE_FEED_MAX_AGE = 300;

export function privateFeedRoute(rt: BaseRuntime) {
  const site = () => ({ ...rt.config.owner.site, url: rt.config.siteUrl });
  // The papers every private feed selects from, read once per publish by a warm container.
  const deps = { subscribers: rt.subscribers, feedTokens: rt.feedTokens, window: publishedFeedWindow(rt.papers, rt.runs, rt.config.owner.feeds.maxItems) };
  const text = (status: number, body: string, headers: Record<string, string> = {}): Result => ({
    statusCode: status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...SECURITY_HEADERS, ...headers },
    body,
  });

  /** `path`: `/api/feed` (the first form of the address, with `?token=`) or `/api/feed/<token>`. */
  return async (path: string, query: URLSearchParams): Promise<Result> => {
    const format = (query.get('format') ?? 'rss') as PrivateFeedFormat;
    if (!PRIVATE_FEED_FORMATS.includes(format)) return text(400, `format must be one of ${PRIVATE_FEED_FORMATS.join(', ')}`);
    if (path === '/api/feed') {
      // Addresses from before the token moved into the path: readers follow a permanent redirect and keep the new URL.
      const token = query.get('token') ?? '';
      if (!isFeedToken(token)) return text(404, 'This feed address is not valid.');
      return text(301, 'This feed has moved.', { location: privateFeedUrls(rt.config.siteUrl, token)[format] });
    }
    const token = path.slice(PRIVATE_FEED_PREFIX.length);
    const answer = await readPrivateFeed(token, deps);
    if (answer.status === 'not-found') return text(404, 'This feed address is not valid: it was replaced by a new one, or the subscription ended.');
    if (answer.status === 'gone') return text(410, 'This subscription has ended, and its feed with it.');
    const feed = renderPrivateFeed(
      {
        site: site(),
        topics: rt.config.taxonomy.topics,
        items: answer.items,
        urls: privateFeedUrls(rt.config.siteUrl, token),
        feedId: answer.tokenHash.slice(0, 32),
        emptyUpdated: new Date(answer.subscriber.confirmedAt ?? answer.subscriber.createdAt),
      },
      format,
    );
    return { statusCode: 200, headers: { 'content-type': feed.contentType, 'cache-control': `private, max-age=${PRIVATE_FEED_MAX_AGE}`, ...SECURITY_HEADERS }, body: feed.body };
  };
}
