import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanText, escapeHtml, excerpt, htmlToText, normaliseTitle, oneLine, parseArxivId, stripNonXmlChars, terminalJson, titleFingerprint } from '@paperboy/core';
import { decodeHTML } from 'entities';
import { escapeHtml as escapeEmailHtml } from '../../packages/mail/src/html.js';

describe('cleanText', () => {
  it('removes LaTeX residue whose backslash the page lost', () => {
    expect(cleanText('via texttt{D}ual-texttt{H}ead texttt{O}ptimization')).toBe('via Dual-Head Optimization');
  });

  it('turns LaTeX commands, accents and inline maths into plain text', () => {
    expect(cleanText('\\textbf{adaptability} of R\\\'{e}nyi entropy with $\\delta$-bounds')).toBe('adaptability of Rényi entropy with δ-bounds');
  });

  it('keeps plain text character for character: angle brackets, ampersands and entity-like text are text', () => {
    expect(cleanText(`When k < n & m > 2: "Quoted" ]]> 'single' Bounds`)).toBe(`When k < n & m > 2: "Quoted" ]]> 'single' Bounds`);
    expect(cleanText("Why <script>alert('x')</script> is text")).toBe("Why <script>alert('x')</script> is text");
    expect(cleanText('AT&amp;T &eacute;')).toBe('AT&amp;T &eacute;');
  });

  it('collapses whitespace and hard line breaks', () => {
    expect(cleanText('Fast & small\n   models\u00a0 really fast ')).toBe('Fast & small models really fast');
  });

  it('drops characters XML 1.0 forbids and applies NFC', () => {
    expect(cleanText('bad\u0001char e\u0301')).toBe('badchar é');
  });

  it('keeps text that only looks special', () => {
    expect(cleanText('a < b and 5$ and C++ {braces}')).toBe('a < b and 5$ and C++ {braces}');
  });
});

describe('htmlToText', () => {
  it('strips HTML tags, decodes entities once, collapses whitespace and hard line breaks', () => {
    expect(htmlToText('<p>Fast &amp; small\n   models&#x2014;really&nbsp;fast</p>')).toBe('Fast & small models—really fast');
    expect(htmlToText('&amp;lt;b&amp;gt;')).toBe('&lt;b&gt;');
  });

  it('decodes every HTML5 named entity, not a short list', () => {
    expect(htmlToText('R&eacute;nyi &ndash; &Aring;ngstr&ouml;m &hellip; &NotSubsetEqual; &frac12;')).toBe('Rényi – Ångström … ⊈ ½');
  });

  it('keeps a < that starts no tag, as a browser shows it, and drops scripts and styles', () => {
    expect(htmlToText('When k &lt; n &amp; m &gt; 2 and k < n')).toBe('When k < n & m > 2 and k < n');
    expect(htmlToText('<style>p{}</style>Safe<script>alert(1)</script> text')).toBe('Safe text');
  });

  it('separates words at block edges and line breaks', () => {
    expect(htmlToText('<p>one</p><p>two</p>three<br>four<li>five</li>')).toBe('one two three four five');
    expect(htmlToText('<b>bo</b>ld')).toBe('bold');
  });

  it('reads XHTML with CDATA sections', () => {
    expect(htmlToText('<div xmlns="http://www.w3.org/1999/xhtml">a <![CDATA[<b>&amp;]]> <br/>b</div>', { xml: true })).toBe('a <b>&amp; b');
  });
});

describe('oneLine', () => {
  it('removes the characters that reorder or hide text on a terminal', () => {
    expect(oneLine('file\u202egnp.exe\u202c and zero\u200bwidth\ufeff')).toBe('filegnp.exe and zerowidth');
  });

  it('has a JSON form for terminals that escapes C1, separators and reordering characters and parses back', () => {
    const value = { t: 'a\u009b2J\u202eb\u2028c\u001b' };
    expect(terminalJson(value, 0)).toBe('{"t":"a\\u009b2J\\u202eb\\u2028c\\u001b"}');
    expect(JSON.parse(terminalJson(value))).toEqual(value);
  });

  it('removes what a terminal would act on: C0 (escape sequences, line breaks, bell), DEL and C1', () => {
    expect(oneLine('\u001b[31mred\u001b[0m title\r\nnext\u0007 line\u009b2J\u0085end\u007f')).toBe('[31mred [0m title next line 2J end');
  });

  it('keeps printable text, accents and symbols as they are', () => {
    expect(oneLine('  Rényi — δ-bounds  ')).toBe('Rényi — δ-bounds');
  });
});

describe('fast paths give exactly what the full definitions give', () => {
  // Every kind of character the full definitions act on: each whitespace JS \s knows, controls, the
  // invisible format characters, markup characters, and text in one- and two-byte ranges.
  const piece = fc.constantFrom(
    'w', 'word', ' ', '  ', '\t', '\n', '\r', '\u000b', '\u000c', '\u0085', '\u00a0', '\u1680', '\u2000', '\u200a', '\u2028', '\u2029', '\u202f',
    '\u205f', '\u3000', '\ufeff', '\u0007', '\u009b', '\u007f', '\u200b', '\u202e', '\u2066', '\u061c', '&', '<', '>', '"', "'", 'é', '…', '🚀', '\ud800', '\ufffe',
  );
  const text = fc.array(piece, { maxLength: 60 }).map((a) => a.join(''));
  const INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;
  // eslint-disable-next-line no-control-regex
  const fullOneLine = (t: string) => t.replace(INVISIBLE, '').replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/\s+/g, ' ').trim();
  const fullEscape = (t: string) => stripNonXmlChars(t).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

  it('oneLine', () => {
    fc.assert(fc.property(text, (t) => oneLine(t) === fullOneLine(t)), { numRuns: 5000 });
  });

  it('escapeHtml', () => {
    fc.assert(fc.property(text, (t) => escapeHtml(t) === fullEscape(t)), { numRuns: 5000 });
  });

  it("the email's escapeHtml: 7-bit, and the same text once its references are read", () => {
    fc.assert(
      fc.property(text, (t) => {
        const out = escapeEmailHtml(t);
        return /^[\x00-\x7f]*$/.test(out) && decodeHTML(out) === decodeHTML(escapeHtml(t));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('excerpt', () => {
  // The definition excerpt had before it normalised only a prefix: oneLine over the whole text, then the cut.
  function wholeTextExcerpt(text: string, max: number): string {
    const clean = oneLine(text);
    if (clean.length <= max) return clean;
    const hard = clean.slice(0, /[\uD800-\uDBFF]/.test(clean[max - 1] ?? '') ? max - 1 : max);
    const space = hard.lastIndexOf(' ');
    const cut = space >= max * 0.6 ? hard.slice(0, space) : hard;
    return `${cut.replace(/[\s,;:.\-–—(]+$/u, '')}…`;
  }
  // Words, runs of spaces and line breaks, control and invisible characters, and surrogate pairs, which
  // are what oneLine drops, collapses or must not split, placed anywhere including across the prefix cut.
  const piece = fc.constantFrom('word', 'a', ' ', '  ', '\n', '\r\n', '\t', '\u00a0', '\u2028', '\u0007', '\u009b', '\u200b', '\ufeff', '\u202e', '🚀', 'é', ',', '.', '—', '(');
  const text = fc.array(piece, { maxLength: 400 }).map((a) => a.join(''));

  it('gives exactly what normalising the whole text would, for any text and length', () => {
    fc.assert(fc.property(text, fc.integer({ min: 1, max: 120 }), (t, max) => excerpt(t, max) === wholeTextExcerpt(t, max)), { numRuns: 3000 });
  });

  it('gives the same for text that is mostly what oneLine drops (the prefix alone is too short)', () => {
    const t = `${'\u200b \n'.repeat(500)}${'long abstract words '.repeat(100)}`;
    expect(excerpt(t, 50)).toBe(wholeTextExcerpt(t, 50));
    expect(excerpt(t, 50)).toBe('long abstract words long abstract words long…');
  });
});

describe('ids', () => {
  it('strips the version from new and old-style arXiv ids with an anchored pattern', () => {
    expect(parseArxivId('2410.01234v2')).toEqual({ id: '2410.01234', version: 2 });
    expect(parseArxivId('astro-ph/0601001v1')).toEqual({ id: 'astro-ph/0601001', version: 1 });
    expect(parseArxivId('2410.01234')).toEqual({ id: '2410.01234', version: undefined });
    expect(parseArxivId('x2410.01234v2')).toBeUndefined();
  });

  it('fingerprints a title the same way whatever its case, accents and punctuation', () => {
    expect(titleFingerprint('Pointer  Networks!')).toBe(titleFingerprint('pointer networks'));
    expect(titleFingerprint('Rényi')).toBe(titleFingerprint('Renyi'));
    expect(titleFingerprint('Pointer Networks')).not.toBe(titleFingerprint('Pointer Network'));
    expect(normaliseTitle('LoRA: Low-Rank')).toBe('lora low rank');
  });
});
