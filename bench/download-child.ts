/**
 * One ingest run for `npm run bench:download`, in a process of its own so its peak memory is its own: the real
 * ingest handler fetches one feed from the bench's HTTP server and stores it in the stand-ins (which run in
 * another process). Sends back its figures: peak RSS (the OS's maxRSS), peak V8 heap (sampled), time.
 */
import { join, resolve } from 'node:path';
import { DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '@paperboy/aws';
import { readOwnerConfigFile, resolveConfig } from '@paperboy/core';
import { buildRuntime } from '../functions/commons/runtime.js';
import { makeHandler } from '../functions/ingest/index.js';
import { startOrAttach } from '../packages/local/src/services.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const [dataDir, url, table] = process.argv.slice(2) as [string, string, string];
const ROOT = resolve(import.meta.dirname, '..');

const services = await startOrAttach(dataDir);
if (services.owned) throw new Error('expected to attach to the stand-ins of the bench');
const path = join(ROOT, 'paperboy.config.json');
const owner = { ...(readOwnerConfigFile(path) as object), sources: [{ id: 'bench', kind: 'feed', url, retries: 0 }] };
const base = resolveConfig(owner, { PAPERBOY_HMAC_SECRET: 'b'.repeat(40) }, path, ROOT);
const admin = new DynamoDBClient({ region: base.region, endpoint: services.endpoints.dynamodb, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
await ensureTable(admin, table);
await waitUntilTableExists({ client: admin, maxWaitTime: 60, minDelay: 1 }, { TableName: table });
const silent = { info() {}, warn() {}, error() {} };
const rt = buildRuntime({ ...base, tableName: table, endpoints: services.endpoints, siteUrl: 'https://papers.example.com/' }, { logger: silent });

let peakHeap = 0;
const sample = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 5);
const started = performance.now();
const result = await makeHandler(rt)({});
const seconds = (performance.now() - started) / 1000;
clearInterval(sample);
peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
const source = result.sources[0]!;
process.send!({
  peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  peakHeapMB: Math.round(peakHeap / 2 ** 20),
  seconds: Number(seconds.toFixed(1)),
  fetched: source.fetched,
  new: source.counts?.new ?? 0,
  ...(source.error ? { error: source.error } : {}),
});
process.disconnect();
