/** The topic taxonomy: data the owner edits, validated with clear errors. */
import { z } from 'zod';

const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a lowercase slug like "llm" or "speech-audio"');
const phrase = z.string().trim().min(1, 'must not be empty');

/** A phrase, optionally with its own weight: "transformer" or { "phrase": "attention", "weight": 0.5 }. */
export const weightedPhraseSchema = z.union([
  phrase,
  z.object({ phrase, weight: z.number().positive().max(10) }).strict(),
]);

export const topicSchema = z
  .object({
    slug,
    name: z.string().min(1).max(80),
    description: z.string().max(500).default(''),
    phrases: z.array(weightedPhraseSchema).default([]),
    negative: z.array(phrase).default([]),
    /** arXiv categories that point to this topic, such as "cs.CV". */
    categories: z.array(z.string().regex(/^[a-z-]+(\.[A-Za-z-]+)?$/, 'must be an arXiv category like "cs.CV"')).default([]),
    /** Example papers (titles and abstracts) that define the topic by example. */
    examples: z.array(z.object({ title: phrase, abstract: z.string().default('') }).strict()).default([]),
  })
  .strict()
  .refine((t) => t.phrases.length > 0 || t.categories.length > 0 || t.examples.length > 0, {
    message: 'needs at least one phrase, category or example',
    path: ['phrases'],
  });

export const taxonomySchema = z
  .object({
    threshold: z.number().positive().default(2),
    maxTags: z.number().int().min(1).max(10).default(3),
    titleWeight: z.number().min(1).max(10).default(2),
    topics: z.array(topicSchema).min(1),
  })
  .strict()
  .superRefine((t, ctx) => {
    const seen = new Set<string>();
    t.topics.forEach((topic, i) => {
      if (seen.has(topic.slug)) {
        ctx.addIssue({ code: 'custom', path: ['topics', i, 'slug'], message: `duplicate topic slug "${topic.slug}"` });
      }
      seen.add(topic.slug);
    });
  });

export type Taxonomy = z.infer<typeof taxonomySchema>;
export type Topic = z.infer<typeof topicSchema>;
