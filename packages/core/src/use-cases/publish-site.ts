/** Use case: render every feed and page from the store, upload only the objects whose bytes changed. */
import type { Paper, SiteObject } from '../model.js';
import type { Clock, ObjectStore, PaperRepository } from '../ports.js';
import type { Topic } from '../taxonomy.js';
import { SITE_PATHS } from '../site-paths.js';
import { sha256 } from '../text.js';
import { publishSearch } from './publish-search.js';

/** Keys under this prefix are internal to publish: never served, locally or by CloudFront. */
export const INTERNAL_PREFIX = '_paperboy/';
export const MANIFEST_KEY = `${INTERNAL_PREFIX}manifest.json`;
/** What publish last rendered of each listing day: its revision, count and neighbours (see DayState). */
export const DAYS_STATE_KEY = `${INTERNAL_PREFIX}days.json`;
/**
 * The keys a publish is about to upload, written before the first of them. The manifest written after the
 * last upload carries this record's hash under its own key; a record the manifest does not vouch for is
 * a publish that stopped part-way, and the next publish uploads each of its keys again.
 */
export const PENDING_KEY = `${INTERNAL_PREFIX}pending.json`;

export interface SiteSettings {
  title: string;
  description: string;
  url: string;
  language: string;
}

export interface RenderSiteInput {
  site: SiteSettings;
  topics: Topic[];
  /** The papers of the feeds, the home page and the topic pages: the newest whole days of each scope. */
  papers: Paper[];
  topicCounts: Record<string, number>;
  maxItems: number;
  generatedAt: Date;
  /** The day pages to render, each with every paper of its day. */
  days: { day: string; papers: Paper[] }[];
  /** Every listing day that has papers, with its count, newest first (the archive and the day links). */
  archive: { day: string; count: number }[];
}

export type RenderSite = (input: RenderSiteInput) => SiteObject[];

export interface PublishCounts {
  objects: number;
  uploaded: number;
  unchanged: number;
  uploadedKeys: string[];
  /** Listing days read from the store to render their pages (changed days and their new neighbours). */
  daysRead: number;
}

/** A listing day as publish last rendered it. */
interface DayState {
  rev: number;
  count: number;
  /**
   * Papers of the day per topic. The topic totals on the home and topic pages are their sums: exact by
   * construction (counted from the stored papers whenever the day's revision moves), where a counter
   * moved beside each write drifts when a run dies between the write and the counter.
   */
  topics?: Record<string, number>;
  previous?: string;
  next?: string;
}

interface DaysState {
  /** Hash of a fixed sample day page: a new layout, site title or taxonomy re-renders every day page. */
  signature: string;
  days: Record<string, DayState>;
}

const SAMPLE_DAY = '2000-01-01';
const SAMPLE_PAPER: Paper = {
  id: '0001.00001',
  title: 'Sample',
  abstract: 'Sample',
  authors: ['A'],
  listedOn: SAMPLE_DAY,
  links: {},
  categories: [],
  keywords: [],
  tags: [],
  sources: ['sample'],
  firstSeenAt: `${SAMPLE_DAY}T00:00:00.000Z`,
  updatedAt: `${SAMPLE_DAY}T00:00:00.000Z`,
  contentHash: 'sample',
};

export async function publishSite(deps: {
  papers: PaperRepository;
  objects: ObjectStore;
  render: RenderSite;
  site: SiteSettings;
  topics: Topic[];
  maxItems: number;
  clock: Clock;
  onProgress?: (done: number, total: number) => void;
}): Promise<PublishCounts> {
  // The feeds, home and topic pages show the newest whole days of each scope (at least `maxItems` papers).
  const byId = new Map<string, Paper>();
  for (const p of await deps.papers.listLatest(deps.maxItems)) byId.set(p.id, p);
  for (const topic of deps.topics) {
    for (const p of await deps.papers.listLatestByTopic(topic.slug, deps.maxItems)) byId.set(p.id, p);
  }
  const generatedAt = deps.clock.now();
  const base = { site: deps.site, topics: deps.topics, maxItems: deps.maxItems, generatedAt };

  const previous = parseManifest(await deps.objects.get(MANIFEST_KEY));
  // A publish that stopped part-way may have left any of its keys with its own bytes, whatever the
  // manifest says: those keys are not trusted, so they are uploaded again.
  const pendingBefore = await deps.objects.get(PENDING_KEY);
  const untrusted = new Set<string>();
  if (pendingBefore !== undefined && previous[PENDING_KEY] !== sha256(pendingBefore)) {
    const keys = parsePending(pendingBefore);
    // An unreadable record vouches for nothing: every key is uploaded again.
    for (const key of keys ?? Object.keys(previous)) {
      delete previous[key];
      untrusted.add(key);
    }
  }
  // Day pages: only the days whose revision moved since the last publish, plus days whose neighbours changed
  // and days whose page a stopped publish may have left half-done.
  const sampleKey = `days/${SAMPLE_DAY}/index.html`;
  const sample = deps.render({ ...base, topicCounts: {}, papers: [], days: [{ day: SAMPLE_DAY, papers: [SAMPLE_PAPER] }], archive: [{ day: SAMPLE_DAY, count: 1 }] });
  const signature = sha256(sample.find((o) => o.key === sampleKey)?.body ?? '');
  const stored = parseDaysState(await deps.objects.get(DAYS_STATE_KEY));
  const known = stored.signature === signature ? stored.days : {};
  const revisions = await deps.papers.listDayRevisions();
  const read = new Map<string, Paper[]>();
  const readDay = async (day: string) => {
    if (!read.has(day)) read.set(day, await deps.papers.listDay(day));
    return read.get(day)!;
  };
  const nextState: DaysState = { signature, days: {} };
  for (const { day, rev } of revisions) {
    const seen = known[day];
    nextState.days[day] = seen && seen.rev === rev && seen.topics ? { rev, count: seen.count, topics: seen.topics } : { rev, ...tally(await readDay(day)) };
  }
  const archive = revisions.filter((r) => nextState.days[r.day]!.count > 0).map((r) => ({ day: r.day, count: nextState.days[r.day]!.count }));
  const topicCounts: Record<string, number> = Object.fromEntries(deps.topics.map((t) => [t.slug, 0]));
  for (const { topics } of Object.values(nextState.days)) {
    for (const [slug, n] of Object.entries(topics ?? {})) if (slug in topicCounts) topicCounts[slug]! += n;
  }
  archive.forEach(({ day }, i) => {
    nextState.days[day]!.previous = archive[i + 1]?.day;
    nextState.days[day]!.next = archive[i - 1]?.day;
  });
  for (const { day } of revisions) {
    const was = known[day];
    const now = nextState.days[day]!;
    const changed = !was || was.rev !== now.rev || was.previous !== now.previous || was.next !== now.next;
    if (changed || untrusted.has(SITE_PATHS.day(day))) await readDay(day);
  }

  const objects = deps.render({
    ...base,
    topicCounts,
    papers: [...byId.values()],
    days: [...read].map(([day, papers]) => ({ day, papers })),
    archive,
  });
  // Search: its own module renders the index segments of changed months; they join the objects here.
  const search = await publishSearch({ objects: deps.objects, revisions, readDay, untrusted });
  objects.push(...search.objects);

  // Day pages not rendered this time are unchanged: their hashes carry over.
  const next: Record<string, string> = { ...previous };
  const counts: PublishCounts = { objects: objects.length, uploaded: 0, unchanged: 0, uploadedKeys: [], daysRead: read.size };
  const changed: { object: SiteObject; hash: string }[] = [];
  for (const object of objects) {
    const hash = sha256(`${object.contentType}\n${object.cacheControl}\n${object.body}`);
    next[object.key] = hash;
    if (previous[object.key] === hash) counts.unchanged++;
    else changed.push({ object, hash });
  }
  const internal = (key: string, body: string) =>
    deps.objects.put({ key, body, contentType: 'application/json; charset=utf-8', cacheControl: 'no-store' });
  if (changed.length > 0) {
    // `after` names the record the manifest vouched for when this run started, so no two runs write the
    // same record, even when they upload the same bytes (a crashed run's record never looks vouched for).
    const pending = JSON.stringify({ after: previous[PENDING_KEY] ?? null, keys: Object.fromEntries(changed.map((c) => [c.object.key, c.hash])) }, null, 1);
    await internal(PENDING_KEY, pending);
    next[PENDING_KEY] = sha256(pending);
  }
  let done = counts.unchanged;
  deps.onProgress?.(done, objects.length);
  for (const { object, hash } of changed) {
    await deps.objects.put({ ...object, metadata: { 'content-sha256': hash } });
    counts.uploaded++;
    counts.uploadedKeys.push(object.key);
    deps.onProgress?.(++done, objects.length);
  }
  // The manifest and the day state go last: after a crash, the next run re-uploads what it cannot prove is
  // there, and re-reads the days it cannot prove it rendered.
  if (counts.uploaded > 0 || Object.keys(previous).length !== Object.keys(next).length) {
    await internal(MANIFEST_KEY, JSON.stringify(next, Object.keys(next).sort(), 1));
  }
  await search.commit();
  const stateBody = JSON.stringify(nextState, null, 1);
  if (stateBody !== JSON.stringify(stored, null, 1)) await internal(DAYS_STATE_KEY, stateBody);
  return counts;
}

function parseDaysState(text: string | undefined): DaysState {
  const empty: DaysState = { signature: '', days: {} };
  if (!text) return empty;
  try {
    const parsed = JSON.parse(text) as Partial<DaysState>;
    return typeof parsed?.signature === 'string' && parsed.days && typeof parsed.days === 'object' ? (parsed as DaysState) : empty;
  } catch {
    return empty;
  }
}

/** A day's paper count and its papers per topic. */
function tally(papers: Paper[]): { count: number; topics: Record<string, number> } {
  const byId = new Map(papers.map((p) => [p.id, p]));
  const topics: Record<string, number> = {};
  for (const p of byId.values()) for (const slug of new Set(p.tags)) topics[slug] = (topics[slug] ?? 0) + 1;
  return { count: byId.size, topics: Object.fromEntries(Object.entries(topics).sort(([a], [b]) => (a < b ? -1 : 1))) };
}

function parsePending(text: string): string[] | undefined {
  try {
    const parsed = JSON.parse(text) as { keys?: unknown };
    return parsed?.keys && typeof parsed.keys === 'object' && !Array.isArray(parsed.keys) ? Object.keys(parsed.keys) : undefined;
  } catch {
    return undefined;
  }
}

function parseManifest(text: string | undefined): Record<string, string> {
  if (!text) return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}
