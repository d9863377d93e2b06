/**
 * An SES that enforces its send rate strictly: a proxy in front of the SES stand-in that refuses a send
 * when the account's rate is already used up in the one-second window ending at its arrival, with the
 * error SES gives (HTTP 429, TooManyRequestsException), and passes every other request through. Real
 * SES allows short bursts; this one allows none, so a sender that stays within it stays within SES.
 * Used by `npm run bench:send` and test/integration/send-rate.test.ts, with real SES v2 clients.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StrictSes {
  endpoint: string;
  /** Arrival times (on `now`'s clock) of the sends it passed on. */
  readonly accepted: number[];
  /** Sends it refused. */
  throttles(): number;
  /** Most sends accepted in any one-second window. */
  peakSecond(): number;
  stop(): Promise<void>;
}

const SEND_PATH = '/v2/email/outbound-emails';

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Most entries of sorted `times` within any window [t, t + ms). */
export function busiestWindow(times: number[], ms = 1000): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j]! - sorted[i]! >= ms) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

export async function startStrictSes(options: { target: string; ratePerSecond: number; now?: () => number }): Promise<StrictSes> {
  const now = options.now ?? (() => performance.timeOrigin + performance.now());
  const perWindow = Math.max(1, Math.floor(options.ratePerSecond));
  const accepted: number[] = [];
  let throttles = 0;
  const target = new URL(options.target);
  const server: Server = createServer(async (req, res) => {
    const arrivedAt = now();
    const body = await readBody(req);
    if (req.method === 'POST' && req.url?.startsWith(SEND_PATH)) {
      // The sends accepted in the window (arrivedAt - 1 s, arrivedAt]: the (R+1)th is refused, as SES does when sustained.
      let inWindow = 0;
      for (let i = accepted.length - 1; i >= 0 && accepted[i]! > arrivedAt - 1000; i--) inWindow++;
      if (inWindow >= perWindow) {
        throttles++;
        res.writeHead(429, { 'content-type': 'application/json', 'x-amzn-errortype': 'TooManyRequestsException' });
        res.end(JSON.stringify({ message: 'Maximum sending rate exceeded.' }));
        return;
      }
      accepted.push(arrivedAt);
    }
    const out = httpRequest(new URL(req.url ?? '/', target), { method: req.method, headers: { ...req.headers, host: target.host } }, async (upstream) => {
      const data = await readBody(upstream);
      res.writeHead(upstream.statusCode ?? 502, upstream.headers);
      res.end(data);
    });
    out.on('error', (err) => {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `strict SES: ${err.message}` }));
    });
    out.end(body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    accepted,
    throttles: () => throttles,
    peakSecond: () => busiestWindow(accepted),
    stop: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
