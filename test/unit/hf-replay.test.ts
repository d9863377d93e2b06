/** The Hugging Face replay server answers like the API: bare arrays, limit/p paging, ETags, and deterministic day states. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHfReplay, type HfEntry, type HfReplay } from '../../packages/local/src/upstream/hf-replay.js';

let replay: HfReplay;
beforeAll(async () => {
  replay = await startHfReplay();
});
afterAll(async () => {
  await replay?.close();
});

const get = async (query: string, headers: Record<string, string> = {}) => {
  const res = await fetch(`${replay.url}?${query}`, { headers });
  return { status: res.status, etag: res.headers.get('etag'), body: res.status === 304 ? undefined : ((await res.json()) as HfEntry[] & { error?: string }) };
};

describe('HF replay server', () => {
  it('serves a saved day most upvoted first, paged by limit and 0-based p; 50 a page by default', async () => {
    const all = replay.visible('2026-05-12');
    expect(all).toHaveLength(50);
    const p0 = await get('date=2026-05-12&limit=20&p=0');
    const p2 = await get('date=2026-05-12&limit=20&p=2');
    expect(p0.body!.map((e) => e.paper.id)).toEqual(all.slice(0, 20).map((e) => e.paper.id));
    expect(p2.body!.map((e) => e.paper.id)).toEqual(all.slice(40).map((e) => e.paper.id));
    expect((await get('date=2026-05-12')).body).toHaveLength(50);
    expect((await get('date=2026-05-12&limit=20&p=3')).body).toEqual([]);
    expect((await get('date=2026-05-09')).body).toEqual([]);
    expect((await get('date=1999-01-01')).body).toEqual([]);
  });

  it('answers 304 to a matching If-None-Match, and 400 to a bad date, limit or p', async () => {
    const first = await get('date=2026-05-12&limit=20&p=1');
    expect(first.etag).toMatch(/^W\/"[0-9a-f]+"$/);
    expect((await get('date=2026-05-12&limit=20&p=1', { 'if-none-match': first.etag! })).status).toBe(304);
    expect((await get('date=2026-05-12&limit=20&p=0', { 'if-none-match': first.etag! })).status).toBe(200);
    expect((await get('date=2026-05-12&limit=101')).status).toBe(400);
    expect((await get('date=2026-05-12&p=-1')).status).toBe(400);
    expect((await get('date=yesterday')).status).toBe(400);
  });

  it('shows part of a day deterministically: the earliest submitted, scaled and bumped upvotes', async () => {
    const full = replay.visible('2026-05-12');
    const earliest = [...full].sort((a, b) => a.paper.submittedOnDailyAt!.localeCompare(b.paper.submittedOnDailyAt!)).slice(0, 10);
    const target = earliest[9]!;
    replay.setState('2026-05-12', { count: 10, upvoteFactor: 0.5, upvoteBumps: { [target.paper.id]: 1000 } });
    try {
      const part = replay.visible('2026-05-12');
      expect(new Set(part.map((e) => e.paper.id))).toEqual(new Set(earliest.map((e) => e.paper.id)));
      expect(part[0]!.paper).toMatchObject({ id: target.paper.id, upvotes: Math.floor(target.paper.upvotes! * 0.5) + 1000 });
      expect(part.map((e) => e.paper.upvotes)).toEqual([...part.map((e) => e.paper.upvotes)].sort((a, b) => b! - a!));
      expect(replay.visible('2026-05-12')).toEqual(part);

      const cutoff = earliest[4]!.paper.submittedOnDailyAt!;
      replay.setState('2026-05-12', { until: cutoff });
      expect(replay.visible('2026-05-12').every((e) => e.paper.submittedOnDailyAt! <= cutoff)).toBe(true);
      expect(replay.visible('2026-05-12').length).toBeGreaterThanOrEqual(5);
    } finally {
      replay.setState('2026-05-12', undefined);
    }
    expect(replay.visible('2026-05-12')).toEqual(full);
  });
});
