/**
 * Seeded pseudo-random numbers for simulations and tests that must repeat exactly: the same seed gives the
 * same sequence on every machine. Not for anything secret (tokens use node:crypto).
 */
import { sha256 } from './text.js';

/** mulberry32: a small, fast 32-bit generator; numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A generator of its own for one purpose (`'hf', '2026-10-12'`), derived from the seed: what it draws does
 * not depend on how many numbers other purposes drew before it, so adding a draw elsewhere changes nothing here.
 */
export function seededStream(seed: number, ...purpose: (string | number)[]): () => number {
  return seededRandom(parseInt(sha256(`${seed}:${purpose.join(':')}`).slice(0, 8), 16));
}
