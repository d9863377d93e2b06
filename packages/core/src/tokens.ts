/**
 * Tokens in links. Confirm tokens are 128 random bits, stored only as a hash, used once and expired in code.
 * Unsubscribe and preference links carry an HMAC of the subscriber id, compared in constant time.
 * No email address ever appears in a URL.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { systemRandomBytes, type RandomBytes } from './ports.js';
import { sha256 } from './text.js';

export type LinkPurpose = 'unsubscribe' | 'preferences';

const CONFIRM_TOKEN_BYTES = 16;
const MAC_BYTES = 32;

export function newConfirmToken(random: RandomBytes = systemRandomBytes): { token: string; hash: string } {
  const token = random(CONFIRM_TOKEN_BYTES).toString('base64url');
  return { token, hash: hashToken(token) };
}

/**
 * The bytes of `text` when it is the one canonical unpadded base64url spelling of exactly `bytes` bytes,
 * else undefined. Node's decoder is lenient: it skips characters outside the alphabet, accepts `=`
 * padding and the standard alphabet's `+` and `/`, and ignores the unused low bits of the last character,
 * so several texts decode to the same bytes. Only the text that re-encodes to itself is accepted.
 */
export function canonicalBase64url(text: string, bytes: number): Buffer | undefined {
  const length = Math.ceil((bytes * 4) / 3);
  if (text.length !== length || !/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  const decoded = Buffer.from(text, 'base64url');
  return decoded.length === bytes && decoded.toString('base64url') === text ? decoded : undefined;
}

/** True when `token` is a confirm token as newConfirmToken writes it (22 canonical base64url characters). */
export function isConfirmToken(token: string): boolean {
  return canonicalBase64url(token, CONFIRM_TOKEN_BYTES) !== undefined;
}

export function hashToken(token: string): string {
  return sha256(`confirm:${token}`);
}

function mac(secret: string, purpose: LinkPurpose, subscriberId: string): Buffer {
  return createHmac('sha256', secret).update(`${purpose}:${subscriberId}`).digest();
}

export function signLinkToken(secret: string, purpose: LinkPurpose, subscriberId: string): string {
  return `${subscriberId}.${mac(secret, purpose, subscriberId).toString('base64url')}`;
}

/**
 * The subscriber id when the token is genuine, else undefined. The MAC must be the canonical spelling
 * (43 base64url characters that re-encode to themselves): no padding, no other alphabet, no whitespace,
 * no other last character with the same bytes. Its bytes are then compared in constant time.
 */
export function verifyLinkToken(secret: string, purpose: LinkPurpose, token: string): string | undefined {
  const dot = token.lastIndexOf('.');
  if (dot <= 0 || token.length > 200) return undefined;
  const id = token.slice(0, dot);
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(id)) return undefined;
  const given = canonicalBase64url(token.slice(dot + 1), MAC_BYTES);
  if (!given) return undefined;
  return timingSafeEqual(given, mac(secret, purpose, id)) ? id : undefined;
}

/**
 * Private feed tokens. The URL of a subscriber's feed carries a token of 256 bits: an HMAC, under the link
 * secret, of the subscriber id and a random 128-bit feed key stored on the subscriber. The token itself is
 * never stored: the table keeps the key and `hashFeedToken(token)`, which finds the subscriber. The same
 * key always gives the same token, so a digest sent again links the same feed; a new key (revocation) gives
 * a new token, and the old one stops working.
 */
const FEED_KEY_BYTES = 16;

export function newFeedKey(random: RandomBytes = systemRandomBytes): string {
  return random(FEED_KEY_BYTES).toString('base64url');
}

export function feedToken(secret: string, subscriberId: string, feedKey: string): string {
  return createHmac('sha256', secret).update(`feed:${subscriberId}:${feedKey}`).digest().toString('base64url');
}

/** True when `token` has the one canonical spelling of a feed token (43 base64url characters, 32 bytes). */
export function isFeedToken(token: string): boolean {
  return canonicalBase64url(token, MAC_BYTES) !== undefined;
}

export function hashFeedToken(token: string): string {
  return sha256(`feed:${token}`);
}

export function newSubscriberId(random: RandomBytes = systemRandomBytes): string {
  return random(12).toString('base64url');
}
