/** The shared email shell: inline CSS only, a single 600px column that shrinks on phones. */
import { escapeHtml } from './html.js';

export const FONT = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";
export const COLORS = { text: '#1f2328', muted: '#59636e', link: '#0b57d0', border: '#e3e6ea', bg: '#f4f5f7', card: '#ffffff', chip: '#eef2f7' };

export const S = {
  p: `margin:0 0 16px 0;font-family:${FONT};font-size:16px;line-height:24px;color:${COLORS.text};overflow-wrap:anywhere;word-break:break-word;`,
  small: `margin:0 0 8px 0;font-family:${FONT};font-size:14px;line-height:20px;color:${COLORS.muted};`,
  h1: `margin:0 0 16px 0;font-family:${FONT};font-size:22px;line-height:28px;font-weight:700;color:${COLORS.text};`,
  h2: `margin:0 0 6px 0;font-family:${FONT};font-size:18px;line-height:24px;font-weight:700;color:${COLORS.text};overflow-wrap:anywhere;word-break:break-word;`,
  a: `color:${COLORS.link};text-decoration:underline;`,
  titleLink: `color:${COLORS.text};text-decoration:none;`,
  chip: `display:inline-block;margin:0 6px 6px 0;padding:2px 8px;border-radius:10px;background-color:${COLORS.chip};font-family:${FONT};font-size:12px;line-height:18px;color:${COLORS.muted};`,
};

export interface ShellInput {
  /** Document title (plain text). */
  title: string;
  /** Inbox preview text (plain text), hidden in the body. */
  preheader: string;
  /** Trusted HTML for the main column. */
  body: string;
  /** Trusted HTML for the footer below the card. */
  footer: string;
}

export function shell({ title, preheader, body, footer }: ShellInput): string {
  // Padding after the preheader keeps clients from pulling body text into the preview line.
  const filler = '&#8204;&nbsp;'.repeat(60);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<meta name="color-scheme" content="light">
<title>${escapeHtml(title)}</title>
</head>
<body style="margin:0;padding:0;background-color:${COLORS.bg};">
<div style="display:none;font-size:1px;line-height:1px;max-height:0;max-width:0;opacity:0;overflow:hidden;mso-hide:all;">${escapeHtml(preheader)}${filler}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;background-color:${COLORS.bg};">
<tr><td align="center" style="padding:16px 8px;">
<!--[if mso]><table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;width:100%;max-width:600px;table-layout:fixed;">
<tr><td style="padding:24px;background-color:${COLORS.card};border:1px solid ${COLORS.border};border-radius:8px;font-family:${FONT};font-size:16px;line-height:24px;color:${COLORS.text};">
${body}
</td></tr>
<tr><td style="padding:16px 24px;font-family:${FONT};font-size:13px;line-height:20px;color:${COLORS.muted};">
${footer}
</td></tr>
</table>
<!--[if mso]></td></tr></table><![endif]-->
</td></tr>
</table>
</body>
</html>
`;
}

/** A button that survives Outlook: a coloured table cell around a padded link. */
export function button(href: string, label: string): string {
  return `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="border-collapse:separate;margin:8px 0 20px 0;">
<tr><td bgcolor="${COLORS.link}" style="border-radius:6px;background-color:${COLORS.link};">
<a href="${escapeHtml(href)}" style="display:inline-block;padding:12px 22px;font-family:${FONT};font-size:16px;line-height:20px;font-weight:700;color:#ffffff;text-decoration:none;border-radius:6px;">${escapeHtml(label)}</a>
</td></tr>
</table>`;
}
