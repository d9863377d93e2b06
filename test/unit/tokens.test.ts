import { describe, expect, it } from 'vitest';
import { hashToken, newConfirmToken, signLinkToken, verifyLinkToken } from '@paperboy/core';

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
});
