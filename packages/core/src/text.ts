/** Text normalisation shared by every source: clean, readable, NFC. */
import { createHash } from 'node:crypto';
import { decodeHTML } from 'entities';
import { Parser } from 'htmlparser2';

/**
 * HTML character references (every HTML5 named one, numeric ones) decoded once, by the `entities` library.
 * Only for text that is HTML source; plain text keeps `&amp;` as the five characters it is.
 */
export function decodeEntities(text: string): string {
  return decodeHTML(text);
}

// \'{e} -> é and friends: accents written the TeX way.
const TEX_ACCENTS: Record<string, string> = { "'": '\u0301', '`': '\u0300', '^': '\u0302', '"': '\u0308', '~': '\u0303', '=': '\u0304', '.': '\u0307', c: '\u0327', v: '\u030c', u: '\u0306', H: '\u030b' };
const TEX_SYMBOLS: Record<string, string> = {
  alpha: 'α', beta: 'β', gamma: 'γ', delta: 'δ', epsilon: 'ε', varepsilon: 'ε', zeta: 'ζ', eta: 'η', theta: 'θ', kappa: 'κ', lambda: 'λ', mu: 'μ', nu: 'ν', xi: 'ξ', pi: 'π', rho: 'ρ', sigma: 'σ', tau: 'τ', phi: 'φ', varphi: 'φ', chi: 'χ', psi: 'ψ', omega: 'ω',
  Gamma: 'Γ', Delta: 'Δ', Theta: 'Θ', Lambda: 'Λ', Pi: 'Π', Sigma: 'Σ', Phi: 'Φ', Psi: 'Ψ', Omega: 'Ω',
  times: '×', cdot: '·', leq: '≤', le: '≤', geq: '≥', ge: '≥', neq: '≠', approx: '≈', sim: '∼', infty: '∞', pm: '±', to: '→', rightarrow: '→', leftarrow: '←', in: '∈', ell: 'ℓ', sqrt: '√', log: 'log', sum: 'Σ', prod: 'Π', partial: '∂', nabla: '∇', ldots: '…', dots: '…', cdots: '⋯', '%': '%', '&': '&', '_': '_', '#': '#', '$': '$',
};
const TEX_FORMATTING = 'textbf|textit|texttt|textsc|textrm|textsf|emph|mathrm|mathbf|mathit|mathcal|mathbb|mathsf|mathtt|boldsymbol|operatorname|text|underline|url';

/**
 * Removes LaTeX residue so that abstracts read as plain text:
 * `\textbf{x}` -> `x`, `texttt{D}ual` -> `Dual` (backslash already lost upstream),
 * `$\delta$` -> `δ`, `R\'{e}nyi` -> `Rényi`.
 */
export function stripLatex(text: string): string {
  let s = text;
  s = s.replace(/\\([`'^"~=.]|[cvuH](?=\{))\s*\{?([A-Za-z])\}?/g, (_, accent: string, letter: string) => letter + (TEX_ACCENTS[accent] ?? ''));
  // Formatting commands with or without their backslash (scraped pages often lose it).
  s = s.replace(new RegExp(`(?:\\\\|\\b)(?:${TEX_FORMATTING})\\s*\\{([^{}]*)\\}`, 'g'), '$1');
  s = s.replace(/\\([A-Za-z]+|[%&_#$])/g, (whole, name: string) => TEX_SYMBOLS[name] ?? whole);
  // Inline maths: drop the dollar delimiters but keep the content.
  s = s.replace(/(?<![\\$])\$([^$\n]{1,200})\$(?!\$)/g, (_, inner: string) => inner.replace(/[{}]/g, ''));
  return s;
}

// Characters that are not allowed in XML 1.0 and break readers.
// eslint-disable-next-line no-control-regex
const NOT_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]/g;

/**
 * Plain text as a source gave it, made readable: LaTeX residue out, control characters out, whitespace
 * and hard line breaks collapsed, NFC. Every other character is kept as it is: `k < n & m > 2` and a title
 * that mentions `<script>` read exactly so. For a field its source says is plain text (a JSON Feed or RSS
 * title, arXiv, Hugging Face); HTML fields go through htmlToText.
 */
export function cleanText(text: string): string {
  let s = stripLatex(text);
  s = s.replace(NOT_TEXT, '');
  s = s.replace(/[\s\u00A0]+/g, ' ').trim();
  return s.normalize('NFC');
}

/** Elements whose content is no text for a reader. */
const NOT_SHOWN = new Set(['script', 'style', 'template', 'head']);
/** Elements that separate words: their edges become a space, so `<p>a</p><p>b</p>` reads "a b". */
const BREAKS = new Set(['br', 'p', 'div', 'li', 'ul', 'ol', 'dl', 'dt', 'dd', 'tr', 'td', 'th', 'table', 'blockquote', 'pre', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'section', 'article', 'header', 'footer', 'figure', 'figcaption', 'img']);

/**
 * HTML (an RSS description, an Atom `type="html"` or `"xhtml"` text, a JSON Feed `content_html`) as plain
 * text, read by a real HTML parser (htmlparser2): markup out, character references decoded once (every
 * HTML5 named one), scripts and styles dropped, block edges as spaces; then cleanText. A `<` that starts no
 * tag (`k < n`) stays text, as a browser shows it. `xml` parses XHTML (CDATA sections, self-closing tags).
 */
export function htmlToText(html: string, opts: { xml?: boolean } = {}): string {
  const out: string[] = [];
  let hidden = 0;
  const parser = new Parser(
    {
      onopentag(name) {
        if (NOT_SHOWN.has(name)) hidden++;
        if (BREAKS.has(name)) out.push(' ');
      },
      ontext(text) {
        if (hidden === 0) out.push(text);
      },
      onclosetag(name) {
        if (NOT_SHOWN.has(name)) hidden = Math.max(0, hidden - 1);
        if (BREAKS.has(name)) out.push(' ');
      },
    },
    { decodeEntities: true, lowerCaseTags: true, xmlMode: opts.xml ?? false, recognizeCDATA: true },
  );
  parser.write(html);
  parser.end();
  return cleanText(out.join(''));
}

/**
 * Invisible format characters that reorder or hide what a terminal shows (bidirectional overrides and
 * isolates, as in "Trojan Source"; zero-width characters; the BOM). Kept in stored text, where right-to-left
 * titles may need them; never printed.
 */
// eslint-disable-next-line no-misleading-character-class
const INVISIBLE_FORMAT = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/**
 * One line of text, safe to print on a terminal or in a header: control characters (C0, DEL and C1,
 * which can move a terminal's cursor, set its title or recolour it) and line breaks become spaces, so
 * no escape sequence reaches the terminal and no text can forge a line of its own; bidirectional and
 * zero-width format characters are removed; runs of whitespace collapse. For anything that comes from
 * outside (titles, links, upstream error messages, skip reasons) before it is shown.
 */
// eslint-disable-next-line no-control-regex
// Controls, the invisible format characters, and every whitespace character but the plain space (JS \s is
// [\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]), or two spaces in a row.
const NEEDS_ONE_LINE = /[\u0000-\u001f\u007f-\u00a0\u061c\u1680\u2000-\u200f\u2028-\u202f\u205f-\u2069\u3000\ufeff]| {2}/;

export function oneLine(text: string): string {
  const s = String(text ?? '');
  // Most text is already one clean line: one test instead of three replaces and a trim (a digest of 53
  // papers spent 0.6 ms here; bench:digest). NEEDS_ONE_LINE matches whatever the replaces would change.
  if (s.charCodeAt(0) !== 32 && s.charCodeAt(s.length - 1) !== 32 && !NEEDS_ONE_LINE.test(s)) return s;
  // eslint-disable-next-line no-control-regex
  return s.replace(INVISIBLE_FORMAT, '').replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * JSON for a terminal (`status --json`): JSON.stringify already escapes C0 controls; this escapes DEL, the
 * C1 controls, line and paragraph separators and the invisible format characters too, as \uXXXX. The
 * result parses back to the same value.
 */
export function terminalJson(value: unknown, indent = 2): string {
  // eslint-disable-next-line no-control-regex, no-misleading-character-class
  return JSON.stringify(value, null, indent).replace(/[\u007f-\u009f\u2028\u2029\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Text on one line cut to at most `max` characters (plus "…") at a word boundary, "…" added only when
 * anything was cut. Never splits a surrogate pair.
 */
export function excerpt(text: string, max = 300): string {
  // oneLine of a prefix is a prefix of oneLine of the whole (it only drops, maps and collapses characters in
  // place, and trims at most the prefix's one trailing space), so when a prefix already gives more than
  // `max` characters the rest of the text cannot change the result (test/unit/text.test.ts checks this
  // against the whole-text definition). On a 1,890-character abstract cut to 300: 14.2 µs before, 5.6 after.
  const whole = String(text ?? '');
  const head = whole.length > 2 * max + 2 ? oneLine(whole.slice(0, 2 * max + 2)) : undefined;
  const clean = head !== undefined && head.length > max ? head : oneLine(whole);
  if (clean.length <= max) return clean;
  const hard = clean.slice(0, /[\uD800-\uDBFF]/.test(clean[max - 1] ?? '') ? max - 1 : max);
  const space = hard.lastIndexOf(' ');
  // Cut at the last space unless that would throw away most of the text (one giant word).
  const cut = space >= max * 0.6 ? hard.slice(0, space) : hard;
  return `${trimTrailing(cut)}…`;
}

/** Characters an excerpt does not end on before its "…". */
const TRAILING = new Set([...' \t\n\r\f\v\u00a0,;:.-–—(']);

/**
 * `text` without its trailing run of TRAILING characters. The regex this replaces, /[\s,;:.\-–—(]+$/u,
 * tries a match at every position of the 300-character excerpt: 5 of the 6.5 µs an excerpt took.
 */
function trimTrailing(text: string): string {
  let end = text.length;
  while (end > 0 && (TRAILING.has(text[end - 1]!) || /\s/.test(text[end - 1]!))) end--;
  return text.slice(0, end);
}

/** The form of a title used to recognise the same paper from two sources. */
export function normaliseTitle(title: string): string {
  return cleanText(title)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Stable id for a paper without an arXiv id: a fingerprint of its normalised title. */
export function titleFingerprint(title: string): string {
  return `t-${sha256(normaliseTitle(title)).slice(0, 16)}`;
}

/** `2410.01234v2` -> { id: '2410.01234', version: 2 }; also old-style `astro-ph/0601001v1`. */
export function parseArxivId(raw: string): { id: string; version?: number } | undefined {
  const m = /^(?:arxiv:)?((?:[a-z-]+(?:\.[A-Z]{2})?\/\d{7})|(?:\d{4}\.\d{4,5}))(?:v(\d+))?$/i.exec(raw.trim());
  if (!m) return undefined;
  return { id: m[1]!, version: m[2] ? Number(m[2]) : undefined };
}
