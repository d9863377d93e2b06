/**
 * The static search index that publish writes and the reader's browser queries (`/search/`): its
 * format, its tokeniser and the pure functions that build it. The browser's script (packages/feeds,
 * search.ts) embeds SEARCH_SHARED_SOURCE, so a query is cut into terms exactly as the index was.
 *
 * Layout (site-relative keys, all JSON):
 *   search/index.json             {"v":1,"buckets":32,"months":[{"m":"YYYY-MM","papers":n}]}, newest first
 *   search/m/YYYY-MM/t-<b>.json   the month's terms whose first two characters hash to bucket <b> (0-31):
 *                                 {"term":[posting,…]}, posting = ((dd × 8192) + idx) × 2 + (1 if in the title)
 *   search/d/YYYY-MM-DD/<k>.json  papers idx 25k to 25k+24 of that day: [[title, authors, permalink], …]
 *
 * Why month segments, 32 buckets and day chunks: a new listing day rewrites only its own month's buckets
 * (at most 32 objects, however large the month) and its own day's chunks, so publish's cost follows a
 * month's size, never the archive's; a query fetches one bucket per month and per word (a prefix match
 * on the last word still works: every term has two characters or more, and the bucket depends on those
 * two only), then only the chunks of the results it shows. Two-character bucket names were tried first:
 * ~400 objects a month, and 182 objects written after a new day at 100,000 papers (bench:publish). Figures and the reason
 * for a hand-written index over Pagefind: docs/feeds.md.
 */
import type { Paper } from './model.js';
import { paperPermalinkPath } from './site-paths.js';

/**
 * Moves when the index's content changes shape, so every month is built again once. 2: results link each
 * paper's own page (`papers/<id>/`) instead of its card on its day page.
 */
export const SEARCH_INDEX_VERSION = 2;
export const SEARCH_PREFIX = 'search/';
export const SEARCH_INDEX_KEY = `${SEARCH_PREFIX}index.json`;
/** The search page (site-relative), which fetches the index beside it. */
export const SEARCH_PAGE = `${SEARCH_PREFIX}index.html`;
/** Papers past this rank in one day are not indexed: their idx would not fit in a posting. */
export const SEARCH_MAX_PER_DAY = 8192;
/** Papers per day chunk: a result list of 50 fetches at most 50 chunks of about 4 KB. */
export const SEARCH_DAY_CHUNK = 25;
/** Term buckets per month. */
export const SEARCH_BUCKETS = 32;
/** Authors indexed per paper (a collaboration paper can list thousands); the first ones are the ones readers type. */
const MAX_AUTHORS_INDEXED = 50;
/** Authors shown in a result. */
const MAX_AUTHORS_SHOWN = 5;

export const searchKeys = {
  bucket: (month: string, bucket: number) => `${SEARCH_PREFIX}m/${month}/t-${bucket}.json`,
  dayChunk: (day: string, chunk: number) => `${SEARCH_PREFIX}d/${day}/${chunk}.json`,
  /** Whether `key` is one of `month`'s objects (its buckets or one of its day files). */
  inMonth: (key: string, month: string) => key.startsWith(`${SEARCH_PREFIX}m/${month}/`) || key.startsWith(`${SEARCH_PREFIX}d/${month}-`),
};

/**
 * The two functions the browser's search script shares with publish, as plain JavaScript source. The page
 * embeds this text as is, and Node builds its functions from the same text (below), so a query is cut
 * and bucketed exactly as the index was. It is source text, not `Function#toString` of compiled code,
 * because the Content-Security-Policy allows the script by the hash of its bytes: the CDK app (run by
 * tsx) computes that hash, the publish function (minified by esbuild) writes the page, and the bytes of a
 * function's `toString` differ between the two. A test checks that the hash is the same in the bundle.
 *
 * The tokeniser: case and diacritics are folded (NFKD, then combining marks dropped, so "Schrödinger" and
 * "schrodinger" meet, and the "ﬁ" ligature becomes "fi"); words are runs of letters and digits;
 * one-character words and a few English function words are not indexed.
 *
 * The bucket of a term, 0 to count-1: a hash (FNV-1a) of its first two characters, so every term that
 * starts with a given prefix of two or more characters is in one bucket.
 */
export const SEARCH_SHARED_SOURCE = String.raw`{
  tokenize: (function () {
    var stop = new Set(['an', 'and', 'are', 'as', 'at', 'be', 'by', 'for', 'from', 'in', 'into', 'is', 'it', 'its', 'of', 'on', 'or', 'our', 'the', 'this', 'to', 'via', 'we', 'with']);
    return function (text) {
      var out = [];
      var words = String(text).normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().split(/[^\p{L}\p{N}]+/u);
      for (var i = 0; i < words.length; i++) if (words[i].length > 1 && !stop.has(words[i])) out.push(words[i]);
      return out;
    };
  })(),
  bucketOf: function (term, count) {
    var h = 2166136261;
    for (var i = 0; i < 2 && i < term.length; i++) h = Math.imul(h ^ term.charCodeAt(i), 16777619);
    return (h >>> 0) % count;
  }
}`;

// Built once from the constant above (never from outside input): one copy of each function for both sides.
const shared = new Function(`return ${SEARCH_SHARED_SOURCE};`)() as { tokenize: (text: string) => string[]; bucketOf: (term: string, count: number) => number };

/** Text to index terms (see SEARCH_SHARED_SOURCE). */
export const searchTerms: (text: string) => string[] = shared.tokenize;

/** The bucket of a term, 0 to count-1 (see SEARCH_SHARED_SOURCE). */
export const searchBucket: (term: string, count: number) => number = shared.bucketOf;

/** What the index keeps of one paper: enough to index it and to show it as a result. */
export interface SearchDoc {
  id: string;
  title: string;
  authors: string[];
  authorCount: number;
  summary?: string;
  permalink: string;
}

/** A listing day's papers as search docs, in a stable order (by id), so a change of upvotes alone changes no byte. */
export function searchDocs(papers: readonly Paper[]): SearchDoc[] {
  const byId = new Map<string, Paper>();
  for (const p of papers) byId.set(p.id, p);
  return [...byId.values()]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, SEARCH_MAX_PER_DAY)
    .map((p) => ({
      id: p.id,
      title: oneSpace(p.title),
      authors: p.authors.slice(0, MAX_AUTHORS_INDEXED).map(oneSpace),
      authorCount: p.authors.length,
      ...(p.summary ? { summary: oneSpace(p.summary) } : {}),
      permalink: paperPermalinkPath(p),
    }));
}

function oneSpace(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** A day's result chunks: [title, authors as shown, site-relative permalink] per paper, by idx, SEARCH_DAY_CHUNK a chunk. */
export function renderSearchDay(docs: readonly SearchDoc[]): string[] {
  const rows = docs.map((d) => {
    const shown = d.authors.slice(0, MAX_AUTHORS_SHOWN).join(', ');
    const more = d.authorCount - Math.min(d.authors.length, MAX_AUTHORS_SHOWN);
    return [d.title, more > 0 ? `${shown} and ${more} more` : shown, d.permalink];
  });
  const chunks: string[] = [];
  for (let i = 0; i < rows.length; i += SEARCH_DAY_CHUNK) chunks.push(JSON.stringify(rows.slice(i, i + SEARCH_DAY_CHUNK)));
  return chunks;
}

/** One month's term buckets, all SEARCH_BUCKETS of them (empty ones too), each a JSON object of term → postings. */
export function renderSearchMonth(days: ReadonlyMap<string, readonly SearchDoc[]>): string[] {
  const postings = new Map<string, number[]>();
  for (const day of [...days.keys()].sort()) {
    const dd = Number(day.slice(8, 10));
    days.get(day)!.forEach((doc, idx) => {
      const inTitle = new Set(searchTerms(doc.title));
      const all = new Set([...inTitle, ...searchTerms([...doc.authors, doc.summary ?? ''].join(' \n '))]);
      for (const term of all) {
        let list = postings.get(term);
        if (!list) postings.set(term, (list = []));
        list.push((dd * SEARCH_MAX_PER_DAY + idx) * 2 + (inTitle.has(term) ? 1 : 0));
      }
    });
  }
  const buckets: Record<string, number[]>[] = Array.from({ length: SEARCH_BUCKETS }, () => ({}));
  for (const term of [...postings.keys()].sort()) buckets[searchBucket(term, SEARCH_BUCKETS)]![term] = postings.get(term)!;
  return buckets.map((terms) => JSON.stringify(terms));
}

export interface SearchMonthEntry {
  m: string;
  papers: number;
}

export function renderSearchIndex(months: readonly SearchMonthEntry[]): string {
  const sorted = [...months].filter((m) => m.papers > 0).sort((a, b) => (a.m < b.m ? 1 : a.m > b.m ? -1 : 0));
  return JSON.stringify({ v: SEARCH_INDEX_VERSION, buckets: SEARCH_BUCKETS, months: sorted.map(({ m, papers }) => ({ m, papers })) });
}
