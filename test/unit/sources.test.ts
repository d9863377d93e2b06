/** The source parsers on the real saved upstream responses: exact fields, and clear errors for bad input. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ArxivApiError,
  detectFormat,
  expectedAnnouncementDay,
  parseArxivApi,
  parseArxivRss,
  parseFeed,
  parseHfDaily,
  retryAfterMs,
  SourceError,
  splitAuthors,
} from '@paperboy/sources';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'upstream', name), 'utf8');

describe('Hugging Face Daily Papers', () => {
  it('reads the current shape: ids, listing day from submittedOnDailyAt, upvotes, links, keywords', () => {
    const r = parseHfDaily(fixture('hf-daily-papers.json'), { source: 'hf', date: '2026-09-04' });
    expect(r.skipped).toEqual([]);
    expect(r.papers.map((p) => [p.id, p.upvotes, p.listedOn])).toEqual([
      ['2609.04199', 314, '2026-09-04'],
      ['2609.03430', 161, '2026-09-04'],
      ['2609.01507', 108, '2026-09-04'],
    ]);
    const p = r.papers[0]!;
    expect({ ...p, abstract: undefined }).toEqual({
      id: '2609.04199',
      arxivId: '2609.04199',
      title: 'Compile by Training: Turning Natural-Language Specifications into Local Neural Functions',
      abstract: undefined,
      authors: ['Yuntian Deng', 'Pengyu Nie', 'Stuart Shieber'],
      listedOn: '2026-09-04',
      links: {
        abs: 'https://arxiv.org/abs/2609.04199',
        pdf: 'https://arxiv.org/pdf/2609.04199',
        hf: 'https://huggingface.co/papers/2609.04199',
        code: 'https://github.com/programasweights/compile-by-training',
        project: 'https://programasweights.com/playground?compiler=paw-ft-bs48',
      },
      categories: [],
      keywords: ['compile by training', 'neural function', 'adapter', 'compact interpreter', 'Program-as-Weights', 'semantic accuracy'],
      upvotes: 314,
      rank: 1,
      source: 'hf',
      summary: 'Compile by training converts natural-language specifications into reusable neural functions by distilling teacher-generated examples into small adapters, enabling efficient deployment without remote model dependencies.',
      githubStars: 4,
      numComments: 3,
      organization: 'University of Waterloo',
      thumbnail: 'https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2609.04199.png',
    });
    expect(p.abstract).toMatch(/^Many recurring text functions are easy to describe/);
    // The place in the day's listing, counted from the page's first item when it is a later page.
    expect(r.papers.map((x) => x.rank)).toEqual([1, 2, 3]);
    expect(parseHfDaily(fixture('hf-daily-papers.json'), { source: 'hf', date: '2026-09-04', firstRank: 51 }).papers.map((x) => x.rank)).toEqual([51, 52, 53]);
    expect(p.abstract).toMatch(/English-Claudish translator\.$/);
  });

  it('reads the 2024 shape: hard-wrapped title and abstract cleaned, listing day = the requested day', () => {
    const r = parseHfDaily(fixture('hf-daily-papers-2024-10-25-legacy.json'), { source: 'hf', date: '2024-10-25' });
    expect(r.papers).toHaveLength(2);
    const p = r.papers[0]!;
    expect(p.title).toBe('Breaking the Memory Barrier: Near Infinite Batch Size Scaling for Contrastive Loss');
    expect(p.abstract).not.toMatch(/\n/);
    expect(p.abstract).toMatch(/^Contrastive loss is a powerful approach for representation learning, where larger batch sizes/);
    expect(p).toMatchObject({ id: '2410.17243', listedOn: '2024-10-25', upvotes: 64, keywords: [], authors: expect.arrayContaining(['Zesen Cheng', 'Lidong Bing']) });
    expect(p.authors).toHaveLength(9);
    expect(p.links).toEqual({ abs: 'https://arxiv.org/abs/2410.17243', pdf: 'https://arxiv.org/pdf/2410.17243', hf: 'https://huggingface.co/papers/2410.17243' });
    expect(r.papers[1]).toMatchObject({ id: '2410.16251', title: 'Can Knowledge Editing Really Correct Hallucinations?', upvotes: 41 });
  });

  it('drops hidden authors', () => {
    const data = JSON.parse(fixture('hf-daily-papers.json'));
    data[0].paper.authors[1].hidden = true;
    const r = parseHfDaily(JSON.stringify(data), { source: 'hf' });
    expect(r.papers[0]!.authors).toEqual(['Yuntian Deng', 'Stuart Shieber']);
  });

  it('an empty array is a normal weekend, and flagged empty on a weekday', () => {
    expect(parseHfDaily('[]', { source: 'hf', date: '2026-09-05' })).toEqual({ papers: [], skipped: [], health: { empty: false, stale: false, notes: ['no papers on a weekend (normal)'] } });
    expect(parseHfDaily('[]', { source: 'hf', date: '2026-09-04' }).health).toMatchObject({ empty: true });
  });

  it('skips a bad item with its reason and keeps the others', () => {
    const data = JSON.parse(fixture('hf-daily-papers.json'));
    delete data[1].paper.title;
    data[2].paper.upvotes = -3;
    const r = parseHfDaily(JSON.stringify(data), { source: 'hf' });
    expect(r.papers.map((p) => p.id)).toEqual(['2609.04199']);
    expect(r.skipped).toEqual([
      { where: 'hf item 2 (2609.03430)', reason: expect.stringMatching(/^paper\.title: /) },
      { where: 'hf item 3 (2609.01507)', reason: expect.stringMatching(/^paper\.upvotes: /) },
    ]);
  });

  it('truncated JSON, an HTML page and an error object are clear errors', () => {
    const text = fixture('hf-daily-papers.json');
    expect(() => parseHfDaily(text.slice(0, 5000), { source: 'hf' })).toThrow(/source hf \(Hugging Face Daily Papers\): not valid JSON .*truncated/);
    expect(() => parseHfDaily('<!DOCTYPE html><html><title>502</title></html>', { source: 'hf' })).toThrow(/got an HTML page instead of JSON/);
    expect(() => parseHfDaily('{"error":"Invalid date"}', { source: 'hf' })).toThrow(/the API answered with an error: Invalid date/);
    expect(() => parseHfDaily(text.slice(0, 5000), { source: 'hf' })).toThrow(SourceError);
  });
});

describe('arXiv API', () => {
  it('reads the new format: bare ids, versions, categories, DOI, comments, journal refs, UTF-8 names', () => {
    const r = parseArxivApi(fixture('arxiv-api-query.atom.xml'), { source: 'arxiv' });
    expect(r).toMatchObject({ total: 214881, startIndex: 0, itemsPerPage: 10, skipped: [] });
    expect(r.papers.map((p) => `${p.id} v${p.version}`)).toEqual([
      '2202.12139 v1', '2405.13786 v1', '2005.14124 v2', '2204.08348 v3', '2302.03287 v3',
      '1202.4527 v1', '2503.05378 v2', '1205.1866 v1', '2502.07719 v2', '1812.11470 v1',
    ]);
    const p = r.papers[0]!;
    expect({ ...p, abstract: undefined }).toEqual({
      id: '2202.12139',
      arxivId: '2202.12139',
      version: 1,
      title: 'Testing Deep Learning Models: A First Comparative Study of Multiple Testing Techniques',
      abstract: undefined,
      authors: ['Mohit Kumar Ahuja', 'Arnaud Gotlieb', 'Helge Spieker'],
      listedOn: '2022-02-24',
      links: { abs: 'https://arxiv.org/abs/2202.12139', pdf: 'https://arxiv.org/pdf/2202.12139', doi: '10.1109/ICSTW55395.2022.00035' },
      categories: ['cs.SE', 'cs.LG'],
      keywords: [],
      primaryCategory: 'cs.SE',
      comments: 'Artificial Intelligence in Software Testing 2022 workshop @ ICST 2022',
      journalRef:
        'Artificial Intelligence in Software Testing @ 2022 IEEE International Conference on Software Testing, Verification and Validation Workshops (ICSTW)',
      source: 'arxiv',
    });
    expect(p.abstract).toMatch(/^Deep Learning \(DL\) has revolutionized/);
    expect(r.papers[1]!.authors).toEqual(['Aurora Ramírez', 'Mario Berrios', 'José Raúl Romero', 'Robert Feldt']);
  });

  it('strips the version from an old-style id and keeps the affiliation out of the name', () => {
    const r = parseArxivApi(fixture('arxiv-api-idlist-oldstyle-id.atom.xml'), { source: 'arxiv' });
    expect(r.papers).toHaveLength(1);
    expect(r.papers[0]).toMatchObject({
      id: 'astro-ph/0601001',
      version: 1,
      authors: ['Andrew Gould', 'Susan Dorsher', 'B. Scott Gaudi', 'Andrzej Udalski'],
      categories: ['astro-ph'],
      primaryCategory: 'astro-ph',
      journalRef: 'ActaAstron.56:1-50,2006',
      links: { abs: 'https://arxiv.org/abs/astro-ph/0601001', pdf: 'https://arxiv.org/pdf/astro-ph/0601001' },
    });
    expect(r.papers[0]!.abstract).toMatch(/^We derive the frequencies/);
    expect(r.papers[0]!.abstract).toContain('V_max<17.5');
  });

  it('reads the legacy 2016 format: per-element namespaces, hard wraps, TeX accents and maths', () => {
    const r = parseArxivApi(fixture('arxiv-api-query-legacy-2016.atom.xml'), { source: 'arxiv' });
    expect(r.total).toBe(31);
    expect(r.papers).toHaveLength(10);
    expect(r.papers[0]).toMatchObject({
      id: '1201.4869',
      primaryCategory: 'cond-mat.mes-hall',
      categories: ['cond-mat.mes-hall', 'cond-mat.other'],
      comments: '26 pages, 10 figures',
      journalRef: 'Int. J. Mod. Phys. B, 26, 1244002 (2012)',
      links: { doi: '10.1142/S021797921244002X' },
    });
    expect(r.papers[0]!.abstract).toMatch(/^As helium-4 is cooled below 2\.17 K it undergoes a phase transition to a fundamentally new state/);
    const all = r.papers.map((p) => p.abstract).join(' ');
    expect(all).toContain('Rényi');
    expect(all).not.toMatch(/\\'|\$\\delta\$|\n/);
    expect(r.papers.map((p) => p.id)).toContain('cond-mat/0412498');
  });

  it('the HTTP 400 error feed is a clear error; zero results are an empty page', () => {
    expect(() => parseArxivApi(fixture('arxiv-api-error-400.atom.xml'), { source: 'arxiv', status: 400 })).toThrow(
      new ArxivApiError('source arxiv (arXiv API): arXiv rejected the request (HTTP 400): incorrect id format for abc'),
    );
    const empty = parseArxivApi(fixture('arxiv-api-empty.atom.xml'), { source: 'arxiv' });
    expect(empty).toMatchObject({ papers: [], skipped: [], total: 0 });
    expect(empty.health).toMatchObject({ empty: false, stale: false, notes: ['the query has no results'] });
  });

  it('truncated XML and an HTML page are clear errors', () => {
    const text = fixture('arxiv-api-query.atom.xml');
    expect(() => parseArxivApi(text.slice(0, 6000), { source: 'arxiv' })).toThrow(/source arxiv \(arXiv API\): malformed XML at line \d+/);
    expect(() => parseArxivApi('<html><head><title>Service Unavailable</title></head></html>', { source: 'arxiv' })).toThrow(
      /got an HTML page instead of a feed \("Service Unavailable"\)/,
    );
  });

  it('skips an entry without a usable id or title and keeps the rest', () => {
    const text = fixture('arxiv-api-query.atom.xml')
      .replace('<id>http://arxiv.org/abs/2405.13786v1</id>', '<id>http://example.com/x</id>')
      .replace('<title>Active Fuzzing for Testing and Securing Cyber-Physical Systems</title>', '<title> </title>');
    const r = parseArxivApi(text, { source: 'arxiv' });
    expect(r.papers).toHaveLength(8);
    expect(r.skipped).toEqual([
      { where: 'arxiv entry 2 (http://example.com/x)', reason: 'id "http://example.com/x" is not an arXiv abs URL' },
      { where: 'arxiv entry 3 (http://arxiv.org/abs/2005.14124v2)', reason: 'title: title is empty' },
    ]);
  });
});

describe('arXiv RSS', () => {
  const multi = fixture('arxiv-rss-multi-cs.LG+cs.AI+cs.CL+stat.ML.xml');

  it('reads announce types: new and cross are new, a replacement only updates what is stored', () => {
    const r = parseArxivRss(multi, { source: 'rss', expectedDay: '2026-09-24' });
    expect(r.skipped).toEqual([]);
    expect(r.papers.map((p) => [p.id, p.version, p.updateOnly ?? false])).toEqual([
      ['2609.26811', 1, false],
      ['2609.26820', 1, false],
      ['2205.06398', 2, false],
      ['2009.13987', 3, true],
    ]);
    expect(r.health).toEqual({ empty: false, stale: false, notes: ['1 item(s) of announce types not counted as new (new, cross are): they only update stored papers'] });
    const cross = r.papers[2]!;
    expect({ ...cross, abstract: undefined }).toEqual({
      id: '2205.06398',
      arxivId: '2205.06398',
      version: 2,
      title: 'Outlier Detection for Multi-Network Data',
      abstract: undefined,
      authors: ['Pritam Dey', 'Zhengwu Zhang', 'David B. Dunson'],
      listedOn: '2026-09-24',
      links: { abs: 'https://arxiv.org/abs/2205.06398', pdf: 'https://arxiv.org/pdf/2205.06398', doi: '10.1093/bioinformatics/btac431' },
      categories: ['stat.ME', 'stat.AP', 'stat.ML'],
      keywords: [],
      primaryCategory: 'stat.ME',
      source: 'rss',
    });
    expect(cross.abstract).toMatch(/^It has become routine in neuroscience studies/);
    expect(cross.abstract).not.toMatch(/Announce Type|Abstract:/);
  });

  it('which announce types count as new is configurable', () => {
    const r = parseArxivRss(multi, { source: 'rss', announceTypes: ['new'] });
    expect(r.papers.filter((p) => p.updateOnly).map((p) => p.id)).toEqual(['2205.06398', '2009.13987']);
    expect(parseArxivRss(multi, { source: 'rss', announceTypes: ['new', 'cross', 'replace'] }).papers.some((p) => p.updateOnly)).toBe(false);
  });

  it('reads single-category feeds without an XML declaration, splits dc:creator, cleans TeX', () => {
    const lg = parseArxivRss(fixture('arxiv-rss-cs.LG.xml'), { source: 'rss', expectedDay: '2026-04-27' });
    expect(lg.papers.map((p) => p.id)).toEqual(['2604.21952', '2604.21953', '2604.21956']);
    expect(lg.papers[0]!.authors).toEqual(['Muhammad Shafique', 'Abdul Basit', 'Muhammad Abdullah Hanif', 'Alberto Marchisio', 'Rachmad Vidya Wicaksana Putra', 'Minghao Shao']);
    expect(lg.papers[0]!.abstract).toContain('visual resolution & stride');
    const ai = parseArxivRss(fixture('arxiv-rss-cs.AI.xml'), { source: 'rss' });
    expect(ai.papers).toHaveLength(3);
    const abstracts = ai.papers.map((p) => p.abstract).join(' ');
    expect(abstracts).toContain('adaptability');
    expect(abstracts).not.toContain('textbf');
    expect(splitAuthors('A. One, B. Two and C. Three')).toEqual(['A. One', 'B. Two', 'C. Three']);
  });

  it('an empty holiday feed is normal; a feed older than the expected day is stale', () => {
    const holiday = fixture('arxiv-rss-empty-holiday.xml');
    expect(parseArxivRss(holiday, { source: 'rss', expectedDay: '2025-12-31' })).toEqual({
      papers: [],
      skipped: [],
      health: { empty: false, stale: false, notes: ['no announcements on 2025-12-31 (a holiday or weekend is normal)'] },
    });
    const stale = parseArxivRss(multi, { source: 'rss', expectedDay: '2026-09-25' });
    expect(stale.health).toMatchObject({ stale: true });
    expect(stale.health!.notes[0]).toBe('feed pubDate 2026-09-24 is older than the expected announcement day 2026-09-25');
    expect(stale.papers).toHaveLength(4);
  });

  it('the expected announcement day follows US Eastern weekdays', () => {
    expect(expectedAnnouncementDay(new Date('2026-09-24T06:00:00Z'))).toBe('2026-09-24'); // Thu 02:00 EDT
    expect(expectedAnnouncementDay(new Date('2026-09-24T03:00:00Z'))).toBe('2026-09-23'); // still Wed in New York
    expect(expectedAnnouncementDay(new Date('2026-09-26T12:00:00Z'))).toBe('2026-09-25'); // Saturday -> Friday
    expect(expectedAnnouncementDay(new Date('2026-09-27T12:00:00Z'))).toBe('2026-09-25'); // Sunday -> Friday
  });

  it('an item without an id is skipped with its reason; the rest are kept', () => {
    const broken = multi.replace('<guid isPermaLink="false">oai:arXiv.org:2609.26820v1</guid>', '').replace('arXiv:2609.26820v1 Announce Type: new', 'Announce Type: new').replace('https://arxiv.org/abs/2609.26820', 'https://example.org/x');
    const r = parseArxivRss(broken, { source: 'rss' });
    expect(r.papers.map((p) => p.id)).toEqual(['2609.26811', '2205.06398', '2009.13987']);
    expect(r.skipped).toEqual([{ where: 'rss item 2', reason: 'no arXiv id in guid, description or link' }]);
  });
});

describe('any feed', () => {
  it('reads each text field as its format says: RSS titles as plain text, descriptions as HTML, Atom by type', () => {
    const rss = `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
      <item><title>When k &lt; n &amp; m &gt; 2: &amp;lt;b&amp;gt; Caf&eacute; &#x2014; &lt;script&gt;</title><link>https://b.example.org/1</link>
        <description>&lt;p&gt;R&amp;eacute;nyi &amp;amp; &lt;b&gt;bold&lt;/b&gt; k &amp;lt; n&lt;/p&gt;</description></item>
      <item><title><![CDATA[CDATA keeps &amp; <i>as is</i>]]></title><link>https://b.example.org/2</link><description><![CDATA[<p>x &eacute; y</p>]]></description></item>
    </channel></rss>`;
    const r = parseFeed(rss, { source: 'b', listedOn: '2026-01-01' });
    // XML decodes once; the title is never decoded or stripped again; the description is HTML.
    expect(r.papers.map((p) => [p.title, p.abstract])).toEqual([
      ['When k < n & m > 2: &lt;b&gt; Café — <script>', 'Rényi & bold k < n'],
      ['CDATA keeps &amp; <i>as is</i>', 'x é y'],
    ]);
    const atom = `<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
      <entry><id>1</id><link href="https://a.example.org/1"/><title type="text">k &lt; n &amp;amp; &lt;b&gt;</title><summary type="html">&lt;b&gt;R&amp;eacute;nyi&lt;/b&gt; &amp;lt;</summary></entry>
      <entry><id>2</id><link href="https://a.example.org/2"/><title type="html">&lt;em&gt;Bold&lt;/em&gt; &amp;amp; k &amp;lt; n</title>
        <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">When <b>k</b> &lt; n &amp; m, <![CDATA[<raw>]]></div></content></entry>
    </feed>`;
    const a = parseFeed(atom, { source: 'a', listedOn: '2026-01-01' });
    expect(a.papers.map((p) => [p.title, p.abstract])).toEqual([
      ['k < n &amp; <b>', 'Rényi <'],
      ['Bold & k < n', 'When k < n & m, <raw>'],
    ]);
  });

  it('reads RSS 2.0 and recognises arXiv links', () => {
    const r = parseFeed(fixture('arxiv-rss-cs.LG.xml'), { source: 'feed', listedOn: '2026-01-01' });
    expect(r.papers.map((p) => [p.id, p.listedOn])).toEqual([
      ['2604.21952', '2026-04-27'],
      ['2604.21953', '2026-04-27'],
      ['2604.21956', '2026-04-27'],
    ]);
    expect(r.papers[0]!.abstract).toMatch(/^This work presents a multi-layered methodology/);
  });

  it('reads Atom (the arXiv API response) and JSON Feed; other items get a title fingerprint id', () => {
    const atom = parseFeed(fixture('arxiv-api-query.atom.xml'), { source: 'feed', listedOn: '2026-01-01' });
    expect(atom.papers).toHaveLength(10);
    expect(atom.papers[0]).toMatchObject({ id: '2202.12139', listedOn: '2022-02-24', authors: ['Mohit Kumar Ahuja', 'Arnaud Gotlieb', 'Helge Spieker'] });
    const json = JSON.stringify({
      version: 'https://jsonfeed.org/version/1.1',
      title: 'Lab blog',
      items: [
        { id: '1', url: 'https://lab.example.org/posts/1', title: 'A <em>new</em> method', content_html: '<p>We show &amp; tell.</p>', date_published: '2026-03-02T10:00:00Z', authors: [{ name: 'Ada' }] },
        { id: '2', url: 'https://lab.example.org/posts/2', content_text: 'no title' },
      ],
    });
    const r = parseFeed(json, { source: 'blog', listedOn: '2026-01-01' });
    // A JSON Feed title is plain text: markup in it is text the author wrote; content_html is HTML.
    expect(r.papers).toEqual([
      expect.objectContaining({ id: expect.stringMatching(/^t-[0-9a-f]{16}$/), title: 'A <em>new</em> method', abstract: 'We show & tell.', authors: ['Ada'], listedOn: '2026-03-02', links: { abs: 'https://lab.example.org/posts/1' } }),
    ]);
    expect(r.skipped).toEqual([{ where: 'blog item 2 (https://lab.example.org/posts/2)', reason: 'item has no title' }]);
  });

  it('a document that is not a feed is a clear error', () => {
    expect(() => parseFeed('<?xml version="1.0"?><catalog><book/></catalog>', { source: 'f', listedOn: '2026-01-01' })).toThrow(/not an RSS, Atom or JSON feed \(root element <catalog>\)/);
    expect(() => parseFeed('{"hello": 1}', { source: 'f', listedOn: '2026-01-01' })).toThrow(/JSON but not a JSON Feed/);
    expect(() => parseFeed('<rss><channel><item><title>x</item></channel></rss>', { source: 'f', listedOn: '2026-01-01' })).toThrow(/malformed XML at line 1/);
  });
});

describe('saved files and HTTP details', () => {
  it('detects the format of a saved document', () => {
    expect(detectFormat(fixture('hf-daily-papers.json'))).toBe('hf-daily');
    expect(detectFormat(fixture('hf-daily-papers-2024-10-25-legacy.json'))).toBe('hf-daily');
    expect(detectFormat(fixture('arxiv-api-query.atom.xml'))).toBe('arxiv-api');
    expect(detectFormat(fixture('arxiv-api-query-legacy-2016.atom.xml'))).toBe('arxiv-api');
    expect(detectFormat(fixture('arxiv-rss-cs.LG.xml'))).toBe('arxiv-rss');
    expect(detectFormat(fixture('arxiv-rss-empty-holiday.xml'))).toBe('arxiv-rss');
    expect(detectFormat('<?xml version="1.0"?><rss version="2.0"><channel><title>blog</title></channel></rss>')).toBe('feed');
    expect(detectFormat(readFileSync(join(import.meta.dirname, '..', '..', 'data', 'daily-papers-page.txt'), 'utf8'))).toBe('snapshot');
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('7')).toBe(7000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(retryAfterMs(null)).toBeUndefined();
  });
});
