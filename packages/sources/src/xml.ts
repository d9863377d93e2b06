/** Strict XML reading shared by the arXiv and feed parsers: a broken document is a clear error, never a quiet empty day. */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { leadingDay } from '@paperboy/core';
import { SourceError } from './types.js';

const ARRAYS = new Set(['entry', 'item', 'link', 'author', 'category', 'dc:creator', 'contributor']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  // Ids such as 2202.12139 must stay strings.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: true,
  isArray: (name) => ARRAYS.has(name),
});

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
  const valid = XMLValidator.validate(head);
  if (valid !== true) {
    const e = valid.err;
    throw new SourceError(`${what}: malformed XML at line ${e.line}, column ${e.col}: ${e.msg} (truncated or not a feed?)`);
  }
  return parser.parse(head) as XmlNode;
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
