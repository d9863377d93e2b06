/** The static site: the home page (latest papers) and one page per topic. No JavaScript needed. */
import { isoWeek, PAPER_LINK_LABELS, type SubscribeField } from '@paperboy/core';
import { renderPage, type AlternateLink } from './layout.js';
import { absolute, FEED_LABEL, FEED_TYPE, linkLabel, paths, plural, type FeedFormat, type FeedScope, type PaperView, type SiteInfo, type TopicView } from './model.js';
import { escapeHtml } from './text.js';

const FORMATS: FeedFormat[] = ['rss', 'atom', 'json'];
/** Long author lists are cut on the page (the feeds carry them all). */
const MAX_AUTHORS_SHOWN = 8;

/** Autodiscovery links for one feed scope, relative to a page `root`. */
export function alternatesFor(site: SiteInfo, scope: FeedScope, root: string, name?: string): AlternateLink[] {
  return FORMATS.map((format) => ({
    type: FEED_TYPE[format],
    title: `${site.title}${name ? ` — ${name}` : ''} (${FEED_LABEL[format]})`,
    href: `${root}${paths.feed(scope, format)}`,
  }));
}

export function formatDay(day: string): string {
  const t = /^\d{4}-\d{2}-\d{2}$/.test(day) ? Date.parse(`${day}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(t)) return day;
  // A fixed locale and zone keep the bytes independent of where the render runs.
  return new Date(t).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
}

/**
 * One paper as a card with an id anchor; links relative to `root`. The title links to the source's page of
 * the paper (arXiv, else Hugging Face), else to the paper's own page here (`permalink`); a "Details" link
 * always links its own page, and the listing day its card on its day page.
 */
export function paperCard(item: PaperView, root: string, headingLevel: 2 | 3 | 4 = 3): string {
  const h = `h${headingLevel}`;
  const permalink = `${root}${item.permalink}`;
  const title = `<a href="${escapeHtml(item.pageUrl ?? permalink)}">${escapeHtml(item.title)}</a>`;
  const meta: string[] = [];
  if (item.authors.length) {
    const shown = item.authors.slice(0, MAX_AUTHORS_SHOWN).map(escapeHtml).join(', ');
    const more = item.authorCount - Math.min(item.authors.length, MAX_AUTHORS_SHOWN);
    meta.push(more > 0 ? `${shown} and ${more.toLocaleString('en-US')} more` : shown);
  }
  meta.push(`<a href="${escapeHtml(`${root}${item.cardPath}`)}"><time datetime="${escapeHtml(item.listedOn)}">${escapeHtml(formatDay(item.listedOn))}</time></a>`);
  if (item.upvotes !== undefined) meta.push(`${item.upvotes} ${item.upvotes === 1 ? 'upvote' : 'upvotes'}`);
  if (item.numComments) meta.push(escapeHtml(plural(item.numComments, 'comment')));
  if (item.organization) meta.push(escapeHtml(item.organization));
  const topics = item.topics.length
    ? `\n<ul class="chips" aria-label="Topics">${item.topics
        .map((t) => `<li><a href="${escapeHtml(`${root}${paths.topic(t.slug)}`)}">${escapeHtml(t.name)}</a></li>`)
        .join('')}</ul>`
    : '';
  // The title already links to the paper's page (its arXiv abstract): listing it again would show
  // "Abstract" twice on one card, once as the folded text and once as a link.
  const more = item.links.filter((l) => l.url !== item.pageUrl).map((l) => `<li><a href="${escapeHtml(l.url)}">${escapeHtml(linkLabel(l, item))}</a></li>`);
  // The paper's own page in any case (every card says "Details", so the title tells them apart for a
  // screen reader), and arXiv's title search for a paper no source gave an arXiv id.
  more.push(`<li><a href="${escapeHtml(permalink)}">${PAPER_LINK_LABELS.page}<span class="visually-hidden">: ${escapeHtml(item.title)}</span></a></li>`);
  if (item.searchUrl) more.push(`<li><a href="${escapeHtml(item.searchUrl)}">${PAPER_LINK_LABELS.search}</a></li>`);
  const links = `\n<ul class="links">${more.join('')}</ul>`;
  // The source's own one-line TL;DR, free where it exists (Hugging Face), shown before the folded abstract.
  const tldr = item.summary ? `\n<p class="tldr"><strong>TL;DR</strong> ${escapeHtml(item.summary)}</p>` : '';
  const abstract = item.abstract
    ? `\n<details><summary>Abstract</summary><p>${escapeHtml(item.abstract)}</p></details>`
    : '';
  return `<li class="card" id="${escapeHtml(item.anchor)}">
<article>${item.thumbnail ? `\n${thumbnailImg(item, 'thumb-small')}` : ''}
<${h}>${title}</${h}>
<p class="meta">${meta.join(' · ')}</p>${tldr}${topics}${abstract}${links}
</article>
</li>`;
}

/**
 * Hugging Face's social thumbnails are 1200 x 648: the width and height attributes let the browser
 * reserve the box before the image arrives (no layout shift), and `loading="lazy"` fetches only what
 * scrolls into view. The CSS keeps that ratio whatever the image's own size.
 */
const THUMBNAIL_SIZE = { width: 1200, height: 648 } as const;

function thumbnailImg(item: PaperView, className: string): string {
  return `<img class="${className}" src="${escapeHtml(item.thumbnail!)}" alt="${escapeHtml(`Preview image of “${item.title}”`)}" width="${THUMBNAIL_SIZE.width}" height="${THUMBNAIL_SIZE.height}" loading="lazy" decoding="async">`;
}

function paperList(items: readonly PaperView[], root: string, emptyText: string, headingLevel: 2 | 3 | 4 = 3): string {
  if (!items.length) return `<p class="muted">${escapeHtml(emptyText)}</p>`;
  return `<ol class="papers">\n${items.map((i) => paperCard(i, root, headingLevel)).join('\n')}\n</ol>`;
}

function papersCount(n: number): string {
  return `${n} ${n === 1 ? 'paper' : 'papers'}`;
}

/** Papers grouped by listing day (newest first), each day headed by a link to its day page. */
function papersByDay(items: readonly PaperView[], root: string, emptyText: string): string {
  if (!items.length) return `<p class="muted">${escapeHtml(emptyText)}</p>`;
  const days: PaperView[][] = [];
  for (const item of items) {
    const last = days[days.length - 1];
    if (last && last[0]!.listedOn === item.listedOn) last.push(item);
    else days.push([item]);
  }
  return days
    .map((group) => {
      const day = group[0]!.listedOn;
      return `<h3 id="day-${escapeHtml(day)}"><a href="${escapeHtml(`${root}${paths.day(day)}`)}">${escapeHtml(formatDay(day))}</a> <span class="count">(${papersCount(group.length)})</span></h3>
${paperList(group, root, emptyText, 4)}`;
    })
    .join('\n');
}

/** What the form shows: what the person chose (or typed), and what to fix, by field. */
export interface SubscribeFormState {
  email?: string;
  topics?: readonly string[];
  frequency?: string;
  errors?: Partial<Record<SubscribeField, string>>;
}

/**
 * The subscribe form; works without JavaScript (a plain POST to the API). A rejected post gets it back
 * filled in as it was sent, with each message beside its field (and named by it, for screen readers).
 */
export function subscribeForm(topics: readonly TopicView[], state: SubscribeFormState = {}): string {
  const errors = state.errors ?? {};
  const checked = state.topics ?? [];
  const problem = (field: SubscribeField) => (errors[field] ? `\n<p class="error" id="${field}-error">${escapeHtml(errors[field]!)}</p>` : '');
  const describedBy = (field: SubscribeField, ...more: string[]) => {
    const ids = [...(errors[field] ? [`${field}-error`] : []), ...more];
    return ids.length ? ` aria-describedby="${ids.join(' ')}"` : '';
  };
  const boxes = topics
    .map((t) => {
      const id = `topic-${t.slug}`;
      const on = checked.includes(t.slug) ? ' checked' : '';
      return `<li><input type="checkbox" id="${escapeHtml(id)}" name="topics" value="${escapeHtml(t.slug)}"${on}><label for="${escapeHtml(id)}">${escapeHtml(t.name)}</label></li>`;
    })
    .join('\n');
  const weekly = state.frequency === 'weekly';
  const email = state.email ? ` value="${escapeHtml(state.email)}"` : '';
  const fields = Object.keys(errors) as SubscribeField[];
  // The summary above a rejected form links each message to the first control of its field.
  const target: Record<SubscribeField, string> = { email: 'email', topics: topics[0] ? `topic-${topics[0].slug}` : 'email', frequency: 'frequency-daily' };
  const summary = fields.length
    ? `<div class="problems" role="alert">\n<p>What to fix:</p>\n<ul>\n${fields
        .map((f) => `<li><a href="#${escapeHtml(target[f])}">${escapeHtml(errors[f]!)}</a></li>`)
        .join('\n')}\n</ul>\n</div>\n`
    : '';
  return `${summary}<form class="subscribe" method="post" action="/api/subscribe">
<label for="email">Email address</label>${problem('email')}
<input type="email" id="email" name="email"${email} required autocomplete="email" inputmode="email" spellcheck="false"${describedBy('email', 'subscribe-hint')}${errors.email ? ' aria-invalid="true"' : ''}>
<fieldset${describedBy('topics')}>
<legend>Topics (choose at least one)</legend>${problem('topics')}
<ul>
${boxes}
</ul>
</fieldset>
<fieldset${describedBy('frequency')}>
<legend>How often</legend>${problem('frequency')}
<ul>
<li><input type="radio" id="frequency-daily" name="frequency" value="daily"${weekly ? '' : ' checked'}><label for="frequency-daily">Daily</label></li>
<li><input type="radio" id="frequency-weekly" name="frequency" value="weekly"${weekly ? ' checked' : ''}><label for="frequency-weekly">Weekly</label></li>
</ul>
</fieldset>
<button type="submit">Subscribe</button>
<p class="hint" id="subscribe-hint">We send one email to confirm your address first. Every digest has a one-click unsubscribe link.</p>
</form>`;
}

function feedLinks(site: SiteInfo, scope: FeedScope, root: string, label: string): string {
  return FORMATS.map(
    (f) => `<li><a href="${escapeHtml(`${root}${paths.feed(scope, f)}`)}" type="${escapeHtml(FEED_TYPE[f])}">${escapeHtml(`${label} (${FEED_LABEL[f]})`)}</a></li>`,
  ).join('\n');
}

/**
 * The topic bar: every topic as a compact chip with its paper count, wrapping across the width, so that on
 * a phone all of them fit above the first paper.
 */
function topicBar(topics: readonly TopicView[], counts: ReadonlyMap<string, number>, root: string): string {
  if (!topics.length) return '<p class="muted">No topics yet.</p>';
  return `<ul class="topics">\n${topics
    .map((t) => {
      const n = counts.get(t.slug) ?? 0;
      return `<li><a href="${escapeHtml(`${root}${paths.topic(t.slug)}`)}">${escapeHtml(t.name)}</a> <span class="count">(${n}<span class="visually-hidden"> ${n === 1 ? 'paper' : 'papers'}</span>)</span></li>`;
    })
    .join('\n')}\n</ul>`;
}

export interface IndexPageInput {
  site: SiteInfo;
  topics: readonly TopicView[];
  counts: ReadonlyMap<string, number>;
  /** The latest listing day (YYYY-MM-DD); undefined on a site with no paper yet. */
  day?: string;
  /** Every paper of that day, ranked. */
  items: readonly PaperView[];
  /** The listing day before it, when there is one. */
  previous?: string;
  /** Sentences about the sources (a source failing, stale or quiet today), shown above the papers. */
  notices?: readonly string[];
}

/**
 * The home page: the topic bar first, then the latest listing day, ranked as its day page ranks it (not
 * several days: the day pages and the archive hold the rest), with links to that day's page and the day
 * before; then the feeds and the subscribe form, which the header's "Subscribe" reaches from the top.
 */
export function renderIndexPage({ site, topics, counts, day, items, previous, notices = [] }: IndexPageInput): string {
  const root = '';
  const latest = day
    ? `<h2 id="latest">Papers of <a href="${escapeHtml(`${root}${paths.day(day)}`)}">${escapeHtml(formatDay(day))}</a></h2>
<p class="muted">${papersCount(items.length)}, most upvoted first.</p>
<nav aria-label="Days">
${dayNav(root, previous, undefined, isoWeek(day))}
</nav>
${paperList(items, root, 'No papers yet. Check back after the next update.')}
<nav aria-label="Days, again">
${dayNav(root, previous, undefined, isoWeek(day))}
</nav>`
    : `<h2 id="latest">Latest papers</h2>
<p class="muted">No papers yet. Check back after the next update.</p>
<p><a href="${escapeHtml(`${root}${paths.archive}`)}">Every day</a></p>`;
  const status = notices.length ? `<div class="notice" role="status">
${notices.map((n) => `<p>${escapeHtml(n)}</p>`).join('\n')}
</div>
` : '';
  const body = `${status}<p class="lede">${escapeHtml(site.description)}</p>
<section class="topic-bar" aria-labelledby="topics">
<h2 id="topics">Topics</h2>
${topicBar(topics, counts, root)}
</section>
<section aria-labelledby="latest">
${latest}
</section>
<section aria-labelledby="feeds">
<h2 id="feeds">Feeds</h2>
<p>Add a feed to your reader, or import <a href="${escapeHtml(`${root}${paths.opml}`)}">one feed per topic at once (OPML)</a>. Each topic page has its own feeds.</p>
<ul class="feeds">
${feedLinks(site, 'all', root, 'All papers')}
</ul>
</section>
<section aria-labelledby="subscribe">
<h2 id="subscribe">Get a digest by email</h2>
${subscribeForm(topics)}
</section>`;
  return renderPage({
    site,
    title: site.title,
    heading: site.title,
    bodyHtml: body,
    root,
    alternates: alternatesFor(site, 'all', root),
  });
}

export interface TopicPageInput {
  site: SiteInfo;
  topic: TopicView;
  topics: readonly TopicView[];
  count: number;
  items: readonly PaperView[];
  /** The topic's weeks with papers, newest first: links to its pages by week. */
  weeks?: readonly { week: string; count: number }[];
}

export function renderTopicPage({ site, topic, topics, count, items, weeks = [] }: TopicPageInput): string {
  const root = '../../';
  const scope = { topic: topic.slug };
  const shown = items.length < count ? ` The latest ${items.length} are below.` : '';
  const body = `${topic.description ? `<p class="lede">${escapeHtml(topic.description)}</p>\n` : ''}<p class="muted">${count} ${count === 1 ? 'paper' : 'papers'} in this topic.${escapeHtml(shown)} <a href="${escapeHtml(`${root}${paths.index}#topics`)}">All topics</a></p>
<section aria-labelledby="latest">
<h2 id="latest">Latest papers</h2>
${papersByDay(items, root, 'No papers in this topic yet.')}
</section>
${topicWeekList(topic.slug, weeks, root)}
<section aria-labelledby="feeds">
<h2 id="feeds">Feeds</h2>
<ul class="feeds">
${feedLinks(site, scope, root, topic.name)}
${feedLinks(site, 'all', root, 'All papers')}
</ul>
<p><a href="${escapeHtml(`${root}${paths.opml}`)}">Every feed (OPML)</a></p>
</section>
<section aria-labelledby="subscribe">
<h2 id="subscribe">Get a digest by email</h2>
${subscribeForm(topics, { topics: [topic.slug] })}
</section>`;
  return renderPage({
    site,
    title: topic.name,
    heading: topic.name,
    bodyHtml: body,
    root,
    description: topic.description || undefined,
    alternates: [...alternatesFor(site, scope, root, topic.name), ...alternatesFor(site, 'all', root)],
  });
}

/** A listing day and how many papers it has. */
export interface ArchiveDay {
  day: string;
  count: number;
}

export interface DayPageInput {
  site: SiteInfo;
  day: string;
  /** Every paper listed that day, ranked. */
  items: readonly PaperView[];
  /** The nearest earlier and later listing days that have papers. */
  previous?: string;
  next?: string;
}

function dayNav(root: string, previous: string | undefined, next: string | undefined, week: string): string {
  const links: string[] = [];
  if (previous) links.push(`<li><a rel="prev" href="${escapeHtml(`${root}${paths.day(previous)}`)}">Previous day: ${escapeHtml(formatDay(previous))}</a></li>`);
  if (next) links.push(`<li><a rel="next" href="${escapeHtml(`${root}${paths.day(next)}`)}">Next day: ${escapeHtml(formatDay(next))}</a></li>`);
  links.push(`<li><a href="${escapeHtml(`${root}${paths.week(week)}`)}">${escapeHtml(formatWeek(week))}</a></li>`);
  links.push(`<li><a href="${escapeHtml(`${root}${paths.archive}`)}">Every day</a></li>`);
  return `<ul class="days-nav">\n${links.join('\n')}\n</ul>`;
}

/** One listing day: every paper of that day, ranked, with previous and next day links above and below. */
export function renderDayPage({ site, day, items, previous, next }: DayPageInput): string {
  const root = '../../';
  const label = formatDay(day);
  const body = `<p class="muted">${papersCount(items.length)} listed on this day, most upvoted first.</p>
<nav aria-label="Days">
${dayNav(root, previous, next, isoWeek(day))}
</nav>
<section aria-labelledby="papers">
<h2 id="papers" class="visually-hidden">Papers</h2>
${paperList(items, root, 'No papers were listed on this day.', 3)}
</section>
<nav aria-label="Days, again">
${dayNav(root, previous, next, isoWeek(day))}
</nav>`;
  return papersOfPage(site, label, body, root, `${papersCount(items.length)} listed on ${label}.`);
}

/** A page headed "Papers of <label>" (a day's or a week's), advertising the all-papers feeds. */
function papersOfPage(site: SiteInfo, label: string, bodyHtml: string, root: string, description: string): string {
  return renderPage({ site, title: `Papers of ${label}`, heading: `Papers of ${label}`, bodyHtml, root, description, alternates: alternatesFor(site, 'all', root) });
}

export interface ArchivePageInput {
  site: SiteInfo;
  /** Every listing day with papers, newest first. */
  days: readonly ArchiveDay[];
}

/** The archive: every listing day with its count, by month, newest first. */
export function renderArchivePage({ site, days }: ArchivePageInput): string {
  const root = '../';
  const months: ArchiveDay[][] = [];
  for (const d of days) {
    const last = months[months.length - 1];
    if (last && last[0]!.day.slice(0, 7) === d.day.slice(0, 7)) last.push(d);
    else months.push([d]);
  }
  const monthName = (day: string) => new Date(`${day.slice(0, 7)}-01T00:00:00Z`).toLocaleDateString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const total = days.reduce((n, d) => n + d.count, 0);
  const lists = months
    .map(
      (group) => `<h2 id="m-${escapeHtml(group[0]!.day.slice(0, 7))}">${escapeHtml(monthName(group[0]!.day))}</h2>
<ul class="days">
${group.map((d) => `<li><a href="${escapeHtml(`${root}${paths.day(d.day)}`)}">${escapeHtml(formatDay(d.day))}</a> <span class="count">(${papersCount(d.count)})</span></li>`).join('\n')}
</ul>`,
    )
    .join('\n');
  const body = days.length
    ? `<p class="muted">${papersCount(total)} on ${days.length} ${days.length === 1 ? 'day' : 'days'}.</p>\n${lists}`
    : '<p class="muted">No papers yet. Check back after the next update.</p>';
  return renderPage({ site, title: 'Every day', heading: 'Every day', bodyHtml: body, root, alternates: alternatesFor(site, 'all', root) });
}

/** "Week 48, 2026" for 2026-W48. */
export function formatWeek(week: string): string {
  const m = /^(\d{4})-W(\d{2})$/.exec(week);
  return m ? `Week ${Number(m[2])}, ${m[1]}` : week;
}

/** The papers of one ISO week with the count of its days, and per topic, for week links. */
export interface ArchiveWeek {
  week: string;
  count: number;
  /** Papers of the week per topic slug. */
  topics: Readonly<Record<string, number>>;
}

export interface PaperPageInput {
  site: SiteInfo;
  item: PaperView;
  /** Other papers of its listing day on its topics, most related first. */
  related: readonly PaperView[];
  week: string;
}

/** One paper's own page: everything the source gave, every link, and related papers of its day. */
export function renderPaperPage({ site, item, related, week }: PaperPageInput): string {
  const root = '../../';
  const facts: string[] = [];
  facts.push(`Listed on <a href="${escapeHtml(`${root}${item.cardPath}`)}"><time datetime="${escapeHtml(item.listedOn)}">${escapeHtml(formatDay(item.listedOn))}</time></a> (<a href="${escapeHtml(`${root}${paths.week(week)}`)}">${escapeHtml(formatWeek(week))}</a>)`);
  if (item.upvotes !== undefined) facts.push(escapeHtml(plural(item.upvotes, 'upvote')));
  if (item.numComments) facts.push(escapeHtml(plural(item.numComments, 'comment')));
  if (item.organization) facts.push(escapeHtml(item.organization));
  const more = item.authorCount - item.authors.length;
  const authors = item.authors.length
    ? `<p class="meta">${item.authors.map(escapeHtml).join(', ')}${more > 0 ? ` and ${more.toLocaleString('en-US')} more` : ''}</p>\n`
    : '';
  const topics = item.topics.length
    ? `<ul class="chips" aria-label="Topics">${item.topics.map((t) => `<li><a href="${escapeHtml(`${root}${paths.topic(t.slug)}`)}">${escapeHtml(t.name)}</a></li>`).join('')}</ul>\n`
    : '';
  const linkItems = item.links.map((l) => `<li><a href="${escapeHtml(l.url)}">${escapeHtml(linkLabel(l, item))}</a></li>`);
  if (item.searchUrl) linkItems.push(`<li><a href="${escapeHtml(item.searchUrl)}">${PAPER_LINK_LABELS.search}</a></li>`);
  const links = linkItems.length ? `<h2 id="links">Links</h2>\n<ul class="links">${linkItems.join('')}</ul>\n` : '';
  const related_ = related.length
    ? `<section aria-labelledby="related">\n<h2 id="related">Related papers of the same day</h2>\n<ol class="related">\n${related
        .map((r) => `<li><a href="${escapeHtml(`${root}${r.permalink}`)}">${escapeHtml(r.title)}</a>${r.topics.length ? ` <span class="count">(${escapeHtml(r.topics.map((t) => t.name).join(', '))})</span>` : ''}</li>`)
        .join('\n')}\n</ol>\n</section>`
    : '';
  const body = `${authors}<p class="meta">${facts.join(' · ')}</p>
${item.thumbnail ? `${thumbnailImg(item, 'thumb')}\n` : ''}${item.summary ? `<p class="tldr"><strong>TL;DR</strong> ${escapeHtml(item.summary)}</p>\n` : ''}${topics}${item.abstract ? `<h2 id="abstract">Abstract</h2>\n<p>${escapeHtml(item.abstract)}</p>\n` : ''}${links}${related_}`;
  return renderPage({
    site,
    title: item.title,
    heading: item.title,
    bodyHtml: body,
    root,
    description: item.summary || item.abstract.slice(0, 300) || undefined,
    headHtml: `<link rel="canonical" href="${escapeHtml(absolute(site, item.permalink))}">`,
    alternates: alternatesFor(site, 'all', root),
  });
}

function weekNav(root: string, href: (week: string) => string, previous: string | undefined, next: string | undefined, extra: string): string {
  const links: string[] = [];
  if (previous) links.push(`<li><a rel="prev" href="${escapeHtml(`${root}${href(previous)}`)}">Previous week: ${escapeHtml(formatWeek(previous))}</a></li>`);
  if (next) links.push(`<li><a rel="next" href="${escapeHtml(`${root}${href(next)}`)}">Next week: ${escapeHtml(formatWeek(next))}</a></li>`);
  links.push(extra);
  return `<ul class="days-nav">\n${links.join('\n')}\n</ul>`;
}

/** How many of a week's papers its page shows, most upvoted first; every paper is on its day page. */
export const WEEK_TOP = 50;

export interface WeekPageInput {
  site: SiteInfo;
  week: string;
  /** Every paper of the week, ranked (the page shows the first WEEK_TOP). */
  items: readonly PaperView[];
  /** The week's listing days with their counts, oldest first. */
  days: readonly ArchiveDay[];
  topics: readonly TopicView[];
  /** Papers of the week per topic. */
  topicCounts: Readonly<Record<string, number>>;
  previous?: string;
  next?: string;
}

/** One ISO week: its top papers, its days, and its papers by topic. */
export function renderWeekPage({ site, week, items, days, topics, topicCounts, previous, next }: WeekPageInput): string {
  const root = '../../';
  const label = formatWeek(week);
  const total = days.reduce((n, d) => n + d.count, 0);
  const shown = items.slice(0, WEEK_TOP);
  const nav = weekNav(root, paths.week, previous, next, `<li><a href="${escapeHtml(`${root}${paths.archive}`)}">Every day</a></li>`);
  const byTopic = topics.filter((t) => (topicCounts[t.slug] ?? 0) > 0);
  const body = `<p class="muted">${papersCount(total)} listed on ${days.length} ${days.length === 1 ? 'day' : 'days'}.${shown.length < total ? ` The ${shown.length} most upvoted are below; every paper is on its day's page.` : ''}</p>
<nav aria-label="Weeks">
${nav}
</nav>
<h2 id="days">Days</h2>
<ul class="days">
${days.map((d) => `<li><a href="${escapeHtml(`${root}${paths.day(d.day)}`)}">${escapeHtml(formatDay(d.day))}</a> <span class="count">(${papersCount(d.count)})</span></li>`).join('\n')}
</ul>
${byTopic.length ? `<h2 id="topics">By topic</h2>\n<ul class="topics">\n${byTopic.map((t) => `<li><a href="${escapeHtml(`${root}${paths.topicWeek(t.slug, week)}`)}">${escapeHtml(t.name)}</a> <span class="count">(${papersCount(topicCounts[t.slug]!)})</span></li>`).join('\n')}\n</ul>\n` : ''}<section aria-labelledby="top">
<h2 id="top">Top papers</h2>
${paperList(shown, root, 'No papers were listed in this week.', 3)}
</section>`;
  return papersOfPage(site, label, body, root, `${papersCount(total)} listed in ${label}.`);
}

export interface TopicWeekPageInput {
  site: SiteInfo;
  topic: TopicView;
  week: string;
  /** Every paper of the topic in the week, sorted by day (newest first) and rank. */
  items: readonly PaperView[];
  /** The nearest earlier and later weeks that have papers on this topic. */
  previous?: string;
  next?: string;
}

/** One topic's papers of one week, by day: the topic's archive, in pages that never shift. */
export function renderTopicWeekPage({ site, topic, week, items, previous, next }: TopicWeekPageInput): string {
  const root = '../../../../';
  const label = formatWeek(week);
  const scope = { topic: topic.slug };
  const nav = weekNav(root, (w) => paths.topicWeek(topic.slug, w), previous, next, `<li><a href="${escapeHtml(`${root}${paths.topic(topic.slug)}`)}">Latest ${escapeHtml(topic.name)} papers</a></li>`);
  const body = `<p class="muted">${papersCount(items.length)} in ${escapeHtml(topic.name)} in <a href="${escapeHtml(`${root}${paths.week(week)}`)}">${escapeHtml(label)}</a>.</p>
<nav aria-label="Weeks">
${nav}
</nav>
<section aria-labelledby="papers">
<h2 id="papers">Papers by day</h2>
${papersByDay(items, root, 'No papers in this topic in this week.')}
</section>`;
  return renderPage({
    site,
    title: `${topic.name}: ${label}`,
    heading: `${topic.name}: ${label}`,
    bodyHtml: body,
    root,
    description: `${papersCount(items.length)} in ${topic.name} in ${label}.`,
    alternates: [...alternatesFor(site, scope, root, topic.name), ...alternatesFor(site, 'all', root)],
  });
}

/** A topic's weeks, newest first, each linking to its page: the way into the topic's archive. */
export function topicWeekList(slug: string, weeks: readonly { week: string; count: number }[], root: string): string {
  if (!weeks.length) return '';
  return `<section aria-labelledby="weeks">
<h2 id="weeks">Earlier papers, by week</h2>
<ul class="days">
${weeks.map((w) => `<li><a href="${escapeHtml(`${root}${paths.topicWeek(slug, w.week)}`)}">${escapeHtml(formatWeek(w.week))}</a> <span class="count">(${papersCount(w.count)})</span></li>`).join('\n')}
</ul>
</section>`;
}
