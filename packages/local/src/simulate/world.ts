/**
 * The upstream world of a simulation: the saved real Hugging Face days and arXiv listings, moved onto the
 * simulated calendar and served as the real APIs would at the simulated time.
 *
 * - Calendar: window day i shows the corpus day a whole number of weeks away (weekdays are kept), starting
 *   in the first week that has arXiv listings; past the corpus's end it wraps around in whole weeks. Every
 *   date inside a Hugging Face item moves by the same number of days.
 * - Hugging Face: a day's list grows through the day and its upvotes rise, from seed-drawn times: 40% of
 *   the papers (the earliest submitted) are up by 06:00 local, all by 18:00, never before their own
 *   `submittedOnDailyAt`; each paper's upvotes climb along its own seed-drawn curve to the saved value at
 *   midnight local. After the day, it stays at the saved state.
 * - arXiv RSS: the saved listings go onto the window's weekdays in order (there are ten); every other day
 *   is an empty feed, like a weekend or holiday.
 * - Faults (optional), each on a seed-chosen weekday other than the last: Hugging Face answers 500 to every
 *   request of one run (the first run of that day that asks it anything), 429 with `Retry-After: 1` to one
 *   request, a page cut off halfway to one request, a page 2 s late to one request, and lists one paper
 *   with thousands of long author names, too large for one DynamoDB item.
 *
 * Nothing reads the wall clock or Math.random: the same seed gives the same answers byte for byte.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addDays, cleanText, dayInZone, instantInZone, isWeekend, seededStream, weekdayOf } from '@paperboy/core';
import { startHfReplay, type HfDayState, type HfEntry, type HfFault, type HfReplayRequest } from '../upstream/hf-replay.js';
import { readArxivListings, feedDayAt, startArxivRssReplay, type ArxivListingItem } from './arxiv-rss-replay.js';

export interface WorldOptions {
  seed: number;
  /** First simulated calendar day (e.g. '2026-10-12') and how many days. Corpus days are mapped onto it keeping weekdays (an offset that is a multiple of 7 days). */
  firstDay: string;
  days: number;
  /** Inject the HTTP-level faults on fixed, seed-chosen days. */
  faults: boolean;
  /** Holds `hf-daily/` and `arxiv-listings/` (default data/corpus). */
  corpusDir?: string;
  /** The zone whose clocks "06:00", "18:00" and a calendar day refer to (default Europe/Berlin). */
  timeZone?: string;
}

export interface ListedPaper {
  source: 'hf' | 'arxiv-rss';
  arxivId?: string;
  title: string;
}

export interface World {
  /** Base URL for an hf-daily source's `url` (…/api/daily_papers). */
  hfUrl: string;
  /** Base URL for an arxiv-rss source's `url` (…/rss/). */
  arxivRssUrl: string;
  /** The categories the saved arXiv listings cover. */
  arxivCategories: string[];
  /** What upstream shows depends on the simulated time: set it before each scheduled run. */
  setNow(now: Date): void;
  /** What upstream listed for a calendar day of the window by the end of that day: arXiv id when there is one, else the title. */
  listed(day: string): ListedPaper[];
  /** Faults served so far, by kind (`hf-oversized` counts the oversized papers served, not the answers). */
  faultsServed(): Record<FaultKind, number>;
  /** The day each fault kind is planned for (empty without faults). */
  faultDays(): Partial<Record<FaultKind, string>>;
  /** Titles of the papers made too large for one DynamoDB item. */
  oversizedItems(): string[];
  /** Requests answered, both servers. */
  requests(): number;
  stop(): Promise<void>;
}

export const FAULT_KINDS = ['hf-500-run', 'hf-429', 'hf-truncated', 'hf-slow', 'hf-oversized'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** How late the slow page is; sources time out after 30 s by default (at least 1 s). */
export const SLOW_MS = 2_000;
/** Authors of the oversized paper, each name over 100 characters: over 400 KB of names alone. */
const OVERSIZED_AUTHORS = 4_000;

const CORPUS_DIR = join(import.meta.dirname, '..', '..', '..', '..', 'data', 'corpus');
const ARXIV_ID = /^\d{4}\.\d{4,5}$/;

export async function startWorld(options: WorldOptions): Promise<World> {
  const { seed, firstDay, days } = options;
  const zone = options.timeZone ?? 'Europe/Berlin';
  const corpusDir = options.corpusDir ?? CORPUS_DIR;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(firstDay)) throw new Error(`world: firstDay must be a day like 2026-10-12, got ${JSON.stringify(firstDay)}`);
  if (!Number.isInteger(days) || days < 1) throw new Error(`world: days must be a positive integer, got ${days}`);
  const window = Array.from({ length: days }, (_, i) => addDays(firstDay, i));
  const inWindow = new Set(window);

  const hfDir = join(corpusDir, 'hf-daily');
  const hfDays = readdirSync(hfDir)
    .filter((f) => /^\d{4}-\d{2}-\d{2}\.json$/.test(f))
    .map((f) => f.slice(0, 10))
    .sort();
  const listings = readArxivListings(join(corpusDir, 'arxiv-listings'));
  const corpusDayOf = mapCalendar(window, hfDays, [...listings.keys()][0] ?? hfDays[0]!);

  // arXiv: the saved listings on the window's weekdays, in order.
  const arxivByDay = new Map<string, ArxivListingItem[]>();
  const savedListings = [...listings.values()];
  window.filter((d) => !isWeekend(d)).forEach((d, k) => k < savedListings.length && arxivByDay.set(d, savedListings[k]!));
  const arxivCategories = ['cs.LG', 'cs.CL', 'cs.AI'];

  // Faults: one seed-chosen weekday each, spread over distinct days when there are enough.
  const plan: Partial<Record<FaultKind, string>> = {};
  if (options.faults) {
    const candidates = window.slice(0, -1).filter((d) => !isWeekend(d));
    const draw = seededStream(seed, 'fault-days');
    const shuffled = [...candidates];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(draw() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    if (shuffled.length) FAULT_KINDS.forEach((kind, i) => (plan[kind] = shuffled[i % shuffled.length]));
  }

  // Hugging Face: the corpus day, moved onto the window day (and, on its day, one paper made oversized).
  const oversized = new Map<string, { id: string; title: string }>();
  const loaded = new Map<string, HfEntry[]>();
  const load = (day: string): HfEntry[] => {
    if (!loaded.has(day)) {
      let entries: HfEntry[] = [];
      if (inWindow.has(day)) {
        const corpusDay = corpusDayOf.get(day)!;
        const shift = daysBetween(corpusDay, day);
        entries = (JSON.parse(readFileSync(join(hfDir, `${corpusDay}.json`), 'utf8')) as HfEntry[]).map((e) => shiftDates(e, shift) as HfEntry);
        if (plan['hf-oversized'] === day && entries.length) {
          const k = Math.floor(seededStream(seed, 'oversized', day)() * entries.length);
          entries[k] = oversize(entries[k]!);
          oversized.set(day, { id: entries[k]!.paper.id, title: cleanText(String(entries[k]!.paper.title)) });
        }
      }
      loaded.set(day, entries);
    }
    return loaded.get(day)!;
  };

  // When each paper of a day shows up, and how its upvotes climb; drawn once per day.
  const growth = new Map<string, { appears: number[]; curve: number[]; end: number }>();
  const growthOf = (day: string) => {
    if (!growth.has(day)) {
      const entries = bySubmission(load(day));
      const n = entries.length;
      const start = Date.parse(`${day}T00:00:00Z`); // Hugging Face's day begins at midnight UTC
      const six = Math.max(start, instantInZone(day, '06:00', zone).getTime());
      const eighteen = instantInZone(day, '18:00', zone).getTime();
      const end = instantInZone(addDays(day, 1), '00:00', zone).getTime();
      const draw = seededStream(seed, 'hf-growth', day);
      const early = Math.ceil(n * 0.4);
      const times = [
        ...Array.from({ length: early }, () => start + draw() * (six - start)).sort((a, b) => a - b),
        ...Array.from({ length: n - early }, () => six + draw() * (eighteen - six)).sort((a, b) => a - b),
      ];
      const appears: number[] = [];
      entries.forEach((e, k) => {
        const submitted = Date.parse(String(e.paper.submittedOnDailyAt ?? '')) || start;
        appears.push(Math.round(Math.max(times[k]!, submitted, appears[k - 1] ?? -Infinity)));
      });
      // An exponent per paper: below 1 rises early, above 1 rises late.
      const curve = entries.map(() => 0.5 + 1.5 * draw());
      growth.set(day, { appears, curve, end });
    }
    return growth.get(day)!;
  };

  let now = instantInZone(firstDay, '00:00', zone);
  let run = 0;
  const served: Record<FaultKind, number> = { 'hf-500-run': 0, 'hf-429': 0, 'hf-truncated': 0, 'hf-slow': 0, 'hf-oversized': 0 };
  const oversizedServed = new Set<string>();
  let failingRun: number | undefined;
  const once = new Set<FaultKind>();

  const stateAt = (day: string): HfDayState => {
    const entries = bySubmission(load(day));
    const t = now.getTime();
    const { appears, curve, end } = growthOf(day);
    const upvotes: Record<string, number> = {};
    entries.forEach((e, k) => {
      const final = e.paper.upvotes ?? 0;
      const share = t >= end ? 1 : Math.min(1, Math.max(0, (t - appears[k]!) / (end - appears[k]!)));
      upvotes[e.paper.id] = Math.floor(final * share ** curve[k]!);
    });
    return { count: appears.filter((a) => a <= t).length, upvoteFactor: 0, upvoteBumps: upvotes };
  };

  const fault = (request: HfReplayRequest, page: string): HfFault | undefined => {
    const today = dayInZone(now, zone);
    if (plan['hf-500-run'] === today && (failingRun ?? run) === run) {
      failingRun = run;
      served['hf-500-run']++;
      return { status: 500, body: JSON.stringify({ error: 'Internal Error' }) };
    }
    // The one-request faults: the first request of their day that fits (a cut-off page needs items to cut).
    const oneShot: [FaultKind, boolean, HfFault][] = [
      ['hf-429', true, { status: 429, headers: { 'retry-after': '1' }, body: JSON.stringify({ error: 'Too Many Requests' }) }],
      ['hf-truncated', page.length > 2, { truncateAt: Math.floor(page.length / 2) }],
      ['hf-slow', true, { delayMs: SLOW_MS }],
    ];
    const answer = oneShot.find(([kind, fits]) => plan[kind] === today && fits && !once.has(kind));
    if (answer) {
      once.add(answer[0]);
      served[answer[0]]++;
    }
    // The oversized paper is served when a whole page carrying it is (a late page is whole too).
    const big = request.date ? oversized.get(request.date) : undefined;
    if (big && (!answer || 'delayMs' in answer[2]) && page.includes(`"id":${JSON.stringify(big.id)}`)) oversizedServed.add(big.id);
    served['hf-oversized'] = oversizedServed.size;
    return answer?.[2];
  };

  const hf = await startHfReplay({ load, defaultState: (day) => (inWindow.has(day) ? stateAt(day) : undefined), fault });
  const rss = await startArxivRssReplay(() => {
    const day = feedDayAt(now);
    return { day, listing: arxivByDay.get(day) };
  });

  return {
    hfUrl: hf.url,
    arxivRssUrl: rss.url,
    arxivCategories,
    setNow(at) {
      now = new Date(at.getTime());
      run++;
    },
    listed(day) {
      if (!inWindow.has(day)) return [];
      const fromHf = load(day).map((e): ListedPaper => {
        const id = e.paper.id;
        return { source: 'hf', ...(ARXIV_ID.test(id) ? { arxivId: id } : {}), title: cleanText(String(e.paper.title)) };
      });
      const wanted = new Set(arxivCategories);
      const fromArxiv = (arxivByDay.get(day) ?? [])
        .filter((item) => item.categories.some((c) => wanted.has(c)))
        .map((item): ListedPaper => ({ source: 'arxiv-rss', arxivId: item.id, title: cleanText(item.title) }));
      return [...fromHf, ...fromArxiv];
    },
    faultsServed: () => ({ ...served }),
    faultDays: () => ({ ...plan }),
    oversizedItems: () => {
      if (plan['hf-oversized']) load(plan['hf-oversized']);
      return [...oversized.values()].map((o) => o.title);
    },
    requests: () => hf.requests.length + rss.requests.length,
    stop: async () => {
      await Promise.all([hf.close(), rss.close()]);
    },
  };
}

/** Window day -> corpus day, both the same weekday; starts in the week of `anchor`, wraps in whole weeks. */
function mapCalendar(window: string[], corpusDays: string[], anchor: string): Map<string, string> {
  const weekday = weekdayOf(window[0]!);
  const sameWeekday = corpusDays.map((d, i) => ({ d, i })).filter(({ d }) => weekdayOf(d) === weekday);
  if (!sameWeekday.length) throw new Error(`world: the corpus has no ${weekday} to map ${window[0]} onto`);
  const start = (sameWeekday.find(({ d }) => d >= anchor) ?? sameWeekday[0]!).i;
  const cycleStart = sameWeekday[0]!.i;
  const cycle = Math.floor((corpusDays.length - cycleStart) / 7) * 7;
  if (cycle === 0) throw new Error('world: the corpus has less than a week of consecutive days');
  return new Map(window.map((day, i) => [day, corpusDays[cycleStart + ((start - cycleStart + i) % cycle)]!]));
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
}

/** Every ISO timestamp inside `value` moved by whole days (the time of day and its offset stay). */
function shiftDates(value: unknown, days: number): unknown {
  if (typeof value === 'string') return /^\d{4}-\d{2}-\d{2}T/.test(value) ? addDays(value.slice(0, 10), days) + value.slice(10) : value;
  if (Array.isArray(value)) return value.map((v) => shiftDates(v, days));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shiftDates(v, days)]));
  return value;
}

/** A day's entries in the order they join the list: the order hf-replay's `count` takes them in. */
function bySubmission(entries: HfEntry[]): HfEntry[] {
  const submitted = (e: HfEntry) => e.paper.submittedOnDailyAt ?? '';
  return entries
    .map((entry, order) => ({ entry, order }))
    .sort((a, b) => submitted(a.entry).localeCompare(submitted(b.entry)) || a.order - b.order)
    .map(({ entry }) => entry);
}

/** The entry with thousands of long author names (a large collaboration), built from its own authors' names. */
function oversize(entry: HfEntry): HfEntry {
  const own = ((entry.paper.authors as { name?: string }[] | undefined) ?? []).map((a) => a.name ?? '').filter(Boolean);
  const names = own.length ? own : ['Anonymous'];
  const authors = Array.from({ length: OVERSIZED_AUTHORS }, (_, i) => ({
    _id: i.toString(16).padStart(24, '0'),
    name: `${names[i % names.length]} (member ${i + 1} of the Extremely Large Collaboration on ${String(entry.paper.title).slice(0, 40)})`,
    hidden: false,
  }));
  return { ...entry, paper: { ...entry.paper, authors } };
}
