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
}

const formCache = new Map<string, Token>();

/** Cached: the vocabulary of abstracts is small compared with the number of tokens. */
export function tokenForm(word: string): Token {
  let t = formCache.get(word);
  if (!t) {
    const raw = word.toLowerCase();
    t = { raw, lower: singular(raw), cased: singularCased(word), memoOwner: undefined, memo: undefined };
    if (formCache.size > 200_000) formCache.clear();
    formCache.set(word, t);
  }
  return t;
}

const isWordChar = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);

/** The word tokens of a text: maximal runs of ASCII letters and digits. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    while (i < n && !isWordChar(text.charCodeAt(i))) i++;
    const start = i;
    while (i < n && isWordChar(text.charCodeAt(i))) i++;
    if (i > start) out.push(tokenForm(text.slice(start, i)));
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
