import { describe, expect, it } from 'vitest';
import { hashToken, isConfirmToken, newConfirmToken, signLinkToken, verifyLinkToken } from '@paperboy/core';

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Every other spelling of a canonical base64url text that a lenient decoder might take for the same bytes,
 * or that differs only by case, length or encoding: each must be refused.
 */
function alteredForms(text: string): Record<string, string> {
  const forms: Record<string, string> = {};
  const last = text.at(-1)!;
  // The last character's unused low bits: every character with the same high bits decodes to the same bytes.
  const unusedBits = (text.length * 6) % 8;
  const high = B64URL.indexOf(last) >> unusedBits;
  for (const c of B64URL) if (c !== last && B64URL.indexOf(c) >> unusedBits === high) forms[`last character ${last} -> ${c} (same bytes)`] = `${text.slice(0, -1)}${c}`;
  forms['changed last character'] = `${text.slice(0, -1)}${last === 'A' ? 'B' : 'A'}`;
  forms['= padding'] = `${text}=`;
  forms['== padding'] = `${text}==`;
  const mid = Math.floor(text.length / 2);
  for (const c of ['.', '!', ' ', '=', '\t', '\n', '\r', '\r\n', '%', '~']) {
    forms[`${JSON.stringify(c)} inserted in the middle`] = `${text.slice(0, mid)}${c}${text.slice(mid)}`;
    forms[`${JSON.stringify(c)} appended`] = `${text}${c}`;
  }
  for (const ws of [' ', '\t', '\n', '\r\n', '\u00a0']) {
    forms[`leading ${JSON.stringify(ws)}`] = `${ws}${text}`;
    forms[`trailing ${JSON.stringify(ws)}`] = `${text}${ws}`;
  }
  forms['standard base64 (+ and /)'] = text.replaceAll('-', '+').replaceAll('_', '/');
  forms['standard base64 with padding'] = `${Buffer.from(text, 'base64url').toString('base64')}`;
  forms['percent-encoded first character'] = `%${text.charCodeAt(0).toString(16).toUpperCase()}${text.slice(1)}`;
  forms['percent-encoded last character'] = `${text.slice(0, -1)}%${text.charCodeAt(text.length - 1).toString(16).toUpperCase()}`;
  const letter = [...text].findIndex((c) => /[A-Za-z]/.test(c));
  const flip = (c: string) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase());
  forms['one letter in the other case'] = `${text.slice(0, letter)}${flip(text[letter]!)}${text.slice(letter + 1)}`;
  forms['every letter in the other case'] = [...text].map(flip).join('');
  forms['upper case'] = text.toUpperCase();
  forms['lower case'] = text.toLowerCase();
  forms['truncated by one'] = text.slice(0, -1);
  forms['truncated by four'] = text.slice(0, -4);
  forms['extended by one'] = `${text}A`;
  forms['extended by four'] = `${text}AAAA`;
  forms['empty'] = '';
  for (const [name, form] of Object.entries(forms)) if (form === text) delete forms[name];
  return forms;
}

const secret = 's'.repeat(40);

describe('link tokens', () => {
  it('verifies a genuine unsubscribe token and returns the subscriber id', () => {
    const token = signLinkToken(secret, 'unsubscribe', 'abcdefgh1234');
    expect(verifyLinkToken(secret, 'unsubscribe', token)).toBe('abcdefgh1234');
  });

  it('rejects a forged or tampered token, one signed with another key, and one for another purpose', () => {
    const token = signLinkToken(secret, 'unsubscribe', 'abcdefgh1234');
    expect(verifyLinkToken(secret, 'unsubscribe', token.replace('abcdefgh1234', 'abcdefgh1235'))).toBeUndefined();
    expect(verifyLinkToken(secret, 'unsubscribe', `${token.slice(0, -1)}A`)).toBeUndefined();
    expect(verifyLinkToken('t'.repeat(40), 'unsubscribe', token)).toBeUndefined();
    expect(verifyLinkToken(secret, 'preferences', token)).toBeUndefined();
    expect(verifyLinkToken(secret, 'unsubscribe', 'no-dot-here')).toBeUndefined();
    expect(verifyLinkToken(secret, 'unsubscribe', '')).toBeUndefined();
  });

  it('accepts only the canonical spelling of the MAC: every altered form is refused', () => {
    // An id whose MAC holds both '-' and '_', so the standard-alphabet form differs.
    const id = Array.from({ length: 500 }, (_, i) => `subscriber${i}`).find((s) => /-.*_|_.*-/.test(signLinkToken(secret, 'unsubscribe', s).split('.')[1]!))!;
    const token = signLinkToken(secret, 'unsubscribe', id);
    const macText = token.slice(id.length + 1);
    expect(macText).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(verifyLinkToken(secret, 'unsubscribe', token)).toBe(id);
    const forms = alteredForms(macText);
    // 32 bytes in 43 characters leave 2 unused bits: three other last characters decode to the same bytes.
    expect(Object.keys(forms).filter((n) => n.includes('(same bytes)'))).toHaveLength(3);
    const accepted = Object.entries(forms).filter(([, form]) => verifyLinkToken(secret, 'unsubscribe', `${id}.${form}`) !== undefined);
    expect(accepted.map(([name]) => name)).toEqual([]);
    // The whole token, altered around the id too.
    for (const whole of [` ${token}`, `${token}\n`, `${id}..${macText}`, `${id}.${macText}.`, encodeURIComponent(token).replace('.', '%2E')]) {
      expect(verifyLinkToken(secret, 'unsubscribe', whole), JSON.stringify(whole)).toBeUndefined();
    }
  });

  it('never puts an email address in a token', () => {
    expect(signLinkToken(secret, 'unsubscribe', 'abcdefgh1234')).not.toContain('@');
  });
});

describe('confirm tokens', () => {
  it('are 128 random bits, and only their hash is kept', () => {
    const a = newConfirmToken();
    const b = newConfirmToken();
    expect(Buffer.from(a.token, 'base64url')).toHaveLength(16);
    expect(a.token).not.toBe(b.token);
    expect(a.hash).toBe(hashToken(a.token));
    expect(a.hash).not.toContain(a.token);
  });

  it('are recognised only in their canonical spelling', () => {
    const { token } = newConfirmToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(isConfirmToken(token)).toBe(true);
    const forms = alteredForms(token);
    // 16 bytes in 22 characters leave 4 unused bits: fifteen other last characters decode to the same bytes.
    expect(Object.keys(forms).filter((n) => n.includes('(same bytes)'))).toHaveLength(15);
    // Case flips and a changed last character are other tokens (other bytes), which the hash lookup refuses;
    // no other spelling of these bytes is taken for a token.
    const sameBytes = Object.entries(forms).filter(([, form]) => isConfirmToken(form) && Buffer.from(form, 'base64url').equals(Buffer.from(token, 'base64url')));
    expect(sameBytes.map(([name]) => name)).toEqual([]);
    expect(Object.entries(forms).filter(([, form]) => isConfirmToken(form)).length).toBeLessThanOrEqual(5);
  });
});
