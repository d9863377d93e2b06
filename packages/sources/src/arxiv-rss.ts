/**
 * arXiv RSS (`rss.arxiv.org/rss/<cat>+<cat>`): one feed per announcement day. Each item carries
 * `arxiv:announce_type` (new, cross, replace, replace-cross); the description is
 * "arXiv:<id>v<N> Announce Type: <type> \nAbstract: <abstract>". An empty holiday feed is normal;
 * a feed whose pubDate is older than the expected announcement day is stale.
 * Title and description are plain text (arXiv escapes `<` once, for XML: `V_max&lt;17.5`), so they are
 * kept character for character, never read as HTML.
 */
import { cleanText, type PaperInput } from '@paperboy/core';
import { arxivIdFrom, arxivLinks } from './ids.js';
import { dayOfRfc822, list, parseXml, textOf, type XmlNode } from './xml.js';
import { SourceError, type ParseResult, keepIfValid } from './types.js';

export type AnnounceType = 'new' | 'cross' | 'replace' | 'replace-cross';

export interface ArxivRssOptions {
  source: string;
  /** Announce types that count as new papers; the others only update stored papers. Default new and cross. */
  announceTypes?: readonly AnnounceType[];
  /** The announcement day the feed should describe (see expectedAnnouncementDay); older is stale. */
  expectedDay?: string;
}

/** Splits `dc:creator` ("A, B, C and D") into names. */
export function splitAuthors(creators: string): string[] {
  return creators
    .split(/\s*,\s*|\s+and\s+/)
    .map((a) => cleanText(a))
    .filter(Boolean);
}

export function parseArxivRss(text: string, opts: ArxivRssOptions): ParseResult {
  const what = `source ${opts.source} (arXiv RSS)`;
  const doc = parseXml(text, what);
  const channel = (doc.rss as XmlNode | undefined)?.channel as XmlNode | undefined;
  if (!channel) throw new SourceError(`${what}: not an RSS 2.0 feed (no <rss><channel>)`);
  const wanted = new Set(opts.announceTypes ?? ['new', 'cross']);
  const feedDay = dayOfRfc822(textOf(channel.pubDate)) ?? dayOfRfc822(textOf(channel.lastBuildDate));
  const result: ParseResult = { papers: [], skipped: [], health: { empty: false, stale: false, notes: [] } };
  const health = result.health!;
  if (opts.expectedDay && feedDay && feedDay < opts.expectedDay) {
    health.stale = true;
    health.notes.push(`feed pubDate ${feedDay} is older than the expected announcement day ${opts.expectedDay}`);
  }
  const items = list(channel.item) as XmlNode[];
  if (items.length === 0 && !health.stale) health.notes.push(`no announcements on ${feedDay ?? 'this day'} (a holiday or weekend is normal)`);
  let updateOnly = 0;
  items.forEach((item, i) => {
    const description = textOf(item.description);
    const guid = textOf(item.guid).trim();
    const head = /^\s*arXiv:(\S+)\s+Announce Type:\s*([a-z-]+)/i.exec(description);
    const arxiv = arxivIdFrom(guid) ?? arxivIdFrom(head?.[1]) ?? arxivIdFrom(textOf(item.link));
    const where = `${opts.source} item ${i + 1}${arxiv ? ` (${arxiv.id})` : guid ? ` (${guid})` : ''}`;
    if (!arxiv) {
      result.skipped.push({ where, reason: 'no arXiv id in guid, description or link' });
      return;
    }
    const type = (textOf(item['arxiv:announce_type']).trim() || head?.[2] || 'new').toLowerCase();
    if (!['new', 'cross', 'replace', 'replace-cross'].includes(type)) {
      result.skipped.push({ where, reason: `unknown announce type ${JSON.stringify(type)}` });
      return;
    }
    const abstractMatch = /Abstract:\s*([\s\S]*)$/.exec(description);
    const categories = [...new Set(list(item.category).map((c) => textOf(c).trim()).filter(Boolean))];
    const doi = cleanText(textOf(item['arxiv:DOI'] ?? item['arxiv:doi']));
    const isUpdateOnly = !wanted.has(type as AnnounceType);
    if (isUpdateOnly) updateOnly++;
    const candidate: PaperInput = {
      id: arxiv.id,
      arxivId: arxiv.id,
      ...(arxiv.version ? { version: arxiv.version } : {}),
      title: cleanText(textOf(item.title)),
      abstract: cleanText(abstractMatch ? abstractMatch[1]! : description.replace(/^\s*arXiv:\S+\s+Announce Type:\s*[a-z-]+/i, '')),
      authors: list(item['dc:creator']).flatMap((c) => splitAuthors(textOf(c))),
      listedOn: dayOfRfc822(textOf(item.pubDate)) ?? feedDay ?? '',
      links: { ...arxivLinks(arxiv.id), ...(doi ? { doi } : {}) },
      categories,
      keywords: [],
      ...(categories[0] ? { primaryCategory: categories[0] } : {}),
      source: opts.source,
      ...(isUpdateOnly ? { updateOnly: true } : {}),
    };
    keepIfValid(result, candidate, where);
  });
  if (updateOnly) health.notes.push(`${updateOnly} item(s) of announce types not counted as new (${[...wanted].join(', ')} are): they only update stored papers`);
  return result;
}

/**
 * The announcement day an arXiv RSS feed fetched at `now` should describe: arXiv announces
 * Sunday to Thursday at 20:00 US Eastern, and the feed is dated the following weekday.
 * On a weekend the latest feed is Friday's.
 */
export function expectedAnnouncementDay(now: Date): string {
  const eastern = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  const d = new Date(`${eastern}T00:00:00Z`);
  const dow = d.getUTCDay();
  if (dow === 6) d.setUTCDate(d.getUTCDate() - 1);
  if (dow === 0) d.setUTCDate(d.getUTCDate() - 2);
  return d.toISOString().slice(0, 10);
}
