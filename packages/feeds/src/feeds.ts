/** RSS 2.0, Atom 1.0 (RFC 4287) and JSON Feed 1.1 documents from the view model. */
import { PAPER_LINK_LABELS } from '@paperboy/core';
import { absolute, feedGuid, FEED_TYPE, linkLabel, paths, plural, rfc3339, rfc822, type FeedFormat, type FeedScope, type PaperView, type SiteInfo } from './model.js';
import { escapeHtml, listProse } from './text.js';
import { el, xmlDocument, type XmlElement } from './xml.js';

export const GENERATOR = 'paperboy';

export interface FeedSpec {
  site: SiteInfo;
  scope: FeedScope;
  title: string;
  description: string;
  /** Site-relative path of the HTML page that shows the same papers. */
  pagePath: string;
  items: readonly PaperView[];
  /** The newest item's update time; for an empty feed, a time that only changes when the data does. */
  updated: Date;
  /** The feed's own id and self links, when it is not one of the public feeds (a subscriber's private feed). */
  own?: { id: string; urls: Record<FeedFormat, string> };
  /** Why an item is in this feed, said first in its summary and body (a private feed's match reasons). */
  why?: (item: PaperView) => string | undefined;
}

/** The link of an item: the source's page of the paper (arXiv, else Hugging Face), else its own page here. */
export function itemUrl(spec: Pick<FeedSpec, 'site'>, item: PaperView): string {
  return item.pageUrl ?? absolute(spec.site, item.permalink);
}

/**
 * Links an item carries beyond the source's: its own page here in any case (permanent, unlike any
 * rolling page) and, for a paper no source gave an arXiv id, arXiv's title search.
 */
function siteLinks(site: SiteInfo, item: PaperView): { label: string; url: string }[] {
  const links: { label: string; url: string }[] = [{ label: PAPER_LINK_LABELS.page, url: absolute(site, item.permalink) }];
  if (item.searchUrl) links.push({ label: PAPER_LINK_LABELS.search, url: item.searchUrl });
  return links;
}

/** The HTML body of an item: abstract, authors, topics and links, every value escaped once. */
export function itemHtml(site: SiteInfo, item: PaperView, why?: string): string {
  const parts: string[] = [];
  if (why) parts.push(`<p><strong>Why:</strong> ${escapeHtml(why)}</p>`);
  if (item.summary) parts.push(`<p><strong>TL;DR:</strong> ${escapeHtml(item.summary)}</p>`);
  for (const para of item.abstract.split(/\n\s*\n?/).filter((p) => p.trim())) parts.push(`<p>${escapeHtml(para.trim())}</p>`);
  if (item.authors.length) {
    // A collaboration the store kept the first authors of says how many more there are.
    const more = item.authorCount - item.authors.length;
    const names = more > 0 ? `${item.authors.join(', ')} and ${more.toLocaleString('en-US')} more` : listProse(item.authors);
    parts.push(`<p><strong>Authors:</strong> ${escapeHtml(names)}</p>`);
  }
  if (item.topics.length) {
    const topics = item.topics.map((t) => `<a href="${escapeHtml(absolute(site, paths.topic(t.slug)))}">${escapeHtml(t.name)}</a>`);
    parts.push(`<p><strong>Topics:</strong> ${topics.join(', ')}</p>`);
  }
  const links = [
    ...item.links.map((l) => `<a href="${escapeHtml(l.url)}">${escapeHtml(linkLabel(l, item))}</a>`),
    ...siteLinks(site, item).map((l) => `<a href="${escapeHtml(l.url)}">${escapeHtml(l.label)}</a>`),
  ];
  if (item.upvotes !== undefined) links.push(`${item.upvotes} ${item.upvotes === 1 ? 'upvote' : 'upvotes'}`);
  if (item.numComments) links.push(plural(item.numComments, 'comment'));
  if (links.length) parts.push(`<p>${links.join(' · ')}</p>`);
  return parts.join('\n');
}

function feedUrl(spec: FeedSpec, format: FeedFormat): string {
  return spec.own ? spec.own.urls[format] : absolute(spec.site, paths.feed(spec.scope, format));
}

function bodyOf(spec: FeedSpec, item: PaperView): string {
  return itemHtml(spec.site, item, spec.why?.(item));
}

/** The plain-text summary: the reason first (private feeds), then `text`. */
function withWhy(spec: FeedSpec, item: PaperView, text: string | undefined): string | undefined {
  const why = spec.why?.(item);
  return why ? (text ? `Why: ${why}\n\n${text}` : `Why: ${why}`) : text;
}

export function renderRss(spec: FeedSpec): string {
  const { site } = spec;
  const items: XmlElement[] = spec.items.map((item) =>
    el('item', [
      el('title', item.title),
      el('link', itemUrl(spec, item)),
      el('guid', [['isPermaLink', 'false']], item.guid),
      el('pubDate', rfc822(item.published)),
      el('atom:updated', rfc3339(item.updated)),
      ...item.authors.map((a) => el('dc:creator', a)),
      ...item.topics.map((t) => el('category', [['domain', absolute(site, paths.topic(t.slug))]], t.name)),
      el('description', bodyOf(spec, item)),
    ]),
  );
  const channel = el('channel', [
    el('title', spec.title),
    el('link', absolute(site, spec.pagePath)),
    el('description', spec.description || spec.title),
    el('atom:link', [['href', feedUrl(spec, 'rss')], ['rel', 'self'], ['type', FEED_TYPE.rss]]),
    el('language', site.language),
    el('lastBuildDate', rfc822(spec.updated)),
    el('generator', GENERATOR),
    el('docs', 'https://www.rssboard.org/rss-specification'),
    el('ttl', '60'),
    ...items,
  ]);
  return xmlDocument(
    el(
      'rss',
      [
        ['version', '2.0'],
        ['xmlns:atom', 'http://www.w3.org/2005/Atom'],
        ['xmlns:dc', 'http://purl.org/dc/elements/1.1/'],
      ],
      [channel],
    ),
  );
}

export function renderAtom(spec: FeedSpec): string {
  const { site } = spec;
  const entries: XmlElement[] = spec.items.map((item) =>
    el('entry', [
      el('id', item.guid),
      el('title', [['type', 'text']], item.title),
      el('link', [['rel', 'alternate'], ['type', 'text/html'], ['href', itemUrl(spec, item)]]),
      ...item.links
        .filter((l) => l.url !== item.pageUrl)
        .map((l) => el('link', [['rel', 'related'], ['type', l.kind === 'pdf' ? 'application/pdf' : undefined], ['href', l.url], ['title', l.label]])),
      ...siteLinks(site, item)
        .filter((l) => l.url !== itemUrl(spec, item))
        .map((l) => el('link', [['rel', 'related'], ['type', 'text/html'], ['href', l.url], ['title', l.label]])),
      el('published', rfc3339(item.published)),
      el('updated', rfc3339(item.updated)),
      ...item.authors.map((a) => el('author', [el('name', a)])),
      ...item.topics.map((t) => el('category', [['term', t.slug], ['scheme', absolute(site, 'topics/')], ['label', t.name]])),
      withWhy(spec, item, item.abstract) ? el('summary', [['type', 'text']], withWhy(spec, item, item.abstract)!) : undefined,
      el('content', [['type', 'html']], bodyOf(spec, item)),
    ]),
  );
  const feed = el('feed', [['xmlns', 'http://www.w3.org/2005/Atom'], ['xml:lang', site.language]], [
    el('id', spec.own?.id ?? feedGuid(spec.scope)),
    el('title', [['type', 'text']], spec.title),
    spec.description ? el('subtitle', [['type', 'text']], spec.description) : undefined,
    el('link', [['rel', 'self'], ['type', FEED_TYPE.atom], ['href', feedUrl(spec, 'atom')]]),
    el('link', [['rel', 'alternate'], ['type', 'text/html'], ['href', absolute(site, spec.pagePath)]]),
    el('updated', rfc3339(spec.updated)),
    // Entries without authors inherit this one, as RFC 4287 section 4.1.2 requires.
    el('author', [el('name', site.title), el('uri', absolute(site, ''))]),
    el('generator', GENERATOR),
    ...entries,
  ]);
  return xmlDocument(feed);
}

/** JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), written from a plain object. */
export function renderJsonFeed(spec: FeedSpec): string {
  const { site } = spec;
  const doc = {
    version: 'https://jsonfeed.org/version/1.1',
    title: spec.title,
    home_page_url: absolute(site, spec.pagePath),
    feed_url: feedUrl(spec, 'json'),
    description: spec.description || undefined,
    language: site.language,
    authors: [{ name: site.title, url: absolute(site, '') }],
    items: spec.items.map((item) => {
      const pdf = item.links.find((l) => l.kind === 'pdf');
      const external = item.links.find((l) => l.kind === 'code' || l.kind === 'project');
      return {
        id: item.guid,
        url: itemUrl(spec, item),
        external_url: external?.url,
        title: item.title,
        content_html: bodyOf(spec, item),
        summary: withWhy(spec, item, item.summary || item.abstract || undefined),
        date_published: rfc3339(item.published),
        date_modified: rfc3339(item.updated),
        authors: item.authors.length ? item.authors.map((name) => ({ name })) : undefined,
        tags: item.topics.length ? item.topics.map((t) => t.name) : undefined,
        attachments: pdf ? [{ url: pdf.url, mime_type: 'application/pdf', title: 'PDF' }] : undefined,
        _paperboy: {
          paper_id: item.id,
          listed_on: item.listedOn,
          topics: item.topics.map((t) => t.slug),
          ...(item.upvotes !== undefined ? { upvotes: item.upvotes } : {}),
          ...(item.githubStars !== undefined ? { github_stars: item.githubStars } : {}),
          ...(item.numComments !== undefined ? { comments: item.numComments } : {}),
          ...(item.organization ? { organization: item.organization } : {}),
        },
      };
    }),
  };
  // JSON.stringify drops undefined members; key order is fixed by the literal above.
  return `${JSON.stringify(doc, null, 2)}\n`;
}
