/**
 * The simulated upstream world: real saved days moved onto a calendar window, growing through the day,
 * arXiv RSS on weekdays only, each HTTP fault on its day, and the same bytes for the same seed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addDays, instantInZone, sha256 } from '@paperboy/core';
import { expectedAnnouncementDay, parseArxivRss, parseHfDaily, SourceError } from '@paperboy/sources';
import { HF_CORPUS_DIR, type HfEntry } from '../../packages/local/src/upstream/hf-replay.js';
import { ARXIV_CORPUS_DIR, readArxivListings } from '../../packages/local/src/simulate/arxiv-rss-replay.js';
import { FAULT_KINDS, SLOW_MS, startWorld, type World, type WorldOptions } from '../../packages/local/src/simulate/world.js';

const ZONE = 'Europe/Berlin';
const at = (day: string, time: string) => instantInZone(day, time, ZONE);
const saved = (day: string) => JSON.parse(readFileSync(join(HF_CORPUS_DIR, `${day}.json`), 'utf8')) as HfEntry[];

const worlds: World[] = [];
afterAll(async () => {
  await Promise.all(worlds.map((w) => w.stop()));
});
const world = async (options: Partial<WorldOptions> = {}) => {
  const w = await startWorld({ seed: 1, firstDay: '2026-10-12', days: 14, faults: false, ...options });
  worlds.push(w);
  return w;
};

const hf = async (w: World, query: string) => {
  const res = await fetch(`${w.hfUrl}?${query}`);
  return { status: res.status, headers: res.headers, text: await res.text() };
};
const hfDay = async (w: World, day: string) => JSON.parse((await hf(w, `date=${day}&limit=100`)).text) as HfEntry[];
const rss = async (w: World) => (await fetch(`${w.arxivRssUrl}${w.arxivCategories.join('+')}`)).text();

describe('simulated world: calendar', () => {
  it('moves a corpus day onto the window by whole weeks, shifting every date inside the items', async () => {
    const w = await world();
    w.setNow(at('2026-10-13', '12:00')); // the day after: its final state
    const served = await hfDay(w, '2026-10-12');
    // 2026-10-12 is a Monday; the window starts in the corpus's first arXiv week, on Monday 2026-04-13: 26 weeks earlier.
    const corpus = saved('2026-04-13');
    expect(served.map((e) => e.paper.id).sort()).toEqual(corpus.map((e) => e.paper.id).sort());
    const original = corpus.find((e) => e.paper.id === served[0]!.paper.id)!;
    const shifted = (iso: string) => `${addDays(iso.slice(0, 10), 182)}${iso.slice(10)}`;
    expect(served[0]!.paper.submittedOnDailyAt).toBe(shifted(original.paper.submittedOnDailyAt!));
    expect(served[0]!.paper.publishedAt).toBe(shifted(String(original.paper.publishedAt)));
    expect(served[0]!.publishedAt).toBe(shifted(String(original.publishedAt)));
    expect(served[0]!.paper.upvotes).toBe(original.paper.upvotes);
    expect(JSON.stringify(served)).not.toMatch(/"2026-0[45]-\d\dT/);
    const parsed = parseHfDaily(JSON.stringify(served), { source: 'hf', date: '2026-10-12' });
    expect(new Set(parsed.papers.map((p) => p.listedOn))).toEqual(new Set(['2026-10-12']));
    // Weekends are empty as in the corpus; days outside the window too.
    expect(await hfDay(w, '2026-10-17')).toEqual([]);
    expect(await hfDay(w, '2026-10-11')).toEqual([]);
    expect(w.listed('2026-10-12').filter((p) => p.source === 'hf').map((p) => p.arxivId).sort()).toEqual(corpus.map((e) => e.paper.id).sort());
  });

  it('keeps weekdays over a window longer than the corpus, wrapping around in whole weeks', async () => {
    const w = await world({ days: 70 });
    for (let i = 0; i < 70; i++) {
      const day = addDays('2026-10-12', i);
      const weekend = [5, 6].includes(i % 7);
      expect(w.listed(day).some((p) => p.source === 'hf'), day).toBe(!weekend);
    }
  });
});

describe('simulated world: Hugging Face through the day', () => {
  it('grows the list from 40% at 06:00 to all by 18:00, upvotes rising to the saved values by midnight', async () => {
    const w = await world();
    const day = '2026-10-14';
    const final = saved('2026-04-15');
    const finalVotes = new Map(final.map((e) => [e.paper.id, e.paper.upvotes!]));
    const times = ['01:00', '03:00', '06:00', '09:00', '12:00', '15:00', '18:00', '21:00', '23:59'].map((t) => at(day, t));
    times.push(at(addDays(day, 1), '00:00'));
    const states: Map<string, number>[] = [];
    for (const t of times) {
      w.setNow(t);
      states.push(new Map((await hfDay(w, day)).map((e) => [e.paper.id, e.paper.upvotes!])));
    }
    const counts = states.map((s) => s.size);
    expect(counts[0]).toBe(0); // 01:00 in Berlin is before midnight UTC, when Hugging Face's day begins
    expect(counts[2]).toBeGreaterThan(0);
    expect(counts[2]).toBeLessThanOrEqual(Math.ceil(final.length * 0.4));
    expect(counts[6]).toBe(final.length);
    expect(counts[4]!).toBeLessThan(final.length);
    states.slice(1).forEach((state, i) => {
      for (const [id, votes] of states[i]!) {
        expect(state.has(id)).toBe(true);
        expect(state.get(id)!).toBeGreaterThanOrEqual(votes);
      }
    });
    expect(Object.fromEntries(states.at(-1)!)).toEqual(Object.fromEntries(finalVotes));
    expect([...states.at(-2)!].some(([id, v]) => v < finalVotes.get(id)!)).toBe(true);
  });

  it('pages by limit and 0-based p over the list of the moment, most upvoted first', async () => {
    const w = await world();
    w.setNow(at('2026-10-13', '15:00'));
    const all = await hfDay(w, '2026-10-13');
    expect(all.length).toBeGreaterThan(10);
    const pages: HfEntry[] = [];
    for (let p = 0; ; p++) {
      const page = JSON.parse((await hf(w, `date=2026-10-13&limit=7&p=${p}`)).text) as HfEntry[];
      pages.push(...page);
      if (page.length < 7) break;
    }
    expect(pages).toEqual(all);
    expect(all.map((e) => e.paper.upvotes)).toEqual([...all.map((e) => e.paper.upvotes)].sort((a, b) => b! - a!));
  });
});

describe('simulated world: arXiv RSS', () => {
  it('serves the saved listings on the window weekdays in order, and an empty holiday feed on every other day', async () => {
    const w = await world({ days: 21 });
    const listings = [...readArxivListings(ARXIV_CORPUS_DIR).values()];
    let k = 0;
    for (let i = 0; i < 21; i++) {
      const day = addDays('2026-10-12', i);
      const now = at(day, '08:00');
      w.setNow(now);
      const parsed = parseArxivRss(await rss(w), { source: 'ax', expectedDay: expectedAnnouncementDay(now) });
      expect(parsed.health!.stale, day).toBe(false);
      const weekday = ![5, 6].includes(i % 7);
      if (weekday && k < listings.length) {
        const listing = listings[k++]!;
        expect(parsed.papers.map((p) => p.arxivId).sort(), day).toEqual(listing.map((l) => l.id).sort());
        expect(parsed.skipped).toEqual([]);
        expect(new Set(parsed.papers.map((p) => p.listedOn))).toEqual(new Set([day]));
        expect(w.listed(day).filter((p) => p.source === 'arxiv-rss').map((p) => p.arxivId).sort()).toEqual(listing.map((l) => l.id).sort());
      } else {
        expect(parsed.papers, day).toEqual([]);
        expect(parsed.health!.notes.join(' '), day).toMatch(/holiday or weekend is normal/);
        expect(w.listed(day).filter((p) => p.source === 'arxiv-rss'), day).toEqual([]);
      }
    }
    expect(k).toBe(10);
  });

  it('switches to the next listing at 20:00 US Eastern, and marks cross-lists as cross', async () => {
    const w = await world();
    w.setNow(instantInZone('2026-10-12', '19:59', 'America/New_York'));
    const monday = parseArxivRss(await rss(w), { source: 'ax' });
    w.setNow(instantInZone('2026-10-12', '20:00', 'America/New_York'));
    const tuesday = parseArxivRss(await rss(w), { source: 'ax', announceTypes: ['new'] });
    expect(new Set(monday.papers.map((p) => p.listedOn))).toEqual(new Set(['2026-10-12']));
    expect(new Set(tuesday.papers.map((p) => p.listedOn))).toEqual(new Set(['2026-10-13']));
    const cross = tuesday.papers.filter((p) => p.updateOnly);
    expect(cross.length).toBeGreaterThan(0);
    expect(cross.every((p) => !w.arxivCategories.includes(p.categories[0]!))).toBe(true);
  });
});

describe('simulated world: faults', () => {
  it('plans each fault kind on a weekday of the window other than the last, and none without faults', async () => {
    const w = await world({ days: 7, faults: true });
    const days = w.faultDays();
    expect(Object.keys(days).sort()).toEqual([...FAULT_KINDS].sort());
    expect(new Set(Object.values(days)).size).toBe(5); // five weekdays, one fault each
    for (const day of Object.values(days)) expect(day >= '2026-10-12' && day <= '2026-10-16').toBe(true);
    const calm = await world({ days: 7 });
    expect(calm.faultDays()).toEqual({});
    expect(calm.oversizedItems()).toEqual([]);
  });

  it('answers 500 to every request of one run on its day, and not to the next run', async () => {
    const w = await world({ days: 7, faults: true });
    const day = w.faultDays()['hf-500-run']!;
    w.setNow(at(day, '06:00'));
    const run = [await hf(w, `date=${day}`), await hf(w, `date=${addDays(day, -1)}`), await hf(w, `date=${day}&p=1`)];
    expect(run.map((r) => r.status)).toEqual([500, 500, 500]);
    w.setNow(at(day, '12:00'));
    expect((await hf(w, `date=${day}`)).status).toBe(200);
    expect(w.faultsServed()['hf-500-run']).toBe(3);
  });

  it('answers 429 with Retry-After: 1 to one request', async () => {
    const w = await world({ days: 7, faults: true });
    const day = w.faultDays()['hf-429']!;
    w.setNow(at(day, '06:00'));
    const first = await hf(w, `date=${day}`);
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('1');
    expect((await hf(w, `date=${day}`)).status).toBe(200);
    expect(w.faultsServed()['hf-429']).toBe(1);
  });

  it('cuts one page off halfway, which the parser reports as truncated', async () => {
    const w = await world({ days: 7, faults: true });
    const day = w.faultDays()['hf-truncated']!;
    w.setNow(at(day, '12:00'));
    expect((await hf(w, `date=${addDays(day, 2)}`)).text).toBe('[]'); // nothing to cut: served whole
    const cut = await hf(w, `date=${day}`);
    const whole = await hf(w, `date=${day}`);
    expect(cut.status).toBe(200);
    expect(cut.headers.get('etag')).toBeNull();
    expect(whole.text.startsWith(cut.text)).toBe(true);
    expect(cut.text.length).toBe(Math.floor(whole.text.length / 2));
    expect(() => parseHfDaily(cut.text, { source: 'hf' })).toThrow(SourceError);
    expect(() => parseHfDaily(cut.text, { source: 'hf' })).toThrow(/may be truncated/);
    expect(w.faultsServed()['hf-truncated']).toBe(1);
  });

  it('sends one page 2 s late, after its headers', async () => {
    const w = await world({ days: 7, faults: true });
    const day = w.faultDays()['hf-slow']!;
    w.setNow(at(day, '12:00'));
    const started = performance.now();
    const res = await fetch(`${w.hfUrl}?date=${day}`);
    const headersAfter = performance.now() - started;
    const body = await res.text();
    const bodyAfter = performance.now() - started;
    expect(headersAfter).toBeLessThan(SLOW_MS / 2);
    expect(bodyAfter).toBeGreaterThanOrEqual(SLOW_MS - 50);
    expect(JSON.parse(body).length).toBeGreaterThan(0);
    expect(SLOW_MS).toBeLessThan(30_000); // the sources' default timeout
    expect(w.faultsServed()['hf-slow']).toBe(1);
  });

  it('lists one paper too large for a DynamoDB item, and keeps it among the listed papers', async () => {
    const w = await world({ days: 7, faults: true });
    const day = w.faultDays()['hf-oversized']!;
    const [title] = w.oversizedItems();
    expect(title).toBeTruthy();
    expect(w.faultsServed()['hf-oversized']).toBe(0);
    w.setNow(at(day, '23:00'));
    const entry = (await hfDay(w, day)).find((e) => e.paper.title === title)!;
    const authors = entry.paper.authors as { name: string }[];
    expect(authors.length).toBeGreaterThan(1000);
    expect(Buffer.byteLength(authors.map((a) => a.name).join(''))).toBeGreaterThan(400 * 1024);
    expect(w.listed(day).some((p) => p.title === title)).toBe(true);
    expect(w.faultsServed()['hf-oversized']).toBe(1);
  });
});

describe('simulated world: determinism', () => {
  // A scripted week of requests: each day at 07:00 and 19:00, the day and the one before, paged, and the RSS.
  const script = async (w: World) => {
    const answers: string[] = [];
    for (let i = 0; i < 7; i++) {
      const day = addDays('2026-10-12', i);
      for (const time of ['07:00', '19:00']) {
        w.setNow(at(day, time));
        for (const d of [addDays(day, -1), day]) {
          for (const p of [0, 1]) {
            const r = await hf(w, `date=${d}&limit=20&p=${p}`);
            answers.push(`${r.status} ${r.headers.get('etag')} ${r.headers.get('retry-after')} ${r.text}`);
          }
        }
        answers.push(await rss(w));
      }
    }
    return answers;
  };

  it('gives the same answers byte for byte for the same seed, and others for another seed', async () => {
    const [a, b, c] = await Promise.all([world({ seed: 42, days: 7, faults: true }), world({ seed: 42, days: 7, faults: true }), world({ seed: 43, days: 7, faults: true })]);
    const [ra, rb, rc] = await Promise.all([script(a), script(b), script(c)]);
    expect(sha256(ra.join('\n'))).toBe(sha256(rb.join('\n')));
    expect(ra).toEqual(rb);
    expect(a.faultsServed()).toEqual(b.faultsServed());
    expect(a.oversizedItems()).toEqual(b.oversizedItems());
    expect(sha256(rc.join('\n'))).not.toBe(sha256(ra.join('\n')));
    for (const kind of FAULT_KINDS) expect(a.faultsServed()[kind], kind).toBeGreaterThan(0);
    // Three 7-day worlds of HTTP answers: about 2 s alone, more on a machine shared with other suites.
  }, 60_000);
});
