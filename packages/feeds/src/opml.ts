/** OPML 2.0 (http://opml.org/spec2.opml): every feed, for a one-step import into a reader. */
import { absolute, FEED_LABEL, paths, rfc822, type FeedFormat, type FeedScope, type SiteInfo, type TopicView } from './model.js';
import { el, xmlDocument } from './xml.js';

export interface OpmlSpec {
  site: SiteInfo;
  topics: readonly TopicView[];
  /** Only changes when the data does, so the document is byte-stable. */
  updated: Date;
}

/**
 * The one format the OPML lists. Importing a list that offers each topic three times subscribes the reader
 * to every paper three times, so it names one feed per topic, in Atom: its titles are declared plain text
 * (`type="text"`), so a title with `<`, `&` or TeX shows as written, where RSS 2.0 leaves a title's markup
 * unspecified and readers disagree on decoding it; and every entry carries an `<updated>` time, so a
 * reader can show a paper whose upvotes or TL;DR changed as updated rather than as new. Every reader that
 * imports OPML reads Atom. The pages still link all three formats.
 */
export const OPML_FORMAT: FeedFormat = 'atom';

/**
 * One folder named after the site, holding the all-papers feed and one feed per topic (readers import an
 * outline with children as a folder). `type="rss"` is OPML 2.0's type for any feed subscription, Atom included.
 */
export function renderOpml(spec: OpmlSpec): string {
  const { site } = spec;
  const outline = (scope: FeedScope, title: string, pagePath: string, description: string) =>
    el('outline', [
      ['type', 'rss'],
      ['text', title],
      ['title', title],
      ['xmlUrl', absolute(site, paths.feed(scope, OPML_FORMAT))],
      ['htmlUrl', absolute(site, pagePath)],
      ['description', description || undefined],
      ['language', site.language],
    ]);
  const folder = `${site.title} (${FEED_LABEL[OPML_FORMAT]})`;
  const body = el('body', [
    el('outline', [['text', folder], ['title', folder]], [
      outline('all', `${site.title} — all papers`, paths.index, site.description),
      ...spec.topics.map((t) => outline({ topic: t.slug }, `${site.title} — ${t.name}`, paths.topic(t.slug), t.description)),
    ]),
  ]);
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
