import { describe, expect, it } from 'vitest';
import { buildTagger, defaultTaxonomyParsed, formatExplanation, parseTaxonomy, tagPaper, type TagResult } from '@paperboy/core';

const small = parseTaxonomy({
  threshold: 2,
  maxTags: 2,
  titleWeight: 2,
  categoryWeight: 2,
  keywordWeight: 2,
  topics: [
    { slug: 'reinforcement-learning', name: 'RL', phrases: ['RL', 'reinforcement learning'] },
    { slug: 'efficiency', name: 'Efficiency', phrases: ['quantiz*', 'prun*'] },
    { slug: 'architectures', name: 'Architectures', phrases: ['transformer'] },
    { slug: 'fine-tuning', name: 'Fine-tuning', phrases: ['fine-tun*', 'LoRA', 'low-rank adaptation'] },
    { slug: 'graphs', name: 'Graphs', phrases: ['graph'], negative: ['computational graph'] },
    { slug: 'vision', name: 'Vision', phrases: ['image'], categories: ['cs.CV'] },
    { slug: 'science', name: 'Science', phrases: ['protein'], categories: ['q-bio'] },
    { slug: 'safety', name: 'Safety', phrases: ['jailbreak'], negative: [{ phrase: 'benign', veto: true }] },
  ],
});
const tagger = buildTagger(small);
const tag = (title: string, abstract = '', extra: { categories?: string[]; keywords?: string[] } = {}) => tagger.tag({ title, abstract, ...extra });
const topic = (r: TagResult, slug: string) => r.scores.find((s) => s.slug === slug);

describe('phrase matching', () => {
  it('matches a "*Bench" ending on whole words, case-sensitively for a capital letter', () => {
    const t = buildTagger(parseTaxonomy({ threshold: 1, topics: [{ slug: 'data', name: 'Data', phrases: ['*Bench', 'data augmentation'] }] }));
    const r = t.tag({ title: 'ClawBench: can agents shop online?', abstract: 'We release VideoBench too.' });
    expect(topic(r, 'data')!.evidence.map((e) => [e.rule, e.where])).toEqual([['*Bench', 'title'], ['*Bench', 'abstract']]);
    expect(t.tag({ title: 'A workbench for chemists', abstract: 'Benchmarks on a bench.' }).tags).toEqual([]);
  });

  it('matches acronyms on word boundaries and case-sensitively: "RL" is not in "URL", "RLHF" or "control"', () => {
    expect(topic(tag('A crawler', 'We store the URL of each page, use RLHF data and optimal control.'), 'reinforcement-learning')).toBeUndefined();
    const r = tag('Offline RL at scale');
    expect(r.tags).toEqual(['reinforcement-learning']);
    expect(topic(r, 'reinforcement-learning')!.evidence[0]).toMatchObject({ rule: 'RL', where: 'title', count: 1 });
    expect(topic(tag('A study', 'the rl of things'), 'reinforcement-learning')).toBeUndefined();
  });

  it('matches plurals and wildcard stems: transformer(s), quantize/quantized/quantization, pruned', () => {
    expect(tag('Transformers are all you need').tags).toEqual(['architectures']);
    const r = tag('Making models small', 'We quantize weights. Quantized models and quantization-aware training; pruned heads.');
    const ev = topic(r, 'efficiency')!.evidence;
    expect(ev.find((e) => e.rule === 'quantiz*')).toMatchObject({ where: 'abstract', count: 3 });
    expect(ev.find((e) => e.rule === 'prun*')).toMatchObject({ count: 1 });
    expect(r.tags).toContain('efficiency');
  });

  it('treats a hyphen in a phrase as a hyphen, a space or nothing', () => {
    for (const title of ['Fine-tuning models', 'Fine tuning models', 'Finetuning models', 'Fine-tuned models']) {
      expect(tag(title).tags, title).toEqual(['fine-tuning']);
    }
  });

  it('counts an acronym right after its expansion once: "Low-Rank Adaptation (LoRA)"', () => {
    const defined = topic(tag('A study', 'We use Low-Rank Adaptation (LoRA).'), 'fine-tuning')!;
    const twice = topic(tag('A study', 'We use Low-Rank Adaptation and then LoRA.'), 'fine-tuning')!;
    expect(defined.evidence.map((e) => e.rule)).toEqual(['low-rank adaptation']);
    expect(twice.score).toBeGreaterThan(defined.score);
  });
});

describe('scoring', () => {
  it('a negative phrase cancels the words it covers and subtracts', () => {
    const r = tag('Graph learning', 'We differentiate through the computational graph.');
    const graphs = topic(r, 'graphs')!;
    expect(graphs.evidence).toContainEqual(expect.objectContaining({ kind: 'negative', rule: 'computational graph', contribution: -1 }));
    expect(graphs.evidence.filter((e) => e.kind === 'phrase').map((e) => e.where)).toEqual(['title']);
    expect(graphs.score).toBe(1);
    expect(r.tags).not.toContain('graphs');
    expect(tag('Graph learning').tags).toEqual(['graphs']);
  });

  it('a veto negative removes the topic whatever its score', () => {
    const r = tag('Jailbreak attacks', 'A jailbreak that looks benign.');
    expect(r.tags).not.toContain('safety');
    expect(topic(r, 'safety')).toMatchObject({ status: 'vetoed', score: 0 });
  });

  it('the title counts titleWeight times the abstract and can cross the threshold alone', () => {
    const inTitle = tag('Protein design', 'We study a problem.');
    const inAbstract = tag('A study', 'We study protein design.');
    expect(topic(inTitle, 'science')!.score).toBe(2);
    expect(topic(inAbstract, 'science')!.score).toBe(1);
    expect(inTitle.tags).toEqual(['science']);
    expect(inAbstract.tags).toEqual([]);
  });

  it('keeps at most maxTags, best first, and says why the others were left out', () => {
    const r = tag('Quantized transformers for image protein graph RL');
    expect(r.scores.filter((s) => s.score >= 2)).toHaveLength(6);
    expect(r.tags).toHaveLength(2);
    expect(r.scores.filter((s) => s.status === 'over-max-tags')).toHaveLength(4);
    expect(r.tags).toEqual(r.scores.slice(0, 2).map((s) => s.slug));
  });

  it('uses arXiv category hints, including whole archives like q-bio', () => {
    const cv = tag('A new method', 'Nothing topical here.', { categories: ['cs.CV', 'cs.LG'] });
    expect(cv.tags).toEqual(['vision']);
    expect(topic(cv, 'vision')!.evidence).toEqual([{ kind: 'category', rule: 'cs.CV', where: 'category', count: 1, contribution: 2 }]);
    expect(tag('A new method', '', { categories: ['q-bio.BM'] }).tags).toEqual(['science']);
    expect(tag('A new method', '', { categories: ['cs.CL'] }).tags).toEqual([]);
  });

  it('matches Hugging Face keywords with the same phrases, each keyword once', () => {
    const r = tag('A new method', 'Nothing topical here.', { keywords: ['Reinforcement Learning', 'policy gradient'] });
    expect(r.tags).toEqual(['reinforcement-learning']);
    expect(topic(r, 'reinforcement-learning')!.evidence).toEqual([
      { kind: 'phrase', rule: 'reinforcement learning', where: 'keyword', count: 1, contribution: 2 },
    ]);
  });

  it('applies the relative threshold and the fallback threshold', () => {
    const t = parseTaxonomy({ ...small, relativeThreshold: 0.5, fallbackThreshold: 1 });
    const rel = buildTagger(t).tag({ title: 'RL after quantization', abstract: 'RL with RL and RL; reinforcement learning.' });
    expect(topic(rel, 'efficiency')!.score).toBe(2);
    expect(rel.tags).toEqual(['reinforcement-learning']);
    expect(topic(rel, 'efficiency')!.status).toBe('below-relative');
    expect(buildTagger(t).tag({ title: 'A study', abstract: 'of one protein' }).tags).toEqual(['science']);
    expect(tag('A study', 'of one protein').tags).toEqual([]);
  });

  it('is deterministic: same input, same result, from a fresh tagger or the tagPaper wrapper', () => {
    const paper = { title: 'Quantized transformers', abstract: 'We prune and quantize a transformer for image graph RL.', categories: ['cs.CV'] };
    const a = tag(paper.title, paper.abstract, { categories: paper.categories });
    expect(buildTagger(small).tag(paper)).toEqual(a);
    expect(tagPaper(paper, small)).toEqual(a);
    expect(tagPaper(paper, small)).toEqual(a);
  });
});

describe('topics defined by example (tf-idf nearest centroid)', () => {
  const examples = [
    {
      title: 'Mamba: Linear-Time Sequence Modeling with Selective State Spaces',
      abstract: 'Structured state space sequence models with a selection mechanism and a hardware-aware recurrent scan scale linearly in sequence length.',
    },
    {
      title: 'Efficiently Modeling Long Sequences with Structured State Spaces',
      abstract: 'The S4 state space model parameterises a diagonal plus low-rank state matrix for long-range sequence dependencies.',
    },
    {
      title: 'Simplified State Space Layers for Sequence Modeling',
      abstract: 'A multi-input multi-output state space layer uses a parallel scan for efficient recurrent sequence modeling.',
    },
  ];
  const byExample = parseTaxonomy({ threshold: 2, topics: [{ slug: 'state-space', name: 'State-space models', examples }, { slug: 'biology', name: 'Biology', phrases: ['protein'] }] });
  const corpus = [
    { title: 'Protein structure prediction', abstract: 'We predict protein folding from amino acid sequences with a deep network.' },
    { title: 'Image classification with convolutions', abstract: 'A convolutional network classifies natural images.' },
  ];
  const t = buildTagger(byExample, corpus);

  it('tags an unseen paper about the same subject, worded differently, and explains the similarity', () => {
    const r = t.tag({
      title: 'Gated State Space Layers for Long Sequences',
      abstract: 'We propose a recurrent state space layer with gating that models long sequences in linear time using a parallel scan.',
    });
    expect(r.tags).toEqual(['state-space']);
    const ev = topic(r, 'state-space')!.evidence[0]!;
    expect(ev).toMatchObject({ kind: 'examples', where: 'examples' });
    expect(ev.count).toBeGreaterThan(0.2);
    expect(ev.rule).toMatch(/^similar to 3 examples \(cosine 0\.\d{3}; .*space.*\)$/);
  });

  it('does not tag an unrelated paper', () => {
    const r = t.tag({ title: 'Protein folding with language models', abstract: 'Amino acid sequences are embedded to predict protein structure and function.' });
    expect(r.tags).toEqual(['biology']);
    expect(topic(r, 'state-space')?.score ?? 0).toBeLessThan(1);
  });
});

describe('explanations', () => {
  it('formats tags, per-topic scores and status, and every rule that fired with where and how often', () => {
    const r = tag('Quantized transformers', 'We quantize a transformer, prune it and quantize again; see the computational graph.', { categories: ['cs.CV'] });
    const text = formatExplanation(r);
    const lines = text.split('\n');
    expect(lines[0]).toBe('tags: efficiency, architectures (threshold 2, maxTags 2)');
    expect(text).toMatch(/^efficiency {2,}4\.50 {2}tagged$/m);
    expect(text).toMatch(/^architectures {2,}3\.00 {2}tagged$/m);
    expect(text).toMatch(/^ +\+2\.00 {2}"quantiz\*" {2}in title$/m);
    expect(text).toMatch(/^ +\+1\.50 {2}"quantiz\*" {2}in abstract x2$/m);
    expect(text).toMatch(/^ +-1\.00 {2}"computational graph" \(negative\) {2}in abstract$/m);
    expect(text).toMatch(/^vision\s+2\.00 {2}over maxTags$/m);
    expect(text).toMatch(/^ +\+2\.00 {2}category "cs\.CV"$/m);
  });

  it('says (none) when nothing is tagged', () => {
    expect(formatExplanation(tag('Nothing here'))).toBe('tags: (none) (threshold 2, maxTags 2)');
  });
});

describe('default taxonomy', () => {
  const def = defaultTaxonomyParsed();
  it('tags clear-cut papers and keeps acronym boundaries', () => {
    expect(tagPaper({ title: 'QLoRA: Efficient Finetuning of Quantized LLMs', abstract: 'We finetune a 65B model on a single GPU with 4-bit quantization and low-rank adapters.' }, def).tags).toEqual(
      expect.arrayContaining(['fine-tuning', 'efficiency', 'llm']),
    );
    expect(tagPaper({ title: 'Graph Neural Networks for Molecules', abstract: 'A GNN predicts molecular properties.' }, def).tags).toEqual(['graphs', 'science']);
    const url = tagPaper({ title: 'Parsing every URL on the web', abstract: 'We crawl each URL.' }, def);
    expect(url.scores.find((s) => s.slug === 'reinforcement-learning')).toBeUndefined();
  });
});
