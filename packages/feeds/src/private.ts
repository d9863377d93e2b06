/**
 * A subscriber's private feed, in RSS, Atom or JSON Feed: the items of the public feeds (same ids, so a
 * reader merges them), each saying first why it is there. Pure: the API renders it per request.
 */
import type { MatchReason, PrivateFeedItem, Topic } from '@paperboy/core';
import { renderAtom, renderJsonFeed, renderRss, type FeedSpec } from './feeds.js';
import { newestUpdate, paths, TAG_PREFIX, toPaperView, type FeedFormat, type PaperView, type SiteInfo } from './model.js';
import { CONTENT_TYPES, siteInfo, topicViews } from './render.js';

export interface PrivateFeedSpec {
  site: SiteInfo;
  topics: readonly Topic[];
  items: readonly PrivateFeedItem[];
  /** The feed's URL in each format (its self links). */
  urls: Record<FeedFormat, string>;
  /** A stable, non-secret id for the feed (never the token): the hash of its token. */
  feedId: string;
  /** The time of an empty feed's `updated`, which must change only when the data does. */
  emptyUpdated: Date;
}

/** "Topic: Large language models; keyword: speculative decod*; author: Y. LeCun". */
export function reasonText(reasons: readonly MatchReason[], topicName: (slug: string) => string): string {
  return reasons
    .map((r) => (r.kind === 'topic' ? `topic: ${topicName(r.slug)}` : r.kind === 'keyword' ? `keyword: ${r.phrase}` : `author: ${r.name}`))
    .join('; ');
}

export function renderPrivateFeed(spec: PrivateFeedSpec, format: FeedFormat): { body: string; contentType: string } {
  const site = siteInfo(spec.site);
  const topics = topicViews(spec.topics);
  const bySlug = new Map(topics.map((t) => [t.slug, t]));
  const reasons = new Map<string, string>();
  const items: PaperView[] = spec.items.map(({ paper, reasons: why }) => {
    const view = toPaperView(paper, bySlug);
    reasons.set(view.guid, reasonText(why, (slug) => bySlug.get(slug)?.name ?? slug));
    return view;
  });
  const feed: FeedSpec = {
    site,
    scope: 'all',
    title: `${site.title} — your papers`,
    description: `New papers on what you follow, from ${site.title}.`,
    pagePath: paths.index,
    items,
    updated: newestUpdate(items) ?? spec.emptyUpdated,
    own: { id: `${TAG_PREFIX}feed/private/${spec.feedId}`, urls: spec.urls },
    why: (item) => reasons.get(item.guid),
  };
  const render = { rss: renderRss, atom: renderAtom, json: renderJsonFeed }[format];
  return { body: render(feed), contentType: CONTENT_TYPES[format] };
}
