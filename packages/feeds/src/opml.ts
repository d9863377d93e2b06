/** OPML 2.0 (http://opml.org/spec2.opml): every feed, for a one-step import into a reader. */
import { absolute, FEED_LABEL, paths, rfc822, type FeedFormat, type SiteInfo, type TopicView } from './model.js';
import { el, xmlDocument } from './xml.js';

export interface OpmlSpec {
  site: SiteInfo;
  topics: readonly TopicView[];
  /** Only changes when the data does, so the document is byte-stable. */
  updated: Date;
}

/**
 * One outline group per format: "RSS 2.0" first (what most readers import), then "Atom" and
 * "JSON Feed". Each group holds the all-papers feed and one feed per topic. Readers import
 * a group as a folder, so a reader who wants one format can import just that folder.
 */
export function renderOpml(spec: OpmlSpec): string {
  const { site } = spec;
  const groups: Array<[FeedFormat, string]> = [
    ['rss', 'RSS 2.0'],
    ['atom', 'Atom'],
    ['json', 'JSON Feed'],
  ];
  const outline = (format: FeedFormat, scope: 'all' | { topic: string }, title: string, pagePath: string, description: string) =>
    el('outline', [
      ['type', 'rss'],
      ['text', title],
      ['title', title],
      ['xmlUrl', absolute(site, paths.feed(scope, format))],
      ['htmlUrl', absolute(site, pagePath)],
      ['description', description || undefined],
      ['language', site.language],
    ]);
  const body = el(
    'body',
    groups.map(([format, label]) =>
      el('outline', [['text', `${site.title} (${label})`], ['title', `${site.title} (${label})`]], [
        outline(format, 'all', `${site.title} — all papers (${FEED_LABEL[format]})`, paths.index, site.description),
        ...spec.topics.map((t) =>
          outline(format, { topic: t.slug }, `${site.title} — ${t.name} (${FEED_LABEL[format]})`, paths.topic(t.slug), t.description),
        ),
      ]),
    ),
  );
  return xmlDocument(
    el('opml', [['version', '2.0']], [
      el('head', [
        el('title', `${site.title} feeds`),
        el('dateModified', rfc822(spec.updated)),
        el('docs', 'http://opml.org/spec2.opml'),
      ]),
      body,
    ]),
  );
}
