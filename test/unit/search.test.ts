/**
 * The search page's script, run for real (node:vm) against an index that core's publishSearch built:
 * how it matches and ranks. The DOM it touches is a small stand-in (the browser test runs it in Chromium);
 * `fetch` reads the built objects.
 */
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { publishSearch, type ObjectStore, type Paper } from '@paperboy/core';
import { SEARCH_SCRIPT } from '@paperboy/feeds';
import { paper } from '../support/papers.js';

class Node {
  children: Node[] = [];
  textContent = '';
  className = '';
  href = '';
  dateTime = '';
  hidden = true;
  value = '';
  listeners: Record<string, (e: unknown) => void> = {};
  constructor(readonly tag: string) {}
  append(...items: (Node | string)[]) {
    for (const item of items) this.children.push(typeof item === 'string' ? Object.assign(new Node('#text'), { textContent: item }) : item);
  }
  replaceChildren() {
    this.children = [];
  }
  addEventListener(type: string, listener: (e: unknown) => void) {
    this.listeners[type] = listener;
  }
  find(tag: string): Node[] {
    return this.children.flatMap((c) => [...(c.tag === tag ? [c] : []), ...c.find(tag)]);
  }
}

async function buildIndex(papers: Paper[]): Promise<Map<string, string>> {
  const memory = new Map<string, string>();
  const store: ObjectStore = { get: async (k) => memory.get(k), put: async (o) => void memory.set(o.key, o.body) };
  const days = [...new Set(papers.map((p) => p.listedOn))].map((day) => ({ day, rev: 1 }));
  const out = await publishSearch({ objects: store, revisions: days, readDay: async (day) => papers.filter((p) => p.listedOn === day), untrusted: new Set() });
  for (const o of out.objects) memory.set(o.key, o.body);
  return memory;
}

/** Loads the page's script over `index` and returns a function that searches and reads the results. */
function searchPage(index: Map<string, string>) {
  const ids = { 'search-form': new Node('form'), q: new Node('input'), 'search-status': new Node('p'), 'search-results': new Node('ol') };
  const fetched: string[] = [];
  const context = {
    document: { getElementById: (id: keyof typeof ids) => ids[id], createElement: (tag: string) => new Node(tag) },
    fetch: async (path: string) => {
      fetched.push(path);
      const body = index.get(`search/${path}`);
      return body === undefined ? { ok: false, status: 404 } : { ok: true, status: 200, json: async () => JSON.parse(body) };
    },
    location: { href: 'https://papers.example.com/search/index.html', origin: 'https://papers.example.com', search: '' },
    history: { replaceState: () => {} },
    URL,
    URLSearchParams,
    setTimeout,
    clearTimeout,
  };
  runInNewContext(SEARCH_SCRIPT, context);
  expect(ids['search-form'].hidden).toBe(false);
  return {
    fetched,
    async search(query: string) {
      ids.q.value = query;
      ids['search-form'].listeners['submit']!({ preventDefault() {} });
      for (let i = 0; i < 200 && /^(Searching|)…?$/.test(ids['search-status'].textContent) && query.trim(); i++) await new Promise((r) => setTimeout(r, 1));
      const titles = ids['search-results'].find('a').map((a) => a.textContent);
      const hrefs = ids['search-results'].find('a').map((a) => a.href);
      return { titles, hrefs, status: ids['search-status'].textContent };
    },
  };
}

const P = (id: string, listedOn: string, title: string, more: Partial<Paper> = {}) => paper({ id, listedOn, title, authors: ['Ada Lovelace'], ...more });

describe('the search page', () => {
  it('ranks a title match over an author or TL;DR match, then newer days first', async () => {
    // Prepare: one month apart, so two segments are searched
    const page = searchPage(
      await buildIndex([
        P('2610.00001', '2026-10-02', 'Graph networks, revisited'),
        P('2611.00001', '2026-11-03', 'Scaling laws', { summary: 'Graph sizes do not matter.' }),
        P('2611.00002', '2026-11-04', 'Rotary embeddings', { authors: ['Gina Graph'] }),
        P('2611.00003', '2026-11-01', 'Graph transformers'),
      ]),
    );

    // Act
    const { titles, hrefs, status } = await page.search('graph');

    // Assess
    expect(titles).toEqual(['Graph transformers', 'Graph networks, revisited', 'Rotary embeddings', 'Scaling laws']);
    expect(status).toBe('4 papers match.');
    expect(hrefs[0]).toBe('https://papers.example.com/papers/2611.00003/index.html');
  });

  it('needs every word, matches the last one as a prefix while it is typed, and folds case and diacritics', async () => {
    const page = searchPage(
      await buildIndex([
        P('2611.00001', '2026-11-03', 'Neural Schrödinger bridges'),
        P('2611.00002', '2026-11-03', 'Neural radiance fields'),
        P('2611.00003', '2026-11-04', 'Bridges of Königsberg'),
      ]),
    );
    expect((await page.search('neural bridges')).titles).toEqual(['Neural Schrödinger bridges']);
    expect((await page.search('neural bri')).titles).toEqual(['Neural Schrödinger bridges']);
    expect((await page.search('neural bri ')).titles).toEqual([]);
    expect((await page.search('SCHRODINGER')).titles).toEqual(['Neural Schrödinger bridges']);
    expect((await page.search('konigs')).titles).toEqual(['Bridges of Königsberg']);
    expect((await page.search('zebra')).status).toBe('No papers match.');
  });

  it('shows the first 50 of more matches, fetching only their day chunks', async () => {
    const many = Array.from({ length: 60 }, (_, i) => P(`2611.${String(i).padStart(5, '0')}`, '2026-11-05', `Sparse attention ${i}`));
    const page = searchPage(await buildIndex([...many, P('2610.00001', '2026-10-05', 'Dense attention')]));
    const { titles, status } = await page.search('sparse attention');
    expect(status).toBe('60 papers match; the first 50 are shown.');
    expect(titles).toHaveLength(50);
    expect(page.fetched.filter((f) => f.startsWith('d/')).sort()).toEqual(['d/2026-11-05/0.json', 'd/2026-11-05/1.json']);
  });
});
