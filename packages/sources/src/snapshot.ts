/**
 * Parser for a saved Hugging Face Daily Papers page (the text of the page as a browser saves it):
 * a short header, a date line such as "Oct 8", then paragraphs alternating title and abstract.
 * The page as saved carries no authors, upvotes or paper links; each paper keeps its place on the page
 * (`rank`), and the code or project page its abstract names ("Code is available at https://github.com/...").
 */
import { cleanText, safeUrl, titleFingerprint, type PaperInput, type PaperLinks } from '@paperboy/core';
import type { ParseResult } from './types.js';

export type { ParseResult } from './types.js';

const DATE_LINE = /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{1,2}(, \d{4})?$/;
const MAX_TITLE = 400;
const URL_IN_TEXT = /https?:\/\/[^\s<>"]+/g;
const CODE_HOST = /^https?:\/\/(www\.)?(github\.com|gitlab\.com)\//i;

/** The first code repository and the first other page an abstract names; a sentence's closing punctuation is not part of the URL. */
export function linksInAbstract(abstract: string): Pick<PaperLinks, 'code' | 'project'> {
  const urls = [...abstract.matchAll(URL_IN_TEXT)]
    .map((m) => safeUrl(m[0].replace(/[.,;:!?)\]}'"]+$/, '')))
    .filter((u): u is string => u !== undefined);
  const code = urls.find((u) => CODE_HOST.test(u));
  const project = urls.find((u) => !CODE_HOST.test(u));
  return { ...(code ? { code } : {}), ...(project ? { project } : {}) };
}

export function parseSnapshot(text: string, opts: { source: string; listedOn: string }): ParseResult {
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((p, i) => ({ text: p.trim(), line: i }))
    .filter((p) => p.text.length > 0);
  const start = paragraphs.findIndex((p) => DATE_LINE.test(p.text));
  if (start < 0) {
    throw new Error(`snapshot ${opts.source}: no date line such as "Oct 8" found; is this a saved Daily Papers page?`);
  }
  const body = paragraphs.slice(start + 1);
  const papers: PaperInput[] = [];
  const skipped: ParseResult['skipped'] = [];
  const seen = new Set<string>();
  for (let i = 0; i < body.length; i += 2) {
    const rawTitle = body[i]!.text;
    const rawAbstract = body[i + 1]?.text;
    const where = `${opts.source} item ${i / 2 + 1}`;
    if (rawAbstract === undefined) {
      skipped.push({ where, reason: `title "${rawTitle.slice(0, 60)}" has no abstract after it` });
      continue;
    }
    const title = cleanText(rawTitle);
    const abstract = cleanText(rawAbstract);
    if (!title || title.length > MAX_TITLE || /\n/.test(rawTitle)) {
      skipped.push({ where, reason: `not a title (${title.length} characters)` });
      continue;
    }
    const id = titleFingerprint(title);
    if (seen.has(id)) {
      skipped.push({ where, reason: `duplicate of an earlier item, "${title.slice(0, 60)}"` });
      continue;
    }
    seen.add(id);
    papers.push({
      id,
      title,
      abstract,
      authors: [],
      listedOn: opts.listedOn,
      rank: i / 2 + 1,
      links: linksInAbstract(abstract),
      categories: [],
      keywords: [],
      source: opts.source,
    });
  }
  return { papers, skipped };
}
