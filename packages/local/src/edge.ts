/**
 * The local CloudFront edge: the one behaviour that caches (the private feeds, PRIVATE_FEED_EDGE), kept as
 * CloudFront keeps it, and CloudFront's CreateInvalidation over its real wire protocol (REST-XML:
 * `POST /2020-05-31/distribution/<id>/invalidation`), so the real adapter (CloudFrontEdgeCache) and SDK
 * client run against it, and their calls are recorded for the IAM check like every other AWS call.
 *
 * Hand-written because no CloudFront emulator installs from npm (LocalStack's needs Docker and a paid tier);
 * it is about 120 lines. What it keeps of CloudFront's semantics:
 * - the cache key is the path plus the cache policy's query strings (`format`), nothing else;
 * - a 200 is kept for the policy's TTL, an error for CloudFront's default error caching minimum (10 s);
 * - an invalidation path names one cached URI, query string included (`/p` is not `/p?format=rss`), and one
 *   ending in `*` every URI it starts: the path and all its query strings for `/p*`;
 * - a CallerReference seen before with the same paths is the same invalidation (a retry), with other paths a 409.
 * One difference: CloudFront takes seconds to a minute or two to finish an invalidation; here it is done at once.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeXML } from 'entities';
import { XMLParser } from 'fast-xml-parser';
import { PRIVATE_FEED_EDGE } from '@paperboy/core';

/** The distribution id of the local edge (a CloudFront id: capital letters and digits). */
export const LOCAL_DISTRIBUTION_ID = 'E0LOCALEDGE';
/** CloudFront's default error caching minimum TTL, seconds. */
const ERROR_CACHING_SECONDS = 10;

export interface EdgeResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface Entry {
  /** The URI CloudFront keeps it under: the path, and `?` and the cache key's query strings when there are any. */
  uri: string;
  expiresAt: number;
  response: EdgeResponse;
}

export class LocalEdgeCache {
  private readonly entries = new Map<string, Entry>();
  /** Requests answered from the cache, and requests passed to the origin (the subscriptions function). */
  readonly stats = { hits: 0, misses: 0, invalidations: 0, paths: 0 };
  private readonly prefix = PRIVATE_FEED_EDGE.pathPattern.replace(/\*$/, '');

  /** The cache key of a request, or undefined when no caching behaviour covers its path. */
  key(url: URL): string | undefined {
    if (!url.pathname.startsWith(this.prefix)) return undefined;
    const query = new URLSearchParams();
    for (const name of PRIVATE_FEED_EDGE.cacheKeyQuery) for (const value of url.searchParams.getAll(name)) query.append(name, value);
    const text = query.toString();
    return text ? `${url.pathname}?${text}` : url.pathname;
  }

  get(key: string, now: Date): EdgeResponse | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt > now.getTime()) {
      this.stats.hits++;
      return entry.response;
    }
    this.entries.delete(key);
    this.stats.misses++;
    return undefined;
  }

  put(key: string, now: Date, response: EdgeResponse): void {
    const seconds = response.status === 200 ? PRIVATE_FEED_EDGE.ttlSeconds : ERROR_CACHING_SECONDS;
    this.entries.set(key, { uri: key, expiresAt: now.getTime() + seconds * 1000, response });
  }

  /** Drops what each path names: one URI, or every URI a path ending in `*` starts. */
  invalidate(paths: readonly string[]): void {
    this.stats.invalidations++;
    this.stats.paths += paths.length;
    for (const [key, entry] of this.entries) {
      if (paths.some((p) => (p.endsWith('*') ? entry.uri.startsWith(p.slice(0, -1)) : entry.uri === p))) this.entries.delete(key);
    }
  }

  /** How many responses it keeps now. */
  get size(): number {
    return this.entries.size;
  }
}

/**
 * A request as the distribution answers it: a GET or HEAD under the caching behaviour from the edge's copy,
 * else from `origin`, which (as from CloudFront) is sent only the cache key's path and query string, and
 * whose answer the edge keeps. Everything else goes to `origin` as it came. No edge: straight to `origin`.
 */
export async function throughEdge(
  edge: LocalEdgeCache | undefined,
  request: { url: URL; method: string; now: Date },
  origin: (url: URL) => Promise<EdgeResponse>,
): Promise<EdgeResponse> {
  const key = edge && (request.method === 'GET' || request.method === 'HEAD') ? edge.key(request.url) : undefined;
  if (!edge || key === undefined) return origin(request.url);
  const kept = edge.get(key, request.now);
  if (kept) return kept;
  const answer = await origin(new URL(key, request.url));
  edge.put(key, request.now, answer);
  return answer;
}

const NS = 'http://cloudfront.amazonaws.com/doc/2020-05-31/';
const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, isArray: (name) => name === 'Path' });

/** CloudFront's CreateInvalidation, answering for LOCAL_DISTRIBUTION_ID and applying each batch to `edge`. */
export async function startCloudFrontStandIn(edge: LocalEdgeCache): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const batches = new Map<string, { id: string; paths: string[]; at: string }>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const fail = (status: number, code: string, message: string) => {
        res.writeHead(status, { 'content-type': 'text/xml' });
        res.end(`<?xml version="1.0"?><ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${encodeXML(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`);
      };
      const m = /^\/2020-05-31\/distribution\/([^/]+)\/invalidation$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !m) return fail(400, 'InvalidAction', `${req.method} ${req.url} is not served by the CloudFront stand-in`);
      if (decodeURIComponent(m[1]!) !== LOCAL_DISTRIBUTION_ID) return fail(404, 'NoSuchDistribution', 'The specified distribution does not exist.');
      let batch: { CallerReference?: string; Paths?: { Quantity?: string; Items?: { Path?: string[] } } };
      try {
        batch = (parser.parse(Buffer.concat(chunks).toString('utf8')) as { InvalidationBatch?: typeof batch }).InvalidationBatch ?? {};
      } catch {
        return fail(400, 'MalformedXML', 'The XML document you provided was not well-formed.');
      }
      const paths = batch.Paths?.Items?.Path ?? [];
      const reference = batch.CallerReference ?? '';
      if (!reference || !paths.length || Number(batch.Paths?.Quantity) !== paths.length || paths.some((p) => !p.startsWith('/'))) {
        return fail(400, 'InvalidArgument', 'CallerReference, and Paths with a Quantity that matches its Items, each starting with /, are required.');
      }
      const seen = batches.get(reference);
      if (seen && seen.paths.join('\n') !== paths.join('\n')) return fail(409, 'InvalidationBatchAlreadyExists', 'The CallerReference is already in use for another batch.');
      const done = seen ?? { id: `I${randomUUID().replace(/-/g, '').slice(0, 13).toUpperCase()}`, paths, at: new Date().toISOString() };
      if (!seen) {
        batches.set(reference, done);
        edge.invalidate(paths);
      }
      const items = done.paths.map((p) => `<Path>${encodeXML(p)}</Path>`).join('');
      res.writeHead(201, { 'content-type': 'text/xml', location: `https://cloudfront.amazonaws.com/2020-05-31/distribution/${LOCAL_DISTRIBUTION_ID}/invalidation/${done.id}` });
      res.end(
        `<?xml version="1.0"?><Invalidation xmlns="${NS}"><Id>${done.id}</Id><Status>Completed</Status><CreateTime>${done.at}</CreateTime>` +
          `<InvalidationBatch><Paths><Quantity>${done.paths.length}</Quantity><Items>${items}</Items></Paths><CallerReference>${encodeXML(reference)}</CallerReference></InvalidationBatch></Invalidation>`,
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
