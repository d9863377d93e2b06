/** @paperboy/feeds: RSS 2.0, Atom 1.0, JSON Feed 1.1, OPML 2.0 and the static site, rendered from papers. */
export { renderSite, CONTENT_TYPES, CACHE_CONTROL, type RenderSiteInput } from './render.js';
export { renderDayPage, renderArchivePage, type ArchiveDay } from './site.js';
export { renderPage, SITE_CSS, SITE_CSS_HASH, type PageInput, type AlternateLink } from './layout.js';
export { SECURITY_HEADERS, CONTENT_SECURITY_POLICY, HSTS, REFERRER_POLICY, FRAME_OPTIONS } from './security-headers.js';
export { escapeHtml, cleanText, safeUrl, anchorId } from './text.js';
export { escapeXmlText, escapeXmlAttr } from './xml.js';
export { renderRss, renderAtom, renderJsonFeed, itemHtml, itemUrl, GENERATOR, type FeedSpec } from './feeds.js';
export { renderOpml, OPML_FORMAT, type OpmlSpec } from './opml.js';
export { subscribeForm, paperCard, type SubscribeFormState } from './site.js';
export {
  comparePapers,
  sortPapers,
  topicView,
  paperGuid,
  feedGuid,
  paths,
  wholeDays,
  WHOLE_DAYS_CAP_FACTOR,
  rfc822,
  rfc3339,
  TAG_PREFIX,
  type SiteInfo,
  type FeedFormat,
  type FeedScope,
  type PaperView,
  type TopicView,
} from './model.js';
export { renderSearchPage, SEARCH_SCRIPT, SEARCH_SCRIPT_HASH } from './search.js';
export { renderPrivateFeed, reasonText, type PrivateFeedSpec } from './private.js';
