/** Text normalisation shared by every source: clean, readable, NFC. */
import { createHash } from 'node:crypto';

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ndash: '–', mdash: '—',
  hellip: '…', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', times: '×', minus: '−',
};

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, code: string) => {
    if (code[0] === '#') {
      const n = code[1] === 'x' || code[1] === 'X' ? parseInt(code.slice(2), 16) : parseInt(code.slice(1), 10);
      return Number.isFinite(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : whole;
    }
    return NAMED_ENTITIES[code.toLowerCase()] ?? whole;
  });
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

/** HTML tags and entities out, LaTeX residue out, whitespace collapsed, NFC. */
export function cleanText(text: string): string {
  let s = text.replace(/<[^>]*>/g, ' ');
  s = decodeEntities(s);
  s = stripLatex(s);
  // Characters that are not allowed in XML 1.0 and break readers.
  s = s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]/g, '');
  s = s.replace(/[\s\u00A0]+/g, ' ').trim();
  return s.normalize('NFC');
}

/**
 * One line of text, safe to print on a terminal or in a header: control characters (C0, DEL and C1,
 * which can move a terminal's cursor or recolour it) and line breaks become spaces, runs of whitespace
 * collapse. For anything that comes from outside (titles, upstream error messages) before it is shown.
 */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return String(text ?? '').replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * Text on one line cut to at most `max` characters (plus "…") at a word boundary, "…" added only when
 * anything was cut. Never splits a surrogate pair.
 */
export function excerpt(text: string, max = 300): string {
  const clean = oneLine(text);
  if (clean.length <= max) return clean;
  const hard = clean.slice(0, /[\uD800-\uDBFF]/.test(clean[max - 1] ?? '') ? max - 1 : max);
  const space = hard.lastIndexOf(' ');
  // Cut at the last space unless that would throw away most of the text (one giant word).
  const cut = space >= max * 0.6 ? hard.slice(0, space) : hard;
  return `${cut.replace(/[\s,;:.\-–—(]+$/u, '')}…`;
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
