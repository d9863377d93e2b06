/**
 * Ingest throughput: 10,000 papers from saved files (HF Daily Papers JSON, arXiv API Atom, arXiv RSS,
 * synthesised from the real fixtures with distinct ids) parsed and stored in the local DynamoDB stand-in,
 * then the same files again (an unchanged re-run). Prints papers per second, DynamoDB write and read requests
 * per paper (counted at the SDK client), and CPU time (which includes the in-process dynalite). The baseline,
 * measured in the same run on a table of its own, stores three of the files (one of each kind) one paper at a
 * time: single title lookups and `put` per paper, as ingest did before it wrote in batches.
 * Ends with one JSON line of the figures.
 *
 *   npm run bench:ingest [-- count]
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { ensureTable, makeDocumentClient, DynamoPaperRepository } from '@paperboy/aws';
import { ItemTooLargeError, buildTagger, defaultTaxonomyParsed, ingestPapers, ownerConfigSchema, systemClock, type Paper, type PaperRepository, type PutOutcome } from '@paperboy/core';
import { loadSource } from '@paperboy/sources';
import { startOrAttach } from '../packages/local/src/services.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const count = Number(process.argv[2] ?? 10_000);
const root = resolve(import.meta.dirname, '..');
const fixture = (n: string) => readFileSync(join(root, 'test/fixtures/upstream', n), 'utf8');
const PER_FILE = 1000;

/** The same repository, storing one paper at a time (the baseline): single title lookups, one `put` per paper. */
function onePaperAtATime(repo: DynamoPaperRepository): PaperRepository {
  return Object.assign(Object.create(repo) as DynamoPaperRepository, {
    async findManyByTitleKey(fingerprints: string[]) {
      const found = new Map<string, Paper>();
      for (const fp of fingerprints) {
        const paper = await repo.findByTitleKey(fp);
        if (paper) found.set(fp, paper);
      }
      return found;
    },
    async putMany(writes: { paper: Paper; previous: Paper | undefined }[]) {
      const outcomes: PutOutcome[] = [];
      for (const { paper, previous } of writes) {
        try {
          outcomes.push({ status: (await repo.put(paper, previous)) ? 'written' : 'conflict' });
        } catch (err) {
          if (!(err instanceof ItemTooLargeError)) throw err;
          outcomes.push({ status: 'rejected', reason: err.message });
        }
      }
      return outcomes;
    },
  });
}

const id = (i: number) => `2701.${String(10000 + i).padStart(5, '0')}`;

function hfFile(start: number, n: number): string {
  const base = JSON.parse(fixture('hf-daily-papers.json')) as { paper: Record<string, unknown> }[];
  return JSON.stringify(
    Array.from({ length: n }, (_, k) => {
      const e = structuredClone(base[k % base.length]!);
      e.paper.id = id(start + k);
      e.paper.title = `${String(e.paper.title)} (${start + k})`;
      return e;
    }),
  );
}

function atomFile(start: number, n: number): string {
  const text = fixture('arxiv-api-query.atom.xml');
  const head = text.slice(0, text.indexOf('<entry>'));
  const entries = text.slice(text.indexOf('<entry>'), text.lastIndexOf('</entry>') + 8).split(/(?<=<\/entry>)\s*/);
  const body = Array.from({ length: n }, (_, k) => {
    const e = entries[k % entries.length]!;
    const old = /<id>http:\/\/arxiv\.org\/abs\/([^<]+?)v\d+<\/id>/.exec(e)![1]!;
    return e.replaceAll(old, id(start + k)).replace(/<title>([^<]*)<\/title>/, `<title>$1 (${start + k})</title>`);
  });
  return `${head}${body.join('\n')}\n</feed>\n`;
}

function rssFile(start: number, n: number): string {
  const text = fixture('arxiv-rss-multi-cs.LG+cs.AI+cs.CL+stat.ML.xml');
  const head = text.slice(0, text.indexOf('<item>'));
  const items = text.slice(text.indexOf('<item>'), text.lastIndexOf('</item>') + 7).split(/(?<=<\/item>)\s*/).slice(0, 3); // new, new, cross
  const body = Array.from({ length: n }, (_, k) => {
    const it = items[k % items.length]!;
    const old = /oai:arXiv\.org:([^<]+?)v\d+</.exec(it)![1]!;
    return it.replaceAll(old, id(start + k)).replace(/<title>([^<]*)<\/title>/, `<title>$1 (${start + k})</title>`);
  });
  return `${head}${body.join('\n')}\n</channel>\n</rss>\n`;
}

const round = (n: number) => Math.round(n * 100) / 100;

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'paperboy-bench-'));
  const services = await startOrAttach(join(dir, 'data'));
  try {
    const table = 'paperboy-bench';
    const admin = new DynamoDBClient({ region: 'us-east-1', endpoint: services.endpoints.dynamodb, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const baselineTable = 'paperboy-bench-baseline';
    for (const t of [table, baselineTable]) {
      await ensureTable(admin, t);
      await waitUntilTableExists({ client: admin, maxWaitTime: 30, minDelay: 1 }, { TableName: t });
    }
    const doc = makeDocumentClient('us-east-1', services.endpoints.dynamodb);
    let writes = 0;
    let reads = 0;
    doc.middlewareStack.add(
      (next, context) => async (args) => {
        const name = String((context as { commandName?: string }).commandName);
        if (/Put|Delete|Update|BatchWrite/.test(name)) writes++;
        else reads++;
        return next(args);
      },
      { step: 'initialize', name: 'countRequests' },
    );
    const papers = new DynamoPaperRepository(doc, table);
    const baseline = onePaperAtATime(new DynamoPaperRepository(doc, baselineTable));
    const tagger = buildTagger(defaultTaxonomyParsed());

    // Files: 40% HF JSON, 30% arXiv API Atom, 30% arXiv RSS, PER_FILE papers each.
    const files: { kind: 'hf-daily' | 'arxiv-api' | 'arxiv-rss'; path: string }[] = [];
    for (let start = 0; start < count; start += PER_FILE) {
      const n = Math.min(PER_FILE, count - start);
      const slot = (start / PER_FILE) % 10;
      const kind = slot < 4 ? 'hf-daily' : slot < 7 ? 'arxiv-api' : 'arxiv-rss';
      const path = join(dir, `${kind}-${start}.${kind === 'hf-daily' ? 'json' : 'xml'}`);
      await writeFile(path, kind === 'hf-daily' ? hfFile(start, n) : kind === 'arxiv-api' ? atomFile(start, n) : rssFile(start, n));
      files.push({ kind, path });
    }
    const sources = ownerConfigSchema.shape.sources.parse([
      { id: 'hf', kind: 'hf-daily', date: '2027-01-04' },
      { id: 'arxiv', kind: 'arxiv-api', query: 'cat:cs.LG' },
      { id: 'arxiv-rss', kind: 'arxiv-rss', categories: ['cs.LG'] },
    ]);
    const sourceOf = (kind: string) => sources.find((s) => s.kind === kind)!;

    const run = async (label: string, repo: PaperRepository, only = files) => {
      writes = 0;
      reads = 0;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      let received = 0;
      let created = 0;
      let unchanged = 0;
      for (const f of only) {
        const loaded = await loadSource(sourceOf(f.kind), { baseDir: dir, today: '2027-01-04', file: f.path });
        const c = await ingestPapers(loaded.papers, { papers: repo, tagger, clock: systemClock });
        received += c.received;
        created += c.new;
        unchanged += c.unchanged;
      }
      const wall = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const cpuS = (cpu.user + cpu.system) / 1e6;
      const figures = { papers: received, writes, reads, writesPerPaper: round(writes / received), readsPerPaper: round(reads / received), papersPerSecond: Math.round(received / wall), cpuSeconds: round(cpuS) };
      console.log(
        `${label.padEnd(24)} ${received} papers (${created} new, ${unchanged} unchanged) in ${wall.toFixed(1)} s wall, ${cpuS.toFixed(1)} s CPU: ` +
          `${Math.round(received / wall)} papers/s, ${(writes / received).toFixed(2)} write requests/paper (${writes}), ${(reads / received).toFixed(2)} read requests/paper (${reads})`,
      );
      return figures;
    };
    console.log(`bench:ingest: ${count} papers in ${files.length} files, local DynamoDB (dynalite, in-process), Node ${process.version}`);
    const first = await run('first run', papers);
    const rerun = await run('unchanged re-run', papers);
    const kinds = new Set<string>();
    const sample = files.filter((f) => !kinds.has(f.kind) && kinds.add(f.kind));
    const before = await run('baseline (one at a time)', baseline, sample);
    console.log(
      JSON.stringify({
        bench: 'ingest',
        papers: first.papers,
        writesPerPaper: first.writesPerPaper,
        readsPerPaper: first.readsPerPaper,
        rerunWrites: rerun.writes,
        rerunReadsPerPaper: rerun.readsPerPaper,
        papersPerSecond: first.papersPerSecond,
        rerunPapersPerSecond: rerun.papersPerSecond,
        baseline: { papers: before.papers, writesPerPaper: before.writesPerPaper, readsPerPaper: before.readsPerPaper, papersPerSecond: before.papersPerSecond },
      }),
    );
  } finally {
    await services.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
