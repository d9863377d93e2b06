/** A real local HTTP server standing in for the upstream sources (Hugging Face, arXiv, feeds): no fetch mocks. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const upstreamFixture = (name: string) => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'upstream', name), 'utf8');

export interface SeenRequest {
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  at: number;
}

export type Route = (req: SeenRequest, res: ServerResponse) => void;

export interface Upstream {
  url: string;
  routes: Map<string, Route>;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/** Serves `body` with a content type, optionally with an ETag (answering 304 to a matching If-None-Match). */
export function serve(body: string, contentType: string, opts: { status?: number; etag?: string } = {}): Route {
  return (req, res) => {
    if (opts.etag && req.headers['if-none-match'] === opts.etag) {
      res.writeHead(304, { etag: opts.etag }).end();
      return;
    }
    res.writeHead(opts.status ?? 200, { 'content-type': contentType, ...(opts.etag ? { etag: opts.etag } : {}) }).end(body);
  };
}

export async function startUpstream(): Promise<Upstream> {
  const routes = new Map<string, Route>();
  const requests: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://localhost');
    const seen = { path: u.pathname, query: u.searchParams, headers: req.headers, at: Date.now() };
    requests.push(seen);
    const route = routes.get(u.pathname);
    if (!route) res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    else route(seen, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    routes,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
