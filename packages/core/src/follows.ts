/**
 * What a subscriber follows (topics, keyword phrases, authors) and why a paper matches it. One function
 * decides for the digest and for the subscriber's private feed, so the two never disagree.
 *
 * - A topic matches when the paper is tagged with it.
 * - A keyword phrase matches the title or abstract with the tagger's phrase rules (tagging/phrases.ts):
 *   whole words, case- and plural-insensitive, `*` for a stem ("speculative decod*"), a hyphen matching a
 *   hyphen, a space or nothing ("multi-token" = "multi token" = "multitoken"). A phrase with a capital letter
 *   is an acronym and matches case-sensitively, as in the taxonomy ("MoE").
 * - An author matches by normalised name (`authorKey`): accents, case and punctuation do not count, and given
 *   names written as initials match the full names ("Y. LeCun" = "Yann LeCun"; "J. Smith" does not match "Jane Doe").
 */
import type { Paper } from './model.js';
import { PhraseIndex } from './tagging/phrases.js';
import { tokenize } from './tagging/tokens.js';

export type MatchReason = { kind: 'topic'; slug: string } | { kind: 'keyword'; phrase: string } | { kind: 'author'; name: string };

/** The follows of a subscriber: what the digest and the private feed select by. */
export interface Follows {
  topics: readonly string[];
  keywords?: readonly string[];
  authors?: readonly string[];
}

export type MatchablePaper = Pick<Paper, 'title' | 'abstract' | 'authors' | 'tags'>;

interface AuthorKey {
  /** Given names, normalised, in order ("yann"; "y" for an initial). */
  given: string[];
  family: string;
}

/** Lowercase ASCII words of a name: accents folded, punctuation dropped ("Jean-Luc Godard" -> jean luc godard). */
function nameWords(name: string): string[] {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** The normalised form of an author name, or undefined when it has no letters. */
export function authorKey(name: string): AuthorKey | undefined {
  const words = nameWords(name);
  if (words.length === 0) return undefined;
  return { given: words.slice(0, -1), family: words[words.length - 1]! };
}

/** True when two names are the same person as far as their spelling can tell (see the top of this file). */
export function sameAuthor(a: AuthorKey, b: AuthorKey): boolean {
  if (a.family !== b.family) return false;
  if (a.given.length === 0 || b.given.length === 0) return a.given.length === b.given.length;
  const n = Math.min(a.given.length, b.given.length);
  for (let i = 0; i < n; i++) {
    const x = a.given[i]!;
    const y = b.given[i]!;
    if (x === y) continue;
    // An initial matches a name with that first letter.
    if ((x.length === 1 && y.startsWith(x)) || (y.length === 1 && x.startsWith(y))) continue;
    return false;
  }
  return true;
}

/**
 * A subscriber's phrase as a rule: a word written with only its first letter capital ("Speculative Decoding",
 * typed as a title) matches in any case; a word with capitals inside or all capitals ("MoE", "LoRA", "GPT")
 * stays an acronym and matches as written, as in the taxonomy.
 */
export function followedPhrase(phrase: string): string {
  return phrase.replace(/[A-Za-z0-9*]+/g, (word) => (/^[A-Z][a-z0-9]*\*?$/.test(word) && /[a-z]/.test(word) ? word.toLowerCase() : word));
}

/** Compiled follows: the keyword index and the author keys, built once per subscriber and reused for every paper. */
export interface FollowMatcher {
  reasons(paper: MatchablePaper): MatchReason[];
  matches(paper: MatchablePaper): boolean;
}

export function followMatcher(follows: Follows): FollowMatcher {
  const topics = new Set(follows.topics);
  const keywords = follows.keywords ?? [];
  const index = new PhraseIndex<number>();
  keywords.forEach((phrase, i) => index.add({ phrase: followedPhrase(phrase), data: i }));
  const authors = (follows.authors ?? []).map((name) => ({ name, key: authorKey(name) })).filter((a) => a.key);

  const reasons = (paper: MatchablePaper): MatchReason[] => {
    const out: MatchReason[] = [];
    for (const slug of follows.topics) if (paper.tags.includes(slug)) out.push({ kind: 'topic', slug });
    if (keywords.length > 0) {
      const found = new Set<number>();
      const scan = (text: string) => index.scan(tokenize(text), (rule) => found.add(rule.data));
      scan(paper.title);
      if (found.size < keywords.length) scan(paper.abstract);
      for (let i = 0; i < keywords.length; i++) if (found.has(i)) out.push({ kind: 'keyword', phrase: keywords[i]! });
    }
    if (authors.length > 0) {
      const keys = paper.authors.map(authorKey).filter((k): k is AuthorKey => !!k);
      for (const a of authors) if (keys.some((k) => sameAuthor(a.key!, k))) out.push({ kind: 'author', name: a.name });
    }
    return out;
  };
  return {
    reasons,
    matches: (paper) => paper.tags.some((t) => topics.has(t)) || (keywords.length + authors.length > 0 && reasons(paper).length > 0),
  };
}
