/** Escaping and URL checks shared by every renderer (site, feeds, email): one implementation each. */

/**
 * Characters that may not appear in an XML 1.0 document (C0 controls except tab, LF and CR;
 * lone surrogates; U+FFFE and U+FFFF) plus DEL and the C1 controls, which XML 1.0 discourages
 * and which no paper title or abstract means to contain. With the `u` flag a lone surrogate is
 * one unmatched code unit, so it is removed too.
 */
// eslint-disable-next-line no-control-regex
const NOT_XML_CHAR = /[^\t\n\r\u0020-\u007E\u00A0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Removes every character that XML 1.0 forbids or discourages; everything else is kept as is. */
export function stripNonXmlChars(value: unknown): string {
  return String(value ?? '').replace(NOT_XML_CHAR, '');
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML element content and for single- or double-quoted attribute values.
 * Also drops characters that are not allowed in XML 1.0, so the same HTML can be embedded in feeds.
 */
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[&<>"']|[^\t\n\r\u0020-\u007E\u00A0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

export function escapeHtml(value: unknown): string {
  const s = String(value ?? '');
  // Most text needs nothing: one test instead of two replaces (0.37 ms of a 53-paper digest; bench:digest).
  if (!NEEDS_ESCAPE.test(s)) return s;
  return stripNonXmlChars(s).replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

/**
 * The normalised form of an absolute http(s) URL, or undefined for anything else
 * (javascript:, data:, mailto:, relative or unparsable input). Never throws.
 */
export function safeUrl(raw: string | undefined | null): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const trimmed = stripNonXmlChars(raw).trim();
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
