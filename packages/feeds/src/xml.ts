/**
 * A small XML 1.0 writer for the feeds (RSS, Atom, OPML).
 *
 * Why not the `feed` package's writer (feed@6.0.0 over xml-js): measured here, it
 *  - splits only the FIRST "]]>" inside CDATA, so a title with two of them ends the CDATA early
 *    and the document is not well-formed;
 *  - passes control characters such as U+0001 through, which no XML 1.0 parser accepts;
 *  - "desanitises" text (`&amp;` -> `&` before escaping), so a title that really says "&amp;"
 *    reaches the reader as "&";
 *  - writes Atom titles as `type="html"` CDATA without HTML-escaping, so a title containing
 *    "<script>" is markup to the reader rather than text;
 *  - writes RSS `<author>` with a bare name where RSS 2.0 wants an email address.
 * This writer escapes all text and attribute values (no CDATA at all), removes characters XML 1.0
 * forbids, and emits a fixed attribute order and indentation so that the output is byte-stable.
 */
import { cleanText } from './text.js';

export type XmlAttrs = ReadonlyArray<readonly [name: string, value: string | number | undefined]>;

export interface XmlElement {
  name: string;
  attrs?: XmlAttrs;
  /** Text (escaped when written) or child elements; undefined children are skipped. */
  children?: ReadonlyArray<XmlElement | string | undefined | false>;
}

/** Escapes character data. `>` is escaped too, so "]]>" can never appear literally. CR survives as a reference. */
export function escapeXmlText(value: unknown): string {
  return cleanText(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;');
}

/** Escapes an attribute value for double quotes; whitespace other than space survives attribute normalisation. */
export function escapeXmlAttr(value: unknown): string {
  return escapeXmlText(value).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}

/** Shorthand for an element: el('title', 'text'), el('link', [['href', url]]), el('channel', [...children]). */
export function el(name: string, ...rest: Array<XmlAttrs | XmlElement['children'] | string | undefined>): XmlElement {
  let attrs: XmlAttrs | undefined;
  let children: Array<XmlElement | string | undefined | false> = [];
  for (const part of rest) {
    if (part === undefined) continue;
    if (typeof part === 'string') children.push(part);
    else if (isAttrs(part)) attrs = part;
    else children = children.concat(part);
  }
  return { name, attrs, children };
}

function isAttrs(part: XmlAttrs | XmlElement['children']): part is XmlAttrs {
  return Array.isArray(part) && part.length > 0 && part.every((p) => Array.isArray(p) && typeof p[0] === 'string' && p.length === 2);
}

function writeAttrs(attrs: XmlAttrs | undefined): string {
  if (!attrs) return '';
  let out = '';
  for (const [name, value] of attrs) {
    if (value === undefined) continue;
    out += ` ${name}="${escapeXmlAttr(String(value))}"`;
  }
  return out;
}

function write(node: XmlElement, depth: number, out: string[]): void {
  const pad = '  '.repeat(depth);
  const open = `${node.name}${writeAttrs(node.attrs)}`;
  const children = (node.children ?? []).filter((c): c is XmlElement | string => c !== undefined && c !== false);
  if (children.length === 0) {
    out.push(`${pad}<${open}/>`);
    return;
  }
  if (children.every((c) => typeof c === 'string')) {
    out.push(`${pad}<${open}>${children.map(escapeXmlText).join('')}</${node.name}>`);
    return;
  }
  out.push(`${pad}<${open}>`);
  for (const child of children) {
    if (typeof child === 'string') out.push(`${pad}  ${escapeXmlText(child)}`);
    else write(child, depth + 1, out);
  }
  out.push(`${pad}</${node.name}>`);
}

/** Serialises a document: XML declaration, the root element, a final newline. */
export function xmlDocument(root: XmlElement): string {
  const out = ['<?xml version="1.0" encoding="utf-8"?>'];
  write(root, 0, out);
  return `${out.join('\n')}\n`;
}
