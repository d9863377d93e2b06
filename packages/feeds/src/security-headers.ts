/**
 * The security response headers of every page, feed and API answer: one definition, read by the CDK
 * app (CloudFront response headers policy) and by the local gateway, so a browser test of the local
 * site proves the policy the cloud sends.
 */
import { SITE_CSS_HASH } from './layout.js';
import { THUMBNAIL_ORIGINS } from './model.js';
import { SEARCH_SCRIPT_HASH } from './search.js';

/**
 * What the pages need, and nothing more:
 * - one script, the search page's, by hash (every other page works without JavaScript); it fetches the
 *   search index from the same origin (`connect-src 'self'`);
 * - the one inline stylesheet, by hash; pages carry no `style` attributes, so no 'unsafe-inline';
 * - the empty `data:,` favicon of the layout (Chromium checks favicons against img-src), and paper
 *   thumbnails from THUMBNAIL_ORIGINS only;
 * - forms post to the same origin only (`/api/subscribe`, and the API pages' relative actions);
 * - no `<base>`, never framed.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `script-src '${SEARCH_SCRIPT_HASH}'`,
  "connect-src 'self'",
  `style-src '${SITE_CSS_HASH}'`,
  `img-src data: ${THUMBNAIL_ORIGINS.join(' ')}`,
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Two years, HTTPS on this host and its subdomains. Never preloaded: see docs/deploy.md. */
export const HSTS = { maxAgeSeconds: 63_072_000, includeSubDomains: true, preload: false } as const;

/** Links out (arXiv, code, Hugging Face) say nothing of where the reader came from; API URLs carry tokens. */
export const REFERRER_POLICY = 'no-referrer';

export const FRAME_OPTIONS = 'DENY';

/** The headers as sent, lower-case names (the local gateway sends exactly these). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'strict-transport-security': `max-age=${HSTS.maxAgeSeconds}${HSTS.includeSubDomains ? '; includeSubDomains' : ''}${HSTS.preload ? '; preload' : ''}`,
  'x-content-type-options': 'nosniff',
  'referrer-policy': REFERRER_POLICY,
  'x-frame-options': FRAME_OPTIONS,
};
