/**
 * The API paths of the public URL contract, all served by the `subscriptions` function: shared by the CDK
 * app (which routes exactly these) and by whatever checks a link to them (the simulation's link checker).
 */
export interface ApiRoute {
  method: 'GET' | 'HEAD' | 'POST';
  path: string;
  /** Query parameters a link to this route must carry (a GET link from an email or a page). */
  query: readonly string[];
}

export const API_ROUTES: readonly ApiRoute[] = [
  // Opened in a browser, it redirects to the form.
  { method: 'GET', path: '/api/subscribe', query: [] },
  { method: 'POST', path: '/api/subscribe', query: [] },
  // The emailed link opens a page with a Confirm button (link scanners open every link); the button posts
  // the token in the form body, so the confirming URL carries none.
  { method: 'GET', path: '/api/confirm', query: ['token'] },
  { method: 'POST', path: '/api/confirm', query: [] },
  { method: 'GET', path: '/api/unsubscribe', query: ['token'] },
  // RFC 8058 one-click: the same URL as the GET link, POSTed.
  { method: 'POST', path: '/api/unsubscribe', query: [] },
  { method: 'GET', path: '/api/preferences', query: ['token'] },
  // Also carries the private feed's "new address" button (form field action=new-feed-url).
  { method: 'POST', path: '/api/preferences', query: [] },
  // A subscriber's private feed: /api/feed/<token>?format=rss|atom|json (rss when absent), cached at the edge.
  { method: 'GET', path: '/api/feed/{token}', query: [] },
  // CloudFront passes a HEAD it has no copy for to the origin as a HEAD: answered as the GET is.
  { method: 'HEAD', path: '/api/feed/{token}', query: [] },
  // The first form of its address (/api/feed?token=…&format=…), still in earlier digests and readers: a
  // permanent redirect to the one above.
  { method: 'GET', path: '/api/feed', query: ['token'] },
];

/** The private feeds' path prefix: `${PRIVATE_FEED_PREFIX}<token>`. */
export const PRIVATE_FEED_PREFIX = '/api/feed/';

/**
 * How CloudFront keeps the private feeds: each `/api/feed/<token>` (one cached copy per `format`) for up to
 * `ttlSeconds`. Publish invalidates them all (`pathPattern`) and every change to one subscriber's feed (new
 * preferences, a new address, unsubscribing, suppression) invalidates its path, so the TTL only bounds how
 * long a failed invalidation can leave a feed stale. The local gateway's edge keeps them the same way.
 */
export const PRIVATE_FEED_EDGE = { pathPattern: `${PRIVATE_FEED_PREFIX}*`, ttlSeconds: 86_400, cacheKeyQuery: ['format'] } as const;

/** The route a path matches: `{name}` segments of a route's path match any one non-empty segment. */
export function matchesRoutePath(routePath: string, path: string): boolean {
  const want = routePath.split('/');
  const got = path.split('/');
  return want.length === got.length && want.every((w, i) => (/^\{\w+\}$/.test(w) ? got[i] !== '' : w === got[i]));
}
