/**
 * The search page (`search/index.html`): a form and an inline script that queries the static index that
 * publish writes beside it (format and tokeniser: packages/core/src/search-index.ts). No server: the
 * script fetches `index.json`, one term bucket per month and per word of the query, then the day chunks
 * of the results it shows. Results are built with DOM calls and `textContent` only, so no
 * paper text is ever parsed as HTML. Without JavaScript the page says so and links to the day archive.
 *
 * The script is allowed by its hash in the Content-Security-Policy (`script-src`, like the stylesheet),
 * and its fetches by `connect-src 'self'`.
 */
import { createHash } from 'node:crypto';
import { SEARCH_DAY_CHUNK, SEARCH_MAX_PER_DAY, SEARCH_SHARED_SOURCE, SITE_PATHS } from '@paperboy/core';
import { renderPage } from './layout.js';
import { alternatesFor } from './site.js';
import type { SiteInfo } from './model.js';
import { escapeHtml } from './text.js';

/** Results shown at most; the count says how many more matched. */
const MAX_RESULTS = 50;

/**
 * The browser's half, as source text. Written in plain JavaScript (no template literals, so it can live in
 * one here); the tokeniser and the bucket function are core's own source text (SEARCH_SHARED_SOURCE), so a query is cut exactly as
 * the index was. Scoring: every word must match (the last one as a prefix while the reader is still typing
 * it); a word in the title counts 3, in the authors or TL;DR 1; ties go to the newer day.
 */
const CLIENT = String.raw`(function (shared, perDay, chunk, limit) {
  'use strict';
  var tokenize = shared.tokenize;
  var bucketOf = shared.bucketOf;
  var form = document.getElementById('search-form');
  var input = document.getElementById('q');
  var status = document.getElementById('search-status');
  var list = document.getElementById('search-results');
  form.hidden = false;
  var cache = new Map();
  function get(path) {
    if (!cache.has(path)) {
      var p = fetch(path).then(function (r) {
        if (!r.ok) throw new Error(path + ': HTTP ' + r.status);
        return r.json();
      });
      p.catch(function () { cache.delete(path); });
      cache.set(path, p);
    }
    return cache.get(path);
  }
  async function pool(tasks, n) {
    var out = new Array(tasks.length);
    var next = 0;
    async function worker() {
      while (next < tasks.length) { var k = next++; out[k] = await tasks[k](); }
    }
    var workers = [];
    for (var i = 0; i < Math.min(n, tasks.length); i++) workers.push(worker());
    await Promise.all(workers);
    return out;
  }
  function formatDay(day) {
    return new Date(day + 'T00:00:00Z').toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  }
  function pageLink(permalink) {
    var url = new URL('../' + permalink, location.href);
    return url.origin === location.origin ? url.href : '#';
  }
  var seq = 0;
  async function run(query) {
    var mine = ++seq;
    var words = tokenize(query);
    var folded = query.normalize('NFKD').replace(/\p{M}+/gu, '');
    var prefix = words.length && /[\p{L}\p{N}]$/u.test(folded) ? words[words.length - 1] : null;
    var exact = Array.from(new Set(prefix === null ? words : words.slice(0, -1)));
    var terms = exact.map(function (t) { return { term: t, prefix: false }; });
    if (prefix !== null) terms.push({ term: prefix, prefix: true });
    list.replaceChildren();
    if (!terms.length) { status.textContent = query.trim() ? 'Type a longer word.' : ''; return; }
    status.textContent = 'Searching…';
    var index = await get('index.json');
    var buckets = Array.from(new Set(terms.map(function (t) { return bucketOf(t.term, index.buckets); })));
    var tasks = [];
    index.months.forEach(function (month) {
      buckets.forEach(function (b) {
        tasks.push(function () { return get('m/' + month.m + '/t-' + b + '.json').then(function (data) { return { m: month.m, b: b, data: data }; }); });
      });
    });
    var parts = await pool(tasks, 6);
    if (mine !== seq) return;
    var byMonth = new Map();
    parts.forEach(function (p) {
      if (!byMonth.has(p.m)) byMonth.set(p.m, new Map());
      byMonth.get(p.m).set(p.b, p.data);
    });
    var hits = [];
    index.months.forEach(function (month) {
      var data = byMonth.get(month.m) || new Map();
      var scores = null;
      for (var i = 0; i < terms.length; i++) {
        var t = terms[i];
        var bucket = data.get(bucketOf(t.term, index.buckets)) || {};
        var keys = t.prefix
          ? Object.keys(bucket).filter(function (k) { return k.startsWith(t.term); })
          : Object.prototype.hasOwnProperty.call(bucket, t.term) ? [t.term] : [];
        var found = new Map();
        keys.forEach(function (k) {
          bucket[k].forEach(function (posting) {
            var doc = Math.floor(posting / 2);
            var weight = posting % 2 === 1 ? 3 : 1;
            if ((found.get(doc) || 0) < weight) found.set(doc, weight);
          });
        });
        if (scores === null) scores = found;
        else {
          var both = new Map();
          scores.forEach(function (s, doc) { if (found.has(doc)) both.set(doc, s + found.get(doc)); });
          scores = both;
        }
        if (!scores.size) break;
      }
      (scores || new Map()).forEach(function (score, doc) {
        var dd = Math.floor(doc / perDay);
        hits.push({ day: month.m + '-' + (dd < 10 ? '0' : '') + dd, idx: doc % perDay, score: score });
      });
    });
    hits.sort(function (a, b) { return b.score - a.score || (a.day < b.day ? 1 : a.day > b.day ? -1 : 0) || a.idx - b.idx; });
    var shown = hits.slice(0, limit);
    var chunks = new Map();
    var paths = Array.from(new Set(shown.map(function (h) { return 'd/' + h.day + '/' + Math.floor(h.idx / chunk) + '.json'; })));
    await pool(paths.map(function (path) { return function () { return get(path).then(function (docs) { chunks.set(path, docs); }); }; }), 6);
    if (mine !== seq) return;
    shown.forEach(function (h) {
      var doc = (chunks.get('d/' + h.day + '/' + Math.floor(h.idx / chunk) + '.json') || [])[h.idx % chunk];
      if (!doc) return;
      var li = document.createElement('li');
      li.className = 'card';
      var heading = document.createElement('h2');
      var a = document.createElement('a');
      a.href = pageLink(String(doc[2]));
      a.textContent = String(doc[0]);
      heading.append(a);
      var meta = document.createElement('p');
      meta.className = 'meta';
      var time = document.createElement('time');
      time.dateTime = h.day;
      time.textContent = formatDay(h.day);
      if (doc[1]) meta.append(String(doc[1]) + ' · ');
      meta.append(time);
      li.append(heading, meta);
      list.append(li);
    });
    var n = hits.length;
    status.textContent = n === 0 ? 'No papers match.' : n > limit ? n + ' papers match; the first ' + limit + ' are shown.' : n + (n === 1 ? ' paper matches.' : ' papers match.');
  }
  function search(query) {
    run(query).catch(function () { status.textContent = 'Search is unavailable right now. Every paper is also on its day’s page.'; });
  }
  var timer;
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () { search(input.value); }, 150);
  });
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    clearTimeout(timer);
    history.replaceState(null, '', '?q=' + encodeURIComponent(input.value));
    search(input.value);
  });
  var initial = new URLSearchParams(location.search).get('q');
  if (initial) { input.value = initial; search(initial); }
})`;

/** The inline script of the search page: the client, called with core's tokeniser. */
export const SEARCH_SCRIPT = `${CLIENT}(${SEARCH_SHARED_SOURCE}, ${SEARCH_MAX_PER_DAY}, ${SEARCH_DAY_CHUNK}, ${MAX_RESULTS});`;

/** For the Content-Security-Policy: `script-src 'sha256-...'` allows exactly this script. */
export const SEARCH_SCRIPT_HASH = `sha256-${createHash('sha256').update(SEARCH_SCRIPT).digest('base64')}`;

export function renderSearchPage(site: SiteInfo): string {
  const root = '../';
  const body = `<noscript><p>Search runs in your browser, and JavaScript is off. Every paper is also on the page of the day it was listed: <a href="${escapeHtml(`${root}${SITE_PATHS.archive}`)}">browse every day</a>.</p></noscript>
<form id="search-form" class="search" role="search" action="index.html" method="get" hidden>
<label for="q">Words from a title, an author or a TL;DR</label>
<input type="search" id="q" name="q" autocomplete="off" spellcheck="false">
<button type="submit">Search</button>
</form>
<p id="search-status" class="muted" role="status"></p>
<ol id="search-results" class="papers"></ol>
<script>${SEARCH_SCRIPT}</script>`;
  return renderPage({ site, title: 'Search', heading: 'Search the archive', bodyHtml: body, root, alternates: alternatesFor(site, 'all', root) });
}
