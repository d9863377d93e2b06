/**
 * Hugging Face Daily Papers API: `GET https://huggingface.co/api/daily_papers?date=YYYY-MM-DD`.
 * A bare JSON array of `{ paper: {...}, ... }` in both the 2024 shape (no `submittedOnDailyAt`, no `ai_*`)
 * and the current one. An empty array is a normal weekend.
 */
import * as z from '@paperboy/core/zod-mini';
import { cleanText, weekdayOf, type PaperInput } from '@paperboy/core';
import { arxivIdFrom, arxivLinks, stableId } from './ids.js';
import { healthy, SourceError, type ParseResult, keepIfValid } from './types.js';

const optionalUrl = z.pipe(
  z.nullish(z.string()),
  z.transform((u) => (u && /^https?:\/\/\S+$/.test(u.trim()) ? u.trim() : undefined)),
);

const organization = z.nullish(z.looseObject({ name: z.nullish(z.string()), fullname: z.nullish(z.string()) }));
const count = z.nullish(z.int().check(z.minimum(0)));

const hfEntrySchema = z.object({
  publishedAt: z.optional(z.string()),
  thumbnail: optionalUrl,
  numComments: count,
  organization,
  paper: z.object({
    id: z.string().check(z.minLength(1, 'paper.id is empty')),
    title: z.string(),
    summary: z.nullish(z.string()),
    authors: z.nullish(z.array(z.looseObject({ name: z.nullish(z.string()), hidden: z.nullish(z.boolean()) }))),
    upvotes: count,
    publishedAt: z.nullish(z.string()),
    submittedOnDailyAt: z.nullish(z.string()),
    githubRepo: optionalUrl,
    projectPage: optionalUrl,
    ai_keywords: z.nullish(z.array(z.string())),
    ai_summary: z.nullish(z.string()),
    githubStars: count,
    organization,
  }),
});

export interface HfParseOptions {
  source: string;
  /** The day that was requested (`?date=`); used when an item has no `submittedOnDailyAt` (the 2024 shape). */
  date?: string;
  /** Where the first item of this page stands in the day's listing (default 1): page `p` of `limit` starts at `p * limit + 1`. */
  firstRank?: number;
}

export function parseHfDaily(text: string, opts: HfParseOptions): ParseResult {
  const what = `source ${opts.source} (Hugging Face Daily Papers)`;
  const head = text.trimStart();
  if (head.startsWith('<')) {
    throw new SourceError(`${what}: got ${/^<(!doctype html|html)/i.test(head) ? 'an HTML page' : 'XML'} instead of JSON`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new SourceError(`${what}: not valid JSON (${(err as Error).message}); the response may be truncated`);
  }
  if (!Array.isArray(data)) {
    const error = data && typeof data === 'object' && 'error' in data ? String((data as { error: unknown }).error) : undefined;
    throw new SourceError(
      error ? `${what}: the API answered with an error: ${error}` : `${what}: expected a JSON array of daily papers, got ${data === null ? 'null' : typeof data}`,
    );
  }
  const result: ParseResult = { papers: [], skipped: [], health: healthy() };
  const seen = new Set<string>();
  data.forEach((raw, i) => {
    const label = raw && typeof raw === 'object' && 'paper' in raw ? (raw as { paper?: { id?: unknown } }).paper?.id : undefined;
    const where = `${opts.source} item ${i + 1}${typeof label === 'string' ? ` (${label})` : ''}`;
    const parsed = hfEntrySchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      result.skipped.push({ where, reason: `${issue.path.join('.') || '(item)'}: ${issue.message}` });
      return;
    }
    const { paper, publishedAt, thumbnail, numComments } = parsed.data;
    const org = parsed.data.organization ?? paper.organization;
    const organizationName = cleanText(org?.fullname || org?.name || '');
    const summary = cleanText(paper.ai_summary ?? '');
    const arxiv = arxivIdFrom(paper.id);
    const title = cleanText(paper.title);
    const id = stableId(title, arxiv?.id);
    if (seen.has(id)) {
      result.skipped.push({ where, reason: `duplicate of an earlier item (${id})` });
      return;
    }
    const listedOn = (paper.submittedOnDailyAt ?? undefined)?.slice(0, 10) ?? opts.date ?? publishedAt?.slice(0, 10) ?? '';
    const candidate: PaperInput = {
      id,
      ...(arxiv ? { arxivId: arxiv.id, ...(arxiv.version ? { version: arxiv.version } : {}) } : {}),
      title,
      abstract: cleanText(paper.summary ?? ''),
      // Hidden authors are the ones Hugging Face does not show; leave them out.
      authors: (paper.authors ?? []).filter((a) => !a.hidden && a.name).map((a) => cleanText(a.name!)).filter(Boolean),
      listedOn,
      links: {
        ...(arxiv ? arxivLinks(arxiv.id) : {}),
        hf: `https://huggingface.co/papers/${encodeURIComponent(paper.id)}`,
        ...(paper.githubRepo ? { code: paper.githubRepo } : {}),
        ...(paper.projectPage ? { project: paper.projectPage } : {}),
      },
      categories: [],
      keywords: [...new Set((paper.ai_keywords ?? []).map(cleanText).filter(Boolean))],
      ...(paper.upvotes != null ? { upvotes: paper.upvotes } : {}),
      ...(summary ? { summary } : {}),
      ...(paper.githubStars != null && paper.githubRepo ? { githubStars: paper.githubStars } : {}),
      ...(numComments != null ? { numComments } : {}),
      ...(organizationName ? { organization: organizationName } : {}),
      ...(thumbnail ? { thumbnail } : {}),
      rank: (opts.firstRank ?? 1) + i,
      source: opts.source,
    };
    if (keepIfValid(result, candidate, where)) seen.add(id);
  });
  if (data.length === 0) {
    const weekday = opts.date ? weekdayOf(opts.date) : undefined;
    const weekend = weekday === 'SAT' || weekday === 'SUN';
    result.health = { empty: !weekend && opts.date !== undefined, stale: false, notes: [weekend ? 'no papers on a weekend (normal)' : 'no papers listed for this day'] };
  }
  return result;
}
