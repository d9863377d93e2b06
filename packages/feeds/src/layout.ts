/**
 * The page shell shared by the static site and the subscription API's pages: inline CSS, no JavaScript.
 * No `style` attributes anywhere: the Content-Security-Policy allows this one stylesheet by its hash.
 */
import { createHash } from 'node:crypto';
import { SEARCH_PAGE, SITE_PATHS } from '@paperboy/core';
import { baseUrl, escapeHtml } from './text.js';
import type { SiteInfo } from './model.js';

/** The site's stylesheet, inlined in every page (no extra request; API pages stay self-contained). */
export const SITE_CSS = `
:root{color-scheme:light dark;--bg:#f6f7f9;--card:#fff;--text:#1f2328;--muted:#545d68;--link:#0a55c2;--border:#dde1e6;--chip:#eef2f7;--accent:#0a55c2;--focus:#b35900;--error:#b3261e}
@media (prefers-color-scheme:dark){:root{--bg:#0f1216;--card:#171b21;--text:#e6e9ed;--muted:#a4adb8;--link:#7ab4ff;--border:#2c333c;--chip:#222a33;--accent:#7ab4ff;--focus:#ffb366;--error:#ffb4ab}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--text);font:1rem/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif;overflow-wrap:break-word}
a{color:var(--link)}
a:focus-visible,button:focus-visible,input:focus-visible,summary:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap}
.skip{position:absolute;left:-999rem;top:0;background:var(--card);color:var(--link);padding:.5rem 1rem;z-index:1}
.skip:focus{left:.5rem;top:.5rem}
.wrap{max-width:46rem;margin:0 auto;padding:0 1rem}
header.site{padding:.75rem 0 .25rem;display:flex;flex-wrap:wrap;align-items:center;gap:.25rem 1rem}
header.site .name{font-weight:700;font-size:1.1rem;text-decoration:none;color:var(--text)}
header.site nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;align-items:center;gap:.25rem .6rem;font-size:.95rem}
header.site a.subscribe{display:inline-block;background:var(--accent);color:var(--card);font-weight:600;border-radius:1rem;padding:.05rem .6rem;text-decoration:none}
header.site a.subscribe:hover,header.site a.subscribe:focus{text-decoration:underline}
h1{font-size:1.7rem;line-height:1.25;margin:.5rem 0 .25rem}
h2{font-size:1.25rem;line-height:1.3;margin:2rem 0 .75rem}
h3,.card h2{font-size:1.05rem;line-height:1.35;margin:0 0 .35rem}
.lede,.muted{color:var(--muted)}
.lede{margin:.25rem 0 1rem}
.notice{background:var(--card);border:1px solid var(--border);border-left:4px solid var(--focus);border-radius:.4rem;padding:.4rem .9rem;margin:.5rem 0 1rem}
.notice p{margin:.25rem 0}
ol.papers{list-style:none;margin:0;padding:0}
.card{background:var(--card);border:1px solid var(--border);border-radius:.6rem;padding:1rem 1.1rem;margin:0 0 .85rem}
.card:target{border-color:var(--accent);box-shadow:0 0 0 2px var(--accent)}
.card h3 a,.card h2 a{color:var(--text);text-decoration:none}
.card h3 a:hover,.card h3 a:focus,.card h2 a:hover,.card h2 a:focus{text-decoration:underline}
.meta{color:var(--muted);font-size:.9rem;margin:0 0 .4rem}
.tldr{margin:0 0 .5rem}
img.thumb-small{float:right;width:7.5rem;height:auto;aspect-ratio:1200/648;object-fit:cover;margin:0 0 .4rem .75rem;border-radius:.3rem;border:1px solid var(--border)}
img.thumb{display:block;width:100%;height:auto;aspect-ratio:1200/648;object-fit:cover;margin:.5rem 0 1rem;border-radius:.4rem;border:1px solid var(--border)}
.card article::after{content:"";display:block;clear:both}
ol.related{margin:0;padding-left:1.2rem}
.chips{list-style:none;margin:.35rem 0;padding:0;display:flex;flex-wrap:wrap;gap:.35rem}
.chips a{display:inline-block;background:var(--chip);color:var(--text);border-radius:1rem;padding:.05rem .6rem;font-size:.85rem;text-decoration:none}
.chips a:hover,.chips a:focus{text-decoration:underline}
.links{list-style:none;margin:.4rem 0 0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem;font-size:.95rem}
details{margin:.4rem 0 0}
details summary{cursor:pointer;color:var(--muted);font-size:.95rem}
details p{margin:.5rem 0 0}
ul.topics{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.35rem}
ul.topics li{background:var(--chip);border-radius:1rem;padding:.05rem .6rem;font-size:.9rem}
ul.topics a{color:var(--text)}
.topic-bar h2{font-size:1rem;margin:.75rem 0 .35rem}
.count{color:var(--muted);font-size:.9rem;white-space:nowrap}
ul.feeds{margin:0;padding-left:1.2rem}
form.subscribe{background:var(--card);border:1px solid var(--border);border-radius:.6rem;padding:1rem 1.1rem}
form.subscribe label{font-weight:600}
input[type=email],input[type=search]{display:block;width:100%;max-width:24rem;font:inherit;padding:.5rem .6rem;margin:.3rem 0 .8rem;border:1px solid var(--muted);border-radius:.4rem;background:var(--card);color:var(--text)}
textarea{display:block;width:100%;max-width:32rem;font:inherit;padding:.5rem .6rem;margin:.3rem 0 .3rem;border:1px solid var(--muted);border-radius:.4rem;background:var(--card);color:var(--text)}
fieldset{border:1px solid var(--border);border-radius:.4rem;margin:0 0 .9rem;padding:.5rem .8rem .7rem}
legend{font-weight:600;padding:0 .3rem}
fieldset ul{list-style:none;margin:0;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(13rem,1fr));gap:.2rem 1rem}
form.subscribe fieldset label{font-weight:400}
.choice{display:block;margin:.25rem 0}
.choice-inline{margin-right:1rem}
input[type=checkbox],input[type=radio]{width:1.1rem;height:1.1rem;margin:0 .4rem 0 0;vertical-align:-.15rem;accent-color:var(--accent)}
button{font:inherit;font-weight:600;padding:.55rem 1.2rem;border:0;border-radius:.4rem;background:var(--accent);color:var(--card);cursor:pointer}
.hint{color:var(--muted);font-size:.9rem;margin:.6rem 0 0}
.error{color:var(--error);font-weight:600;margin:.2rem 0}
.problems{border-left:4px solid var(--error);padding:.2rem 0 .2rem .9rem;margin:0 0 1rem}
.problems ul{margin:.3rem 0 0;padding-left:1.2rem}
ul.days-nav{list-style:none;margin:.5rem 0 1rem;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1.25rem}
ul.days{margin:0;padding-left:1.2rem}
footer.site{margin:2.5rem 0 2rem;padding-top:1rem;border-top:1px solid var(--border);color:var(--muted);font-size:.9rem}
footer.site ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
`.trim();

/** For a Content-Security-Policy that allows exactly this stylesheet: `style-src 'sha256-...'`. */
export const SITE_CSS_HASH = `sha256-${createHash('sha256').update(SITE_CSS).digest('base64')}`;

export interface AlternateLink {
  type: string;
  title: string;
  href: string;
}

export interface PageInput {
  site: SiteInfo;
  /** Document title (plain text); the site title is appended. */
  title: string;
  /** The page's h1 (plain text). */
  heading: string;
  /** Trusted HTML for the main column, below the h1. Escape every value in it with escapeHtml. */
  bodyHtml: string;
  /**
   * Path from this page to the site root, used for the header and footer links: "" for the home page,
   * "../../" for a topic page. Defaults to the site's absolute URL, right for pages served elsewhere (the API).
   */
  root?: string;
  /** Feed autodiscovery links, in order of preference. */
  alternates?: readonly AlternateLink[];
  /** Plain-text meta description; defaults to the site description. */
  description?: string;
  /** Extra trusted HTML for the head, such as a canonical link. */
  headHtml?: string;
}

/**
 * The header's links, on every page: the latest day, every day, the topics, the feeds, and subscribing,
 * one tap from anywhere (the form is on the home page). Search joins them once the site has a search page.
 */
const NAV: ReadonlyArray<readonly [string, string]> = [
  ['Latest', `${SITE_PATHS.index}#latest`],
  ['Days', SITE_PATHS.archive],
  ['Search', SEARCH_PAGE],
  ['Topics', `${SITE_PATHS.index}#topics`],
  ['Feeds', `${SITE_PATHS.index}#feeds`],
  ['Subscribe', `${SITE_PATHS.index}#subscribe`],
];

/** A complete HTML document in the site's layout. */
export function renderPage(input: PageInput): string {
  const { site } = input;
  const root = input.root ?? baseUrl(site.url);
  const home = `${root}index.html`;
  const alternates = (input.alternates ?? [])
    .map((a) => `<link rel="alternate" type="${escapeHtml(a.type)}" title="${escapeHtml(a.title)}" href="${escapeHtml(a.href)}">`)
    .join('\n');
  const docTitle = input.title === site.title ? site.title : `${input.title} · ${site.title}`;
  return `<!DOCTYPE html>
<html lang="${escapeHtml(site.language || 'en')}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(docTitle)}</title>
<meta name="description" content="${escapeHtml(input.description ?? site.description)}">
<meta name="generator" content="paperboy">
${alternates ? `${alternates}\n` : ''}${input.headHtml ? `${input.headHtml}\n` : ''}<style>${SITE_CSS}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<div class="wrap">
<header class="site">
<a class="name" href="${escapeHtml(home)}">${escapeHtml(site.title)}</a>
<nav aria-label="Site"><ul>
${NAV.map(([label, path]) => `<li><a href="${escapeHtml(`${root}${path}`)}"${label === 'Subscribe' ? ' class="subscribe"' : ''}>${label}</a></li>`).join('\n')}
</ul></nav>
</header>
<main id="main" tabindex="-1">
<h1>${escapeHtml(input.heading)}</h1>
${input.bodyHtml}
</main>
<footer class="site">
<ul>
<li><a href="${escapeHtml(`${root}feeds/all.xml`)}">RSS</a></li>
<li><a href="${escapeHtml(`${root}feeds/all.atom`)}">Atom</a></li>
<li><a href="${escapeHtml(`${root}feeds/all.json`)}">JSON Feed</a></li>
<li><a href="${escapeHtml(`${root}feeds/index.opml`)}">OPML (every feed)</a></li>
</ul>
<p>Published by paperboy. Paper titles, abstracts and links belong to their authors and sources.</p>
</footer>
</div>
</body>
</html>
`;
}
