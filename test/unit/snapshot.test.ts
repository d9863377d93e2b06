import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSnapshot } from '@paperboy/sources';

const ROOT = join(import.meta.dirname, '..', '..');
const page = readFileSync(join(ROOT, 'data', 'daily-papers-page.txt'), 'utf8');
const labels = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'tagging', 'seed-labels.json'), 'utf8')) as { title: string }[];

describe('parseSnapshot', () => {
  const result = parseSnapshot(page, { source: 'demo', listedOn: '2026-11-26' });

  it('reads the 53 papers of the bundled page, in page order and ranked by it, with nothing skipped', () => {
    expect(result.skipped).toEqual([]);
    expect(result.papers).toHaveLength(53);
    expect(result.papers.map((p) => p.rank)).toEqual(Array.from({ length: 53 }, (_, i) => i + 1));
    expect(result.papers[0]!.title).toBe('EDTalk: Efficient Disentanglement for Emotional Talking Head Synthesis');
    expect(result.papers.map((p) => p.title)).toEqual(labels.map((l) => l.title.replace(/texttt\{(.)\}/g, '$1')));
  });

  it('gives each paper a stable title fingerprint id, the listing day and a clean abstract', () => {
    const p = result.papers.find((x) => x.title.startsWith('Pointer Networks'))!;
    expect(p.id).toMatch(/^t-[0-9a-f]{16}$/);
    expect(p.listedOn).toBe('2026-11-26');
    expect(p.abstract).toMatch(/^We introduce a new neural architecture/);
    expect(parseSnapshot(page, { source: 'demo', listedOn: '2026-11-27' }).papers[5]!.id).toBe(p.id);
  });

  it('finds no authors or upvotes on the saved page, and takes the code and project links the abstracts name', () => {
    expect(result.papers.every((p) => p.authors.length === 0 && p.upvotes === undefined)).toBe(true);
    const links = (start: string) => result.papers.find((p) => p.title.startsWith(start))!.links;
    expect(links('EDTalk')).toEqual({ project: 'https://tanshuai0219.github.io/EDTalk/' });
    // The sentence's full stop is not part of the URL.
    expect(links('Stationary Representations')).toEqual({ code: 'https://github.com/miccunifi/iamcl2r' });
    // Two repositories named: the first is the paper's.
    expect(links('MoM')).toEqual({ code: 'https://github.com/OpenSparseLLMs/MoM' });
    expect(links('Pointer Networks')).toEqual({});
    expect(result.papers.filter((p) => p.links.code).length).toBe(13);
    expect(result.papers.filter((p) => p.links.project).length).toBe(4);
  });

  it('cleans the LaTeX residue in titles', () => {
    expect(result.papers.map((p) => p.title)).toContain(
      'Simple Semi-supervised Knowledge Distillation from Vision-Language Models via Dual-Head Optimization',
    );
  });

  it('skips a title without an abstract and a duplicate, saying where and why, and keeps the rest', () => {
    const text = 'Daily Papers\n\nOct 8\n\nFirst Title\n\nFirst abstract.\n\nFirst Title\n\nAgain.\n\nLast Title';
    const r = parseSnapshot(text, { source: 'demo', listedOn: '2026-11-26' });
    expect(r.papers.map((p) => p.title)).toEqual(['First Title']);
    expect(r.skipped).toEqual([
      { where: 'demo item 2', reason: 'duplicate of an earlier item, "First Title"' },
      { where: 'demo item 3', reason: 'title "Last Title" has no abstract after it' },
    ]);
  });

  it('fails when the text is not a saved Daily Papers page', () => {
    expect(() => parseSnapshot('<html>something else</html>', { source: 'demo', listedOn: '2026-11-26' })).toThrow(/demo: no date line/);
  });
});
