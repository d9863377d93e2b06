/**
 * Format rules shared by the feed tests, written from the specs rather than from the implementation:
 * JSON Feed 1.1 as a schema, the date formats of RSS 2.0 and Atom, XML 1.0 well-formedness (saxes),
 * and what a reader must see of a source string.
 */
import { SaxesParser } from 'saxes';
import { z } from 'zod';

/** RFC 3339 date-time (Atom 1.0 section 3.3, JSON Feed 1.1). */
export const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
/** RFC 822 date-time with a four-digit year, as RSS 2.0 asks. */
export const RFC822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} (GMT|[+-]\d{4})$/;

/**
 * XML 1.0 + Namespaces well-formedness errors, from saxes, a parser that reports every one
 * (characters outside the Char production, "]]>" in character data, undefined entities, unbound prefixes).
 */
export function saxesErrors(xml: string): { errors: string[]; text: string } {
  const parser = new SaxesParser({ xmlns: true });
  const errors: string[] = [];
  let text = '';
  parser.on('error', (e: Error) => errors.push(e.message));
  parser.on('text', (t: string) => (text += t));
  parser.write(xml).close();
  return { errors, text };
}

/**
 * What a reader must see of a source string: the string minus what XML 1.0 section 2.2 forbids
 * (plus the discouraged DEL and C1 controls), with surrounding white space trimmed.
 */
export function seen(s: string): string {
  return Array.from(s)
    .filter((ch) => {
      const c = ch.codePointAt(0)!;
      if (c === 0x9 || c === 0xa || c === 0xd) return true;
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return false;
      if (c >= 0xd800 && c <= 0xdfff) return false;
      return c !== 0xfffe && c !== 0xffff;
    })
    .join('')
    .trim();
}

// JSON Feed 1.1, https://www.jsonfeed.org/version/1.1/
const rfc3339 = z.string().regex(RFC3339);
const absUrl = z.string().refine((u) => /^https?:\/\//.test(u) && !!new URL(u), 'absolute http(s) URL');
const author = z.object({ name: z.string().optional(), url: absUrl.optional(), avatar: absUrl.optional() }).refine((a) => a.name || a.url || a.avatar, 'an author needs a name, url or avatar');
const jsonFeedItem = z
  .object({
    id: z.string().min(1),
    url: absUrl.optional(),
    external_url: absUrl.optional(),
    title: z.string().optional(),
    content_html: z.string().optional(),
    content_text: z.string().optional(),
    summary: z.string().optional(),
    image: absUrl.optional(),
    date_published: rfc3339.optional(),
    date_modified: rfc3339.optional(),
    authors: z.array(author).min(1).optional(),
    tags: z.array(z.string()).optional(),
    language: z.string().optional(),
    attachments: z.array(z.object({ url: absUrl, mime_type: z.string(), title: z.string().optional(), size_in_bytes: z.number().optional() })).optional(),
  })
  .catchall(z.unknown())
  .refine((i) => i.content_html !== undefined || i.content_text !== undefined, 'content_html or content_text is required')
  .refine((i) => !('author' in i), 'JSON Feed 1.1 uses authors, not author')
  .refine((i) => Object.keys(i).every((k) => jsonFeedItemKeys.has(k) || /^_[a-z]/i.test(k)), 'unknown key without "_" prefix');
const jsonFeedItemKeys = new Set(['id', 'url', 'external_url', 'title', 'content_html', 'content_text', 'summary', 'image', 'banner_image', 'date_published', 'date_modified', 'authors', 'tags', 'language', 'attachments']);
export const jsonFeed = z
  .object({
    version: z.literal('https://jsonfeed.org/version/1.1'),
    title: z.string().min(1),
    home_page_url: absUrl,
    feed_url: absUrl,
    description: z.string().optional(),
    language: z.string().min(2),
    authors: z.array(author).optional(),
    items: z.array(jsonFeedItem),
  })
  .refine((f) => !('author' in f), 'JSON Feed 1.1 uses authors, not author');

