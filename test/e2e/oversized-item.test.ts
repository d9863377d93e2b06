/**
 * One oversized item in a feed blocks nothing: the CLI ingests the items around it, names it and its
 * reason in its output and in the run record, and publishes.
 */
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paperboy, ROOT } from '../support/cli.js';

let upstream: Server;
let env: Record<string, string>;
let folder: string;

const TITLE_CHARS = 600_000;
const feed = (base: string) => ({
  version: 'https://jsonfeed.org/version/1.1',
  title: 'Lab notes',
  items: [
    { id: `${base}/1`, url: `${base}/1`, title: 'First of three: sparse attention', content_text: 'About sparse attention.', date_published: '2026-11-27T08:00:00Z' },
    {
      id: `${base}/2`,
      url: `${base}/2`,
      title: `Oversized ${'x'.repeat(TITLE_CHARS)}`,
      content_text: 'y'.repeat(1_000_000),
      authors: Array.from({ length: 5000 }, (_v, i) => ({ name: `Member ${i} ${'z'.repeat(280)}` })),
      date_published: '2026-11-27T08:00:00Z',
    },
    { id: `${base}/3`, url: `${base}/3`, title: 'Third of three: reward models', content_text: 'About reward models.', date_published: '2026-11-27T08:00:00Z' },
  ],
});

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'paperboy-oversized-'));
  upstream = createServer((req, res) => {
    const base = `http://127.0.0.1:${(upstream.address() as { port: number }).port}/notes`;
    res.writeHead(200, { 'content-type': 'application/feed+json' }).end(JSON.stringify(feed(base)));
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  const url = `http://127.0.0.1:${(upstream.address() as { port: number }).port}/feed.json`;
  const config = JSON.parse(await readFile(join(ROOT, 'paperboy.config.json'), 'utf8')) as { sources: Record<string, unknown>[] };
  config.sources.push({ id: 'notes', kind: 'feed', url, run: 'local', retries: 0 });
  await writeFile(join(folder, 'paperboy.config.json'), JSON.stringify(config, null, 2));
  env = { PAPERBOY_CONFIG: join(folder, 'paperboy.config.json'), PAPERBOY_DATA_DIR: join(folder, 'data') };
});
afterAll(async () => {
  upstream?.close();
  await rm(folder, { recursive: true, force: true });
});

/** The bytes of a published object, from s3rver's folder. */
async function published(dataDir: string, key: string): Promise<string> {
  const dir = join(dataDir, 's3');
  for (const bucket of await readdir(dir)) {
    const path = join(dir, bucket, `${key}._S3rver_object`);
    if (existsSync(path)) return readFile(path, 'utf8');
  }
  throw new Error(`${key} is not published`);
}

describe('a feed whose second item is oversized', () => {
  it('stores items 1 and 3, names item 2 and its reason in the output and the run record, and publishes', async () => {
    const run = await paperboy(['start', '--once'], env);
    const skipped = run.stdout.split('\n').filter((l) => l.includes('skipped notes item'));
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatch(/notes item 2 \(http:\/\/127\.0\.0\.1:\d+\/notes\/2\): title: .*1000 characters \(got 600,010 characters\)$/);
    expect(run.stdout).toMatch(/ingest\s+55 received, 55 new, 0 updated, 0 unchanged, 1 skipped/);
    expect(run.stdout).toMatch(/publish\s+\d+ objects, \d+ uploaded/);

    const status = JSON.parse((await paperboy(['status', '--json'], env)).stdout) as { runs: { ingest: { sources: { source: string; new: number; skipped: number; skippedReasons: string[] }[] }; publish: unknown } };
    const notes = status.runs.ingest.sources.find((s) => s.source === 'notes')!;
    expect(notes).toMatchObject({ new: 2, skipped: 1 });
    expect(notes.skippedReasons).toEqual([expect.stringMatching(/^notes item 2 \(.*\/notes\/2\): title: .*\(got 600,010 characters\)$/)]);
    expect(status.runs.publish).toBeTruthy();

    // The feed's items are listed on their own day, whose page holds exactly items 1 and 3.
    const day = await published(env.PAPERBOY_DATA_DIR!, 'days/2026-11-27/index.html');
    expect(day).toContain('First of three: sparse attention');
    expect(day).toContain('Third of three: reward models');
    expect(day).not.toContain('Oversized');
  });
});
