import { describe, expect, it } from 'vitest';
import { newConfirmToken, newSubscriberId, seededBytes, seededRandom } from '@paperboy/core';

describe('seeded randomness', () => {
  it('is mulberry32: seed 1 gives the published first values', () => {
    const next = seededRandom(1);
    expect([next(), next(), next()]).toEqual([0.6270739405881613, 0.002735721180215478, 0.5274470399599522]);
  });

  it('repeats a sequence for a seed, differs between seeds, and stays in [0, 1)', () => {
    const draw = (seed: number) => {
      const next = seededRandom(seed);
      return Array.from({ length: 1000 }, next);
    };
    const a = draw(2026);
    expect(draw(2026)).toEqual(a);
    expect(draw(2027)).not.toEqual(a);
    expect(a.every((x) => x >= 0 && x < 1)).toBe(true);
    // Roughly uniform: each tenth of [0, 1) gets 100 ± 40 of 1000 draws.
    const tenths = Array.from({ length: 10 }, (_, i) => a.filter((x) => Math.floor(x * 10) === i).length);
    expect(tenths.every((n) => n > 60 && n < 140), String(tenths)).toBe(true);
  });

  it('gives seeded bytes that make confirm tokens and subscriber ids repeat, while the default stays random', () => {
    expect(newConfirmToken(seededBytes(7))).toEqual(newConfirmToken(seededBytes(7)));
    expect(newSubscriberId(seededBytes(7))).toBe(newSubscriberId(seededBytes(7)));
    expect(newSubscriberId(seededBytes(7))).not.toBe(newSubscriberId(seededBytes(8)));
    expect(Buffer.from(newConfirmToken(seededBytes(7)).token, 'base64url')).toHaveLength(16);
    expect(newSubscriberId()).not.toBe(newSubscriberId());
    expect(newConfirmToken().token).not.toBe(newConfirmToken().token);
  });
});
