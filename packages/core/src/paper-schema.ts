/** The zod check every source item passes before it is stored: a bad item is skipped with the reason, the rest go on. */
import { z } from 'zod';
import type { PaperInput } from './model.js';
import { dayProblem } from './dates.js';
import { excerpt } from './text.js';

/** A real calendar day, YYYY-MM-DD (core's one day check, `dayProblem`); the issue says why not. */
export const daySchema = z.string().superRefine((value, ctx) => {
  const problem = dayProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const day = daySchema;
const url = z
  .string()
  .max(2000)
  .refine((u) => /^https?:\/\/[^\s]+$/.test(u), 'must be an http(s) URL');

/**
 * Characters of an abstract kept. arXiv caps abstracts at 1,920; a longer one is a feed that puts a whole
 * article in its description, which is cut (at a word, with "…") rather than losing the paper.
 */
export const MAX_ABSTRACT_CHARS = 20_000;
/** Characters of a source's TL;DR kept (Hugging Face's run to about 250); a longer one is cut at a word. */
export const MAX_SUMMARY_CHARS = 600;

export const paperInputSchema = z
  .object({
    id: z.string().regex(/^(t-[0-9a-f]{16}|\d{4}\.\d{4,5}|[a-z-]+(\.[A-Z]{2})?\/\d{7})$/, 'must be a bare arXiv id or a title fingerprint'),
    arxivId: z.string().min(1).optional(),
    version: z.number().int().min(1).max(1000).optional(),
    title: z.string().min(1, 'title is empty').max(1000, 'title is longer than 1000 characters'),
    abstract: z.string().max(MAX_ABSTRACT_CHARS + 1),
    authors: z.array(z.string().min(1).max(300)).max(5000),
    listedOn: day,
    links: z
      .object({ abs: url.optional(), pdf: url.optional(), code: url.optional(), hf: url.optional(), project: url.optional(), doi: z.string().max(300).optional() })
      .strict(),
    categories: z.array(z.string().min(1).max(100)).max(100),
    keywords: z.array(z.string().min(1).max(200)).max(100),
    upvotes: z.number().int().min(0).optional(),
    rank: z.number().int().min(1).max(1_000_000).optional(),
    primaryCategory: z.string().min(1).max(100).optional(),
    comments: z.string().max(5000).optional(),
    journalRef: z.string().max(5000).optional(),
    summary: z.string().min(1).max(MAX_SUMMARY_CHARS + 1).optional(),
    githubStars: z.number().int().min(0).max(1e9).optional(),
    numComments: z.number().int().min(0).max(1e9).optional(),
    organization: z.string().min(1).max(200).optional(),
    thumbnail: url.optional(),
    source: z.string().min(1),
    updateOnly: z.boolean().optional(),
  })
  .strict();

/**
 * Authors kept per paper. Collaborations list thousands (one real item had 4,000 names, over 400 KB):
 * the first ones are kept, in order, with the total in `authorCount`, so the record fits a stored item.
 */
export const MAX_STORED_AUTHORS = 100;

/** Validates one item; returns the paper (authors capped) or a one-line reason naming the field. */
export function validatePaperInput(candidate: unknown): { ok: true; paper: PaperInput } | { ok: false; reason: string } {
  const abstract = (candidate as { abstract?: unknown } | null)?.abstract;
  if (typeof abstract === 'string' && abstract.length > MAX_ABSTRACT_CHARS) candidate = { ...(candidate as object), abstract: excerpt(abstract, MAX_ABSTRACT_CHARS) };
  const summary = (candidate as { summary?: unknown } | null)?.summary;
  if (typeof summary === 'string' && summary.length > MAX_SUMMARY_CHARS) candidate = { ...(candidate as object), summary: excerpt(summary, MAX_SUMMARY_CHARS) };
  const r = paperInputSchema.safeParse(candidate);
  if (r.success) {
    const paper = r.data as PaperInput;
    if (paper.authors.length > MAX_STORED_AUTHORS) return { ok: true, paper: { ...paper, authors: paper.authors.slice(0, MAX_STORED_AUTHORS), authorCount: paper.authors.length } };
    return { ok: true, paper };
  }
  const issue = r.error.issues[0]!;
  // How big the field is, for a field over its bound: the owner sees what arrived, not only the rule.
  let got = '';
  if (issue.code === 'too_big') {
    const value = issue.path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k as PropertyKey] : undefined), candidate);
    if (typeof value === 'string' || Array.isArray(value)) got = ` (got ${value.length.toLocaleString('en-US')} ${typeof value === 'string' ? 'characters' : 'entries'})`;
  }
  return { ok: false, reason: `${issue.path.join('.') || '(item)'}: ${issue.message}${got}` };
}
