/**
 * Any feed the owner wants to follow: RSS 2.0, Atom 1.0 or JSON Feed 1.x. An item whose link or id is an
 * arXiv abs URL gets the arXiv id (so it merges with other sources); otherwise the title fingerprint.
 */
import { cleanText, htmlToText, type PaperInput } from '@paperboy/core';
import { arxivIdFrom, arxivLinks, stableId } from './ids.js';
import { atomText, attr, dayOf, list, parseXml, textOf, type XmlNode } from './xml.js';
import { healthy, SourceError, type ParseResult, keepIfValid } from './types.js';

export interface FeedOptions {
  source: string;
  /** Day used for items without a date. */
  listedOn: string;
}

/** One item, its title and summary already plain text (each read as its format says: see readRssItem). */
interface RawItem {
  title: string;
  link?: string;
  id?: string;
  summary: string;
  authors: string[];
  date?: string;
  categories: string[];
}

export function parseFeed(text: string, opts: FeedOptions): ParseResult {
  const what = `source ${opts.source} (feed)`;
  const head = text.replace(/^\uFEFF/, '').trimStart();
  let format: string;
  let raw: RawItem[];
  if (head.startsWith('{')) {
    format = 'JSON Feed';
    raw = readJsonFeed(head, what);
  } else {
    const doc = parseXml(head, what);
    if (doc.rss) {
      format = 'RSS';
      const channel = (doc.rss as XmlNode).channel as XmlNode | undefined;
      if (!channel) throw new SourceError(`${what}: RSS without <channel>`);
      raw = (list(channel.item) as XmlNode[]).map(readRssItem);
    } else if (doc.feed) {
      format = 'Atom';
      raw = (list((doc.feed as XmlNode).entry) as XmlNode[]).map(readAtomEntry);
    } else if (doc['rdf:RDF']) {
      format = 'RSS 1.0';
      raw = (list((doc['rdf:RDF'] as XmlNode).item) as XmlNode[]).map(readRssItem);
    } else {
      const root = Object.keys(doc).find((k) => !k.startsWith('?')) ?? 'none';
      throw new SourceError(`${what}: not an RSS, Atom or JSON feed (root element <${root}>)`);
    }
  }
  const result: ParseResult = { papers: [], skipped: [], health: healthy(raw.length === 0 ? [`the ${format} has no items`] : []) };
  const seen = new Set<string>();
  raw.forEach((item, i) => {
    const where = `${opts.source} item ${i + 1}${item.link ? ` (${item.link})` : ''}`;
    const title = item.title;
    if (!title) {
      result.skipped.push({ where, reason: 'item has no title' });
      return;
    }
    const arxiv = arxivIdFrom(item.link) ?? arxivIdFrom(item.id);
    const id = stableId(title, arxiv?.id);
    if (seen.has(id)) {
      result.skipped.push({ where, reason: `duplicate of an earlier item (${id})` });
      return;
    }
    const link = item.link && /^https?:\/\//.test(item.link) ? item.link : undefined;
    const candidate: PaperInput = {
      id,
      ...(arxiv ? { arxivId: arxiv.id, ...(arxiv.version ? { version: arxiv.version } : {}) } : {}),
      title,
      abstract: cleanText(item.summary.replace(/^\s*arXiv:\S+\s+Announce Type:\s*[a-z-]+\s*Abstract:/i, '')),
      authors: item.authors.map(cleanText).filter(Boolean),
      listedOn: dayOf(item.date) ?? opts.listedOn,
      links: arxiv ? arxivLinks(arxiv.id) : link ? { abs: link } : {},
      categories: [...new Set(item.categories.map((c) => c.trim()).filter(Boolean))],
      keywords: [],
      source: opts.source,
    };
    if (keepIfValid(result, candidate, where)) seen.add(id);
  });
  return result;
}

/**
 * RSS 2.0 and 1.0: the title is plain text (the RSS Best Practices Profile allows HTML in an item's
 * description only), XML-decoded once by the parser and never again, so `&amp;lt;` reads `&lt;`;
 * `description` and `content:encoded` are HTML.
 */
function readRssItem(item: XmlNode): RawItem {
  const creators = list(item['dc:creator']).map(textOf);
  const author = textOf(item.author);
  return {
    title: cleanText(textOf(item.title)),
    link: textOf(item.link).trim() || undefined,
    id: textOf(item.guid).trim() || undefined,
    summary: htmlToText(textOf(item.description) || textOf(item['content:encoded'])),
    authors: creators.length ? creators.flatMap((c) => c.split(/\s*,\s*|\s+and\s+/)) : author ? [author.replace(/^\S+@\S+\s*\((.*)\)$/, '$1')] : [],
    date: textOf(item.pubDate) || textOf(item['dc:date']) || undefined,
    categories: list(item.category).map(textOf),
  };
}

/** Atom: title, summary and content read by their `type` (text, html or xhtml). */
function readAtomEntry(entry: XmlNode): RawItem {
  const links = list(entry.link) as XmlNode[];
  const alternate = links.find((l) => (attr(l, 'rel') ?? 'alternate') === 'alternate') ?? links[0];
  return {
    title: atomText(entry.title),
    link: attr(alternate, 'href'),
    id: textOf(entry.id).trim() || undefined,
    summary: atomText(entry.summary) || atomText(entry.content),
    authors: list(entry.author).map((a) => textOf((a as XmlNode).name)),
    date: textOf(entry.published) || textOf(entry.updated) || undefined,
    categories: list(entry.category).map((c) => attr(c, 'term') ?? textOf(c)),
  };
}

function readJsonFeed(text: string, what: string): RawItem[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new SourceError(`${what}: not valid JSON (${(err as Error).message}); the response may be truncated`);
  }
  const feed = data as { version?: unknown; items?: unknown };
  if (typeof feed.version !== 'string' || !/jsonfeed\.org\/version\/1/.test(feed.version) || !Array.isArray(feed.items)) {
    throw new SourceError(`${what}: JSON but not a JSON Feed (no "version": "https://jsonfeed.org/version/1.1" and "items")`);
  }
  return (feed.items as Record<string, unknown>[]).map((it) => {
    const str = (v: unknown) => (typeof v === 'string' ? v : '');
    const authors = Array.isArray(it.authors) ? it.authors : it.author ? [it.author] : [];
    // JSON Feed: `title`, `summary` and `content_text` are plain text; `content_html` is HTML.
    return {
      title: cleanText(str(it.title)),
      link: str(it.url) || str(it.external_url) || undefined,
      id: str(it.id) || undefined,
      summary: cleanText(str(it.summary) || str(it.content_text)) || htmlToText(str(it.content_html)),
      authors: authors.map((a) => str((a as { name?: unknown })?.name)),
      date: str(it.date_published) || str(it.date_modified) || undefined,
      categories: Array.isArray(it.tags) ? it.tags.map(str) : [],
    };
  });
}
