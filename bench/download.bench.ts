/**
 * Memory of one source's download and ingest, against the ingest function's memory (1,024 MB): the real ingest
 * handler, each run in a child process of its own, fetches an RSS feed from a local HTTP server and stores it in
 * the stand-ins (another process). Three runs: a small feed (the baseline, same process, same code), a feed just
 * under the 20 MB default cap (read whole and stored), and a 100 MB streamed feed (stopped at the cap). Prints a
 * table and one JSON line.
 *
 *   npm run bench:download [-- capMB]
 */
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_DOWNLOAD_MB } from '@paperboy/core';
import { FUNCTION_MEMORY_MB } from '../infra/lib/settings.js';

const MB = 2 ** 20;
const capMB = DEFAULT_DOWNLOAD_MB;
const today = new Date().toUTCString();
const ABSTRACT =
  'Large language models are increasingly deployed as agents that plan, call tools and revise their own outputs. ' +
  'We study how such systems fail when the environment changes under them, and propose a training signal that ' +
  'rewards calibrated uncertainty instead of confident guesses. On four benchmarks the method reduces silent ' +
  'failures by a third while keeping task success unchanged; ablations show that most of the gain comes from ' +
  'the calibration term rather than from the extra data. ';

/** One RSS item of about 3.5 KB: a plain-text title, an HTML description with entities, like a real blog feed. */
function item(i: number): string {
  const html = `<p>${ABSTRACT.repeat(6)}</p><p>Caf&eacute; &amp; co. &mdash; item ${i}</p>`;
  const escaped = html.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<item><title>Paper ${i}: When k &lt; n &amp; m &gt; 2, calibrated agents</title><link>https://lab.example.org/posts/${i}</link><guid>https://lab.example.org/posts/${i}</guid><pubDate>${today}</pubDate><description>${escaped}</description></item>\n`;
}
const HEAD = '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Lab</title><link>https://lab.example.org/</link><description>bench</description>\n';
const TAIL = '</channel></rss>\n';

/** A whole feed of at most `bytes`. */
function feed(bytes: number): Buffer {
  const parts = [HEAD];
  let size = HEAD.length + TAIL.length;
  for (let i = 0; ; i++) {
    const it = item(i);
    if (size + it.length > bytes) break;
    parts.push(it);
    size += it.length;
  }
  parts.push(TAIL);
  return Buffer.from(parts.join(''));
}

const small = feed(64 * 1024);
const big = feed(capMB * MB - 64 * 1024);
const HUGE = 100 * MB;
const TIGHT_HEAP_MB = 256;

/** Streams `total` bytes of items, generated as they are sent, never held whole. */
function stream(res: ServerResponse, total: number): void {
  let sent = 0;
  let i = 0;
  const pump = () => {
    while (sent < total && !res.destroyed) {
      const chunk = Buffer.from(sent === 0 ? HEAD : Array.from({ length: 16 }, () => item(i++)).join(''));
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    res.end(TAIL);
  };
  pump();
}

const server = createServer((req, res) => {
  res.setHeader('content-type', 'application/rss+xml');
  if (req.url === '/small.xml') res.end(small);
  else if (req.url === '/big.xml') res.end(big);
  else if (req.url === '/huge.xml') stream(res, HUGE);
  else res.writeHead(404).end();
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const dataDir = await mkdtemp(join(tmpdir(), 'paperboy-bench-'));
const standIns = fork(join(import.meta.dirname, 'standins-child.ts'), [dataDir], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
await new Promise<void>((ok, fail) => {
  standIns.once('message', () => ok());
  standIns.once('exit', (c) => fail(new Error(`stand-ins exited with ${c}`)));
});

interface Figures { peakRssMB: number; peakHeapMB: number; seconds: number; fetched: number; new: number; error?: string }
/** One ingest run in a child; `heapMB` caps V8's old space, to show the run fits it (it fails if not). */
async function run(path: string, table: string, heapMB?: number): Promise<Figures> {
  const execArgv = ['--import', 'tsx', ...(heapMB ? [`--max-old-space-size=${heapMB}`] : [])];
  const child = fork(join(import.meta.dirname, 'download-child.ts'), [dataDir, `${origin}${path}`, table], { execArgv, stdio: 'inherit' });
  return new Promise((ok, fail) => {
    child.once('message', (m) => ok(m as Figures));
    child.once('exit', (c) => c !== 0 && fail(new Error(`${path}: child exited with ${c}`)));
  });
}

try {
  const baseline = await run('/small.xml', 'bench-small');
  const atCap = await run('/big.xml', 'bench-big');
  // The same feed again on a fresh table with V8's old space capped: what a run really needs, garbage aside.
  const tight = await run('/big.xml', 'bench-big-tight', TIGHT_HEAP_MB);
  const over = await run('/huge.xml', 'bench-huge');
  const lambdaMB = FUNCTION_MEMORY_MB.ingest;
  const row = (name: string, bytes: string, f: Figures) =>
    `${name.padEnd(22)}${bytes.padStart(9)}${String(f.new).padStart(7)}${String(f.peakRssMB).padStart(10)}${String(f.peakHeapMB).padStart(10)}${f.seconds.toFixed(1).padStart(8)}  ${f.error ? 'stopped: over the cap' : 'stored'}`;
  console.log(`paperboy download bench: one feed source, cap ${capMB} MB, ingest function ${lambdaMB} MB\n`);
  console.log(`${'run'.padEnd(22)}${'bytes'.padStart(9)}${'new'.padStart(7)}${'RSS MB'.padStart(10)}${'heap MB'.padStart(10)}${'s'.padStart(8)}`);
  console.log(row('small (baseline)', `${(small.length / 1024).toFixed(0)} KB`, baseline));
  console.log(row(`just under ${capMB} MB`, `${(big.length / MB).toFixed(1)} MB`, atCap));
  console.log(row(`same, heap <= ${TIGHT_HEAP_MB} MB`, `${(big.length / MB).toFixed(1)} MB`, tight));
  console.log(row('100 MB streamed', '100 MB', over));
  if (over.error) console.log(`\n100 MB feed: ${over.error}`);
  const headroomMB = lambdaMB - atCap.peakRssMB;
  console.log(`\nat the cap: ${atCap.peakRssMB - baseline.peakRssMB} MB of RSS over the baseline, ${headroomMB} MB left of ${lambdaMB} MB`);
  console.log(
    JSON.stringify({
      bench: 'download',
      capMB,
      lambdaMemoryMB: lambdaMB,
      baseline: { bytes: small.length, ...baseline },
      atCap: { bytes: big.length, ...atCap },
      atCapTightHeap: { maxOldSpaceMB: TIGHT_HEAP_MB, ...tight },
      over: { bytes: HUGE, ...over, stopped: over.error !== undefined },
      rssOverBaselineMB: atCap.peakRssMB - baseline.peakRssMB,
      headroomMB,
    }),
  );
  if (!over.error || atCap.error || tight.error || atCap.peakRssMB > lambdaMB) process.exitCode = 1;
} finally {
  server.closeAllConnections();
  server.close();
  standIns.kill('SIGTERM');
  await new Promise((r) => standIns.once('exit', r));
  await rm(dataDir, { recursive: true, force: true });
}
