/** Retagging and `tag --explain` through the local wiring, against the real stand-ins. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveExampleIds, defaultTaxonomyParsed, type Paper } from '@paperboy/core';
import { explainTags, ingest, openLocal, publish, retag, type LocalContext } from '../../packages/local/src/runner.js';

const ROOT = join(import.meta.dirname, '..', '..');
const silent = { info() {}, warn() {}, error() {} };

describe('retag and explain', () => {
  let dir: string;
  let ctx: LocalContext | undefined;
  let before: Map<string, Paper>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'paperboy-tag-'));
    const shipped = JSON.parse(await readFile(join(ROOT, 'paperboy.config.json'), 'utf8')) as Record<string, unknown>;
    // The same sources, resolved from the repository, plus one owner-defined topic.
    const withTopic = {
      ...shipped,
      sources: [{ id: 'demo-snapshot', kind: 'snapshot', path: join(ROOT, 'data', 'daily-papers-page.txt') }],
      extraTopics: [{ slug: 'pointer-nets', name: 'Pointer networks', phrases: [{ phrase: 'pointer network*', weight: 3 }] }],
    };
    await writeFile(join(dir, 'plain.json'), JSON.stringify({ ...withTopic, extraTopics: [] }));
    await writeFile(join(dir, 'with-topic.json'), JSON.stringify(withTopic));
    const env = { PAPERBOY_DATA_DIR: join(dir, 'data'), PAPERBOY_CONFIG: join(dir, 'plain.json'), PORT: '18787' };
    ctx = await openLocal(env, { logger: silent });
    await ingest(ctx);
    await publish(ctx);
    before = new Map((await ctx.rt.papers.listLatest(100)).map((p) => [p.id, p]));
    await ctx.close();
    ctx = await openLocal({ ...env, PAPERBOY_CONFIG: join(dir, 'with-topic.json') }, { logger: silent });
  });

  afterAll(async () => {
    await ctx?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes only the papers whose tags changed, and moves their topic memberships', async () => {
    const first = await retag(ctx!);
    expect(first.scanned).toBe(53);
    expect(first.changed).toBeGreaterThanOrEqual(1);
    expect(first.gained['pointer-nets']).toBe(first.changed);
    expect(first.unchanged).toBe(53 - first.changed);
    const members = await ctx!.rt.papers.listLatestByTopic('pointer-nets', 10);
    expect(members.map((p) => p.title)).toContain('Pointer Networks');
    const after = await ctx!.rt.papers.listLatest(100);
    const untouched = after.filter((p) => !p.tags.includes('pointer-nets'));
    for (const p of untouched) expect(p).toEqual(before.get(p.id));

    const second = await retag(ctx!);
    expect(second).toMatchObject({ scanned: 53, changed: 0, unchanged: 53 });
  });

  it('lets the next publish show the new topic', async () => {
    const result = await publish(ctx!);
    expect(result.uploadedKeys).toEqual(expect.arrayContaining(['feeds/topics/pointer-nets.xml', 'topics/pointer-nets/index.html', 'feeds/all.xml']));
    const feed = await ctx!.rt.objects.get('feeds/topics/pointer-nets.xml');
    expect(feed).toContain('<title>Pointer Networks</title>');
  });

  it('explains a stored paper: its tags, each topic score, and the rules that fired where', async () => {
    const text = await explainTags(ctx!, 'Pointer Networks');
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^t-[0-9a-f]{16}: Pointer Networks$/);
    expect(lines[1]).toMatch(/^stored tags: .*pointer-nets/);
    expect(text).toMatch(/^pointer-nets\s+\d+\.\d\d\s+tagged$/m);
    expect(text).toMatch(/^\s+\+\d+\.\d\d\s+"pointer network\*"\s+in title$/m);
  });

  it('explains a query that matches no stored paper as a new title', async () => {
    const text = await explainTags(ctx!, 'Quantized LoRA adapters for robot grasping');
    expect(text.split('\n')[0]).toBe('not a stored paper; explaining the title "Quantized LoRA adapters for robot grasping"');
    expect(text).toMatch(/^tags: .*robotics/m);
  });
});

describe('resolveExampleIds', () => {
  it('turns "more like these" arXiv ids into examples from stored papers, and reports the ones not stored', async () => {
    const base = defaultTaxonomyParsed();
    const taxonomy = { ...base, topics: [...base.topics, { slug: 'mine', name: 'Mine', description: '', phrases: [], negative: [], categories: [], examples: [], exampleIds: ['2106.09685', '2401.00001'] }] };
    const stored: Record<string, { title: string; abstract: string }> = { '2106.09685': { title: 'LoRA: Low-Rank Adaptation', abstract: 'We propose low-rank adapters.' } };
    const { taxonomy: resolved, unresolved } = await resolveExampleIds(taxonomy, async (id) => stored[id]);
    expect(resolved.topics.at(-1)!.examples).toEqual([stored['2106.09685']]);
    expect(unresolved).toEqual([{ topic: 'mine', arxivId: '2401.00001' }]);
  });
});
