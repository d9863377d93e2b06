/**
 * Word tokens for the tagger: letters and digits only, so every match is on word boundaries
 * ("RL" is never found inside "URL"). Each token keeps three forms:
 *   lower - lowercased and reduced to its singular ("Transformers" -> "transformer"),
 *   cased - original case, singular for acronyms ("LLMs" -> "LLM"), used by acronym phrases,
 *   raw   - lowercased as written, used by wildcard stems ("quantiz*" vs "quantization").
 */

/** Light, deterministic singularisation; applied identically to phrases and text. */
export function singular(lower: string): string {
  const n = lower.length;
  if (n <= 3 || lower.charCodeAt(n - 1) !== 115 /* s */) return lower;
  if (lower.endsWith('ies') && n > 4) return `${lower.slice(0, -3)}y`;
  if (lower.endsWith('sses') || lower.endsWith('xes') || lower.endsWith('ches') || lower.endsWith('shes') || lower.endsWith('iases')) {
    return lower.slice(0, -2);
  }
  if (lower.endsWith('ss') || lower.endsWith('us') || lower.endsWith('is') || lower.endsWith('ias')) return lower;
  return lower.slice(0, -1);
}

/** "LLMs" -> "LLM", "MoEs" -> "MoE", "GNNs" -> "GNN"; anything else unchanged. */
export function singularCased(word: string): string {
  const n = word.length;
  if (n >= 3 && word[n - 1] === 's' && /[A-Z]/.test(word[n - 2]!)) return word.slice(0, -1);
  return word;
}

export interface Token {
  raw: string;
  lower: string;
  cased: string;
  /** One-slot memo for the phrase index that last looked this token up (see PhraseIndex). */
  memoOwner?: object;
  memo?: unknown;
  /** One-slot memo for the tf-idf model that last looked this token up (see CentroidScorer). */
  termOwner?: object;
  term?: number;
  /** The word as written, and its hash (see tokenize). */
  word: string;
  hash: number;
}

const isWordChar = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);

/** FNV-1a over the word's UTF-16 code units, one step per character. */
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** Hashes are kept to 30 bits, small integers for V8 (no boxed numbers on tokens). */
const SMALL = 0x3fffffff;

/**
 * The forms of every word seen, cached: the vocabulary of abstracts is small compared with the number of
 * tokens. An open-addressing hash table rather than a Map<string, Token>, so a word found in it is looked up
 * straight from the text: its hash is computed while the word is scanned and it is compared in place,
 * without slicing a new string and hashing it again. Tokenising every title and abstract of data/corpus three
 * times (1.8 million tokens) took 230-340 ms with the Map, 60-70 ms with this table.
 */
const MAX_WORDS = 200_000;
let slots: (Token | undefined)[] = new Array<Token | undefined>(1 << 14).fill(undefined);
let used = 0;

function insert(table: (Token | undefined)[], t: Token): void {
  const mask = table.length - 1;
  let j = t.hash & mask;
  while (table[j] !== undefined) j = (j + 1) & mask;
  table[j] = t;
}

function makeToken(word: string, hash: number): Token {
  const raw = word.toLowerCase();
  const t: Token = { raw, lower: singular(raw), cased: singularCased(word), memoOwner: undefined, memo: undefined, termOwner: undefined, term: 0, word, hash };
  if (used >= MAX_WORDS) {
    slots = new Array<Token | undefined>(slots.length).fill(undefined);
    used = 0;
  } else if (2 * (used + 1) > slots.length) {
    const bigger = new Array<Token | undefined>(2 * slots.length).fill(undefined);
    for (const old of slots) if (old !== undefined) insert(bigger, old);
    slots = bigger;
  }
  insert(slots, t);
  used++;
  return t;
}

/** The cached forms of `text.slice(start, end)`, whose hash is `hash`. */
function formAt(text: string, start: number, end: number, hash: number): Token {
  const len = end - start;
  const mask = slots.length - 1;
  for (let j = hash & mask; ; j = (j + 1) & mask) {
    const t = slots[j];
    if (t === undefined) break;
    if (t.hash !== hash || t.word.length !== len) continue;
    const w = t.word;
    let k = 0;
    while (k < len && w.charCodeAt(k) === text.charCodeAt(start + k)) k++;
    if (k === len) return t;
  }
  return makeToken(text.slice(start, end), hash);
}

/** The forms of one word (cached). */
export function tokenForm(word: string): Token {
  let hash = FNV_OFFSET;
  for (let k = 0; k < word.length; k++) hash = Math.imul(hash ^ word.charCodeAt(k), FNV_PRIME);
  return formAt(word, 0, word.length, hash & SMALL);
}

/** The word tokens of a text: maximal runs of ASCII letters and digits. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    if (!isWordChar(c)) {
      i++;
      continue;
    }
    const start = i;
    let hash = FNV_OFFSET;
    do {
      hash = Math.imul(hash ^ c, FNV_PRIME);
      i++;
    } while (i < n && isWordChar((c = text.charCodeAt(i))));
    out.push(formAt(text, start, i, hash & SMALL));
  }
  return out;
}

/** Function words and the boilerplate of abstracts; ignored by the example (tf-idf) similarity. */
export const STOPWORDS: ReadonlySet<string> = new Set(
  `a about above across after again against all almost along also although always among an and another any are
  as at be because been before being below between both but by can could did do does doing done due during each
  either else enough especially etc even ever every few for from further furthermore had has have having here
  hence how however i if in into is it its itself just least less let like likely many may might more moreover
  most much must my neither no nor not now of off often on once one only onto or other others otherwise our
  ours out over own per perhaps quite rather really same several shall she should since so some still such than
  that the their them themselves then there thereby therefore these they this those though through thus to
  together too toward towards under until up upon us very via was we well were what whatever when where whereas
  whether which while who whom whose why will with within without would yet you your
  approach approache achieve achieved achieves address addresse allow allows based benefit better can
  challenge challenging code available demonstrate demonstrates different effective effectively existing
  experiment experimental extensive first found furthermore github http https com org www framework
  however improve improved improvement improvements introduce key large large-scale method methodology
  new novel outperform outperforms paper performance present previous prior problem propose proposed
  provide recent recently result results second show shows shown significant significantly simple
  specifically state-of-the-art state art study studie task technique third three two use used uses using
  various way well wide widely work works`
    .split(/\s+/)
    .filter(Boolean)
    .map(singular),
);
