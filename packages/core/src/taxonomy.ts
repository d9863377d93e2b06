/**
 * The topic taxonomy: data the owner edits (default-taxonomy.json or `taxonomy` in the config file),
 * validated with zod so that a mistake is one clear error naming its place, such as
 * `topics.3.slug = "Speech Audio": must be a lowercase slug like "llm" or "speech-audio"`.
 * The rule language itself (phrases, wildcards, acronyms, scoring) is described at the top of tagger.ts.
 */
import { z } from 'zod';
import { isPhrase, normalisePhrase, PHRASE_SYNTAX_MESSAGE } from './tagging/phrase-syntax.js';

const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a lowercase slug like "llm" or "speech-audio"');

/** A phrase of the rule language, as topics and subscribers' keyword follows write it (tagging/phrase-syntax.ts). */
export const phraseSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .transform(normalisePhrase)
  .refine(isPhrase, PHRASE_SYNTAX_MESSAGE);

const phrase = phraseSchema;
const weight = z.number().positive().max(10);

/**
 * A string, or an object for the same thing with options. Validated by hand rather than with z.union so that
 * a mistake inside the object form is reported at its own path instead of as a bare "Invalid input".
 */
function stringOr<S extends z.ZodType, O extends z.ZodType>(str: S, obj: O, what: string) {
  return z.unknown().transform((value, ctx): z.output<S> | z.output<O> => {
    if (typeof value !== 'string' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      ctx.addIssue({ code: 'custom', message: `must be ${what}`, input: value });
      return z.NEVER;
    }
    const r = (typeof value === 'string' ? str : obj).safeParse(value);
    if (r.success) return r.data as z.output<S> | z.output<O>;
    for (const issue of r.error.issues) ctx.addIssue({ ...issue, path: issue.path } as Parameters<typeof ctx.addIssue>[0]);
    return z.NEVER;
  });
}

/** A phrase, optionally with its own weight: "transformer" or { "phrase": "attention", "weight": 0.5 }. */
export const weightedPhraseSchema = stringOr(phrase, z.object({ phrase, weight }).strict(), 'a phrase or { "phrase": "...", "weight": 1 }');
export type WeightedPhrase = z.output<typeof weightedPhraseSchema>;

/**
 * A negative phrase: a string subtracts like a phrase of weight 1; { "phrase", "weight" } subtracts that weight
 * (0 just stops the words it covers from counting for the topic); { "phrase", "veto": true } vetoes the topic.
 */
export const negativePhraseSchema = stringOr(
  phrase,
  z.object({ phrase, weight: z.number().min(0).max(10).optional(), veto: z.boolean().optional() }).strict(),
  'a phrase or { "phrase": "...", "weight": 1 } or { "phrase": "...", "veto": true }',
);
export type NegativePhrase = z.output<typeof negativePhraseSchema>;

/** An arXiv category ("cs.CV") or archive ("q-bio", matching every q-bio.* category). */
const category = z.string().regex(/^[a-z-]+(\.[A-Za-z-]+)?$/, 'must be an arXiv category like "cs.CV" or an archive like "q-bio"');
export const categoryHintSchema = stringOr(category, z.object({ category, weight }).strict(), 'an arXiv category or { "category": "cs.CV", "weight": 1 }');
export type CategoryHint = z.output<typeof categoryHintSchema>;

const ARXIV_ID = /^(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?\/\d{7})$/;

export const exampleSchema = z
  .object({ title: z.string().trim().min(1, 'must not be empty'), abstract: z.string().default('') })
  .strict();

export const topicSchema = z
  .object({
    slug,
    name: z.string().min(1).max(80),
    description: z.string().max(500).default(''),
    /** Phrases that are evidence for the topic (see tagger.ts for matching). */
    phrases: z.array(weightedPhraseSchema).default([]),
    /** Phrases that count against the topic. */
    negative: z.array(negativePhraseSchema).default([]),
    /** arXiv categories that point to this topic, such as "cs.CV". */
    categories: z.array(categoryHintSchema).default([]),
    /** Example papers (titles and abstracts) that define the topic by example (tf-idf nearest centroid). */
    examples: z.array(exampleSchema).default([]),
    /** "More like these": arXiv ids of stored papers whose titles and abstracts join the examples. */
    exampleIds: z.array(z.string().regex(ARXIV_ID, 'must be an arXiv id like "2106.09685" or "hep-th/9901001"')).optional(),
  })
  .strict()
  .refine((t) => t.phrases.length > 0 || t.categories.length > 0 || t.examples.length > 0 || (t.exampleIds?.length ?? 0) > 0, {
    message: 'the topic has no rules: needs at least one phrase, category, example or example id',
    path: ['phrases'],
  });

export const taxonomySchema = z
  .object({
    /** A topic is tagged when its score reaches this. */
    threshold: z.number().positive().default(2),
    /** ...and it is among the best `maxTags` topics of the paper... */
    maxTags: z.number().int().min(1).max(10).default(3),
    /** ...and its score is at least this fraction of the paper's best topic score (0 disables). */
    relativeThreshold: z.number().min(0).max(1).default(0),
    /** A paper with no topic over the threshold still gets its best topic if it scores at least this (0 disables). */
    fallbackThreshold: z.number().min(0).default(0),
    /** A phrase in the title counts this many times a phrase in the abstract. */
    titleWeight: z.number().min(1).max(10).default(2),
    /** A phrase found in a Hugging Face keyword (ai_keywords) counts this many times one in the abstract. */
    keywordWeight: z.number().min(0).max(10).default(1),
    /** Score added by each arXiv category hint that matches (times the hint's own weight). */
    categoryWeight: z.number().min(0).max(10).default(1.5),
    /** Score of an example-defined topic = exampleWeight x cosine similarity to the examples' centroid. */
    exampleWeight: z.number().min(0).max(100).default(10),
    topics: z.array(topicSchema).min(1, 'must list at least one topic'),
  })
  .strict()
  .superRefine((t, ctx) => {
    const seen = new Map<string, number>();
    t.topics.forEach((topic, i) => {
      const first = seen.get(topic.slug);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['topics', i, 'slug'], message: `duplicate topic slug "${topic.slug}" (also topics.${first}.slug)` });
      } else seen.set(topic.slug, i);
    });
  });

export type Taxonomy = z.infer<typeof taxonomySchema>;
export type Topic = z.infer<typeof topicSchema>;

export class TaxonomyError extends Error {
  override name = 'TaxonomyError';
  constructor(
    message: string,
    /** Where, as a dotted zod path such as "topics.3.slug". */
    readonly field: string,
  ) {
    super(message);
  }
}

/** Validates a taxonomy; throws one TaxonomyError naming the place (`where: topics.3.phrases.0 = "": must not be empty`). */
export function parseTaxonomy(raw: unknown, where = 'taxonomy'): Taxonomy {
  const result = taxonomySchema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.map(String);
  const field = path.join('.') || '(root)';
  let value: unknown = raw;
  for (const key of path) value = value != null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  const shown = value === undefined ? 'missing' : JSON.stringify(value);
  const what = issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}` : issue.message;
  const valuePart = issue.code === 'unrecognized_keys' ? '' : ` = ${shown.length > 80 ? `${shown.slice(0, 77)}...` : shown}`;
  return fail(new TaxonomyError(`${where}: ${field}${valuePart}: ${what}`, field));
}

function fail(err: Error): never {
  throw err;
}
