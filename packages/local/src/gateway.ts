/**
 * The local origin, standing in for CloudFront: the site and feeds from the S3 stand-in at `/`,
 * the subscriptions handler at `/api/*` (called with an APIGatewayProxyEventV2, as in the cloud, with the
 * CloudFront-Viewer-Address CloudFront would add), the private feeds through the edge cache that the
 * CloudFront stand-in invalidates (edge.ts),
 * and the captured mail at `/_local/mail/`. Every answer carries the security headers CloudFront's
 * response headers policy adds (one definition, SECURITY_HEADERS), overriding the function's as it does;
 * internal objects (`_paperboy/`) are never served, as the bucket policy denies them to CloudFront.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { VIEWER_ADDRESS_HEADER } from '@paperboy/core';
import { escapeHtml, renderPage, SECURITY_HEADERS } from '@paperboy/feeds';
import { makeHandler as makeSubscriptions } from '../../../functions/subscriptions/index.js';
import type { LocalContext } from './runner.js';
import { LocalSignupQueue } from './signup-queue.js';
import { apiEvent } from './api-event.js';
import { throughEdge } from './edge.js';

const MAX_BODY = 64 * 1024;

export interface Gateway {
  server: Server;
  url: string;
  /** Starts answering with this context's handlers; until then every request gets a 503. */
  serve(ctx: LocalContext): void;
}

/**
 * Takes the port at once, before anything else runs, so a busy port stops a start before the pipeline
 * (and its emails) rather than after.
 */
export async function listenGateway(port: number): Promise<Gateway> {
  let route: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
  const server = createServer((req, res) => {
    if (!route) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '2' }).end('starting; try again in a moment');
      return;
    }
    route(req, res).catch((err) => {
      console.error(`error: ${req.method} ${req.url}: ${(err as Error).message}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('internal error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new Error(`port ${port} is in use; choose another with --port or PORT`) : err),
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    serve(ctx) {
      const api = makeSubscriptions(ctx.rt, new LocalSignupQueue(ctx.rt));
      route = (req, res) => handle(ctx, api, req, res);
    },
  };
}

export async function startGateway(ctx: LocalContext, port: number): Promise<{ server: Server; url: string }> {
  const gateway = await listenGateway(port);
  gateway.serve(ctx);
  return gateway;
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function handle(
  ctx: LocalContext,
  api: ReturnType<typeof makeSubscriptions>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = (req.method ?? 'GET').toUpperCase();
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);

  if (url.pathname.startsWith('/api/')) {
    const body = await readBody(req);
    if (!body) {
      res.writeHead(413, { 'content-type': 'text/plain; charset=utf-8' }).end('request body too large');
      return;
    }
    // The private feeds' behaviour caches (CloudFront's cache policy, kept by the edge); the rest of /api/* does not.
    const now = ctx.rt.clock.now();
    const answer = await throughEdge(ctx.services.edge, { url, method, now }, async (originUrl) => {
      const result = await api(apiEventOf(req, originUrl, method, body, now));
      return { status: result.statusCode ?? 200, headers: { ...(result.headers as Record<string, string>) }, body: result.body ?? '' };
    });
    res.writeHead(answer.status, { ...answer.headers, ...SECURITY_HEADERS });
    res.end(method === 'HEAD' ? undefined : answer.body);
    return;
  }

  if (method !== 'GET' && method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('method not allowed');
    return;
  }

  if (url.pathname === '/_local/mail') {
    res.writeHead(301, { location: '/_local/mail/' }).end();
    return;
  }
  if (url.pathname.startsWith('/_local/mail/')) {
    await serveMail(ctx, url.pathname.slice('/_local/mail'.length).replace(/^\//, ''), res);
    return;
  }

  // Like CloudFront with a default root object, and like S3 website index documents.
  const path = decodePath(url.pathname);
  if (path === undefined) {
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('malformed path: not valid percent-encoded UTF-8');
    return;
  }
  let key = path.replace(/^\/+/, '');
  if (key === '' || key.endsWith('/')) key += 'index.html';
  if (key.split('/').some((part) => part === '..' || part.startsWith('_paperboy'))) key = '';
  const object = key ? await ctx.rt.objects.getObject(key) : undefined;
  if (!object) {
    const page = renderPage({ site: { ...ctx.config.owner.site, url: ctx.config.siteUrl }, title: 'Not found', heading: 'Not found', bodyHtml: '<p>There is nothing at this address. <a href="/">Back to the latest papers</a>.</p>' });
    res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' }).end(method === 'HEAD' ? undefined : page);
    return;
  }
  const headers: Record<string, string> = {
    'content-type': object.contentType ?? 'application/octet-stream',
    'cache-control': object.cacheControl ?? 'no-cache',
    'content-length': String(object.body.length),
  };
  if (object.etag) headers.etag = object.etag;
  if (object.etag && req.headers['if-none-match'] === object.etag) {
    res.writeHead(304, headers).end();
    return;
  }
  res.writeHead(200, headers).end(method === 'HEAD' ? undefined : Buffer.from(object.body));
}

/**
 * The path as an object key, or undefined when it cannot be one: a broken percent-escape (`/%E0%A4%A`),
 * bytes that are not UTF-8, or a control character, which no published key contains.
 */
export function decodePath(pathname: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f]/.test(path) ? undefined : path;
}

/** The request as API Gateway hands it to the function, stamped with the runtime's clock. */
function apiEventOf(req: IncomingMessage, url: URL, method: string, body: Buffer, now: Date): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  // Like CloudFront, the viewer address comes from the connection, never from the client: a client-sent
  // CloudFront-Viewer-Address is replaced, so sign-up limits count the socket's address.
  const clientIp = req.socket.remoteAddress ?? '127.0.0.1';
  return apiEvent(method, `${url.pathname}${url.search}`, {
    base: `http://${headers.host ?? '127.0.0.1'}/`,
    headers: { ...headers, [VIEWER_ADDRESS_HEADER.toLowerCase()]: `${clientIp}:${req.socket.remotePort ?? 0}` },
    sourceIp: clientIp,
    at: now,
    body: body.length ? body.toString('utf8') : undefined,
  });
}

interface MailEntry {
  name: string;
  at: string;
  to: string[];
  subject: string;
  html: string;
  text: string;
}

async function serveMail(ctx: LocalContext, rest: string, res: ServerResponse): Promise<void> {
  const mailDir = join(ctx.config.dataDir, 'mail');
  const outbox = join(ctx.config.dataDir, 'outbox');
  const site = { ...ctx.config.owner.site, url: ctx.config.siteUrl };
  const m = /^([A-Za-z0-9._-]+)\.(eml|html|txt)$/.exec(rest);
  if (m) {
    const [, name, ext] = m as unknown as [string, string, string];
    try {
      if (ext === 'eml') {
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(await readFile(join(outbox, `${name}.eml`)));
        return;
      }
      const entry = JSON.parse(await readFile(join(mailDir, `${name}.json`), 'utf8')) as MailEntry;
      // The HTML part is the project's own rendering (inline styles, as email needs); this local-only
      // viewer replaces the site's policy with a sandboxing one that keeps any script in it inert.
      if (ext === 'html') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data: https:" }).end(entry.html);
      else res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(entry.text);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('no such message');
    }
    return;
  }
  if (rest !== '') {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('no such message');
    return;
  }
  let names: string[] = [];
  try {
    names = (await readdir(mailDir)).filter((n) => n.endsWith('.json')).sort().reverse();
  } catch {
    names = [];
  }
  const entries = await Promise.all(names.map(async (n) => JSON.parse(await readFile(join(mailDir, n), 'utf8')) as MailEntry));
  const rows = entries
    .map(
      (e) =>
        `<li><strong>${escapeHtml(e.subject)}</strong><br>to ${escapeHtml(e.to.join(', '))} · ${escapeHtml(e.at)}<br>` +
        `<a href="${escapeHtml(e.name)}.html">HTML</a> · <a href="${escapeHtml(e.name)}.txt">text</a> · <a href="${escapeHtml(e.name)}.eml">.eml (as sent)</a></li>`,
    )
    .join('\n');
  const body = entries.length ? `<p>${entries.length} message(s), newest first. Also saved in <code>${escapeHtml(outbox)}</code>.</p><ul>${rows}</ul>` : '<p>No mail yet.</p>';
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(renderPage({ site, title: 'Local mail', heading: 'Local mail', bodyHtml: body }));
}
