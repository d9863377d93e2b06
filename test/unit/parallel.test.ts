import { describe, expect, it } from 'vitest';
import { forEachLimited } from '@paperboy/core';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('forEachLimited', () => {
  it('calls fn on every item, never more than the limit at once', async () => {
    let inFlight = 0;
    let most = 0;
    const seen: number[] = [];
    await forEachLimited(Array.from({ length: 40 }, (_, i) => i), 6, async (i) => {
      most = Math.max(most, ++inFlight);
      await tick();
      seen.push(i);
      inFlight--;
    });
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(most).toBe(6);
  });

  it('starts nothing after the first failure, lets those in flight finish, then rejects with that failure', async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const run = forEachLimited(Array.from({ length: 20 }, (_, i) => i), 3, async (i) => {
      started.push(i);
      await tick();
      if (i === 4) throw new Error('item 4 failed');
      if (i === 5) throw new Error('item 5 failed too');
      finished.push(i);
    });
    await expect(run).rejects.toThrow('item 4 failed');
    expect(Math.max(...started)).toBeLessThan(8);
    expect(started.filter((i) => i !== 4 && i !== 5).every((i) => finished.includes(i))).toBe(true);
  });

  it('does nothing for no items', async () => {
    let calls = 0;
    await forEachLimited([], 4, async () => void calls++);
    expect(calls).toBe(0);
  });
});
