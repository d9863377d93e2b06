/**
 * A local stand-in for arXiv's RSS (`rss.arxiv.org/rss/<cat>+<cat>`) that renders saved real listings
 * (`data/corpus/arxiv-listings/YYYY-MM-DD.jsonl`, see data/corpus/PROVENANCE.md) as arXiv's RSS 2.0 feed:
 * one feed per announcement day, dated that day at midnight US Eastern, with `arxiv:announce_type` and the
 * "arXiv:<id>v<N> Announce Type: <type> \nAbstract: ..." description. A day without a listing (a weekend, a
 * holiday) is the channel without items, as arXiv serves it.
 *
 * The saved listings do not record the announce type or version, so both are derived: `new` when the first
 * category is one of the feed's, `cross` otherwise (replacements were never saved), and version 1.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addDays, instantInZone, sha256, weekdayOf, zoneOffsetMs } from '@paperboy/core';

/** The saved listings shipped with the project. */
export const ARXIV_CORPUS_DIR = join(import.meta.dirname, '..', '..', '..', '..', 'data', 'corpus', 'arxiv-listings');

/** One saved listing line. */
export interface ArxivListingItem {
  id: string;
  title: string;
  abstract: string;
  authors: string[];
  categories: string[];
  announce_type: string | null;
}

/** Every saved listing in `dir`, by its announcement day. */
export function readArxivListings(dir: string = ARXIV_CORPUS_DIR): Map<string, ArxivListingItem[]> {
  const days = new Map<string, ArxivListingItem[]>();
  for (const file of readdirSync(dir).filter((f) => /^\d{4}-\d{2}-\d{2}\.jsonl$/.test(f)).sort()) {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n').filter((l) => l.trim());
    days.set(file.slice(0, 10), lines.map((l) => JSON.parse(l) as ArxivListingItem));
  }
  return days;
}

const EASTERN = 'America/New_York';
const DAY_NAMES = { SUN: 'Sun', MON: 'Mon', TUE: 'Tue', WED: 'Wed', THU: 'Thu', FRI: 'Fri', SAT: 'Sat' } as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The day a feed fetched at `now` describes: arXiv announces at 20:00 US Eastern for the next day. */
export function feedDayAt(now: Date): string {
  const eastern = new Intl.DateTimeFormat('en-CA', { timeZone: EASTERN, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  return now.getTime() >= instantInZone(eastern, '20:00', EASTERN).getTime() ? addDays(eastern, 1) : eastern;
}

/** `Mon, 12 Oct 2026 00:00:00 -0400`: midnight of `day` in US Eastern, as arXiv dates its feeds. */
function easternMidnight(day: string): string {
  const offset = zoneOffsetMs(instantInZone(day, '00:00', EASTERN), EASTERN) / 60_000;
  const sign = offset < 0 ? '-' : '+';
  const hhmm = `${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}${String(Math.abs(offset) % 60).padStart(2, '0')}`;
  const [y, m, d] = day.split('-');
  return `${DAY_NAMES[weekdayOf(day)]}, ${d} ${MONTHS[Number(m) - 1]} ${y} 00:00:00 ${sign}${hhmm}`;
}

const escapeXml = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** The feed of `categories` for `day`: the listing's items that carry one of them, new before cross. */
export function renderArxivRss(categories: string[], day: string, listing: ArxivListingItem[]): string {
  const wanted = new Set(categories);
  const typed = listing
    .filter((item) => item.categories.some((c) => wanted.has(c)))
    .map((item) => ({ item, type: wanted.has(item.categories[0]!) ? 'new' : 'cross' }));
  const ordered = [...typed.filter((t) => t.type === 'new'), ...typed.filter((t) => t.type === 'cross')];
  const names = categories.join(', ');
  const path = categories.join('+');
  const pubDate = easternMidnight(day);
  // Built when the listing is announced: 20:00 Eastern the evening before.
  const built = instantInZone(addDays(day, -1), '20:00', EASTERN).toUTCString().replace('GMT', '+0000');
  const items = ordered.map(
    ({ item, type }) => `    <item>
      <title>${escapeXml(item.title)}</title>
      <link>https://arxiv.org/abs/${item.id}</link>
      <description>arXiv:${item.id}v1 Announce Type: ${type} 
Abstract: ${escapeXml(item.abstract)}</description>
      <guid isPermaLink="false">oai:arXiv.org:${item.id}v1</guid>
${item.categories.map((c) => `      <category>${escapeXml(c)}</category>\n`).join('')}      <pubDate>${pubDate}</pubDate>
      <arxiv:announce_type>${type}</arxiv:announce_type>
      <dc:creator>${escapeXml(item.authors.join(', '))}</dc:creator>
    </item>
`,
  );
  return `<?xml version='1.0' encoding='UTF-8'?>
<rss xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" version="2.0">
  <channel>
    <title>${escapeXml(names)} updates on arXiv.org</title>
    <link>http://rss.arxiv.org/rss/${escapeXml(path)}</link>
    <description>${escapeXml(names)} updates on the arXiv.org e-print archive.</description>
    <atom:link href="http://rss.arxiv.org/rss/${escapeXml(path)}" rel="self" type="application/rss+xml"/>
    <docs>http://www.rssboard.org/rss-specification</docs>
    <language>en-us</language>
    <lastBuildDate>${built}</lastBuildDate>
    <managingEditor>rss-help@arxiv.org</managingEditor>
    <pubDate>${pubDate}</pubDate>
    <skipDays>
      <day>Saturday</day>
      <day>Sunday</day>
    </skipDays>
${items.join('')}  </channel>
</rss>
`;
}

export interface ArxivRssReplay {
  /** The feeds' base: `http://127.0.0.1:<port>/rss/`. */
  url: string;
  /** Every request answered, in order. */
  requests: { categories: string[]; day: string; status: number }[];
  close(): Promise<void>;
}

/**
 * Serves `GET /rss/<cat>+<cat>` with the feed `current` says is up now: its day and that day's listing
 * (`undefined` for a day without announcements). Answers carry an ETag and honour If-None-Match.
 */
export async function startArxivRssReplay(current: () => { day: string; listing: ArxivListingItem[] | undefined }): Promise<ArxivRssReplay> {
  const requests: ArxivRssReplay['requests'] = [];
  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://localhost');
    const match = /^\/rss\/([^/]+)$/.exec(u.pathname);
    const { day, listing } = current();
    const seen = { categories: match ? decodeURIComponent(match[1]!).split('+') : [], day, status: 200 };
    requests.push(seen);
    if (req.method !== 'GET' || !match) {
      seen.status = 404;
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not Found');
      return;
    }
    const body = renderArxivRss(seen.categories, day, listing ?? []);
    const etag = `"${sha256(body).slice(0, 32)}"`;
    if ((req.headers['if-none-match'] ?? '').split(',').some((t) => t.trim() === etag)) {
      seen.status = 304;
      res.writeHead(304, { etag }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/rss/`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
