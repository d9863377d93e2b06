/**
 * Seeded randomness, for runs that must repeat exactly: the same seed gives the same numbers on every
 * machine. Not for secrets: production draws tokens and ids from node:crypto (see `systemRandomBytes`).
 *
 * The generator is mulberry32 (Tommy Ettinger, public domain): 32 bits of state, full period 2^32,
 * passes gjrand's tests, six lines. pure-rand has stronger generators but an immutable API that would
 * need wrapping, and a simulation of a few thousand draws needs none of their strength.
 */
import { sha256 } from './text.js';

/** Numbers in [0, 1), like Math.random, from a 32-bit seed (other numbers are truncated to 32 bits). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A source of random bytes in the shape of `RandomBytes`, from a seed: one byte per draw. */
export function seededBytes(seed: number): (size: number) => Buffer {
  const next = seededRandom(seed);
  return (size) => {
    const bytes = Buffer.alloc(size);
    for (let i = 0; i < size; i++) bytes[i] = Math.floor(next() * 256);
    return bytes;
  };
}

/**
 * A generator of its own for one purpose (`'hf', '2026-10-12'`), derived from the seed: what it draws does
 * not depend on how many numbers other purposes drew before it, so adding a draw elsewhere changes nothing here.
 */
export function seededStream(seed: number, ...purpose: (string | number)[]): () => number {
  return seededRandom(parseInt(sha256(`${seed}:${purpose.join(':')}`).slice(0, 8), 16));
}
