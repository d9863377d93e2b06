/**
 * The CLI as a newcomer meets it: one local origin shared by the server and every command beside it,
 * starts that stop at once (a served data dir, a busy port), a copied config, a failing source, and
 * output fit for a terminal (one readable failure line, no control characters, quiet on a closed pipe).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, cliEnv, freePort, mailEntries, outboxFiles, paperboy, paperboyFails, ROOT, startServer, stopServer } from '../support/cli.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'paperboy-cli-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** Every local origin a text links to. */
const origins = (text: string) => [...new Set([...text.matchAll(/https?:\/\/(?:127\.0\.0\.1|localhost)(?::\d+)?/g)].map((m) => m[0]))];

// C0 (but the line break), DEL and C1: what could move a terminal's cursor or recolour it.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

// Invisible characters that reorder or hide what a terminal shows (bidirectional overrides, zero width).
// eslint-disable-next-line no-misleading-character-class
const INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;

/** A copy of the bundled config in a folder of its own, changed by `edit`. */
async function copiedConfig(edit: (config: { sources: Record<string, unknown>[] }) => void = () => {}): Promise<string> {
  const folder = await tempDir();
  const config = JSON.parse(await readFile(join(ROOT, 'paperboy.config.json'), 'utf8')) as { sources: Record<string, unknown>[] };
  edit(config);
  const path = join(folder, 'paperboy.config.json');
  await writeFile(path, JSON.stringify(config, null, 2));
  return path;
}

describe('one local origin: a server on another port, and the CLI beside it', () => {
  let dataDir: string;
  let base: string;
  let server: ChildProcess | undefined;

  beforeAll(async () => {
    dataDir = await tempDir();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    ({ server } = await startServer(['--port', String(port)], { PAPERBOY_DATA_DIR: dataDir }));
  });
  afterAll(() => stopServer(server));

  it('records the server in services.json: its process and its site URL', async () => {
    const file = JSON.parse(await readFile(join(dataDir, 'services.json'), 'utf8')) as { pid: number; siteUrl: string };
    expect(file.siteUrl).toBe(`${base}/`);
    expect(() => process.kill(file.pid, 0)).not.toThrow();
  });

  it('subscribe, digest and publish with only PAPERBOY_DATA_DIR set write links to that port only', async () => {
    const env = { PAPERBOY_DATA_DIR: dataDir };
    const sub = await paperboy(['subscribe', 'cli.reader@example.org', '--topics', 'llm', '--frequency', 'daily'], env);
    expect(sub.stdout).toContain('confirmation sent to cli.reader@example.org');
    const confirmation = (await mailEntries(dataDir)).find((m) => m.to.includes('cli.reader@example.org'))!;
    const confirmUrl = /(https?:\/\/\S+\/api\/confirm\?token=[A-Za-z0-9_%-]+)/.exec(confirmation.text)?.[1];
    expect(confirmUrl).toMatch(new RegExp(`^${base}/api/confirm`));
    // The link works as it was sent: it opens the confirm page, whose button posts to the same server.
    const page = await fetch(confirmUrl!);
    expect(page.status).toBe(200);
    const token = /<input type="hidden" name="token" value="([A-Za-z0-9_-]+)">/.exec(await page.text())?.[1];
    expect(token).toBeDefined();
    const confirmed = await fetch(`${base}/api/confirm`, { method: 'POST', body: new URLSearchParams({ token: token! }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(confirmed.status).toBe(200);

    const digest = await paperboy(['digest'], env);
    expect(digest.stdout).toMatch(/digest: 2 due, 1 sent/);
    const publish = await paperboy(['publish'], env);
    // The server published with its URL already: rendered with the same links, nothing changes.
    expect(publish.stdout).toMatch(/publish: \d+ objects, 0 uploaded/);

    for (const path of ['feeds/all.xml', 'feeds/all.atom', 'feeds/all.json', 'feeds/index.opml', 'feeds/topics/llm.xml', '', 'topics/llm/']) {
      const res = await fetch(`${base}/${path}`);
      expect(res.status, path).toBe(200);
      const found = origins(await res.text());
      if (path.startsWith('feeds/')) expect(found, path).toEqual([base]);
      else expect(found.filter((o) => o !== base), path).toEqual([]);
    }
    const mails = await mailEntries(dataDir);
    expect(mails.map((m) => m.to[0]).sort()).toEqual(['cli.reader@example.org', 'cli.reader@example.org', 'reader@example.com']);
    for (const m of mails) expect(origins(`${m.text}\n${m.html}`), m.subject).toEqual([base]);
    for (const name of await outboxFiles(dataDir)) {
      const eml = await readFile(join(dataDir, 'outbox', name), 'utf8');
      expect(eml).not.toContain('127.0.0.1:8787');
      const unsubscribe = /^List-Unsubscribe:\s*<([^>]+)>/m.exec(eml)?.[1];
      if (unsubscribe) expect(unsubscribe.startsWith(`${base}/api/unsubscribe?`), name).toBe(true);
    }
  });

  it('stops a second start on the same data dir at once, with one line naming the server', async () => {
    const before = await outboxFiles(dataDir);
    const { pid } = JSON.parse(await readFile(join(dataDir, 'services.json'), 'utf8')) as { pid: number };
    const err = await paperboyFails(['start'], { PAPERBOY_DATA_DIR: dataDir });
    expect(err.code).toBe(1);
    expect(err.stderr.trim().split('\n')).toEqual([
      `paperboy: ${dataDir} is already served at ${base}/ by process ${pid}; stop it first, or set PAPERBOY_DATA_DIR to another folder`,
    ]);
    expect(err.stdout).toBe('');
    expect(await outboxFiles(dataDir)).toEqual(before);
    // The first server is untouched: its services.json, its site.
    expect((JSON.parse(await readFile(join(dataDir, 'services.json'), 'utf8')) as { pid: number }).pid).toBe(pid);
    expect((await fetch(`${base}/`)).status).toBe(200);
  });
});

describe('a start on a busy port', () => {
  let busy: ReturnType<typeof createTcpServer>;
  afterAll(() => busy?.close());

  it('stops before anything runs, with one line naming the port', async () => {
    busy = createTcpServer().listen(0, '127.0.0.1');
    await once(busy, 'listening');
    const port = (busy.address() as { port: number }).port;
    const dataDir = await tempDir();
    const err = await paperboyFails(['start', '--port', String(port)], { PAPERBOY_DATA_DIR: dataDir });
    expect(err.code).toBe(1);
    expect(err.stderr.trim().split('\n')).toEqual([`paperboy: port ${port} is in use; choose another with --port or PORT`]);
    expect(err.stdout).toBe('');
    // Nothing ran: no services, no mail.
    expect(existsSync(join(dataDir, 'services.json'))).toBe(false);
    expect(existsSync(join(dataDir, 'outbox'))).toBe(false);
  });
});

describe('a copied config', () => {
  it('runs the demo from another folder, past a services.json left by a process that died', async () => {
    const config = await copiedConfig();
    const dataDir = await tempDir();
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    const gone = 'http://127.0.0.1:9/';
    await writeFile(
      join(dataDir, 'services.json'),
      JSON.stringify({ pid: dead, endpoints: { dynamodb: gone, s3: gone, ses: gone, sesViewer: gone }, startedAt: new Date().toISOString(), siteUrl: gone }),
    );
    const run = await paperboy(['start', '--once'], { PAPERBOY_CONFIG: config, PAPERBOY_DATA_DIR: dataDir });
    expect(run.stdout).toMatch(/ingest\s+53 received, 53 new/);
    expect(run.stdout).toMatch(/publish\s+\d+ objects, \d+ uploaded/);
    expect(run.stdout).toMatch(/digest\s+1 due, 1 sent/);
    expect(await outboxFiles(dataDir)).toHaveLength(1);
  });

  it('fails at start with one line naming the field when the snapshot is nowhere', async () => {
    const config = await copiedConfig((c) => (c.sources[0]!.path = 'data/no-such-page.txt'));
    const dataDir = await tempDir();
    const err = await paperboyFails(['start', '--once'], { PAPERBOY_CONFIG: config, PAPERBOY_DATA_DIR: dataDir });
    expect(err.code).toBe(2);
    const lines = err.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^paperboy: ${config}: sources\\.0\\.path = "data/no-such-page\\.txt": no such file beside the config .* or in the project \\(${join(ROOT, 'data', 'no-such-page.txt')}\\)$`));
    expect(existsSync(join(dataDir, 'outbox'))).toBe(false);
  });
});

describe('a source that fails', () => {
  let upstream: Server;
  let env: Record<string, string>;

  beforeAll(async () => {
    // Answers with a document that is no feed and starts with control characters a terminal would act
    // on (ESC and C1 CSI sequences, NEL): the error message quotes it, the screen must not get them.
    upstream = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/xml' }).end('\u001b[2J\u009b31mnot a feed\u0085'));
    upstream.listen(0, '127.0.0.1');
    await once(upstream, 'listening');
    const url = `http://127.0.0.1:${(upstream.address() as { port: number }).port}/feed.xml`;
    const config = await copiedConfig((c) => c.sources.push({ id: 'broken', kind: 'feed', url, run: 'local', retries: 0 }));
    env = { PAPERBOY_CONFIG: config, PAPERBOY_DATA_DIR: await tempDir() };
  });
  afterAll(() => upstream?.close());

  it('makes start --once exit 1 after every stage ran, with one readable line for it', async () => {
    const err = await paperboyFails(['start', '--once'], env);
    expect(err.code).toBe(1);
    expect(err.stdout).toMatch(/ingest\s+53 received, 53 new, .*1 source\(s\) FAILED/);
    expect(err.stdout).toMatch(/publish\s+\d+ objects, \d+ uploaded/);
    expect(err.stdout).toMatch(/digest\s+1 due, 1 sent/);
    const failed = err.stdout.split('\n').filter((l) => l.includes('broken'));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(/^ {2}ingest {3}source broken failed: source broken \(feed\): not XML \(starts with ".*not a feed.*"\)$/);
    expect(err.stdout).not.toMatch(CONTROL);
    // No log line of its own: the summary says it once.
    expect(err.stderr).toBe('');
  });

  it('makes ingest exit 1, and status shows it in the sources table', async () => {
    const err = await paperboyFails(['ingest'], env);
    expect(err.code).toBe(1);
    expect(err.stdout).toMatch(/^broken: failed: source broken \(feed\): not XML/m);
    expect(err.stdout).toMatch(/^demo-snapshot: 53 fetched, 0 new/m);
    expect(err.stdout + err.stderr).not.toMatch(CONTROL);

    const status = await paperboy(['status'], env);
    expect(status.stdout).toMatch(/^ {2}source\s+fetched\s+new\s+updated\s+unchanged\s+skipped\s+health/m);
    expect(status.stdout).toMatch(/^ {2}broken\s+0\s+0\s+0\s+0\s+0\s+FAILED: source broken \(feed\): not XML/m);
    expect(status.stdout).not.toMatch(CONTROL);
    const json = JSON.parse((await paperboy(['status', '--json'], env)).stdout) as { runs: { ingest: { sources: { source: string; error?: string }[] } } };
    expect(json.runs.ingest.sources.find((s) => s.source === 'broken')?.error).toContain('not XML');
  });

  it('prints status into a pipe that closes early without a stack trace', async () => {
    // The reader is gone before the first write: every write meets a closed pipe (EPIPE).
    const child = spawn(process.execPath, [...CLI, 'status'], { cwd: ROOT, env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    expect(stderr).toBe('');
    expect(code).toBe(0);

    // As a person types it.
    const piped = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI[0]}" "${CLI[1]}" status | head -1`], { cwd: ROOT, env: cliEnv(env), encoding: 'utf8' });
    expect(piped.stdout.trim().split('\n')).toEqual([`paperboy status: ${env.PAPERBOY_DATA_DIR} (not served)`]);
    expect(piped.stderr).toBe('');
  });
});

describe('a hostile feed', () => {
  // A line the feed tries to forge on the owner's screen, after a carriage return and a line feed.
  const FORGED = 'demo-snapshot: 0 fetched, 999 new';
  let env: Record<string, string>;
  let file: string;

  beforeAll(async () => {
    const dir = await tempDir();
    file = join(dir, 'hostile.json');
    const items = [
      // No title: skipped, and its link printed. It sets the window title, clears the screen, forges a line.
      { id: '1', url: `https://e.example.org/a\u001b]0;pwned\u0007b\u001b[2J\u009b31m\r\n${FORGED}`, content_text: 'x' },
      // Stored: a title with a right-to-left override and a C1 sequence.
      { id: '2', url: 'https://e.example.org/t', title: 'Safe \u202eevil\u202c title \u009b31m red', date_published: new Date().toISOString() },
      // Skipped for its impossible date; its link reorders text.
      { id: '3', url: 'https://e.example.org/\u202edated', title: 'Dated', date_published: '2026-02-30T00:00:00Z' },
    ];
    await writeFile(file, JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'hostile', items }));
    env = { PAPERBOY_DATA_DIR: await tempDir() };
  });

  it('cannot write control characters, reordering characters or lines of its own to the terminal', async () => {
    const ingest = await paperboy(['ingest', '--source', 'feed', '--file', file], env);
    const status = await paperboy(['status'], env);
    const json = await paperboy(['status', '--json'], env);
    for (const out of [ingest.stdout, ingest.stderr, status.stdout, status.stderr, json.stdout, json.stderr]) {
      expect(out).not.toMatch(CONTROL);
      expect(out).not.toMatch(INVISIBLE);
      expect(out).not.toMatch(new RegExp(`^${FORGED}`, 'm'));
    }
    // Still readable: each skipped item on one line, named, with its reason.
    expect(ingest.stdout).toMatch(/^feed: 3 fetched, 1 new, 0 updated, 0 unchanged, 2 skipped$/m);
    expect(ingest.stdout).toContain(`  skipped feed item 1 (https://e.example.org/a ]0;pwned b [2J 31m ${FORGED}): item has no title\n`);
    expect(ingest.stdout).toContain('  skipped feed item 3 (https://e.example.org/dated): listedOn: 2026-02-30 is not a date: February 2026 has 28 days\n');
    expect(status.stdout).toMatch(/^ {2}latest\s+\d{4}-\d{2}-\d{2} {2}Safe evil title 31m red$/m);
    // The JSON escapes what it must and still reads back as stored.
    const report = JSON.parse(json.stdout) as { latestPaper: { title: string } };
    expect(report.latestPaper.title).toBe('Safe \u202eevil\u202c title 31m red');
  });
});
