/** renderSite: every feed and page of the public URL contract, as objects ready to upload. Pure. */
import { compareByRank, isDay, isoWeek, SEARCH_PAGE, type Paper, type SiteObject, type Topic } from '@paperboy/core';
import { renderAtom, renderJsonFeed, renderRss, type FeedSpec } from './feeds.js';
import {
  FEED_TYPE,
  newestUpdate,
  paths,
  sortPapers,
  toPaperView,
  topicView,
  wholeDays,
  type FeedFormat,
  type FeedScope,
  type PaperView,
  type SiteInfo,
  type TopicView,
} from './model.js';
import { renderOpml } from './opml.js';
import { renderSearchPage } from './search.js';
import {
  renderArchivePage,
  renderDayPage,
  renderIndexPage,
  renderPaperPage,
  renderTopicPage,
  renderTopicWeekPage,
  renderWeekPage,
  type ArchiveDay,
  type ArchiveWeek,
} from './site.js';
import { baseUrl, cleanText } from './text.js';

export const CONTENT_TYPES = {
  rss: `${FEED_TYPE.rss}; charset=utf-8`,
  atom: `${FEED_TYPE.atom}; charset=utf-8`,
  json: `${FEED_TYPE.json}; charset=utf-8`,
  opml: 'text/x-opml; charset=utf-8',
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
} as const;

export const CACHE_CONTROL = {
  feed: 'public, max-age=300',
  html: 'public, max-age=60',
  asset: 'public, max-age=86400',
} as const;

export interface RenderSiteInput {
  site: SiteInfo;
  topics: readonly Topic[];
  /**
   * Every paper to consider for the feeds, the home page and the topic pages, in any order: each scope
   * publishes its newest whole listing days until they hold at least `maxItems` papers (see wholeDays).
   */
  papers: readonly Paper[];
  /**
   * The listing days whose pages to render, each with every paper listed that day. Default: every day
   * among `papers` (right when `papers` holds whole days, as in tests and small sites).
   */
  days?: readonly { day: string; papers: readonly Paper[]; paperPages?: boolean }[];
  /**
   * Every listing day with its count, for the archive page and each day page's previous and next links.
   * Default: the days of `days`.
   */
  archive?: readonly ArchiveDay[];
  /**
   * The ISO weeks whose pages to render (the week's page and each of its topics' pages), each with every
   * paper of its days. Default: the weeks of `days`, with their papers (right when `days` holds whole weeks).
   */
  weeks?: readonly { week: string; papers: readonly Paper[] }[];
  /** Every week with papers, newest first, with its counts per topic: week links and neighbours. Default: from `weeks`. */
  weekArchive?: readonly ArchiveWeek[];
  /** Total papers per topic (from the store); missing slugs fall back to counting `papers`. */
  topicCounts?: Readonly<Record<string, number>>;
  maxItems: number;
  /**
   * Only used when there is no paper at all (an empty site's feeds need some "updated" time).
   * Anything else derives its times from the data, so unchanged data renders to identical bytes.
   */
  generatedAt: Date;
  /** What readers are told about the sources (core's source-health): one line atop every feed and the home page. */
  notices?: readonly { text: string }[];
}

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The site's settings as the renderers use them: text cleaned, the URL with its slash, a valid language tag. */
export function siteInfo(input: SiteInfo): SiteInfo {
  return {
    title: cleanText(input.title).trim() || 'paperboy',
    description: cleanText(input.description ?? '').trim(),
    url: baseUrl(input.url),
    language: /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(input.language ?? '') ? input.language : 'en',
  };
}

/** The taxonomy's topics as the renderers use them; a slug that is not a lowercase slug, or repeats, throws. */
export function topicViews(input: readonly Topic[]): TopicView[] {
  const topics: TopicView[] = [];
  for (const t of input) {
    if (!SLUG.test(t.slug)) throw new Error(`topic slug ${JSON.stringify(t.slug)} is not a lowercase slug`);
    if (topics.some((seen) => seen.slug === t.slug)) throw new Error(`duplicate topic slug "${t.slug}"`);
    topics.push(topicView(t));
  }
  return topics;
}

export function renderSite(input: RenderSiteInput): SiteObject[] {
  const { maxItems } = input;
  if (!Number.isInteger(maxItems) || maxItems < 1) throw new RangeError(`maxItems must be a positive integer, got ${maxItems}`);
  const site = siteInfo(input.site);
  const topics = topicViews(input.topics);
  const topicsBySlug = new Map(topics.map((t) => [t.slug, t]));

  const sorted = sortPapers(input.papers);
  const views = new Map<string, PaperView>();
  const view = (p: Paper) => {
    let v = views.get(p.id);
    if (!v) views.set(p.id, (v = toPaperView(p, topicsBySlug)));
    return v;
  };

  // An empty feed's "updated" is the newest change anywhere in the data: still byte-stable.
  const newestOverall = newestUpdate(sorted.map(view));
  const fallbackUpdated = newestOverall ?? new Date(input.generatedAt.getTime());

  const objects: SiteObject[] = [];
  // The sources' health, one channel-level line in every feed (never an item) and a notice on the home page.
  const notices = (input.notices ?? []).map((n) => cleanText(n.text).trim()).filter(Boolean);
  const notice = notices.join(' ');
  const feedObjects = (scope: FeedScope, title: string, description: string, pagePath: string, items: PaperView[]) => {
    const described = notice ? (description ? `${notice} ${description}` : notice) : description;
    const spec: FeedSpec = { site, scope, title, description: described, pagePath, items, updated: newestUpdate(items) ?? fallbackUpdated };
    const render: Record<FeedFormat, (s: FeedSpec) => string> = { rss: renderRss, atom: renderAtom, json: renderJsonFeed };
    for (const format of ['rss', 'atom', 'json'] as const) {
      objects.push({ key: paths.feed(scope, format), body: render[format](spec), contentType: CONTENT_TYPES[format], cacheControl: CACHE_CONTROL.feed });
    }
  };

  const latest = wholeDays(sorted, maxItems).map(view);
  const days = input.days ?? groupByDay(sorted);
  const weekInput = input.weeks ?? groupByWeek(days);
  const weekArchive = [...(input.weekArchive ?? weekInput.map(({ week, papers }) => tallyWeek(week, papers)))]
    .filter((w) => w.count > 0)
    .sort((a, b) => (a.week < b.week ? 1 : a.week > b.week ? -1 : 0));
  feedObjects('all', site.title, site.description, paths.index, latest);

  const counts = new Map<string, number>();
  const byTopic = new Map<string, Paper[]>(topics.map((t) => [t.slug, []]));
  for (const p of sorted) {
    for (const slug of new Set(p.tags ?? [])) byTopic.get(slug)?.push(p);
  }
  for (const t of topics) {
    const tagged = byTopic.get(t.slug) ?? [];
    const given = input.topicCounts?.[t.slug];
    counts.set(t.slug, typeof given === 'number' && Number.isFinite(given) && given >= tagged.length ? Math.trunc(given) : tagged.length);
    const items = wholeDays(tagged, maxItems).map(view);
    feedObjects({ topic: t.slug }, `${site.title} — ${t.name}`, t.description || `${t.name}: new papers from ${site.title}.`, paths.topic(t.slug), items);
    const weeks = weekArchive.filter((w) => (w.topics[t.slug] ?? 0) > 0).map((w) => ({ week: w.week, count: w.topics[t.slug]! }));
    objects.push({
      key: paths.topic(t.slug),
      body: renderTopicPage({ site, topic: t, topics, count: counts.get(t.slug)!, items, weeks }),
      contentType: CONTENT_TYPES.html,
      cacheControl: CACHE_CONTROL.html,
    });
  }

  objects.push({ key: paths.opml, body: renderOpml({ site, topics, updated: fallbackUpdated }), contentType: CONTENT_TYPES.opml, cacheControl: CACHE_CONTROL.feed });

  // Day pages and the archive: every paper of a day stays reachable at its day page for good.
  const archive = [...(input.archive ?? days.map((d) => ({ day: d.day, count: new Set(d.papers.map((p) => p.id)).size })))]
    .filter((d) => isDay(d.day) && d.count > 0)
    .sort((a, b) => (a.day < b.day ? 1 : a.day > b.day ? -1 : 0));
  const position = new Map(archive.map((d, i) => [d.day, i]));
  for (const { day, papers, paperPages = true } of days as readonly { day: string; papers: readonly Paper[]; paperPages?: boolean }[]) {
    if (!isDay(day)) continue;
    const i = position.get(day);
    // The archive lists days newest first: the previous (earlier) day comes after this one.
    const neighbour = (at: 1 | -1) => (i === undefined ? nearest(archive, day, at) : archive[i + at]?.day);
    const items = sortPapers(papers.filter((p) => p.listedOn === day)).sort(compareByRank).map(view);
    objects.push({
      key: paths.day(day),
      body: renderDayPage({ site, day, items, previous: neighbour(1), next: neighbour(-1) }),
      contentType: CONTENT_TYPES.html,
      cacheControl: CACHE_CONTROL.html,
    });
    // Each paper's own page, rendered with its day: the day's revision moves whenever one of its papers changes.
    const week = isoWeek(day);
    for (const item of paperPages ? items : []) {
      objects.push({
        key: paths.paper(item.id),
        body: renderPaperPage({ site, item, related: related(item, items), week }),
        contentType: CONTENT_TYPES.html,
        cacheControl: CACHE_CONTROL.html,
      });
    }
  }

  // Week pages, and each topic's page of the week: pages of a fixed span, so a new day never shifts them.
  const weekPosition = new Map(weekArchive.map((w, i) => [w.week, i]));
  for (const { week, papers } of weekInput) {
    const i = weekPosition.get(week);
    if (i === undefined) continue;
    const entry = weekArchive[i]!;
    const ranked = sortPapers(papers.filter((p) => isDay(p.listedOn) && isoWeek(p.listedOn) === week));
    const items = [...ranked].sort(compareByRank).map(view);
    const weekDays = [...groupByDay(ranked)].reverse().map((d) => ({ day: d.day, count: d.papers.length }));
    objects.push({
      key: paths.week(week),
      body: renderWeekPage({ site, week, items, days: weekDays, topics, topicCounts: entry.topics, previous: weekArchive[i + 1]?.week, next: weekArchive[i - 1]?.week }),
      contentType: CONTENT_TYPES.html,
      cacheControl: CACHE_CONTROL.html,
    });
    for (const t of topics) {
      const tagged = ranked.filter((p) => p.tags?.includes(t.slug)).map(view);
      if (!tagged.length) continue;
      const topicWeeks = weekArchive.filter((w) => (w.topics[t.slug] ?? 0) > 0);
      const at = topicWeeks.findIndex((w) => w.week === week);
      objects.push({
        key: paths.topicWeek(t.slug, week),
        body: renderTopicWeekPage({ site, topic: t, week, items: tagged, previous: topicWeeks[at + 1]?.week, next: topicWeeks[at - 1]?.week }),
        contentType: CONTENT_TYPES.html,
        cacheControl: CACHE_CONTROL.html,
      });
    }
  }
  objects.push({ key: paths.archive, body: renderArchivePage({ site, days: archive }), contentType: CONTENT_TYPES.html, cacheControl: CACHE_CONTROL.html });

  // The home page: the latest listing day, ranked, as its day page has it, with a link to the day before.
  const newest = latest[0]?.listedOn;
  const day = newest !== undefined && isDay(newest) ? newest : undefined;
  const home = latest.filter((v) => v.listedOn === newest);
  const previous = day === undefined ? undefined : nearest(archive, day, 1);
  objects.push({ key: paths.index, body: renderIndexPage({ site, topics, counts, day, items: home, previous, notices }), contentType: CONTENT_TYPES.html, cacheControl: CACHE_CONTROL.html });

  // Search: the page only; its index is written by core's publishSearch.
  objects.push({ key: SEARCH_PAGE, body: renderSearchPage(site), contentType: CONTENT_TYPES.html, cacheControl: CACHE_CONTROL.html });
  return objects;
}

/** How many related papers a paper's page lists. */
const RELATED = 5;

/** Other papers of the same day that share a topic with `item`: most shared topics first, then by rank. */
function related(item: PaperView, dayItems: readonly PaperView[]): PaperView[] {
  const mine = new Set(item.topics.map((t) => t.slug));
  if (!mine.size) return [];
  const scored: { view: PaperView; shared: number; at: number }[] = [];
  dayItems.forEach((other, at) => {
    if (other.id === item.id) return;
    const shared = other.topics.filter((t) => mine.has(t.slug)).length;
    if (shared > 0) scored.push({ view: other, shared, at });
  });
  return scored.sort((a, b) => b.shared - a.shared || a.at - b.at).slice(0, RELATED).map((s) => s.view);
}

/** A week's count and its papers per topic. */
export function tallyWeek(week: string, papers: readonly Paper[]): ArchiveWeek {
  const ids = new Set<string>();
  const topics: Record<string, number> = {};
  for (const p of papers) {
    if (ids.has(p.id) || !isDay(p.listedOn) || isoWeek(p.listedOn) !== week) continue;
    ids.add(p.id);
    for (const slug of new Set(p.tags ?? [])) topics[slug] = (topics[slug] ?? 0) + 1;
  }
  return { week, count: ids.size, topics };
}

function groupByWeek(days: readonly { day: string; papers: readonly Paper[] }[]): { week: string; papers: Paper[] }[] {
  const weeks = new Map<string, Paper[]>();
  for (const { day, papers, paperPages = true } of days as readonly { day: string; papers: readonly Paper[]; paperPages?: boolean }[]) {
    if (!isDay(day)) continue;
    const week = isoWeek(day);
    const list = weeks.get(week) ?? [];
    list.push(...papers);
    weeks.set(week, list);
  }
  return [...weeks].map(([week, papers]) => ({ week, papers }));
}

function groupByDay(sorted: readonly Paper[]): { day: string; papers: Paper[] }[] {
  const days = new Map<string, Paper[]>();
  for (const p of sorted) {
    const list = days.get(p.listedOn);
    if (list) list.push(p);
    else days.set(p.listedOn, [p]);
  }
  return [...days].map(([day, papers]) => ({ day, papers }));
}

/** For a day missing from the archive (it has no papers now): the nearest earlier (+1) or later (-1) day in it. */
function nearest(archive: readonly ArchiveDay[], day: string, direction: 1 | -1): string | undefined {
  return direction === 1 ? archive.find((d) => d.day < day)?.day : [...archive].reverse().find((d) => d.day > day)?.day;
}
