import { describe, expect, it } from 'vitest';
import { defaultTaxonomyParsed, parseTaxonomy, TaxonomyError } from '@paperboy/core';

const topic = (over: Record<string, unknown> = {}) => ({ slug: 'llm', name: 'LLMs', phrases: ['language model'], ...over });
const taxonomy = (topics: unknown[], over: Record<string, unknown> = {}) => ({ topics, ...over });

function errorOf(raw: unknown): TaxonomyError {
  try {
    parseTaxonomy(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(TaxonomyError);
    return err as TaxonomyError;
  }
  throw new Error('expected the taxonomy to be rejected');
}

describe('taxonomy validation', () => {
  it('accepts the default taxonomy: 18 topics with the fixed slugs', () => {
    const t = defaultTaxonomyParsed();
    expect(t.topics.map((x) => x.slug)).toEqual([
      'llm', 'vision', 'multimodal', 'speech-audio', 'reinforcement-learning', 'efficiency', 'architectures', 'model-merging', 'fine-tuning',
      'theory', 'optimization', 'data', 'representation-learning', 'graphs', 'agents', 'robotics', 'safety', 'science',
    ]);
    expect(() => parseTaxonomy(t)).not.toThrow();
  });

  it('rejects a bad slug, naming its path and value', () => {
    const err = errorOf(taxonomy([topic(), topic({ slug: 'vision' }), topic({ slug: 'x' }), topic({ slug: 'Speech Audio' })]));
    expect(err.field).toBe('topics.3.slug');
    expect(err.message).toBe('taxonomy: topics.3.slug = "Speech Audio": must be a lowercase slug like "llm" or "speech-audio"');
  });

  it('rejects a duplicate slug at the second occurrence', () => {
    const err = errorOf(taxonomy([topic(), topic({ slug: 'vision' }), topic({ slug: 'llm' })]));
    expect(err.field).toBe('topics.2.slug');
    expect(err.message).toContain('duplicate topic slug "llm" (also topics.0.slug)');
  });

  it('rejects an empty phrase, as a string or inside the object form', () => {
    expect(errorOf(taxonomy([topic({ phrases: ['ok', '  '] })])).message).toBe('taxonomy: topics.0.phrases.1 = "  ": must not be empty');
    const inObject = errorOf(taxonomy([topic({ phrases: [{ phrase: '', weight: 2 }] })]));
    expect(inObject.field).toBe('topics.0.phrases.0.phrase');
    expect(inObject.message).toContain('must not be empty');
    expect(errorOf(taxonomy([topic({ negative: [''] })])).field).toBe('topics.0.negative.0');
  });

  it('rejects a phrase that is not words (punctuation, a too-short wildcard stem)', () => {
    expect(errorOf(taxonomy([topic({ phrases: ['large (language) model'] })])).field).toBe('topics.0.phrases.0');
    expect(errorOf(taxonomy([topic({ phrases: ['q*'] })])).message).toContain('topics.0.phrases.0 = "q*": must be words');
  });

  it('rejects a topic with no phrases, categories or examples', () => {
    const err = errorOf(taxonomy([topic(), { slug: 'empty', name: 'Empty' }]));
    expect(err.field).toBe('topics.1.phrases');
    expect(err.message).toContain('the topic has no rules');
  });

  it('accepts a topic defined only by categories or only by examples', () => {
    expect(() => parseTaxonomy(taxonomy([{ slug: 'robotics', name: 'Robotics', categories: ['cs.RO'] }]))).not.toThrow();
    expect(() => parseTaxonomy(taxonomy([{ slug: 'ssm', name: 'SSMs', examples: [{ title: 'Mamba', abstract: 'selective state spaces' }] }]))).not.toThrow();
  });

  it('rejects bad weights, categories and unknown fields with their paths', () => {
    expect(errorOf(taxonomy([topic({ phrases: [{ phrase: 'x', weight: -1 }] })])).field).toBe('topics.0.phrases.0.weight');
    expect(errorOf(taxonomy([topic({ categories: ['computer vision'] })])).field).toBe('topics.0.categories.0');
    expect(errorOf(taxonomy([topic({ phrases: [42] })])).message).toContain('topics.0.phrases.0 = 42: must be a phrase');
    expect(errorOf(taxonomy([topic({ keywords: ['x'] })])).message).toContain('unknown field(s) "keywords"');
  });

  it('fills defaults for the scoring settings', () => {
    const t = parseTaxonomy(taxonomy([topic()]));
    expect(t).toMatchObject({ threshold: 2, maxTags: 3, titleWeight: 2, relativeThreshold: 0, fallbackThreshold: 0 });
    expect(t.topics[0]).toMatchObject({ negative: [], categories: [], examples: [] });
  });
});
