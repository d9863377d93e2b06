/** Use case: render every feed and page from the store, upload only the objects whose bytes changed. */
import type { Paper, SiteObject } from '../model.js';
import type { Clock, ObjectStore, PaperRepository } from '../ports.js';
import type { Topic } from '../taxonomy.js';
import { isoWeek } from '../dates.js';
import { forEachLimited } from '../parallel.js';
import { SITE_PATHS } from '../site-paths.js';
import { sha256 } from '../text.js';
import { publishSearch } from './publish-search.js';
import type { HealthNotice } from '../source-health.js';

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
/**
 * Uploads at once. One at a time, a PUT's round trip bounds a publish: the first publish of a
 * 100,000-paper archive uploads ~101,000 objects, 18.5 minutes one by one against the local S3 stand-in
 * (bench:publish) and past the function's 5 minutes against S3. The SDK's HTTP agent allows 50 sockets.
 */
export const UPLOADS_IN_FLIGHT = 16;
/**
 * The hashes of one listing day's paper pages, kept beside the manifest rather than in it: an archive of
 * 100,000 papers would make the manifest ~10 MB, read and written by every publish. A day's record is read
 * only when its day is rendered again, so a publish costs the same at any age.
 */
export const paperPagesKey = (day: string) => `${INTERNAL_PREFIX}papers/${day}.json`;

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
  /**
   * The day pages to render, each with every paper of its day; with its papers' own pages unless
   * `paperPages` is false (a day rendered only because a neighbouring day came or went).
   */
  days: { day: string; papers: Paper[]; paperPages?: boolean }[];
  /** Every listing day that has papers, with its count, newest first (the archive and the day links). */
  archive: { day: string; count: number }[];
  /** The week pages (and their topics' week pages) to render, each with every paper of its days. */
  weeks: { week: string; papers: Paper[] }[];
  /** Every week that has papers, newest first, with its papers per topic. */
  weekArchive: { week: string; count: number; topics: Record<string, number> }[];
  /** What readers are told about the sources (failing, stale, quiet): on the home page and in every feed. */
  notices?: readonly HealthNotice[];
}

export type RenderSite = (input: RenderSiteInput) => SiteObject[];

export interface PublishCounts {
  objects: number;
  uploaded: number;
  unchanged: number;
  uploadedKeys: string[];
  /** Listing days read from the store to render their pages (changed days, their new neighbours, their weeks). */
  daysRead: number;
  /** Listing days whose day page and paper pages were rendered. */
  daysRendered: number;
  /** Weeks whose pages were rendered. */
  weeksRendered: number;
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
  /** Hash of fixed sample day, paper and week pages: a new layout, site title or taxonomy re-renders every one. */
  signature: string;
  days: Record<string, DayState>;
  /** What each week's pages were rendered from (its days' revisions, its and its topics' neighbouring weeks), hashed. */
  weeks?: Record<string, string>;
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
  /** The sources' health sentences (source-health.ts), shown on the home page and in the feeds. */
  notices?: readonly HealthNotice[];
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
  const untrustedDays = new Set<string>();
  let distrustAll = false;
  let stoppedRun: string | undefined;
  if (pendingBefore !== undefined && previous[PENDING_KEY] !== sha256(pendingBefore)) {
    stoppedRun = sha256(pendingBefore);
    const record = parsePending(pendingBefore);
    // An unreadable record vouches for nothing: every key is uploaded again, every day and week rendered again.
    if (!record) distrustAll = true;
    for (const key of record?.keys ?? Object.keys(previous)) {
      delete previous[key];
      untrusted.add(key);
    }
    for (const day of record?.days ?? []) untrustedDays.add(day);
  }
  // Day pages: only the days whose revision moved since the last publish, plus days whose neighbours changed
  // and days whose page a stopped publish may have left half-done.
  const samplePaper: Paper = { ...SAMPLE_PAPER, tags: deps.topics.slice(0, 1).map((t) => t.slug) };
  const sample = deps.render({
    ...base,
    topicCounts: {},
    papers: [],
    days: [{ day: SAMPLE_DAY, papers: [samplePaper] }],
    archive: [{ day: SAMPLE_DAY, count: 1 }],
    weeks: [{ week: isoWeek(SAMPLE_DAY), papers: [samplePaper] }],
    weekArchive: [{ week: isoWeek(SAMPLE_DAY), count: 1, topics: Object.fromEntries(samplePaper.tags.map((t) => [t, 1])) }],
  });
  const signature = sha256(sample.filter((o) => ARCHIVE_PAGE.test(o.key)).map((o) => `${o.key}\n${o.body}`).join('\n'));
  const stored = parseDaysState(await deps.objects.get(DAYS_STATE_KEY));
  const known = stored.signature === signature && !distrustAll ? stored.days : {};
  const knownWeeks = stored.signature === signature && !distrustAll ? (stored.weeks ?? {}) : {};
  const revisions = await deps.papers.listDayRevisions();
  const read = new Map<string, Paper[]>();
  const readDay = async (day: string) => {
    if (!read.has(day)) read.set(day, await deps.papers.listDay(day));
    return read.get(day)!;
  };
  const nextState: DaysState = { signature, days: {}, weeks: {} };
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
  // A day's record of its paper pages. One the stopped run wrote after uploading that day's pages vouches
  // for them; in any other, the pages the stopped run was about to upload are not vouched for.
  const readRecord = async (day: string): Promise<Record<string, string>> => {
    const record = distrustAll ? undefined : parsePagesRecord(await deps.objects.get(paperPagesKey(day)));
    const pages = record?.pages ?? {};
    if (record && stoppedRun !== undefined && record.run === stoppedRun) return pages;
    return Object.fromEntries(Object.entries(pages).filter(([key]) => !untrusted.has(key)));
  };
  // A paper's page shows nothing of the neighbouring days: a day whose only change is a neighbour renders
  // its day page alone.
  const rendered: { day: string; paperPages: boolean }[] = [];
  for (const { day } of revisions) {
    const was = known[day];
    const now = nextState.days[day]!;
    // A day whose pages a stopped run was writing is rendered again (its record says what is uploaded).
    const moved = !was || was.rev !== now.rev || untrustedDays.has(day);
    const changed = moved || was.previous !== now.previous || was.next !== now.next;
    if (changed || untrusted.has(SITE_PATHS.day(day))) {
      await readDay(day);
      rendered.push({ day, paperPages: moved });
    }
  }
  const pagesRendered = rendered.filter((r) => r.paperPages).map((r) => r.day);

  // Weeks: from the days' tallies, so only the weeks whose days or neighbours changed are read and rendered.
  const weekArchive = tallyWeeks(archive.map(({ day }) => ({ day, ...nextState.days[day]! })));
  const weekSignatures = signWeeks(weekArchive, revisions);
  const daysOfWeek = new Map<string, string[]>();
  for (const { day } of archive) daysOfWeek.set(isoWeek(day), [...(daysOfWeek.get(isoWeek(day)) ?? []), day]);
  const weeks: { week: string; papers: Paper[] }[] = [];
  for (const { week } of weekArchive) {
    const sig = weekSignatures.get(week)!;
    nextState.weeks![week] = sig;
    const keys = [SITE_PATHS.week(week), ...deps.topics.map((t) => SITE_PATHS.topicWeek(t.slug, week))];
    if (knownWeeks[week] === sig && !keys.some((k) => untrusted.has(k))) continue;
    const papers: Paper[] = [];
    for (const day of daysOfWeek.get(week) ?? []) papers.push(...(await readDay(day)));
    weeks.push({ week, papers });
  }

  const objects = deps.render({
    ...base,
    topicCounts,
    papers: [...byId.values()],
    days: rendered.map(({ day, paperPages }) => ({ day, papers: read.get(day)!, paperPages })),
    archive,
    weeks,
    weekArchive,
    notices: deps.notices ?? [],
  });
  // Search: its own module renders the index segments of changed months; they join the objects here.
  const search = await publishSearch({ objects: deps.objects, revisions, readDay, untrusted });
  objects.push(...search.objects);

  // Paper pages are checked against their day's record, not the manifest (see paperPagesKey).
  const dayOfPage = new Map<string, string>();
  for (const day of pagesRendered) for (const p of read.get(day)!) if (p.listedOn === day) dayOfPage.set(SITE_PATHS.paper(p.id), day);
  const pageRecords = new Map<string, { before: Record<string, string>; after: Record<string, string> }>();
  for (const day of pagesRendered) {
    pageRecords.set(day, { before: await readRecord(day), after: {} });
  }

  // Pages not rendered this time are unchanged: their hashes carry over.
  const next: Record<string, string> = { ...previous };
  const counts: PublishCounts = { objects: objects.length, uploaded: 0, unchanged: 0, uploadedKeys: [], daysRead: read.size, daysRendered: rendered.length, weeksRendered: weeks.length };
  const changed: { object: SiteObject; hash: string }[] = [];
  for (const object of objects) {
    const hash = sha256(`${object.contentType}\n${object.cacheControl}\n${object.body}`);
    const day = dayOfPage.get(object.key);
    const record = day === undefined ? undefined : pageRecords.get(day)!;
    const before = record ? record.before[object.key] : previous[object.key];
    if (record) record.after[object.key] = hash;
    else next[object.key] = hash;
    if (before === hash) counts.unchanged++;
    else changed.push({ object, hash });
  }
  const changedRecords = [...pageRecords].filter(([, r]) => JSON.stringify(r.before) !== JSON.stringify(sortKeys(r.after)));
  const internal = (key: string, body: string) =>
    deps.objects.put({ key, body, contentType: 'application/json; charset=utf-8', cacheControl: 'no-store' });
  if (changed.length > 0 || changedRecords.length > 0) {
    // `after` names the record the manifest vouched for when this run started, so no two runs write the
    // same record, even when they upload the same bytes (a crashed run's record never looks vouched for).
    // `days` names the days whose paper-page records this run rewrites: after a stop, those days' pages are
    // rendered again, and those of `keys` are uploaded again.
    const pending = JSON.stringify(
      { after: previous[PENDING_KEY] ?? null, days: changedRecords.map(([day]) => day), keys: Object.fromEntries(changed.map((c) => [c.object.key, c.hash])) },
      null,
      1,
    );
    await internal(PENDING_KEY, pending);
    next[PENDING_KEY] = sha256(pending);
  }
  let done = counts.unchanged;
  deps.onProgress?.(done, objects.length);
  const upload = async ({ object, hash }: { object: SiteObject; hash: string }) => {
    await deps.objects.put({ ...object, metadata: { 'content-sha256': hash } });
    counts.uploaded++;
    counts.uploadedKeys.push(object.key);
    deps.onProgress?.(++done, objects.length);
  };
  // Paper pages day by day, each day's record right after its pages: a publish of the whole archive (a new
  // layout re-renders 100,000 pages) that runs out of time keeps what it finished, and the next run goes on
  // from there instead of starting over.
  const changedByDay = new Map<string, { object: SiteObject; hash: string }[]>();
  for (const c of changed) {
    const day = dayOfPage.get(c.object.key);
    if (day !== undefined) changedByDay.set(day, [...(changedByDay.get(day) ?? []), c]);
  }
  for (const [day, record] of changedRecords) {
    await forEachLimited(changedByDay.get(day) ?? [], UPLOADS_IN_FLIGHT, upload);
    await internal(paperPagesKey(day), JSON.stringify({ run: next[PENDING_KEY], pages: sortKeys(record.after) }, null, 1));
  }
  await forEachLimited(changed.filter((c) => !dayOfPage.has(c.object.key)), UPLOADS_IN_FLIGHT, upload);
  // The manifest and the day state go last: after a crash, the next run re-uploads what it cannot prove is
  // there, and re-reads the days it cannot prove it rendered.
  if (counts.uploaded > 0 || changedRecords.length > 0 || Object.keys(previous).length !== Object.keys(next).length) {
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

function parsePending(text: string): { keys: string[]; days: string[] } | undefined {
  try {
    const parsed = JSON.parse(text) as { keys?: unknown; days?: unknown };
    if (!parsed?.keys || typeof parsed.keys !== 'object' || Array.isArray(parsed.keys)) return undefined;
    const days = Array.isArray(parsed.days) ? parsed.days.filter((d): d is string => typeof d === 'string') : [];
    return { keys: Object.keys(parsed.keys), days };
  } catch {
    return undefined;
  }
}

/** A day's record of its paper pages: their hashes, and the pending record of the run that wrote it. */
function parsePagesRecord(text: string | undefined): { run?: string; pages: Record<string, string> } | undefined {
  if (!text) return undefined;
  try {
    const parsed = JSON.parse(text) as { run?: unknown; pages?: unknown };
    if (!parsed?.pages || typeof parsed.pages !== 'object' || Array.isArray(parsed.pages)) return undefined;
    return { ...(typeof parsed.run === 'string' ? { run: parsed.run } : {}), pages: parsed.pages as Record<string, string> };
  } catch {
    return undefined;
  }
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The pages whose bytes depend on the layout of the archive: a change in any re-renders them all. */
const ARCHIVE_PAGE = /^(days|papers|weeks)\/|^topics\/[^/]+\/weeks\//;

/** Each week's papers, and per topic, from the tallies of its days; newest week first. */
function tallyWeeks(days: { day: string; count: number; topics?: Record<string, number> }[]): { week: string; count: number; topics: Record<string, number> }[] {
  const weeks = new Map<string, { week: string; count: number; topics: Record<string, number> }>();
  for (const { day, count, topics } of days) {
    const week = isoWeek(day);
    let entry = weeks.get(week);
    if (!entry) weeks.set(week, (entry = { week, count: 0, topics: {} }));
    entry.count += count;
    for (const [slug, n] of Object.entries(topics ?? {})) entry.topics[slug] = (entry.topics[slug] ?? 0) + n;
  }
  return [...weeks.values()].sort((a, b) => (a.week < b.week ? 1 : a.week > b.week ? -1 : 0));
}

/**
 * What a week's pages are rendered from: its days' revisions, its neighbouring weeks, and for each of its
 * topics the topic's neighbouring weeks. The same signature means the same pages.
 */
function signWeeks(weeks: { week: string; topics: Record<string, number> }[], revisions: { day: string; rev: number }[]): Map<string, string> {
  const revs = new Map<string, string[]>();
  for (const { day, rev } of revisions) {
    const week = isoWeek(day);
    revs.set(week, [...(revs.get(week) ?? []), `${day}:${rev}`]);
  }
  const byTopic = new Map<string, string[]>();
  for (const { week, topics } of weeks) for (const [slug, n] of Object.entries(topics)) if (n > 0) byTopic.set(slug, [...(byTopic.get(slug) ?? []), week]);
  const out = new Map<string, string>();
  weeks.forEach(({ week, topics }, i) => {
    const topicNav = Object.keys(topics)
      .filter((slug) => topics[slug]! > 0)
      .sort()
      .map((slug) => {
        const list = byTopic.get(slug)!;
        const at = list.indexOf(week);
        return [slug, list[at + 1] ?? null, list[at - 1] ?? null];
      });
    out.set(week, sha256(JSON.stringify({ days: (revs.get(week) ?? []).sort(), previous: weeks[i + 1]?.week ?? null, next: weeks[i - 1]?.week ?? null, topicNav })));
  });
  return out;
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
