/**
 * Topics defined by example: tf-idf vectors and nearest-centroid cosine similarity (arxiv-sanity style).
 * Pure and deterministic. idf is smoothed, idf(t) = ln((1 + N) / (1 + df(t))) + 1, over the example papers
 * plus any corpus given, so a term nobody has seen gets the largest weight rather than infinity.
 */
import { STOPWORDS, tokenize, type Token } from './tokens.js';

export type SparseVector = Map<string, number>;

export interface Doc {
  title: string;
  abstract: string;
}

/** Tokens already split, to avoid tokenising twice. */
export interface TokenisedDoc {
  titleTokens: readonly Token[];
  abstractTokens: readonly Token[];
}

const tokenised = (doc: Doc | TokenisedDoc): TokenisedDoc =>
  'titleTokens' in doc ? doc : { titleTokens: tokenize(doc.title), abstractTokens: tokenize(doc.abstract) };

/** Content terms of a document: singular, lowercased, no stopwords, no numbers; the title counts twice. */
export function terms(doc: Doc | TokenisedDoc): Map<string, number> {
  const { titleTokens, abstractTokens } = tokenised(doc);
  const counts = new Map<string, number>();
  const add = (tokens: readonly Token[], times: number) => {
    for (const t of tokens) {
      const w = t.lower;
      const c = w.charCodeAt(0);
      if (w.length < 3 || (c >= 48 && c <= 57) || STOPWORDS.has(w)) continue;
      counts.set(w, (counts.get(w) ?? 0) + times);
    }
  };
  add(titleTokens, 2);
  add(abstractTokens, 1);
  return counts;
}

export class TfIdf {
  /** idf of every term seen in the documents; unseen terms get `unseenIdf`. */
  private readonly idfs = new Map<string, number>();
  private readonly unseenIdf: number;

  constructor(docs: readonly Doc[]) {
    const df = new Map<string, number>();
    for (const d of docs) for (const t of terms(d).keys()) df.set(t, (df.get(t) ?? 0) + 1);
    const n = docs.length;
    for (const [t, f] of df) this.idfs.set(t, Math.log((1 + n) / (1 + f)) + 1);
    this.unseenIdf = Math.log(1 + n) + 1;
  }

  idf(term: string): number {
    return this.idfs.get(term) ?? this.unseenIdf;
  }

  /** Unit-length tf-idf vector with sublinear term frequency (1 + ln tf). */
  vector(doc: Doc | TokenisedDoc): SparseVector {
    const v: SparseVector = new Map();
    let norm = 0;
    for (const [t, tf] of terms(doc)) {
      const w = (1 + Math.log(tf)) * this.idf(t);
      v.set(t, w);
      norm += w * w;
    }
    return normalise(v, Math.sqrt(norm));
  }

  /** Unit-length mean of the examples' unit vectors. */
  centroid(docs: readonly Doc[]): SparseVector {
    const c: SparseVector = new Map();
    for (const d of docs) for (const [t, w] of this.vector(d)) c.set(t, (c.get(t) ?? 0) + w);
    let norm = 0;
    for (const w of c.values()) norm += w * w;
    return normalise(c, Math.sqrt(norm));
  }
}

function normalise(v: SparseVector, norm: number): SparseVector {
  if (norm > 0) for (const [t, w] of v) v.set(t, w / norm);
  return v;
}

/** Cosine of two unit vectors; iterates the smaller one. */
export function cosine(a: SparseVector, b: SparseVector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [t, w] of small) {
    const o = large.get(t);
    if (o !== undefined) dot += w * o;
  }
  return dot;
}

/** The terms that contribute most to a similarity, for explanations. */
export function topSharedTerms(a: SparseVector, b: SparseVector, k = 5): string[] {
  const shared: [string, number][] = [];
  for (const [t, w] of a) {
    const o = b.get(t);
    if (o !== undefined) shared.push([t, w * o]);
  }
  return shared
    .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))
    .slice(0, k)
    .map(([t]) => t);
}
