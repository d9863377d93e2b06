/**
 * Tokens in links. Confirm tokens are 128 random bits, stored only as a hash, used once and expired in code.
 * Unsubscribe and preference links carry an HMAC of the subscriber id, compared in constant time.
 * No email address ever appears in a URL.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { systemRandomBytes, type RandomBytes } from './ports.js';
import { sha256 } from './text.js';

export type LinkPurpose = 'unsubscribe' | 'preferences';

export function newConfirmToken(random: RandomBytes = systemRandomBytes): { token: string; hash: string } {
  const token = random(16).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return sha256(`confirm:${token}`);
}

function mac(secret: string, purpose: LinkPurpose, subscriberId: string): string {
  return createHmac('sha256', secret).update(`${purpose}:${subscriberId}`).digest('base64url');
}

export function signLinkToken(secret: string, purpose: LinkPurpose, subscriberId: string): string {
  return `${subscriberId}.${mac(secret, purpose, subscriberId)}`;
}

/** The subscriber id when the token is genuine, else undefined. */
export function verifyLinkToken(secret: string, purpose: LinkPurpose, token: string): string | undefined {
  const dot = token.lastIndexOf('.');
  if (dot <= 0 || token.length > 200) return undefined;
  const id = token.slice(0, dot);
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(id)) return undefined;
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = Buffer.from(mac(secret, purpose, id), 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected) ? id : undefined;
}

export function newSubscriberId(random: RandomBytes = systemRandomBytes): string {
  return random(12).toString('base64url');
}
