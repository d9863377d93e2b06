/** renderSite: every feed and page of the public URL contract, as objects ready to upload. Pure. */
import { compareByRank, isDay, SEARCH_PAGE, type Paper, type SiteObject, type Topic } from '@paperboy/core';
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
import { renderArchivePage, renderDayPage, renderIndexPage, renderTopicPage, type ArchiveDay } from './site.js';
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
  days?: readonly { day: string; papers: readonly Paper[] }[];
  /**
   * Every listing day with its count, for the archive page and each day page's previous and next links.
   * Default: the days of `days`.
   */
  archive?: readonly ArchiveDay[];
  /** Total papers per topic (from the store); missing slugs fall back to counting `papers`. */
  topicCounts?: Readonly<Record<string, number>>;
  maxItems: number;
  /**
   * Only used when there is no paper at all (an empty site's feeds need some "updated" time).
   * Anything else derives its times from the data, so unchanged data renders to identical bytes.
   */
  generatedAt: Date;
}

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function renderSite(input: RenderSiteInput): SiteObject[] {
  const { maxItems } = input;
  if (!Number.isInteger(maxItems) || maxItems < 1) throw new RangeError(`maxItems must be a positive integer, got ${maxItems}`);
  const site: SiteInfo = {
    title: cleanText(input.site.title).trim() || 'paperboy',
    description: cleanText(input.site.description ?? '').trim(),
    url: baseUrl(input.site.url),
    language: /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(input.site.language ?? '') ? input.site.language : 'en',
  };
  const topics: TopicView[] = [];
  for (const t of input.topics) {
    if (!SLUG.test(t.slug)) throw new Error(`topic slug ${JSON.stringify(t.slug)} is not a lowercase slug`);
    if (topics.some((seen) => seen.slug === t.slug)) throw new Error(`duplicate topic slug "${t.slug}"`);
    topics.push(topicView(t));
  }
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
  const feedObjects = (scope: FeedScope, title: string, description: string, pagePath: string, items: PaperView[]) => {
    const spec: FeedSpec = { site, scope, title, description, pagePath, items, updated: newestUpdate(items) ?? fallbackUpdated };
    const render: Record<FeedFormat, (s: FeedSpec) => string> = { rss: renderRss, atom: renderAtom, json: renderJsonFeed };
    for (const format of ['rss', 'atom', 'json'] as const) {
      objects.push({ key: paths.feed(scope, format), body: render[format](spec), contentType: CONTENT_TYPES[format], cacheControl: CACHE_CONTROL.feed });
    }
  };

  const latest = wholeDays(sorted, maxItems).map(view);
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
    objects.push({
      key: paths.topic(t.slug),
      body: renderTopicPage({ site, topic: t, topics, count: counts.get(t.slug)!, items }),
      contentType: CONTENT_TYPES.html,
      cacheControl: CACHE_CONTROL.html,
    });
  }

  objects.push({ key: paths.opml, body: renderOpml({ site, topics, updated: fallbackUpdated }), contentType: CONTENT_TYPES.opml, cacheControl: CACHE_CONTROL.feed });
  objects.push({ key: paths.index, body: renderIndexPage({ site, topics, counts, items: latest }), contentType: CONTENT_TYPES.html, cacheControl: CACHE_CONTROL.html });

  // Day pages and the archive: every paper of a day stays reachable at its day page for good.
  const days = input.days ?? groupByDay(sorted);
  const archive = [...(input.archive ?? days.map((d) => ({ day: d.day, count: new Set(d.papers.map((p) => p.id)).size })))]
    .filter((d) => isDay(d.day) && d.count > 0)
    .sort((a, b) => (a.day < b.day ? 1 : a.day > b.day ? -1 : 0));
  const position = new Map(archive.map((d, i) => [d.day, i]));
  for (const { day, papers } of days) {
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
  }
  objects.push({ key: paths.archive, body: renderArchivePage({ site, days: archive }), contentType: CONTENT_TYPES.html, cacheControl: CACHE_CONTROL.html });
  // Search: the page only; its index is written by core's publishSearch.
  objects.push({ key: SEARCH_PAGE, body: renderSearchPage(site), contentType: CONTENT_TYPES.html, cacheControl: CACHE_CONTROL.html });
  return objects;
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
