/**
 * A title is text, end to end. Three sources served by a local HTTP server (a JSON Feed, an RSS 2.0 feed and
 * an arXiv API document) each list a paper titled `When k < n & m > 2: "Quoted" ]]> 'single' Bounds` and one
 * whose plain-text title mentions `<script>alert('x')</script>`. The real handlers ingest them into the
 * stand-ins, publish, plan and send a digest; then the test reads back the three feeds (with a strict XML
 * parser and JSON.parse), the home and day pages (htmlparser2, as text) and the captured email: every title
 * must be there byte for byte, and no script may appear anywhere as markup.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomUtils, parseDocument } from 'htmlparser2';
import { SaxesParser } from 'saxes';
import { anchorId, readOwnerConfigFile, resolveConfig, type Clock } from '@paperboy/core';
import { buildRuntime, type Runtime } from '../../functions/commons/runtime.js';
import { makeHandler as makeIngest } from '../../functions/ingest/index.js';
import { makeHandler as makePublish } from '../../functions/publish/index.js';
import { makeHandler as makePlan } from '../../functions/plan-digests/index.js';
import { makeHandler as makeSend } from '../../functions/send-digests/index.js';
import { startStandIns, type StandIns } from '../support/stand-ins.js';
import { serve, startUpstream, type Upstream } from '../support/upstream.js';
import { mailEntries } from '../support/cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
const silent = { info() {}, warn() {}, error() {} };

const BOUNDS = `When k < n & m > 2: "Quoted" ]]> 'single' Bounds`;
const SCRIPT = `Why <script>alert('x')</script> Is Shown as Text`;
// Different arXiv ids never merge, so each source's copy of a title is its own paper.
const PAPERS = [
  { id: '2611.00001', title: BOUNDS, via: 'arxiv' },
  { id: '2611.00002', title: BOUNDS, via: 'json' },
  { id: '2611.00003', title: BOUNDS, via: 'rss' },
  { id: '2611.00011', title: SCRIPT, via: 'arxiv' },
  { id: '2611.00012', title: SCRIPT, via: 'json' },
  { id: '2611.00013', title: SCRIPT, via: 'rss' },
] as const;
const ABSTRACT = 'We study large language models and their scaling bounds.';
/** XML character data for a plain string: the escaping every well-formed producer applies. */
const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function arxivDocument(): string {
  const entries = PAPERS.filter((p) => p.via === 'arxiv').map(
    (p) => `  <entry>
    <id>http://arxiv.org/abs/${p.id}v1</id>
    <published>2026-11-25T18:00:00Z</published>
    <title>${xml(p.title)}</title>
    <summary>${xml(ABSTRACT)}</summary>
    <author><name>Ada Lovelace</name></author>
    <arxiv:primary_category term="cs.CL"/>
    <category term="cs.CL"/>
    <link href="http://arxiv.org/abs/${p.id}v1" rel="alternate" type="text/html"/>
  </entry>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <title>arXiv Query</title>
  <opensearch:totalResults>${entries.length}</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex>
  <opensearch:itemsPerPage>${entries.length}</opensearch:itemsPerPage>
${entries.join('\n')}
</feed>
`;
}

function rssDocument(): string {
  // The description is HTML, escaped for XML, with an HTML entity in it: "Rényi" must come out.
  const items = PAPERS.filter((p) => p.via === 'rss').map(
    (p) => `<item><title>${xml(p.title)}</title><link>https://arxiv.org/abs/${p.id}</link>
      <description>${xml(`<p>R&eacute;nyi bounds: ${ABSTRACT}</p>`)}</description><pubDate>Wed, 25 Nov 2026 10:00:00 GMT</pubDate></item>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Lab</title><link>https://lab.example.org/</link><description>Lab papers</description>
${items.join('\n')}
</channel></rss>
`;
}

function jsonFeed(): string {
  const items = PAPERS.filter((p) => p.via === 'json').map((p) => ({ id: p.id, url: `https://arxiv.org/abs/${p.id}`, title: p.title, content_text: ABSTRACT, date_published: '2026-11-25T10:00:00Z' }));
  return JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'Lab', items });
}

/** The text of every element named `name`, as a strict XML 1.0 parser reads it (saxes). */
function xmlTexts(doc: string, name: string): string[] {
  const parser = new SaxesParser({ xmlns: false });
  const texts: string[] = [];
  let current: string | undefined;
  parser.on('opentag', (t) => {
    if (t.name === name) current = '';
  });
  parser.on('text', (t) => {
    if (current !== undefined) current += t;
  });
  parser.on('cdata', (t) => {
    if (current !== undefined) current += t;
  });
  parser.on('closetag', (t) => {
    if (t.name === name && current !== undefined) texts.push(current);
    if (t.name === name) current = undefined;
  });
  parser.write(doc).close();
  return texts;
}

let env: StandIns;
let up: Upstream;
let rt: Runtime;

beforeAll(async () => {
  [env, up] = await Promise.all([startStandIns(), startUpstream()]);
  up.routes.set('/api/query', serve(arxivDocument(), 'application/atom+xml'));
  up.routes.set('/lab.xml', serve(rssDocument(), 'application/rss+xml'));
  up.routes.set('/lab.json', serve(jsonFeed(), 'application/feed+json'));
  const path = join(ROOT, 'paperboy.config.json');
  const sources = [
    { id: 'arxiv', kind: 'arxiv-api', url: `${up.url}/api/query`, query: 'cat:cs.CL' },
    { id: 'lab-rss', kind: 'feed', url: `${up.url}/lab.xml` },
    { id: 'lab-json', kind: 'feed', url: `${up.url}/lab.json` },
  ];
  const base = resolveConfig({ ...(readOwnerConfigFile(path) as object), sources }, { PAPERBOY_HMAC_SECRET: 'x'.repeat(40) }, path, ROOT);
  let now = new Date('2026-11-26T06:00:00.000Z');
  const clock: Clock & { set(iso: string): void } = { now: () => now, set: (t) => (now = new Date(t)) };
  rt = buildRuntime({ ...base, tableName: env.table, bucketName: env.bucket, endpoints: env.services.endpoints, siteUrl: 'https://papers.example.com/' }, { clock, logger: silent });

  const ingested = await makeIngest(rt, { sleep: async () => {} })({});
  expect(ingested.totals).toMatchObject({ new: 6, skipped: 0, failedSources: 0 });
  await makePublish(rt)();
  clock.set('2026-11-26T07:00:00.000Z');
  await rt.subscribers.create({ id: 'subscriber-t1', email: 'reader@example.com', status: 'active', topics: ['llm'], frequency: 'daily', createdAt: now.toISOString(), confirmedAt: now.toISOString() });
  let sent = 0;
  await makePlan(rt, { startSender: async () => void (sent = (await makeSend(rt, { sleep: async () => {} })({})).outcomes.sent) })();
  expect(sent).toBe(1);
});
afterAll(async () => {
  await Promise.all([env?.stop(), up?.close()]);
});

describe('a title is text from every source to every output', () => {
  it('is stored as the source had it', async () => {
    for (const p of PAPERS) expect((await rt.papers.get(p.id))?.title, `${p.via} ${p.id}`).toBe(p.title);
    // An HTML description: markup out, every HTML entity decoded.
    expect((await rt.papers.get('2611.00003'))?.abstract).toBe(`Rényi bounds: ${ABSTRACT}`);
  });

  it('reads byte for byte in RSS, Atom and JSON Feed', async () => {
    const rss = (await rt.objects.get('feeds/all.xml'))!;
    const atom = (await rt.objects.get('feeds/all.atom'))!;
    const json = JSON.parse((await rt.objects.get('feeds/all.json'))!) as { items: { title: string; _paperboy: { paper_id: string } }[] };
    const want = PAPERS.map((p) => p.title).sort();
    expect(xmlTexts(rss, 'item').length).toBe(6);
    expect(xmlTexts(rss, 'title').slice(1).sort()).toEqual(want);
    expect(xmlTexts(atom, 'title').slice(1).sort()).toEqual(want);
    for (const p of PAPERS) expect(json.items.find((i) => i._paperboy.paper_id === p.id)?.title).toBe(p.title);
    // "]]>" never appears raw in the XML, so no reader can take it for the end of a CDATA section.
    for (const doc of [rss, atom]) expect(doc).not.toContain(']]>');
    expect(rss).not.toMatch(/<script/i);
    expect(atom).not.toMatch(/<script/i);
  });

  it('reads as text on the home and day pages, and no script becomes markup', async () => {
    for (const key of ['index.html', 'days/2026-11-25/index.html', 'topics/llm/index.html']) {
      const doc = parseDocument((await rt.objects.get(key))!, { decodeEntities: true });
      for (const p of PAPERS) {
        const card = DomUtils.findOne((e) => e.attribs.id === anchorId(p.id), doc.children)!;
        expect(card, `${key} ${p.id}`).toBeDefined();
        expect(DomUtils.textContent(DomUtils.findOne((e) => /^h[2-4]$/.test(e.name), [card])!), `${key} ${p.id}`).toBe(p.title);
      }
      expect(DomUtils.findAll((e) => e.name === 'script' && DomUtils.textContent(e).includes('alert'), doc.children), key).toEqual([]);
    }
  });

  it('reads as text in the digest email, in both its parts', async () => {
    const [mail] = await mailEntries(env.dataDir);
    expect(mail!.to).toEqual(['reader@example.com']);
    const doc = parseDocument(mail!.html, { decodeEntities: true });
    const headings = DomUtils.findAll((e) => e.name === 'h2', doc.children).map((e) => DomUtils.textContent(e));
    expect(headings.sort()).toEqual(PAPERS.map((p) => p.title).sort());
    expect(DomUtils.findAll((e) => e.name === 'script', doc.children)).toEqual([]);
    for (const p of PAPERS) expect(mail!.text).toContain(`. ${p.title}\n`);
  });
});
