/**
 * The address sign-up rate limits count a client by. Behind CloudFront, API Gateway's `sourceIp` is the
 * edge's address, shared by everyone that edge serves; CloudFront passes the visitor's own as
 * `CloudFront-Viewer-Address: <ip>:<port>` (the /api/* origin request policy forwards it).
 */
import { isIP } from 'node:net';

/** The header CloudFront sets to the viewer's "ip:port" (IPv6 without brackets, e.g. "2001:db8::1:443"). */
export const VIEWER_ADDRESS_HEADER = 'CloudFront-Viewer-Address';

/** The IP of a `CloudFront-Viewer-Address` value, or undefined when it is not "ip:port". */
export function parseViewerAddress(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const colon = value.lastIndexOf(':');
  if (colon < 0 || !/^\d{1,5}$/.test(value.slice(colon + 1))) return undefined;
  const ip = value.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  return isIP(ip) ? ip : undefined;
}

/**
 * The client's address: the viewer address when the request came through CloudFront, else the caller's
 * source IP (a direct call to the API's own endpoint; locally the gateway sets both from the socket).
 */
export function clientAddress(headers: Record<string, string | undefined> | undefined, sourceIp: string): string {
  return parseViewerAddress(headers?.[VIEWER_ADDRESS_HEADER.toLowerCase()]) ?? sourceIp;
}
