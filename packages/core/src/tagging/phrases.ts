/**
 * Phrase rules compiled once per taxonomy into an index keyed by the first word,
 * then matched against token streams (see the rule language at the top of tagger.ts).
 */
import { singular, singularCased, type Token } from './tokens.js';

type Form = 'lower' | 'cased';

export interface WordSpec {
  key: string;
  form: Form;
  prefix: boolean;
  /** `*Bench`: any word ending with the key ("ClawBench", "VideoBench"). */
  suffix?: boolean;
}

export interface PhraseRule<T> {
  /** The phrase as the taxonomy wrote it, for explanations. */
  phrase: string;
  data: T;
}

interface Entry<T> {
  rule: PhraseRule<T>;
  /** The rule's number: 0 for the first added, and so on. */
  id: number;
  words: WordSpec[];
  order: number;
}

/** A phrase word is an acronym (matched case-sensitively) when it has a capital letter: "RL", "MoE", "LoRA", "3D". */
function compileWord(word: string): WordSpec {
  if (word.length > 1 && word.startsWith('*')) {
    const body = word.slice(1);
    const cased = /[A-Z]/.test(body);
    return { key: cased ? body : body.toLowerCase(), form: cased ? 'cased' : 'lower', prefix: false, suffix: true };
  }
  const prefix = word.endsWith('*');
  const body = prefix ? word.slice(0, -1) : word;
  const cased = /[A-Z]/.test(body);
  // Every spec has the same four fields, so the scan reads them from objects of one shape.
  if (prefix) return { key: cased ? body : body.toLowerCase(), form: cased ? 'cased' : 'lower', prefix: true, suffix: false };
  return cased ? { key: singularCased(body), form: 'cased', prefix: false, suffix: false } : { key: singular(body.toLowerCase()), form: 'lower', prefix: false, suffix: false };
}

/** "fine-tun*" -> [[fine, tun*], [finetun*]]: a hyphen also matches the words written together. */
export function phraseVariants(phrase: string): WordSpec[][] {
  const groups = phrase.trim().split(/\s+/);
  const split = groups.flatMap((g) => g.split('-')).filter(Boolean).map(compileWord);
  const variants = [split];
  if (groups.some((g) => g.includes('-'))) {
    const joined = groups.map((g) => compileWord(g.split('-').map((w, i, a) => (i < a.length - 1 ? w.replace(/\*$/, '') : w)).join('')));
    variants.push(joined);
  }
  return variants;
}

function wordMatches(w: WordSpec, t: Token): boolean {
  if (w.suffix) return w.form === 'lower' ? t.raw.endsWith(w.key) : t.cased.endsWith(w.key);
  if (w.prefix) return w.form === 'lower' ? t.raw.startsWith(w.key) : t.cased.startsWith(w.key);
  return w.form === 'lower' ? t.lower === w.key : t.cased === w.key;
}

const NONE: readonly never[] = Object.freeze([]);

export class PhraseIndex<T> {
  private readonly exact = new Map<string, Entry<T>[]>();
  private readonly prefixes = new Map<string, Entry<T>[]>();
  private prefixLengths: number[] = [];
  private readonly suffixes = new Map<string, Entry<T>[]>();
  private suffixLengths: number[] = [];
  private count = 0;
  private readonly rules: PhraseRule<T>[] = [];

  /** Number of rules added; rule ids are 0 to size - 1. */
  get size(): number {
    return this.rules.length;
  }

  /** The rule with this id. */
  rule(id: number): PhraseRule<T> {
    return this.rules[id]!;
  }

  add(rule: PhraseRule<T>): void {
    const id = this.rules.length;
    this.rules.push(rule);
    for (const words of phraseVariants(rule.phrase)) {
      const entry: Entry<T> = { rule, id, words, order: this.count++ };
      const first = words[0]!;
      const mapKey = `${first.form === 'cased' ? 'C' : 'l'}:${first.key}`;
      const map = first.suffix ? this.suffixes : first.prefix ? this.prefixes : this.exact;
      const list = map.get(mapKey) ?? [];
      list.push(entry);
      // Longest phrases first, so a topic's longest match at a position wins; then taxonomy order.
      list.sort((a, b) => b.words.length - a.words.length || a.order - b.order);
      map.set(mapKey, list);
      if (first.prefix && !this.prefixLengths.includes(first.key.length)) this.prefixLengths.push(first.key.length);
      if (first.suffix && !this.suffixLengths.includes(first.key.length)) this.suffixLengths.push(first.key.length);
    }
    this.prefixLengths.sort((a, b) => a - b);
    this.suffixLengths.sort((a, b) => a - b);
    this.generation = {};
  }

  /** Identity of the current rule set; tokens memoise their first-word entries against it. */
  private generation: object = {};

  /** Entries whose first word matches this token (memoised per distinct token). */
  private startingAt(t: Token): Entry<T>[] {
    if (t.memoOwner === this.generation) return t.memo as Entry<T>[];
    const found: Entry<T>[] = [];
    const push = (list: Entry<T>[] | undefined) => list && found.push(...list);
    push(this.exact.get(`l:${t.lower}`));
    if (t.cased !== t.lower) push(this.exact.get(`C:${t.cased}`));
    for (const n of this.prefixLengths) {
      if (n <= t.raw.length) push(this.prefixes.get(`l:${t.raw.slice(0, n)}`));
      if (n <= t.cased.length) push(this.prefixes.get(`C:${t.cased.slice(0, n)}`));
    }
    for (const n of this.suffixLengths) {
      if (n <= t.raw.length) push(this.suffixes.get(`l:${t.raw.slice(-n)}`));
      if (n <= t.cased.length) push(this.suffixes.get(`C:${t.cased.slice(-n)}`));
    }
    found.sort((a, b) => b.words.length - a.words.length || a.order - b.order);
    t.memoOwner = this.generation;
    // Most words start no phrase: they all share one empty list, so the scan reads no list of theirs.
    t.memo = found.length === 0 ? NONE : found;
    return t.memo as Entry<T>[];
  }

  /** Calls back for every phrase occurrence, in text order, longest first at each position; `id` is the rule's id. */
  scan(tokens: readonly Token[], onMatch: (rule: PhraseRule<T>, start: number, length: number, id: number) => void): void {
    // Plain index loops and word specs of one shape: scanning 3,000 abstracts of data/corpus three times with
    // the default taxonomy's phrases took 155-180 ms of CPU with for-of loops and specs of two shapes, 104-126 ms
    // this way (medians of 15 runs alternating the two in one process).
    const count = tokens.length;
    for (let i = 0; i < count; i++) {
      const entries = this.startingAt(tokens[i]!);
      for (let x = 0; x < entries.length; x++) {
        const e = entries[x]!;
        const words = e.words;
        const n = words.length;
        if (i + n > count) continue;
        let k = 1;
        while (k < n && wordMatches(words[k]!, tokens[i + k]!)) k++;
        if (k === n) onMatch(e.rule, i, n, e.id);
      }
    }
  }
}
