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
  /** The word as written. */
  word: string;
}

const isWordChar = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);

/** FNV-1a over the word's UTF-16 code units, one step per character. */
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** Hashes are kept to 30 bits: small integers for V8, and never negative, so -1 marks an empty slot. */
const SMALL = 0x3fffffff;

/**
 * The forms of every word seen, cached: the vocabulary of abstracts is small compared with the number of
 * tokens. An open-addressing hash table rather than a Map<string, Token>, so a word is looked up straight
 * from the text: its hash is computed while the word is scanned and it is compared in place, with no new
 * string sliced and hashed per token; the hashes and characters sit in typed arrays, so a probe reads no
 * token object and no string. Tokenising the titles and abstracts of the 10,000 papers of bench/tag.bench.ts
 * took 221-239 ms of CPU with the Map and 109 ms with this table; those of data/corpus twice, 212-229 ms and
 * 70-80 ms (medians of 9 runs alternating the two in one process, two such runs, on a busy 2-core machine).
 */
const MAX_WORDS = 200_000;
const EMPTY = -1;
// Slot j holds a word's hash, where its characters start in `chars` and how many there are, and its token.
let hashes = new Int32Array(1 << 14).fill(EMPTY);
let starts = new Int32Array(1 << 14);
let lengths = new Int32Array(1 << 14);
let slots: (Token | undefined)[] = new Array<Token | undefined>(1 << 14).fill(undefined);
let chars = new Uint16Array(1 << 16);
let charsUsed = 0;
let used = 0;

function resize(size: number, keep: boolean): void {
  const old = { hashes, starts, lengths, slots };
  hashes = new Int32Array(size).fill(EMPTY);
  starts = new Int32Array(size);
  lengths = new Int32Array(size);
  slots = new Array<Token | undefined>(size).fill(undefined);
  if (!keep) {
    used = 0;
    charsUsed = 0;
    return;
  }
  const mask = size - 1;
  for (let i = 0; i < old.hashes.length; i++) {
    if (old.hashes[i] === EMPTY) continue;
    let j = old.hashes[i]! & mask;
    while (hashes[j] !== EMPTY) j = (j + 1) & mask;
    hashes[j] = old.hashes[i]!;
    starts[j] = old.starts[i]!;
    lengths[j] = old.lengths[i]!;
    slots[j] = old.slots[i];
  }
}

function makeToken(word: string, hash: number): Token {
  const raw = word.toLowerCase();
  const t: Token = { raw, lower: singular(raw), cased: singularCased(word), memoOwner: undefined, memo: undefined, termOwner: undefined, term: 0, word };
  if (used >= MAX_WORDS) resize(hashes.length, false);
  else if (2 * (used + 1) > hashes.length) resize(2 * hashes.length, true);
  if (charsUsed + word.length > chars.length) {
    const bigger = new Uint16Array(2 * Math.max(chars.length, word.length));
    bigger.set(chars.subarray(0, charsUsed));
    chars = bigger;
  }
  const mask = hashes.length - 1;
  let j = hash & mask;
  while (hashes[j] !== EMPTY) j = (j + 1) & mask;
  hashes[j] = hash;
  starts[j] = charsUsed;
  lengths[j] = word.length;
  slots[j] = t;
  for (let k = 0; k < word.length; k++) chars[charsUsed++] = word.charCodeAt(k);
  used++;
  return t;
}

/** The cached forms of `text.slice(start, end)`, whose hash is `hash`. */
function formAt(text: string, start: number, end: number, hash: number): Token {
  const len = end - start;
  const mask = hashes.length - 1;
  for (let j = hash & mask; ; j = (j + 1) & mask) {
    const h = hashes[j]!;
    if (h === EMPTY) break;
    if (h !== hash || lengths[j] !== len) continue;
    const at = starts[j]! - start;
    let k = start;
    while (k < end && chars[at + k] === text.charCodeAt(k)) k++;
    if (k === end) return slots[j]!;
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
