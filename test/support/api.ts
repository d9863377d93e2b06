/** Builds API Gateway HTTP API (v2) events for the subscriptions handler, and reads the captured mail. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export function apiEvent(
  method: string,
  url: string,
  options: { body?: string; contentType?: string; sourceIp?: string; viewerAddress?: string } = {},
): APIGatewayProxyEventV2 {
  const u = new URL(url, 'https://papers.example.com/');
  const headers: Record<string, string> = { host: u.host };
  if (options.contentType) headers['content-type'] = options.contentType;
  // What CloudFront adds for /api/* (API Gateway v2 lowercases header names).
  if (options.viewerAddress) headers['cloudfront-viewer-address'] = options.viewerAddress;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: u.pathname,
    rawQueryString: u.search.replace(/^\?/, ''),
    headers,
    requestContext: {
      accountId: 'test',
      apiId: 'test',
      domainName: u.host,
      domainPrefix: 'test',
      http: { method, path: u.pathname, protocol: 'HTTP/1.1', sourceIp: options.sourceIp ?? '198.51.100.1', userAgent: 'vitest' },
      requestId: 'test',
      routeKey: '$default',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    body: options.body,
    isBase64Encoded: false,
  };
}

export const form = (pairs: [string, string][]) => ({ body: new URLSearchParams(pairs).toString(), contentType: 'application/x-www-form-urlencoded' });
export const json = (value: unknown) => ({ body: JSON.stringify(value), contentType: 'application/json' });

export interface CapturedMail {
  name: string;
  messageId: string;
  to: string[];
  subject: string;
  html: string;
  text: string;
  /** Raw .eml as the SES stand-in rendered it (headers included). */
  eml: string;
}

/** Every message the SES tap captured, oldest first. */
export async function capturedMail(dataDir: string): Promise<CapturedMail[]> {
  const names = (await readdir(join(dataDir, 'mail'))).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(
    names.map(async (n) => {
      const entry = JSON.parse(await readFile(join(dataDir, 'mail', n), 'utf8')) as Omit<CapturedMail, 'eml'>;
      return { ...entry, eml: await readFile(join(dataDir, 'outbox', `${entry.name}.eml`), 'utf8') };
    }),
  );
}

/** The value of one header of an .eml (unfolded). */
export function emlHeader(eml: string, name: string): string | undefined {
  const head = eml.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const m = new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head);
  return m?.[1]?.trim();
}
