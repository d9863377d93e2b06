/** Text and URL helpers shared by every renderer: one escaping function per target, no exceptions. */

/**
 * Characters that may not appear in an XML 1.0 document (C0 controls except tab, LF and CR;
 * lone surrogates; U+FFFE and U+FFFF) plus DEL and the C1 controls, which XML 1.0 discourages
 * and which no paper title or abstract means to contain. With the `u` flag a lone surrogate is
 * one unmatched code unit, so it is removed too.
 */
// eslint-disable-next-line no-control-regex
const NOT_XML_CHAR = /[^\t\n\r\u0020-\u007E\u00A0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Removes every character that XML 1.0 forbids or discourages; everything else is kept as is. */
export function cleanText(value: unknown): string {
  return String(value ?? '').replace(NOT_XML_CHAR, '');
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML element content and for single- or double-quoted attribute values.
 * Also drops characters that are not allowed in XML 1.0, so the same HTML can be embedded in feeds.
 */
export function escapeHtml(value: unknown): string {
  return cleanText(value).replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

/**
 * The normalised form of an absolute http(s) URL, or undefined for anything else
 * (javascript:, data:, relative or unparsable input). Never throws.
 */
export function safeUrl(raw: string | undefined | null): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const trimmed = cleanText(raw).trim();
  if (!trimmed) return undefined;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  return url.href;
}

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

/**
 * The HTML id of a paper's card, also the URL fragment that points to it. Paper ids are
 * arXiv ids (`2410.01234`, `hep-th/9901001`) or fingerprints (`t-0123abcd...`); anything outside
 * a conservative set becomes "-" so that the fragment needs no percent-encoding.
 */
export function anchorId(paperId: string): string {
  const id = cleanText(paperId).replace(/[^A-Za-z0-9._-]/g, '-');
  return /^[A-Za-z0-9]/.test(id) ? id : `p${id}`;
}

/** "A", "A and B", "A, B and C". */
export function listProse(items: string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
