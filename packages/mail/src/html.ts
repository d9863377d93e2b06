/** Small, dependency-free helpers for building email markup safely. */

import { escapeHtml, excerpt, oneLine, safeUrl } from '@paperboy/core';

export { escapeHtml, safeUrl };

/** Like safeUrl, but throws: for URLs the email cannot go out without (unsubscribe, confirm, ...). */
export function requireUrl(raw: string, what: string): string {
  const url = safeUrl(raw);
  if (!url) throw new Error(`${what} must be an absolute http(s) URL, got ${JSON.stringify(raw)}`);
  return url;
}

/** An anchor, or just the escaped label when the URL is not an allowed http(s) URL. */
export function link(href: string | undefined, label: string, style = ''): string {
  const url = safeUrl(href);
  if (!url) return escapeHtml(label);
  const styleAttr = style ? ` style="${style}"` : '';
  return `<a href="${escapeHtml(url)}"${styleAttr}>${escapeHtml(label)}</a>`;
}

/** Collapse whitespace and drop control characters (keeps text parts and subjects on one line): core's one copy. */
export { oneLine };

/** Text cut at a word boundary: core's one copy. */
export { excerpt };

/** "A", "A and B", "A, B and C". */
export function listProse(items: string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** First three authors then "et al." when there are more. */
export function authorLine(authors: string[], keep = 3): string {
  const names = authors.map(oneLine).filter(Boolean);
  if (names.length <= keep) return names.join(', ');
  return `${names.slice(0, keep).join(', ')} et al.`;
}

export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Ensure a base URL ends with exactly one slash. */
export function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
