/**
 * Link checker over a published bucket and an outbox: every link in every page, feed, OPML and email.
 *
 * - Internal links (under the site URL) must name an object that is served, and an `#anchor` must be an id
 *   in the target page. `/` is `index.html` (CloudFront's default root object); a deeper `dir/` is broken
 *   by default, because CloudFront serves no index document below the root (`directoryIndexes: true`
 *   accepts it, as the local gateway and S3 website hosting do).
 * - `/api/...` links must name a route of core's API_ROUTES, with the query parameters it requires.
 * - External links are checked for form: absolute http(s), no whitespace. No URL anywhere may carry an
 *   email address (a subscriber's address in a link leaks to every server it passes through).
 */
import { Parser } from 'htmlparser2';
import { API_ROUTES, INTERNAL_PREFIX, matchesRoutePath } from '@paperboy/core';

export interface LinkCheckInput {
  siteUrl: string;
  objects: Map<string, { contentType: string; body: string }>;
  emails: { name: string; html: string; text: string }[];
  /** Accept `dir/` as `dir/index.html` below the root too (the local gateway does; CloudFront does not). */
  directoryIndexes?: boolean;
}

export interface BrokenLink {
  /** The object key or email name, and what holds the link (`a[href]`, `rss link`, `text`, ...). */
  where: string;
  href: string;
  why: string;
}

export interface LinkCheckResult {
  checked: number;
  broken: BrokenLink[];
}

/** Where a link sits, and whether it may be an embedded `data:` URI (an icon, an image) rather than a link. */
interface FoundLink {
  href: string;
  what: string;
  embedded?: boolean;
}

const EMAIL_IN_URL = /[A-Za-z0-9.!#$%&'*+=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;
/** URLs in plain text: up to whitespace or a character that cannot end one in prose. */
const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"'()]+/g;

const HTML_LINK_ATTRS: Record<string, { attr: string; embedded?: boolean }[]> = {
  a: [{ attr: 'href' }],
  area: [{ attr: 'href' }],
  form: [{ attr: 'action' }],
  link: [{ attr: 'href', embedded: true }],
  img: [{ attr: 'src', embedded: true }],
  source: [{ attr: 'src', embedded: true }],
  script: [{ attr: 'src' }],
  iframe: [{ attr: 'src' }],
};

/** Links and element ids of an HTML document (or fragment). */
function scanHtml(html: string): { links: FoundLink[]; ids: Set<string> } {
  const links: FoundLink[] = [];
  const ids = new Set<string>();
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (attribs.id) ids.add(attribs.id);
        if (name === 'a' && attribs.name) ids.add(attribs.name);
        for (const { attr, embedded } of HTML_LINK_ATTRS[name] ?? []) {
          const value = attribs[attr];
          if (value !== undefined) links.push({ href: value, what: `${name}[${attr}]`, embedded });
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.end(html);
  return { links, ids };
}

/** Links of an RSS, Atom or OPML document, including those inside its escaped HTML bodies. */
function scanXml(xml: string): FoundLink[] {
  const links: FoundLink[] = [];
  const stack: { name: string; attribs: Record<string, string>; text: string }[] = [];
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        stack.push({ name, attribs, text: '' });
        const parent = stack[stack.length - 2]?.name;
        if (name === 'link' && attribs.href !== undefined) links.push({ href: attribs.href, what: `${parent ?? ''} link[href]` });
        if (name === 'atom:link' && attribs.href !== undefined) links.push({ href: attribs.href, what: 'atom:link[href]' });
        if (name === 'enclosure' && attribs.url !== undefined) links.push({ href: attribs.url, what: 'enclosure[url]' });
        if (name === 'category' && attribs.domain !== undefined) links.push({ href: attribs.domain, what: 'category[domain]' });
        if (name === 'outline') {
          for (const attr of ['xmlUrl', 'htmlUrl', 'url']) if (attribs[attr] !== undefined) links.push({ href: attribs[attr]!, what: `outline[${attr}]` });
        }
      },
      ontext(text) {
        const top = stack[stack.length - 1];
        if (top) top.text += text;
      },
      onclosetag() {
        const el = stack.pop();
        if (!el) return;
        const parent = stack[stack.length - 1]?.name ?? '';
        const text = el.text.trim();
        // RSS: <link>, <comments>, <docs> and a permalink <guid> hold URLs as text; Atom: <uri>, <icon>, <logo>.
        if (el.name === 'link' && el.attribs.href === undefined && text) links.push({ href: text, what: `${parent} link` });
        if (['comments', 'docs', 'uri', 'icon', 'logo'].includes(el.name) && text) links.push({ href: text, what: el.name });
        if (el.name === 'guid' && el.attribs.ispermalink !== 'false' && el.attribs.isPermaLink !== 'false' && text) links.push({ href: text, what: 'guid' });
        // HTML carried as text: RSS <description>, Atom <content type="html"> and <summary type="html">.
        if (el.name === 'description' || ((el.name === 'content' || el.name === 'summary') && el.attribs.type === 'html')) {
          for (const l of scanHtml(el.text).links) links.push({ ...l, what: `${el.name} ${l.what}` });
        }
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.end(xml);
  return links;
}

/** Links of a JSON Feed 1.1 document, including those inside `content_html`. */
function scanJsonFeed(text: string): FoundLink[] {
  const links: FoundLink[] = [];
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return [{ href: '', what: 'document', embedded: false }];
  }
  const str = (v: unknown, what: string) => {
    if (typeof v === 'string') links.push({ href: v, what });
  };
  for (const key of ['home_page_url', 'feed_url', 'icon', 'favicon', 'next_url']) str(doc[key], key);
  for (const a of (doc.authors as { url?: unknown }[] | undefined) ?? []) str(a?.url, 'authors[].url');
  for (const item of (doc.items as Record<string, unknown>[] | undefined) ?? []) {
    str(item.url, 'items[].url');
    str(item.external_url, 'items[].external_url');
    str(item.image, 'items[].image');
    for (const a of (item.attachments as { url?: unknown }[] | undefined) ?? []) str(a?.url, 'items[].attachments[].url');
    for (const a of (item.authors as { url?: unknown }[] | undefined) ?? []) str(a?.url, 'items[].authors[].url');
    if (typeof item.content_html === 'string') for (const l of scanHtml(item.content_html).links) links.push({ ...l, what: `content_html ${l.what}` });
  }
  return links;
}

function kindOf(contentType: string): 'html' | 'xml' | 'json' | undefined {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type === 'text/html') return 'html';
  if (['application/rss+xml', 'application/atom+xml', 'text/x-opml', 'application/xml', 'text/xml'].includes(type)) return 'xml';
  if (type === 'application/feed+json' || type === 'application/json') return 'json';
  return undefined;
}

export function checkLinks(input: LinkCheckInput): LinkCheckResult {
  const site = new URL(input.siteUrl.endsWith('/') ? input.siteUrl : `${input.siteUrl}/`);
  const served = (key: string) => !key.startsWith(INTERNAL_PREFIX);
  const idCache = new Map<string, Set<string>>();
  const idsOf = (key: string): Set<string> | undefined => {
    const object = input.objects.get(key);
    if (!object || kindOf(object.contentType) !== 'html') return undefined;
    let ids = idCache.get(key);
    if (!ids) idCache.set(key, (ids = scanHtml(object.body).ids));
    return ids;
  };

  const broken: BrokenLink[] = [];
  let checked = 0;

  /** Checks one link found at `where`, relative to `base` (a page's own URL; emails and feeds use absolute URLs). */
  const check = (where: string, link: FoundLink, base: URL, ownIds?: Set<string>) => {
    checked++;
    const fail = (why: string) => broken.push({ where: `${where} ${link.what}`, href: link.href, why });
    const raw = link.href.trim();
    if (!raw) return fail('empty URL');
    if (/\s/.test(raw)) return fail('whitespace in the URL');
    if (link.embedded && /^data:/i.test(raw)) return;
    let decoded = raw;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      return fail('malformed percent-encoding');
    }
    if (EMAIL_IN_URL.test(decoded)) return fail('an email address in the URL');
    if (raw.startsWith('#')) {
      const id = decodeURIComponent(raw.slice(1));
      if (id && ownIds && !ownIds.has(id)) fail(`no element with id "${id}" on this page`);
      return;
    }
    let url: URL;
    try {
      url = new URL(raw, base);
    } catch {
      return fail('not a URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail(`not an http(s) URL (${url.protocol})`);
    if (url.username || url.password) return fail('credentials in the URL');

    if (url.origin === site.origin && url.pathname.startsWith('/api/')) {
      const routes = API_ROUTES.filter((r) => matchesRoutePath(r.path, url.pathname));
      if (!routes.length) return fail(`no API route ${url.pathname}`);
      const method = link.what.startsWith('form') ? 'POST' : 'GET';
      const route = routes.find((r) => r.method === method) ?? (link.what.startsWith('form') ? undefined : routes[0]);
      if (!route) return fail(`no ${method} route ${url.pathname}`);
      const missing = method === 'GET' ? route.query.filter((q) => !url.searchParams.get(q)) : [];
      if (missing.length) fail(`missing query parameter ${missing.join(', ')}`);
      return;
    }
    if (url.origin !== site.origin || !url.pathname.startsWith(site.pathname)) return; // external: form only

    let key: string;
    try {
      key = decodeURIComponent(url.pathname.slice(site.pathname.length));
    } catch {
      return fail('malformed percent-encoding');
    }
    if (key === '') key = 'index.html';
    else if (key.endsWith('/')) {
      if (!input.directoryIndexes) return fail(`CloudFront serves no index document below the root: link to ${key}index.html`);
      key += 'index.html';
    }
    if (!served(key)) return fail('an internal object, never served');
    if (!input.objects.has(key)) return fail(`no object ${key}`);
    if (url.hash.length > 1) {
      const id = decodeURIComponent(url.hash.slice(1));
      const ids = idsOf(key);
      if (ids && !ids.has(id)) fail(`no element with id "${id}" in ${key}`);
    }
  };

  for (const [key, object] of input.objects) {
    if (!served(key)) continue;
    const kind = kindOf(object.contentType);
    const base = new URL(key, site);
    if (kind === 'html') {
      const { links, ids } = scanHtml(object.body);
      for (const link of links) check(key, link, base, ids);
    } else if (kind === 'xml') {
      for (const link of scanXml(object.body)) check(key, link, base);
    } else if (kind === 'json') {
      for (const link of scanJsonFeed(object.body)) check(key, link, base);
    }
  }

  for (const email of input.emails) {
    const { links, ids } = scanHtml(email.html);
    for (const link of links) check(`${email.name} (html)`, link, site, ids);
    for (const match of email.text.matchAll(URL_IN_TEXT)) {
      // Sentence punctuation right after a URL is not part of it.
      const href = match[0].replace(/[.,;:!?]+$/, '');
      check(`${email.name} (text)`, { href, what: 'url' }, site);
    }
  }
  return { checked, broken };
}
