/** The zod check every source item passes before it is stored: a bad item is skipped with the reason, the rest go on. */
import * as z from './zod-mini.js';
import type { PaperInput } from './model.js';
import { dayProblem } from './dates.js';
import { excerpt } from './text.js';

/** A real calendar day, YYYY-MM-DD (core's one day check, `dayProblem`); the issue says why not. */
export const daySchema = z.string().check(
  z.superRefine((value, ctx) => {
    const problem = dayProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: value });
  }),
);
const day = daySchema;
const url = z.string().check(
  z.maxLength(2000),
  z.refine((u) => /^https?:\/\/[^\s]+$/.test(u), 'must be an http(s) URL'),
);
const text = (min: number, max: number, messages: { min?: string; max?: string } = {}) => z.string().check(z.minLength(min, messages.min), z.maxLength(max, messages.max));
const upTo = (max: number) => z.string().check(z.maxLength(max));
const int = (min: number, max?: number) => z.int().check(z.minimum(min), ...(max === undefined ? [] : [z.maximum(max)]));

/**
 * Characters of an abstract kept. arXiv caps abstracts at 1,920; a longer one is a feed that puts a whole
 * article in its description, which is cut (at a word, with "…") rather than losing the paper.
 */
export const MAX_ABSTRACT_CHARS = 20_000;
/** Characters of a source's TL;DR kept (Hugging Face's run to about 250); a longer one is cut at a word. */
export const MAX_SUMMARY_CHARS = 600;

export const paperInputSchema = z.strictObject({
  id: z.string().check(z.regex(/^(t-[0-9a-f]{16}|\d{4}\.\d{4,5}|[a-z-]+(\.[A-Z]{2})?\/\d{7})$/, 'must be a bare arXiv id or a title fingerprint')),
  arxivId: z.optional(z.string().check(z.minLength(1))),
  version: z.optional(int(1, 1000)),
  title: text(1, 1000, { min: 'title is empty', max: 'title is longer than 1000 characters' }),
  abstract: upTo(MAX_ABSTRACT_CHARS + 1),
  authors: z.array(text(1, 300)).check(z.maxLength(5000)),
  listedOn: day,
  links: z.strictObject({ abs: z.optional(url), pdf: z.optional(url), code: z.optional(url), hf: z.optional(url), project: z.optional(url), doi: z.optional(upTo(300)) }),
  categories: z.array(text(1, 100)).check(z.maxLength(100)),
  keywords: z.array(text(1, 200)).check(z.maxLength(100)),
  upvotes: z.optional(int(0)),
  rank: z.optional(int(1, 1_000_000)),
  primaryCategory: z.optional(text(1, 100)),
  comments: z.optional(upTo(5000)),
  journalRef: z.optional(upTo(5000)),
  summary: z.optional(text(1, MAX_SUMMARY_CHARS + 1)),
  githubStars: z.optional(int(0, 1e9)),
  numComments: z.optional(int(0, 1e9)),
  organization: z.optional(text(1, 200)),
  thumbnail: z.optional(url),
  source: z.string().check(z.minLength(1)),
  updateOnly: z.optional(z.boolean()),
});

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
