/**
 * The syntax of a phrase of the rule language (tagger.ts), as the taxonomy's topics and subscribers' keyword
 * follows write it. Plain functions, so the subscriptions function checks follows without the zod config API.
 */

/**
 * Words of letters and digits separated by spaces or hyphens; any word may end in `*` (a stem of 3+ characters),
 * and the first may start with `*` (an ending of 3+ characters, like "*Bench").
 */
const WORD = String.raw`(?:[A-Za-z0-9]{3,}\*|[A-Za-z0-9]+)`;
const PHRASE = new RegExp(String.raw`^(?:\*[A-Za-z0-9]{3,}|${WORD})(?:[ -]${WORD})*$`);

export const PHRASE_SYNTAX_MESSAGE =
  'must be words of letters and digits separated by spaces or hyphens, each optionally ending in * after a stem of 3+ characters (like "fine-tun*"); the first may start with * before an ending (like "*Bench")';

/** A phrase as written, trimmed and with runs of whitespace made one space. */
export function normalisePhrase(text: string): string {
  return text.trim().replace(/\s+/g, ' ');
}

/** True when a normalised phrase is valid in the rule language. */
export function isPhrase(phrase: string): boolean {
  return PHRASE.test(phrase);
}
