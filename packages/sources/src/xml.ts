/** Strict XML reading shared by the arXiv and feed parsers: a broken document is a clear error, never a quiet empty day. */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { decodeHTML, decodeXML } from 'entities';
import { cleanText, htmlToText, leadingDay } from '@paperboy/core';
import { SourceError } from './types.js';

const ARRAYS = new Set(['entry', 'item', 'link', 'author', 'category', 'dc:creator', 'contributor']);

// Atom's text constructs are kept as their raw XML (stop nodes) and read by their `type` (atomText): an
// `xhtml` one holds markup that the parser would otherwise take apart into unordered children.
const ATOM_TEXT = ['title', 'summary', 'content', 'rights', 'subtitle'];

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  // Ids such as 2202.12139 must stay strings.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // The XML level decodes each character reference once: the five XML entities, numeric references
  // (fast-xml-parser 5 decodes those only with `htmlEntities`), and undeclared HTML named ones, which
  // withHtmlEntitiesAsNumbers has already turned into numeric references (see there). `&amp;lt;` is
  // the text `&lt;`; whether that text is then HTML is for the field (RSS description yes, title no).
  processEntities: true,
  htmlEntities: true,
  stopNodes: ATOM_TEXT.map((name) => `feed.entry.${name}`),
  isArray: (name) => ARRAYS.has(name),
});

const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);
const CDATA_OR_COMMENT = /(<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->)/;

/**
 * Feeds use HTML's named entities (`&eacute;`, `&mdash;`) without declaring them, which strict XML
 * rejects and fast-xml-parser would leave as literal text. Undeclared, such a reference can only mean the
 * HTML character, so it becomes a numeric reference before parsing and is decoded once, like any
 * other: every HTML5 name (the `entities` library). CDATA sections and comments are left as they are.
 */
function withHtmlEntitiesAsNumbers(xml: string): string {
  const declared = new Set([...xml.matchAll(/<!ENTITY\s+([A-Za-z_][\w.-]*)/g)].map((m) => m[1]!));
  return xml
    .split(CDATA_OR_COMMENT)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part.replace(/&([A-Za-z][A-Za-z0-9]{1,31});/g, (ref, name: string) => {
            if (XML_ENTITIES.has(name) || declared.has(name)) return ref;
            const chars = decodeHTML(ref);
            return chars === ref ? ref : [...chars].map((c) => `&#${c.codePointAt(0)};`).join('');
          }),
    )
    .join('');
}

/** Character data as XML means it: CDATA sections literally, references decoded once, comments out. */
export function xmlCharacterData(raw: string): string {
  return raw
    .split(CDATA_OR_COMMENT)
    .map((part, i) => (i % 2 === 0 ? decodeXML(part) : part.startsWith('<![CDATA[') ? part.slice(9, -3) : ''))
    .join('');
}

/**
 * An Atom text construct (title, summary, content; also arXiv's) as plain text, read by its `type`:
 * `text` (the default) is plain text, kept character for character; `html` is escaped HTML; `xhtml` is
 * markup inline. See docs/sources.md (Normalisation).
 */
export function atomText(node: unknown): string {
  const type = (attr(node, 'type') ?? 'text').toLowerCase();
  const raw = textOf(node);
  if (type === 'xhtml' || type === 'application/xhtml+xml') return htmlToText(raw, { xml: true });
  const text = xmlCharacterData(raw);
  return type === 'html' || type === 'text/html' ? htmlToText(text) : cleanText(text);
}

export type XmlNode = Record<string, unknown>;

/** Rejects HTML pages, non-XML and truncated XML with a message that says what was received and where it broke. */
export function parseXml(text: string, what: string): XmlNode {
  const head = text.replace(/^\uFEFF/, '').trimStart();
  if (head.length === 0) throw new SourceError(`${what}: the response is empty`);
  if (/^(<!doctype html|<html[\s>])/i.test(head)) {
    const title = /<title[^>]*>([^<]{0,120})/i.exec(head)?.[1]?.trim();
    throw new SourceError(`${what}: got an HTML page instead of a feed${title ? ` ("${title}")` : ''}`);
  }
  if (!head.startsWith('<')) throw new SourceError(`${what}: not XML (starts with ${JSON.stringify(head.slice(0, 40))})`);
  const xml = withHtmlEntitiesAsNumbers(head);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    const e = valid.err;
    throw new SourceError(`${what}: malformed XML at line ${e.line}, column ${e.col}: ${e.msg} (truncated or not a feed?)`);
  }
  return parser.parse(xml) as XmlNode;
}

/** The text of an element, whether it came out as a string or as { '#text': ... } because it has attributes. */
export function textOf(node: unknown): string {
  if (node == null) return '';
  if (typeof node === 'string') return node;
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (Array.isArray(node)) return textOf(node[0]);
  if (typeof node === 'object') return textOf((node as XmlNode)['#text']);
  return '';
}

export function attr(node: unknown, name: string): string | undefined {
  if (node && typeof node === 'object' && !Array.isArray(node)) {
    const v = (node as XmlNode)[`@_${name}`];
    return typeof v === 'string' ? v : undefined;
  }
  return undefined;
}

export function list(node: unknown): unknown[] {
  if (node == null) return [];
  return Array.isArray(node) ? node : [node];
}

/** "Thu, 24 Sep 2026 00:00:00 -0400" -> "2026-09-24", the calendar day as written (in the feed's own offset). */
export function dayOfRfc822(value: string): string | undefined {
  const m = /(\d{1,2})\s+(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\s+(\d{4})/i.exec(value);
  if (!m) return undefined;
  const month = 'janfebmaraprmayjunjulaugsepoctnovdec'.indexOf(m[2]!.slice(0, 3).toLowerCase()) / 3 + 1;
  return `${m[3]}-${String(month).padStart(2, '0')}-${m[1]!.padStart(2, '0')}`;
}

/** An ISO 8601 or RFC 822 date -> its calendar day as written, else undefined. Whether it is a real day is for validation. */
export function dayOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  return leadingDay(value) ?? dayOfRfc822(value);
}
