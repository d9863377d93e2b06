/**
 * What a browser would refuse on an HTML page under our Content-Security-Policy, found without a
 * browser: the page is parsed with htmlparser2 and every script, style, image, form and frame source is
 * checked against the policy's directives. Covers only the constructs the policy speaks to, which is
 * enough to catch a page that grows a `style` attribute, an inline script or a cross-origin form.
 */
import { createHash } from 'node:crypto';
import { DomUtils, parseDocument } from 'htmlparser2';

type Directives = Map<string, string[]>;

export function parseCsp(policy: string): Directives {
  const directives: Directives = new Map();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

function sourcesFor(directives: Directives, name: string): string[] {
  return directives.get(name) ?? directives.get('default-src') ?? ['*'];
}

function allows(sources: string[], url: URL, page: URL): boolean {
  if (sources.includes("'none'")) return false;
  // Host sources are matched as whole origins (scheme and host, no wildcard, no path): all the policy uses.
  return sources.some((s) => (s === "'self'" && url.origin === page.origin) || (s.endsWith(':') && url.protocol === s) || (/^https:\/\/[^/*]+$/.test(s) && url.origin === s) || s === '*');
}

/** One line per violation, naming the element; empty when the page fits the policy. */
export function cspViolations(html: string, policy: string, pageUrl: string): string[] {
  const directives = parseCsp(policy);
  const page = new URL(pageUrl);
  const found: string[] = [];
  const doc = parseDocument(html);
  const styleSources = sourcesFor(directives, 'style-src');
  for (const el of DomUtils.findAll(() => true, doc.children)) {
    const attrs = el.attribs;
    for (const name of Object.keys(attrs)) {
      if (/^on/i.test(name)) found.push(`<${el.name} ${name}>: inline event handler (script-src)`);
    }
    if ('style' in attrs && !styleSources.includes("'unsafe-inline'")) found.push(`<${el.name} style="${attrs['style']}">: style attribute (style-src)`);
    for (const link of ['href', 'action', 'src']) {
      if (/^\s*javascript:/i.test(attrs[link] ?? '')) found.push(`<${el.name} ${link}="javascript:...">: script URL (script-src)`);
    }
    if (el.name === 'script') {
      // An inline script runs only when script-src names its hash; a script file only from an allowed origin.
      const scriptSources = sourcesFor(directives, 'script-src');
      const hash = `'sha256-${createHash('sha256').update(DomUtils.textContent(el)).digest('base64')}'`;
      if ('src' in attrs) {
        if (!allows(scriptSources, new URL(attrs['src'] ?? '', page), page)) found.push(`<script src="${attrs['src']}">: script-src`);
      } else if (!scriptSources.includes(hash)) found.push(`<script>: its hash ${hash} is not in script-src`);
    }
    if (el.name === 'base') found.push('<base>: base-uri');
    if (['iframe', 'frame', 'object', 'embed'].includes(el.name)) found.push(`<${el.name}>: embedded content`);
    if (el.name === 'style') {
      const hash = `'sha256-${createHash('sha256').update(DomUtils.textContent(el)).digest('base64')}'`;
      if (!styleSources.includes(hash) && !styleSources.includes("'unsafe-inline'")) found.push(`<style>: its hash ${hash} is not in style-src`);
    }
    if (el.name === 'link' && /\bstylesheet\b/i.test(attrs['rel'] ?? '') && !allows(styleSources, new URL(attrs['href'] ?? '', page), page)) {
      found.push(`<link rel="stylesheet" href="${attrs['href']}">: style-src`);
    }
    if (el.name === 'link' && /\bicon\b/i.test(attrs['rel'] ?? '') && !allows(sourcesFor(directives, 'img-src'), new URL(attrs['href'] ?? '', page), page)) {
      found.push(`<link rel="icon" href="${attrs['href']}">: img-src`);
    }
    if (el.name === 'img' && !allows(sourcesFor(directives, 'img-src'), new URL(attrs['src'] ?? '', page), page)) found.push(`<img src="${attrs['src']}">: img-src`);
    if (el.name === 'form') {
      const action = new URL(attrs['action'] ?? '', page);
      if (!allows(directives.get('form-action') ?? ['*'], action, page)) found.push(`<form action="${attrs['action']}">: form-action`);
    }
  }
  return found;
}
