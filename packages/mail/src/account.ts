/** Transactional emails about the subscription itself: double opt-in and "already subscribed". */
import type { EmailMessage, Frequency } from '@paperboy/core';
import type { SiteInfo, TopicRef } from './digest.js';
import { escapeHtml, link, listProse, oneLine, plural, requireUrl, withSlash } from './html.js';
import { COLORS, S, button, shell } from './layout.js';

export interface ConfirmationInput {
  to: string;
  site: SiteInfo;
  /** The one link that carries the confirm token. */
  confirmUrl: string;
  topics: TopicRef[];
  frequency: Frequency;
  expiresInHours: number;
}

export interface AlreadySubscribedInput {
  to: string;
  site: SiteInfo;
  preferencesUrl: string;
  unsubscribeUrl: string;
}

const muted = `color:${COLORS.muted};text-decoration:underline;`;

function siteOf(site: SiteInfo): { url: string; title: string } {
  const url = withSlash(requireUrl(site.url, 'site.url'));
  return { url, title: oneLine(site.title) || url };
}

function siteFooter(site: { url: string; title: string }, note: string): string {
  return `<p style="margin:0 0 8px 0;">${escapeHtml(note)}</p>
<p style="margin:0;">${link(site.url, site.title, muted)}</p>`;
}

export function renderConfirmationEmail(input: ConfirmationInput): EmailMessage {
  const site = siteOf(input.site);
  const confirmUrl = requireUrl(input.confirmUrl, 'confirmUrl');
  const topics = listProse(input.topics.map((t) => oneLine(t.name))) || 'the topics you chose';
  const hours = Math.max(1, Math.round(Number(input.expiresInHours) || 0));
  const expiry = `This link expires in ${plural(hours, 'hour', 'hours')}.`;
  const ask = `Someone, hopefully you, asked to get ${input.frequency} emails from ${site.title} about new papers on ${topics}.`;
  const ignore = 'If you did not ask for this, ignore this email: nothing will be sent and the request expires on its own.';
  const subject = `Confirm your subscription — ${site.title}`;
  // Opening the link changes nothing (mail scanners open every link): the page it opens has the button that confirms.
  const how = 'Open the link, then press "Confirm subscription" on the page it opens. Opening the link alone changes nothing.';

  const body = `<h1 style="${S.h1}">Confirm your subscription</h1>
<p style="${S.p}">${escapeHtml(ask)}</p>
<p style="${S.p}">${escapeHtml(how)}</p>
${button(confirmUrl, 'Open the confirmation page')}
<p style="${S.small}">Or open this link: ${link(confirmUrl, confirmUrl, `${S.a}word-break:break-all;`)}</p>
<p style="${S.small}">${escapeHtml(expiry)}</p>
<p style="${S.p}margin-top:16px;">${escapeHtml(ignore)}</p>`;

  const html = shell({
    title: subject,
    preheader: `Confirm to get ${input.frequency} papers on ${topics}.`,
    body,
    footer: siteFooter(site, `This one-time email was sent because this address was entered on ${site.title}.`),
  });

  const text = [
    'Confirm your subscription',
    '',
    ask,
    '',
    how,
    confirmUrl,
    '',
    expiry,
    '',
    ignore,
    '',
    '-- ',
    site.title,
    site.url,
    '',
  ].join('\n');

  return { to: oneLine(input.to), subject, html, text };
}

export function renderAlreadySubscribedEmail(input: AlreadySubscribedInput): EmailMessage {
  const site = siteOf(input.site);
  const preferencesUrl = requireUrl(input.preferencesUrl, 'preferencesUrl');
  const unsubscribeUrl = requireUrl(input.unsubscribeUrl, 'unsubscribeUrl');
  const subject = `You are already subscribed — ${site.title}`;
  const said = `Someone, hopefully you, tried to subscribe this address to ${site.title}, but it is already subscribed. Nothing has changed.`;
  const ignore = 'If that was not you, you can ignore this email.';

  const body = `<h1 style="${S.h1}">You are already subscribed</h1>
<p style="${S.p}">${escapeHtml(said)}</p>
<p style="${S.p}">To pick different topics or change how often you hear from us:</p>
${button(preferencesUrl, 'Change preferences')}
<p style="${S.p}">To stop receiving emails: ${link(unsubscribeUrl, 'unsubscribe', S.a)}.</p>
<p style="${S.small}">${escapeHtml(ignore)}</p>`;

  const html = shell({
    title: subject,
    preheader: 'Nothing changed. You can change your preferences or unsubscribe.',
    body,
    footer: siteFooter(site, `Sent because this address was entered on ${site.title}.`),
  });

  const text = [
    'You are already subscribed',
    '',
    said,
    '',
    'Change topics or frequency:',
    preferencesUrl,
    '',
    'Unsubscribe:',
    unsubscribeUrl,
    '',
    ignore,
    '',
    '-- ',
    site.title,
    site.url,
    '',
  ].join('\n');

  return { to: oneLine(input.to), subject, html, text };
}
