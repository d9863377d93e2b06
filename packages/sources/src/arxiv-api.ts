/**
 * arXiv API (`export.arxiv.org/api/query`) Atom responses, in the new (late 2025) and the legacy format.
 * An error is an Atom feed (HTTP 400) holding one entry whose id is under arxiv.org/api/errors;
 * zero results is an empty feed, not a failure.
 */
import { cleanText, type PaperInput } from '@paperboy/core';
import { arxivIdFrom, arxivLinks } from './ids.js';
import { atomText, attr, list, parseXml, textOf, type XmlNode } from './xml.js';
import { healthy, SourceError, type ParseResult, keepIfValid } from './types.js';

export interface ArxivApiPage extends ParseResult {
  total: number;
  startIndex: number;
  itemsPerPage: number;
}

/** arXiv's own error answer: an HTTP 400 whose Atom entry says what was wrong. */
export class ArxivApiError extends SourceError {
  override name = 'ArxivApiError';
}

const child = (node: XmlNode, name: string): unknown => node[`arxiv:${name}`] ?? node[name];
const os = (feed: XmlNode, name: string) => Number(textOf(feed[`opensearch:${name}`]).trim());

export function parseArxivApi(text: string, opts: { source: string; status?: number }): ArxivApiPage {
  const what = `source ${opts.source} (arXiv API)`;
  const doc = parseXml(text, what);
  const feed = doc.feed as XmlNode | undefined;
  if (!feed || typeof feed !== 'object') throw new SourceError(`${what}: not an Atom feed (root element is <${Object.keys(doc).find((k) => !k.startsWith('?')) ?? 'none'}>)`);
  const entries = list(feed.entry) as XmlNode[];
  const errors = entries.filter((e) => /arxiv\.org\/api\/errors/.test(textOf(e.id)));
  if (errors.length > 0 || (opts.status !== undefined && opts.status >= 400)) {
    const message = errors.map((e) => atomText(e.summary)).join('; ') || 'no error message';
    throw new ArxivApiError(`${what}: arXiv rejected the request${opts.status ? ` (HTTP ${opts.status})` : ''}: ${message}`);
  }
  const total = os(feed, 'totalResults');
  const result: ArxivApiPage = {
    papers: [],
    skipped: [],
    total: Number.isFinite(total) ? total : entries.length,
    startIndex: os(feed, 'startIndex') || 0,
    itemsPerPage: os(feed, 'itemsPerPage') || entries.length,
    health: healthy(),
  };
  result.health!.total = result.total;
  if (entries.length === 0) result.health!.notes.push(result.total === 0 ? 'the query has no results' : 'no entries on this page');
  entries.forEach((entry, i) => {
    const rawId = textOf(entry.id).trim();
    const where = `${opts.source} entry ${result.startIndex + i + 1}${rawId ? ` (${rawId})` : ''}`;
    const arxiv = arxivIdFrom(rawId);
    if (!arxiv) {
      result.skipped.push({ where, reason: `id ${JSON.stringify(rawId)} is not an arXiv abs URL` });
      return;
    }
    const links = list(entry.link) as XmlNode[];
    const doi = cleanText(textOf(child(entry, 'doi')));
    const primary = attr(child(entry, 'primary_category'), 'term');
    const categories = [...new Set(list(entry.category).map((c) => attr(c, 'term')).filter((t): t is string => !!t))];
    const comments = cleanText(textOf(child(entry, 'comment')));
    const journalRef = cleanText(textOf(child(entry, 'journal_ref')));
    const pdf = links.find((l) => attr(l, 'title') === 'pdf' || attr(l, 'type') === 'application/pdf');
    const candidate: PaperInput = {
      id: arxiv.id,
      arxivId: arxiv.id,
      ...(arxiv.version ? { version: arxiv.version } : {}),
      // Atom text constructs without a type: plain text, kept character for character (`k < n` stays).
      title: atomText(entry.title),
      abstract: atomText(entry.summary),
      authors: list(entry.author).map((a) => cleanText(textOf((a as XmlNode).name))).filter(Boolean),
      listedOn: textOf(entry.published).trim().slice(0, 10),
      links: {
        ...arxivLinks(arxiv.id),
        ...(pdf && attr(pdf, 'href') ? { pdf: attr(pdf, 'href')!.replace(/^http:/, 'https:').replace(/v\d+$/, '') } : {}),
        ...(doi ? { doi } : {}),
      },
      categories: primary && !categories.includes(primary) ? [primary, ...categories] : categories,
      keywords: [],
      ...(primary ? { primaryCategory: primary } : {}),
      ...(comments ? { comments } : {}),
      ...(journalRef ? { journalRef } : {}),
      source: opts.source,
    };
    keepIfValid(result, candidate, where);
  });
  return result;
}
