/**
 * An API Gateway HTTP API (v2) event for the subscriptions handler, as CloudFront and API Gateway deliver
 * a request to /api/*. Used by the tests, the simulation and the local gateway (which passes the
 * request's own headers and the socket's address).
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export interface ApiEventOptions {
  body?: string;
  contentType?: string;
  /** API Gateway's sourceIp: behind CloudFront, the edge's address. */
  sourceIp?: string;
  /** The visitor's "ip:port" that CloudFront adds as CloudFront-Viewer-Address. */
  viewerAddress?: string;
  /** When the request arrives (default now). */
  at?: Date;
  /** Base URL that relative `url`s resolve against. */
  base?: string;
  /** Every header of a real request, lowercased (the local gateway); `host` defaults to the URL's. */
  headers?: Record<string, string>;
}

export function apiEvent(method: string, url: string, options: ApiEventOptions = {}): APIGatewayProxyEventV2 {
  const u = new URL(url, options.base ?? 'https://papers.example.com/');
  const at = options.at ?? new Date();
  const headers: Record<string, string> = { host: u.host, ...options.headers };
  if (options.contentType) headers['content-type'] = options.contentType;
  // What CloudFront adds for /api/* (API Gateway v2 lowercases header names).
  if (options.viewerAddress) headers['cloudfront-viewer-address'] = options.viewerAddress;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: u.pathname,
    rawQueryString: u.search.replace(/^\?/, ''),
    headers,
    queryStringParameters: u.search ? Object.fromEntries(u.searchParams) : undefined,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host!,
      domainPrefix: headers.host!.split('.')[0]!,
      http: { method, path: u.pathname, protocol: 'HTTP/1.1', sourceIp: options.sourceIp ?? '198.51.100.1', userAgent: headers['user-agent'] ?? 'paperboy' },
      requestId: `local-${at.getTime()}`,
      routeKey: '$default',
      stage: '$default',
      time: at.toUTCString(),
      timeEpoch: at.getTime(),
    },
    body: options.body,
    isBase64Encoded: false,
  };
}
