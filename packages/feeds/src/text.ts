/** Text and URL helpers shared by every renderer: one escaping function per target, no exceptions. */

import { anchorId, escapeHtml, safeUrl, stripNonXmlChars } from '@paperboy/core';

export { anchorId, escapeHtml, safeUrl };

/** Removes every character that XML 1.0 forbids or discourages; everything else is kept as is. */
export const cleanText = stripNonXmlChars;

/** A DOI as an https://doi.org/ link, whether given bare (`10.1234/x`) or as a URL. */
export function doiUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const trimmed = raw.trim();
  if (/^10\.\d{4,9}\//.test(trimmed)) return safeUrl(`https://doi.org/${encodeURI(trimmed).replace(/[?#]/g, encodeURIComponent)}`);
  const doi = /^doi:\s*(10\..+)$/i.exec(trimmed);
  if (doi) return doiUrl(doi[1]);
  return safeUrl(trimmed);
}

/** Ensures a base URL ends with exactly one slash; throws when it is not an absolute http(s) URL. */
export function baseUrl(url: string): string {
  const safe = safeUrl(url);
  if (!safe) throw new Error(`site.url must be an absolute http(s) URL, got ${JSON.stringify(url)}`);
  return safe.endsWith('/') ? safe : `${safe}/`;
}

/** "A", "A and B", "A, B and C". */
export function listProse(items: string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
