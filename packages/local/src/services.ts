/**
 * The embedded AWS stand-ins, started in-process on 127.0.0.1:
 * dynalite (DynamoDB on LevelDB), s3rver (S3 on a folder), aws-ses-v2-local (SES v2) behind a small tap
 * that saves every message it accepts, exactly as the stand-in renders it, as an .eml file in the outbox,
 * and a CloudFront stand-in whose invalidations apply to the gateway's edge cache (edge.ts).
 *
 * While one process runs them it writes `<data dir>/services.json`; another process (the CLI) finds it
 * and talks to the running services instead of opening the LevelDB store a second time. A process that
 * serves the site (`paperboy start`) also records its site URL there, so every command beside it writes
 * links to that origin.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import S3rver from 's3rver';
import sesLocalModule from 'aws-ses-v2-local';
import { LocalEdgeCache, startCloudFrontStandIn } from './edge.js';

export interface Endpoints {
  dynamodb: string;
  s3: string;
  ses: string;
  /** The stand-in's own mail viewer. */
  sesViewer: string;
  /** CloudFront's invalidations, applied to the edge of the process that runs the services (edge.ts). */
  cloudfront: string;
}

export interface RunningServices {
  endpoints: Endpoints;
  /** True when this process started them; false when it attached to another process's services. */
  owned: boolean;
  /** The process that runs them. */
  pid: number;
  /** The site URL of the process that runs them, when that process serves the site. */
  siteUrl?: string;
  /** The edge cache the CloudFront stand-in invalidates: only in the process that runs the services, whose gateway serves through it. */
  edge?: LocalEdgeCache;
  stop(): Promise<void>;
}

/** What `services.json` holds. */
export interface ServicesFile {
  pid: number;
  endpoints: Endpoints;
  startedAt: string;
  /** Set by a process that serves the site: the base URL of every link it writes. */
  siteUrl?: string;
}

const HOST = '127.0.0.1';

export function servicesFile(dataDir: string): string {
  return join(dataDir, 'services.json');
}

/**
 * Attaches to services another live process runs on this data dir, or starts them here; `siteUrl` is
 * recorded when this process serves the site.
 */
export async function startOrAttach(dataDir: string, options: { siteUrl?: string } = {}): Promise<RunningServices> {
  const live = await liveServices(dataDir);
  if (live) return { endpoints: live.endpoints, owned: false, pid: live.pid, ...(live.siteUrl ? { siteUrl: live.siteUrl } : {}), stop: async () => {} };
  return start(dataDir, options.siteUrl);
}

/**
 * The services another process runs on this data dir, if it is alive and answering. A `services.json`
 * left behind by a process that died is ignored.
 */
export async function liveServices(dataDir: string): Promise<ServicesFile | undefined> {
  let info: ServicesFile;
  try {
    info = JSON.parse(await readFile(servicesFile(dataDir), 'utf8')) as ServicesFile;
  } catch {
    return undefined;
  }
  if (info.pid === process.pid || !isAlive(info.pid)) return undefined;
  try {
    const res = await fetch(`${info.endpoints.sesViewer}health-check`, { signal: AbortSignal.timeout(2000) });
    if (!res.ok) return undefined;
  } catch {
    return undefined;
  }
  return info;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const listen = (server: Server, port = 0) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => resolve((server.address() as AddressInfo).port));
  });
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

async function start(dataDir: string, siteUrl: string | undefined): Promise<RunningServices> {
  await mkdir(join(dataDir, 'outbox'), { recursive: true });
  await mkdir(join(dataDir, 'mail'), { recursive: true });
  await mkdir(join(dataDir, 's3'), { recursive: true });

  const dyn = dynalite({ path: join(dataDir, 'dynamodb'), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }) as Server;
  let dynPort: number;
  try {
    dynPort = await listen(dyn);
  } catch (err) {
    throw new Error(`cannot open the local DynamoDB store in ${join(dataDir, 'dynamodb')}: ${(err as Error).message}. Is another paperboy process using this data dir?`);
  }

  const s3 = new S3rver({ address: HOST, port: 0, directory: join(dataDir, 's3'), silent: true, configureBuckets: [] });
  const s3Address = (await s3.run()) as AddressInfo;

  const sesServer = ((sesLocalModule as unknown as { default?: typeof sesLocalModule }).default ?? sesLocalModule) as (c: {
    host: string;
    port: number;
  }) => Promise<Server>;
  const ses = await sesServer({ host: HOST, port: 0 });
  const sesPort = (ses.address() as AddressInfo).port;
  const tap = createSesTap(`http://${HOST}:${sesPort}`, dataDir);
  const tapPort = await listen(tap);
  const edge = new LocalEdgeCache();
  const cloudfront = await startCloudFrontStandIn(edge);

  const endpoints: Endpoints = {
    dynamodb: `http://${HOST}:${dynPort}`,
    s3: `http://${HOST}:${s3Address.port}`,
    ses: `http://${HOST}:${tapPort}`,
    sesViewer: `http://${HOST}:${sesPort}/`,
    cloudfront: cloudfront.endpoint,
  };
  const file: ServicesFile = { pid: process.pid, endpoints, startedAt: new Date().toISOString(), ...(siteUrl ? { siteUrl } : {}) };
  await writeFile(servicesFile(dataDir), JSON.stringify(file, null, 2));

  let stopped = false;
  return {
    endpoints,
    owned: true,
    pid: process.pid,
    ...(siteUrl ? { siteUrl } : {}),
    edge,
    async stop() {
      if (stopped) return;
      stopped = true;
      await rm(servicesFile(dataDir), { force: true });
      await Promise.all([close(tap), close(ses), s3.close(), close(dyn), cloudfront.stop()]);
    },
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

interface SendRequest {
  FromEmailAddress?: string;
  Destination?: { ToAddresses?: string[] };
  Content?: { Simple?: { Subject?: { Data?: string }; Body?: { Html?: { Data?: string }; Text?: { Data?: string } } } };
}

/** A pass-through proxy in front of the SES stand-in that saves each accepted message to the outbox. */
function createSesTap(target: string, dataDir: string): Server {
  return createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      const upstream = await forward(target, req, body);
      if (req.method === 'POST' && req.url?.startsWith('/v2/email/outbound-emails') && upstream.status === 200) {
        const { MessageId } = JSON.parse(upstream.body.toString('utf8')) as { MessageId: string };
        await saveMessage(target, dataDir, MessageId, JSON.parse(body.toString('utf8')) as SendRequest);
      }
      res.writeHead(upstream.status, upstream.headers);
      res.end(upstream.body);
    } catch (err) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `paperboy SES tap: ${(err as Error).message}` }));
    }
  });
}

function forward(target: string, req: IncomingMessage, body: Buffer) {
  return new Promise<{ status: number; headers: Record<string, string>; body: Buffer }>((resolve, reject) => {
    const url = new URL(req.url ?? '/', target);
    const headers = { ...req.headers, host: url.host };
    const out = httpRequest(url, { method: req.method, headers }, async (upstream) => {
      const data = await readBody(upstream);
      const h: Record<string, string> = {};
      for (const [k, v] of Object.entries(upstream.headers)) if (typeof v === 'string' && k !== 'transfer-encoding') h[k] = v;
      resolve({ status: upstream.statusCode ?? 502, headers: h, body: data });
    });
    out.on('error', reject);
    out.end(body);
  });
}

/** Message ids become file names; keep them to a safe alphabet. */
const safeName = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');

async function saveMessage(target: string, dataDir: string, messageId: string, request: SendRequest): Promise<void> {
  const res = await fetch(`${target}/get-emlContent?messageId=${encodeURIComponent(messageId)}`);
  if (!res.ok) throw new Error(`the SES stand-in could not render message ${messageId} (${res.status})`);
  const payload = (await res.json()) as { body: string | { type: 'Buffer'; data: number[] } };
  const eml = typeof payload.body === 'string' ? Buffer.from(payload.body) : Buffer.from(payload.body.data);
  const at = new Date().toISOString();
  const name = `${at.replace(/[:.]/g, '-')}-${safeName(messageId)}`;
  await writeFile(join(dataDir, 'outbox', `${name}.eml`), eml);
  const simple = request.Content?.Simple;
  await writeFile(
    join(dataDir, 'mail', `${name}.json`),
    JSON.stringify({
      name,
      messageId,
      at,
      from: request.FromEmailAddress,
      to: request.Destination?.ToAddresses ?? [],
      subject: simple?.Subject?.Data ?? '',
      html: simple?.Body?.Html?.Data ?? '',
      text: simple?.Body?.Text?.Data ?? '',
    }),
  );
}
