/** The digest email: new papers on the subscriber's topics, keyword phrases and authors, each saying why, as HTML and plain text. */
import {
  arxivTitleSearchUrl,
  MORE_BY_AUTHOR,
  MORE_BY_KEYWORD,
  PAPER_LINK_LABELS,
  paperPermalinkPath,
  SITE_PATHS,
  type EmailMessage,
  type Frequency,
  type MatchReason,
  type Paper,
  type Topic,
} from '@paperboy/core';
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
  /** The keyword phrases and authors the subscriber follows besides topics (named in the footer). */
  keywords?: readonly string[];
  authors?: readonly string[];
  /** Papers to show, already selected, ordered and capped. */
  papers: Paper[];
  /** Why each paper is there, by paper id (core's DigestSelection.reasons): each entry's "Why:" line. */
  reasons: Record<string, readonly MatchReason[]>;
  /**
   * Papers not shown, by listing day and then by topic slug (or MORE_BY_KEYWORD, MORE_BY_AUTHOR): each day
   * gets one "more" link to its day page, which shows every paper of that day (core's DigestSelection.moreByDay).
   */
  moreByDay: Record<string, Record<string, number>>;
  frequency: Frequency;
  /** The period the digest covers, such as 2026-11-26 or 2026-W48. */
  period: string;
  unsubscribeUrl: string;
  preferencesUrl: string;
  /** RFC 8058 one-click endpoint, placed in List-Unsubscribe. */
  unsubscribePostUrl: string;
  /** Sentences about the sources (core's source-health: one failing, stale or quiet today), shown under the intro. */
  notices?: readonly string[];
  /** Follow-ups on papers sent before (core's FollowUp): shown once each under "Updates". */
  updates?: readonly { kind: 'code' | 'trending'; paper: Paper }[];
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
  /** Why it is there, one piece a reason: "topic Large language models", "keyword “speculative decoding”", "author Yann LeCun". */
  why: string[];
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
function viewPaper(paper: Paper, reasons: readonly MatchReason[], names: Map<string, string>, siteUrl: string): PaperView {
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
  return {
    title: oneLine(paper.title) || 'Untitled paper',
    url,
    authors: authorLine(paper.authors ?? []),
    why: reasons.map((r) => whyPiece(r, names)).filter(Boolean),
    abstract: excerpt(paper.abstract ?? '', ABSTRACT_CHARS),
    ...(paper.summary ? { summary: excerpt(paper.summary, ABSTRACT_CHARS) } : {}),
    extra,
    upvotes: typeof paper.upvotes === 'number' && Number.isFinite(paper.upvotes) && paper.upvotes > 0 ? Math.floor(paper.upvotes) : undefined,
  };
}

/** One reason, as the "Why:" line says it. */
function whyPiece(reason: MatchReason, names: Map<string, string>): string {
  switch (reason.kind) {
    case 'topic':
      return `topic ${names.get(reason.slug) ?? oneLine(reason.slug)}`;
    case 'keyword':
      return `keyword \u201c${oneLine(reason.phrase)}\u201d`;
    case 'author':
      return `author ${oneLine(reason.name)}`;
  }
}

/** The "more" buckets of papers that came for a keyword or an author, not a topic, as pseudo-topics. */
const FOLLOW_BUCKETS: TopicRef[] = [
  { slug: MORE_BY_KEYWORD, name: 'your keywords' },
  { slug: MORE_BY_AUTHOR, name: 'your authors' },
];

/** The group a paper shown counts under: the first of the subscriber's topics it carries, else what matched it. */
function groupOf(paper: Paper, input: DigestInput): string | undefined {
  const reasons = input.reasons[paper.id] ?? [];
  const topic = reasons.find((r) => r.kind === 'topic');
  if (topic) return topic.slug;
  return reasons[0]?.kind === 'keyword' ? MORE_BY_KEYWORD : reasons[0]?.kind === 'author' ? MORE_BY_AUTHOR : undefined;
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
  // The subscriber's topics, then the papers that came for their keywords or authors.
  const groups = [...input.topics, ...FOLLOW_BUCKETS];
  const counts = new Map<string, number>();
  for (const paper of input.papers) {
    const group = groupOf(paper, input);
    // Tags count for every topic they carry (a paper on two topics is news on both).
    for (const tag of paper.tags ?? []) if (tag !== group) counts.set(tag, (counts.get(tag) ?? 0) + 1);
    if (group) counts.set(group, (counts.get(group) ?? 0) + 1);
  }
  let lead: TopicRef | undefined;
  let best = 0;
  for (const topic of groups) {
    const n = counts.get(topic.slug) ?? 0;
    if (n > best) [lead, best] = [topic, n];
  }
  if (!lead) return input.topics.length > 0 ? [...input.topics] : FOLLOW_BUCKETS.filter((b) => followed(input, b.slug));
  const more = moreByTopic(input);
  const others = groups.filter((t) => t !== lead && ((counts.get(t.slug) ?? 0) > 0 || (more[t.slug] ?? 0) > 0));
  return [lead, ...others];
}

/** True when the subscriber follows keywords (MORE_BY_KEYWORD) or authors (MORE_BY_AUTHOR). */
function followed(input: DigestInput, bucket: string): boolean {
  return ((bucket === MORE_BY_KEYWORD ? input.keywords : input.authors) ?? []).length > 0;
}

export function digestSubject(input: DigestInput): string {
  const n = input.papers.length;
  const [lead, ...others] = digestTopics(input);
  const siteTitle = oneLine(input.site.title);
  const on = lead ? ` on ${shorten(oneLine(lead.name), SUBJECT_TOPIC_CHARS)}` : '';
  // Topics are counted; the keyword and author groups are named ("… and 1 more topic and your authors").
  const moreTopics = others.filter((t) => !FOLLOW_BUCKETS.includes(t)).length;
  const parts = [...(moreTopics > 0 ? [plural(moreTopics, 'more topic', 'more topics')] : []), ...others.filter((t) => FOLLOW_BUCKETS.includes(t)).map((t) => t.name)];
  const more = parts.length === 0 ? '' : parts.length === 1 ? ` and ${parts[0]}` : `, ${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
  const updates = input.updates?.length ?? 0;
  const head =
    n === 0 && updates > 0
      ? `${plural(updates, 'update', 'updates')} on papers you were sent`
      : `${n === 0 ? 'No new papers' : plural(n, 'new paper', 'new papers')}${on}${more}${updates > 0 ? `, and ${plural(updates, 'update', 'updates')}` : ''}`;
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
  const label = (slug: string, n: number) =>
    slug === MORE_BY_KEYWORD ? `${n} matching your keywords` : slug === MORE_BY_AUTHOR ? `${n} by your authors` : `${n} on ${names.get(slug) ?? slug}`;
  const groups = [...input.topics, ...FOLLOW_BUCKETS];
  for (const day of Object.keys(input.moreByDay).sort().reverse()) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) continue;
    const bySlug = Object.entries(input.moreByDay[day]!)
      .map(([slug, n]) => [slug, Math.floor(n)] as const)
      .filter(([, n]) => n > 0);
    const count = bySlug.reduce((sum, [, n]) => sum + n, 0);
    if (count === 0) continue;
    // The subscriber's topic order, then keywords and authors; counts for slugs outside it are labelled by slug.
    const order = (slug: string) => {
      const i = groups.findIndex((t) => t.slug === slug);
      return i < 0 ? groups.length : i;
    };
    const parts = [...bySlug].sort((a, b) => order(a[0]) - order(b[0])).map(([slug, n]) => label(slug, n));
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
  const papers = input.papers.map((p) => viewPaper(p, input.reasons[p.id] ?? [], names, siteUrl));
  const more = moreLines(input, siteUrl);
  const subject = digestSubject(input);
  const heading = periodLabel(input.frequency, input.period);
  const keywordCount = input.keywords?.length ?? 0;
  const authorCount = input.authors?.length ?? 0;
  const subscribed = listProse([
    ...input.topics.map((t) => oneLine(t.name)),
    ...(keywordCount ? [plural(keywordCount, 'keyword phrase', 'keyword phrases')] : []),
    ...(authorCount ? [plural(authorCount, 'author', 'authors')] : []),
  ]);
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
      if (p.why.length) parts.push(`<p style="${S.small}"><strong>Why:</strong> ${p.why.map(escapeHtml).join(' &middot; ')}</p>`);
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

  // Follow-ups: "Code released" links the code; "Now trending" says how many upvotes. Each links the paper.
  const updates = (input.updates ?? []).map((u) => {
    const view = viewPaper(u.paper, [], names, siteUrl);
    const code = safeUrl(u.paper.links?.code);
    const what = u.kind === 'code' ? 'Code released' : `Now trending: ${plural(view.upvotes ?? 0, 'upvote', 'upvotes')}`;
    return { what, title: view.title, url: view.url, code: u.kind === 'code' ? code : undefined };
  });
  const updatesHtml = updates.length
    ? `<tr><td style="padding:16px 0 0 0;${sep}">\n<h2 style="${S.h2}">Updates</h2>\n${updates
        .map(
          (u) =>
            `<p style="margin:0 0 8px 0;font-family:${FONT};font-size:16px;line-height:24px;"><strong>${escapeHtml(u.what)}</strong>: ${link(u.url, u.title, S.a)}${u.code ? ` &nbsp;·&nbsp; ${link(u.code, 'Code', S.a)}` : ''}</p>`,
        )
        .join('\n')}\n</td></tr>`
    : '';

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
  const notices = (input.notices ?? []).map(oneLine).filter(Boolean);
  const noticeHtml = notices
    .map((n) => `<p style="margin:0 0 12px 0;padding:8px 12px;border-left:4px solid ${COLORS.border};font-family:${FONT};font-size:15px;line-height:22px;color:${COLORS.text};">${escapeHtml(n)}</p>`)
    .join('\n');
  const body = `<h1 style="${S.h1}">${headingHtml}</h1>
<p style="${S.p}">${escapeHtml(intro)}</p>
${noticeHtml ? `${noticeHtml}\n` : ''}<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;">
${paperHtml}
${updatesHtml}
${moreHtml}
</table>`;

  const footer = `<p style="margin:0 0 8px 0;">${escapeHtml(why)}</p>
<p style="margin:0 0 8px 0;">${link(preferencesUrl, 'Change topics, keywords, authors or frequency', `color:${COLORS.muted};text-decoration:underline;`)} &nbsp;·&nbsp; ${link(unsubscribeUrl, 'Unsubscribe', `color:${COLORS.muted};text-decoration:underline;`)}</p>
${feeds.length ? `<p style="margin:0 0 8px 0;">The same papers as your own feed: ${feeds.map((f) => link(f.url, f.label, `color:${COLORS.muted};text-decoration:underline;`)).join(' &nbsp;·&nbsp; ')}</p>\n` : ''}
<p style="margin:0;">${link(siteUrl, siteTitle, `color:${COLORS.muted};text-decoration:underline;`)}</p>`;

  const html = shell({ title: subject, preheader, body, footer });

  // ---- Plain text ----
  const lines: string[] = [heading, '', intro, ''];
  for (const n of notices) lines.push(n, '');
  papers.forEach((p, i) => {
    lines.push(`${i + 1}. ${p.title}`);
    if (p.authors) lines.push(p.authors);
    if (p.why.length) lines.push(`Why: ${p.why.join(' · ')}`);
    if (p.upvotes !== undefined) lines.push(plural(p.upvotes, 'upvote', 'upvotes'));
    if (p.summary) lines.push('', `TL;DR: ${p.summary}`);
    if (p.abstract) lines.push('', p.abstract);
    lines.push('', p.url);
    for (const e of p.extra) lines.push(`${e.label}:`, e.url);
    lines.push('');
  });
  if (updates.length) {
    lines.push('Updates', '');
    for (const u of updates) lines.push(`${u.what}: ${u.title}`, u.url, ...(u.code ? [`Code: ${u.code}`] : []), '');
  }
  for (const m of more) lines.push(`${m.label}:`, m.url, '');
  lines.push('-- ', why, '', 'Change topics, keywords, authors or frequency:', preferencesUrl, '', 'Unsubscribe:', unsubscribeUrl, '');
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
