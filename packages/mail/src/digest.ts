/** The digest email: new papers on the subscriber's topics, as HTML and plain text. */
import { arxivTitleSearchUrl, PAPER_LINK_LABELS, paperPermalinkPath, SITE_PATHS, type EmailMessage, type Frequency, type Paper, type Topic } from '@paperboy/core';
import { authorLine, escapeHtml, excerpt, link, listProse, oneLine, plural, requireUrl, safeUrl, withSlash } from './html.js';
import { COLORS, FONT, S, shell } from './layout.js';

export interface SiteInfo {
  title: string;
  /** Absolute base URL of the published site, with a trailing slash. */
  url: string;
}

/** Only the parts of a topic an email needs; a full `Topic` fits. */
export type TopicRef = Pick<Topic, 'slug' | 'name'>;

export interface DigestInput {
  to: string;
  site: SiteInfo;
  /** The subscriber's topics, resolved, in the subscriber's order. */
  topics: TopicRef[];
  /** Papers to show, already selected, ordered and capped. */
  papers: Paper[];
  /**
   * Papers not shown, by listing day and then by topic slug: each day gets one "more" link to its day page,
   * which shows every paper of that day (core's DigestSelection.moreByDay).
   */
  moreByDay: Record<string, Record<string, number>>;
  frequency: Frequency;
  /** The period the digest covers, such as 2026-11-26 or 2026-W48. */
  period: string;
  unsubscribeUrl: string;
  preferencesUrl: string;
  /** RFC 8058 one-click endpoint, placed in List-Unsubscribe. */
  unsubscribePostUrl: string;
  /** The subscriber's private feed, in each format (core's privateFeedUrls). */
  feedUrls?: { rss: string; atom: string; json: string };
}

const ABSTRACT_CHARS = 300;
const SUBJECT_TOPIC_CHARS = 48;

/** The paper's own page on the site: the same permanent link the site and the feeds use. */
export function paperPageUrl(paper: Pick<Paper, 'id' | 'listedOn'>, siteUrl: string): string {
  return `${withSlash(siteUrl)}${paperPermalinkPath(paper)}`;
}

export function topicPageUrl(siteUrl: string, slug: string): string {
  return `${withSlash(siteUrl)}${SITE_PATHS.topic(encodeURIComponent(slug))}`;
}

export function dayPageUrl(siteUrl: string, day: string): string {
  return `${withSlash(siteUrl)}${SITE_PATHS.day(day)}`;
}

interface PaperView {
  title: string;
  url: string;
  authors: string;
  chips: string[];
  abstract: string;
  /** The source's one-line TL;DR (Hugging Face's `ai_summary`), when it gives one. */
  summary?: string;
  extra: { label: string; url: string }[];
  upvotes?: number;
}

function doiUrl(doi: string | undefined): string | undefined {
  if (!doi) return undefined;
  const direct = safeUrl(doi);
  if (direct) return direct;
  const bare = doi.trim().replace(/^doi:\s*/i, '');
  return /^10\.\d{4,}\/\S+$/.test(bare) ? safeUrl(`https://doi.org/${encodeURI(bare)}`) : undefined;
}

/**
 * The title links to the source's page of the paper (arXiv, else Hugging Face), else to its own page on the
 * site; the own page is listed in any case ("Details"), and a paper no source gave an arXiv id also gets
 * arXiv's title search. No link points into a page that rolls (the home page, a topic page).
 */
function viewPaper(paper: Paper, names: Map<string, string>, siteUrl: string): PaperView {
  const own = paperPageUrl(paper, siteUrl);
  const links = paper.links ?? {};
  const abs = safeUrl(links.abs);
  const hf = safeUrl(links.hf);
  const url = abs ?? hf ?? own;
  const extra: { label: string; url: string }[] = [];
  const add = (label: string, href: string | undefined) => {
    if (href && href !== url && !extra.some((e) => e.url === href)) extra.push({ label, url: href });
  };
  add('PDF', safeUrl(links.pdf));
  add('Code', safeUrl(links.code));
  add('Hugging Face', hf);
  add('Project page', safeUrl(links.project));
  add('DOI', doiUrl(links.doi));
  add(PAPER_LINK_LABELS.page, own);
  add(PAPER_LINK_LABELS.search, arxivTitleSearchUrl(paper));
  const chips = (paper.tags ?? []).filter((t) => names.has(t)).map((t) => names.get(t)!);
  return {
    title: oneLine(paper.title) || 'Untitled paper',
    url,
    authors: authorLine(paper.authors ?? []),
    chips,
    abstract: excerpt(paper.abstract ?? '', ABSTRACT_CHARS),
    ...(paper.summary ? { summary: excerpt(paper.summary, ABSTRACT_CHARS) } : {}),
    extra,
    upvotes: typeof paper.upvotes === 'number' && Number.isFinite(paper.upvotes) && paper.upvotes > 0 ? Math.floor(paper.upvotes) : undefined,
  };
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/**
 * The topics a digest is about, named in this order by both its subject and its body: the topic with the
 * most papers first (ties go to the subscriber's order), then the subscriber's other topics that have
 * anything in it (shown or "more"). With nothing new, every topic the subscriber chose.
 */
/** Papers not shown, per topic slug (summed over the days). */
function moreByTopic(input: DigestInput): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const bySlug of Object.values(input.moreByDay)) {
    for (const [slug, n] of Object.entries(bySlug)) totals[slug] = (totals[slug] ?? 0) + n;
  }
  return totals;
}

function digestTopics(input: DigestInput): TopicRef[] {
  const counts = new Map<string, number>();
  for (const paper of input.papers) for (const tag of paper.tags ?? []) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  let lead: TopicRef | undefined;
  let best = 0;
  for (const topic of input.topics) {
    const n = counts.get(topic.slug) ?? 0;
    if (n > best) [lead, best] = [topic, n];
  }
  if (!lead) return [...input.topics];
  const more = moreByTopic(input);
  const others = input.topics.filter((t) => t !== lead && ((counts.get(t.slug) ?? 0) > 0 || (more[t.slug] ?? 0) > 0));
  return [lead, ...others];
}

export function digestSubject(input: DigestInput): string {
  const n = input.papers.length;
  const [lead, ...others] = digestTopics(input);
  const siteTitle = oneLine(input.site.title);
  const on = lead ? ` on ${shorten(oneLine(lead.name), SUBJECT_TOPIC_CHARS)}` : '';
  const more = others.length > 0 ? ` and ${plural(others.length, 'more topic', 'more topics')}` : '';
  const head = `${n === 0 ? 'No new papers' : plural(n, 'new paper', 'new papers')}${on}${more}`;
  return siteTitle ? `${head} — ${siteTitle}` : head;
}

function periodLabel(frequency: Frequency, period: string): string {
  const p = oneLine(period);
  return frequency === 'weekly' ? `Your weekly papers${p ? ` — ${p}` : ''}` : `Your daily papers${p ? ` — ${p}` : ''}`;
}

interface MoreLine {
  /** "And 12 more from 8 Oct 2026 (7 on Language models, 5 on Vision)". */
  label: string;
  url: string;
}

// A fixed locale and zone keep the bytes independent of where the render runs. One formatter for all
// calls: toLocaleDateString builds a new one each time, 80 µs per "more" line (bench:digest).
const DAY_FORMAT = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
function formatDay(day: string): string {
  return DAY_FORMAT.format(new Date(`${day}T00:00:00Z`));
}

/** One line per listing day with papers not shown, newest day first, each linking to that day's page. */
function moreLines(input: DigestInput, siteUrl: string): MoreLine[] {
  const lines: MoreLine[] = [];
  const names = new Map(input.topics.map((t) => [t.slug, oneLine(t.name)]));
  for (const day of Object.keys(input.moreByDay).sort().reverse()) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) continue;
    const bySlug = Object.entries(input.moreByDay[day]!)
      .map(([slug, n]) => [slug, Math.floor(n)] as const)
      .filter(([, n]) => n > 0);
    const count = bySlug.reduce((sum, [, n]) => sum + n, 0);
    if (count === 0) continue;
    // The subscriber's topic order; counts for slugs outside it are labelled by slug.
    const order = (slug: string) => {
      const i = input.topics.findIndex((t) => t.slug === slug);
      return i < 0 ? input.topics.length : i;
    };
    const parts = [...bySlug].sort((a, b) => order(a[0]) - order(b[0])).map(([slug, n]) => `${n} on ${names.get(slug) ?? slug}`);
    lines.push({ label: `And ${count} more from ${formatDay(day)} (${parts.join(', ')})`, url: dayPageUrl(siteUrl, day) });
  }
  return lines;
}

/** RFC 2919 List-Id: a phrase and a dot-atom identifier under the site's host, such as `paperboy digest <digest.papers.example.com>`. */
export function listId(siteTitle: string, siteUrl: string): string {
  const host = new URL(siteUrl).hostname.toLowerCase().replace(/[^a-z0-9.-]/g, '') || 'localhost';
  // Only atom characters in the phrase, so it needs neither quoting nor encoding.
  const phrase = oneLine(siteTitle).replace(/[^A-Za-z0-9 !#$%&'*+/=?^_`{|}~-]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 60);
  const id = `digest.${host}`.replace(/\.+$/, '');
  return phrase ? `${phrase} digest <${id}>` : `<${id}>`;
}

export function renderDigestEmail(input: DigestInput): EmailMessage {
  const siteUrl = withSlash(requireUrl(input.site.url, 'site.url'));
  const unsubscribeUrl = requireUrl(input.unsubscribeUrl, 'unsubscribeUrl');
  const preferencesUrl = requireUrl(input.preferencesUrl, 'preferencesUrl');
  const unsubscribePostUrl = requireUrl(input.unsubscribePostUrl, 'unsubscribePostUrl');
  const siteTitle = oneLine(input.site.title) || siteUrl;
  const feeds = input.feedUrls
    ? ([['RSS', input.feedUrls.rss], ['Atom', input.feedUrls.atom], ['JSON Feed', input.feedUrls.json]] as const).map(([label, url]) => ({ label, url: requireUrl(url, 'feedUrls') }))
    : [];

  const names = new Map(input.topics.map((t) => [t.slug, oneLine(t.name)]));
  const papers = input.papers.map((p) => viewPaper(p, names, siteUrl));
  const more = moreLines(input, siteUrl);
  const subject = digestSubject(input);
  const heading = periodLabel(input.frequency, input.period);
  const subscribed = listProse(input.topics.map((t) => oneLine(t.name)));
  // The same topics, in the same order and with the same names, as the subject.
  const about = listProse(digestTopics(input).map((t) => oneLine(t.name))) || 'your topics';
  const why = `You get this because you subscribed to ${input.frequency} papers on ${subscribed || 'your chosen topics'} from ${siteTitle}.`;
  const preheader = papers.length > 0 ? papers.slice(0, 3).map((p) => p.title).join(' · ') : `Nothing new on ${about} this time.`;

  // ---- HTML ----
  const sep = `border-top:1px solid ${COLORS.border};`;
  const paperHtml = papers
    .map((p, i) => {
      const parts: string[] = [];
      parts.push(`<h2 style="${S.h2}"><a href="${escapeHtml(p.url)}" style="${S.titleLink}">${escapeHtml(p.title)}</a></h2>`);
      if (p.authors) parts.push(`<p style="${S.small}">${escapeHtml(p.authors)}</p>`);
      if (p.chips.length) parts.push(`<div style="margin:0 0 4px 0;">${p.chips.map((c) => `<span style="${S.chip}">${escapeHtml(c)}</span>`).join('')}</div>`);
      if (p.summary) parts.push(`<p style="margin:0 0 8px 0;font-family:${FONT};font-size:16px;line-height:24px;color:${COLORS.text};overflow-wrap:anywhere;word-break:break-word;"><strong>TL;DR</strong> ${escapeHtml(p.summary)}</p>`);
      if (p.abstract) parts.push(`<p style="margin:0 0 8px 0;font-family:${FONT};font-size:16px;line-height:24px;color:${COLORS.text};overflow-wrap:anywhere;word-break:break-word;">${escapeHtml(p.abstract)}</p>`);
      const meta = [
        ...p.extra.map((e) => link(e.url, e.label, S.a)),
        ...(p.upvotes !== undefined ? [`<span style="color:${COLORS.muted};">&#9650; ${escapeHtml(plural(p.upvotes, 'upvote', 'upvotes'))}</span>`] : []),
      ];
      if (meta.length) parts.push(`<p style="${S.small}">${meta.join(' &nbsp;·&nbsp; ')}</p>`);
      const style = `padding:16px 0;${i > 0 ? sep : ''}`;
      return `<tr><td style="${style}">\n${parts.join('\n')}\n</td></tr>`;
    })
    .join('\n');

  const moreHtml = more.length
    ? `<tr><td style="padding:16px 0 0 0;${sep}">\n${more
        .map((m) => `<p style="margin:0 0 6px 0;font-family:${FONT};font-size:16px;line-height:24px;">${link(m.url, m.label, S.a)}</p>`)
        .join('\n')}\n</td></tr>`
    : '';

  const intro = papers.length
    ? `${plural(papers.length, 'new paper', 'new papers')} on ${about}.`
    : `No new papers on ${about} this time.`;

  // Keep the date in one piece on narrow screens ("2026-11-" / "26" reads badly).
  const period = oneLine(input.period);
  const headingHtml = period && heading.endsWith(period)
    ? `${escapeHtml(heading.slice(0, -period.length))}<span style="white-space:nowrap;">${escapeHtml(period)}</span>`
    : escapeHtml(heading);
  const body = `<h1 style="${S.h1}">${headingHtml}</h1>
<p style="${S.p}">${escapeHtml(intro)}</p>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;">
${paperHtml}
${moreHtml}
</table>`;

  const footer = `<p style="margin:0 0 8px 0;">${escapeHtml(why)}</p>
<p style="margin:0 0 8px 0;">${link(preferencesUrl, 'Change topics or frequency', `color:${COLORS.muted};text-decoration:underline;`)} &nbsp;·&nbsp; ${link(unsubscribeUrl, 'Unsubscribe', `color:${COLORS.muted};text-decoration:underline;`)}</p>
${feeds.length ? `<p style="margin:0 0 8px 0;">The same papers as your own feed: ${feeds.map((f) => link(f.url, f.label, `color:${COLORS.muted};text-decoration:underline;`)).join(' &nbsp;·&nbsp; ')}</p>\n` : ''}
<p style="margin:0;">${link(siteUrl, siteTitle, `color:${COLORS.muted};text-decoration:underline;`)}</p>`;

  const html = shell({ title: subject, preheader, body, footer });

  // ---- Plain text ----
  const lines: string[] = [heading, '', intro, ''];
  papers.forEach((p, i) => {
    lines.push(`${i + 1}. ${p.title}`);
    if (p.authors) lines.push(p.authors);
    if (p.chips.length) lines.push(`Topics: ${p.chips.join(', ')}`);
    if (p.upvotes !== undefined) lines.push(plural(p.upvotes, 'upvote', 'upvotes'));
    if (p.summary) lines.push('', `TL;DR: ${p.summary}`);
    if (p.abstract) lines.push('', p.abstract);
    lines.push('', p.url);
    for (const e of p.extra) lines.push(`${e.label}:`, e.url);
    lines.push('');
  });
  for (const m of more) lines.push(`${m.label}:`, m.url, '');
  lines.push('-- ', why, '', 'Change topics or frequency:', preferencesUrl, '', 'Unsubscribe:', unsubscribeUrl, '');
  if (feeds.length) lines.push('The same papers as your own feed:', ...feeds.map((f) => `${f.label}: ${f.url}`), '');
  lines.push(siteTitle, siteUrl, '');
  const text = lines.join('\n');

  return {
    to: oneLine(input.to),
    subject,
    html,
    text,
    headers: {
      'List-Id': listId(siteTitle, siteUrl),
      'List-Unsubscribe': `<${unsubscribePostUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
}
