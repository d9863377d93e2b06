/** The fetcher against a real local HTTP server: User-Agent, retries with backoff, Retry-After, timeouts, conditional GET, pacing. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fetchWithRetry, FetchError, Pacer, userAgent } from '@paperboy/sources';
import { serve, startUpstream, type Upstream } from '../support/upstream.js';

let up: Upstream;
beforeAll(async () => {
  up = await startUpstream();
});
afterAll(async () => {
  await up?.close();
});
beforeEach(() => {
  up.routes.clear();
  up.requests.length = 0;
});

const UA = userAgent('https://papers.example.com/');
const recordSleeps = () => {
  const sleeps: number[] = [];
  return { sleeps, sleep: async (ms: number) => void sleeps.push(ms) };
};

describe('fetchWithRetry', () => {
  it('sends an honest User-Agent and returns the body, type and validators', async () => {
    up.routes.set('/doc', serve('[]', 'application/json', { etag: '"v1"' }));
    const res = await fetchWithRetry(`${up.url}/doc`, { userAgent: UA });
    expect(UA).toBe('paperboy/0.1.0 (+https://papers.example.com/)');
    expect(up.requests[0]!.headers['user-agent']).toBe(UA);
    expect(res).toMatchObject({ status: 200, body: '[]', contentType: 'application/json', etag: '"v1"', notModified: false, attempts: 1 });
  });

  it('answers 304 to a conditional GET with the stored validator', async () => {
    up.routes.set('/doc', serve('[]', 'application/json', { etag: '"v1"' }));
    const res = await fetchWithRetry(`${up.url}/doc`, { userAgent: UA, validators: { etag: '"v1"', lastModified: 'Wed, 21 Oct 2015 07:28:00 GMT' } });
    expect(up.requests[0]!.headers['if-none-match']).toBe('"v1"');
    expect(up.requests[0]!.headers['if-modified-since']).toBe('Wed, 21 Oct 2015 07:28:00 GMT');
    expect(res).toMatchObject({ status: 304, notModified: true, body: '' });
  });

  it('retries 5xx with jittered exponential backoff, then succeeds', async () => {
    let calls = 0;
    up.routes.set('/flaky', (_req, res) => {
      if (++calls < 3) res.writeHead(503, { 'content-type': 'text/plain' }).end('busy');
      else res.writeHead(200, { 'content-type': 'application/json' }).end('[1]');
    });
    const { sleeps, sleep } = recordSleeps();
    const res = await fetchWithRetry(`${up.url}/flaky`, { userAgent: UA, sleep, random: () => 0.5, backoffMs: 1000 });
    expect(res).toMatchObject({ status: 200, body: '[1]', attempts: 3 });
    expect(sleeps).toEqual([500, 1000]);
  });

  it('honours Retry-After on 429, and gives up with a clear error when retries run out', async () => {
    up.routes.set('/limited', (_req, res) => res.writeHead(429, { 'retry-after': '4', 'content-type': 'text/plain' }).end('slow down'));
    const { sleeps, sleep } = recordSleeps();
    await expect(fetchWithRetry(`${up.url}/limited`, { userAgent: UA, sleep, retries: 2 })).rejects.toThrow(
      new FetchError(`GET ${up.url}/limited failed after 3 attempt(s): HTTP 429 (Retry-After 4 s)`),
    );
    expect(sleeps).toEqual([4000, 4000]);
    expect(up.requests).toHaveLength(3);
  });

  it('does not wait for an unreasonable Retry-After', async () => {
    up.routes.set('/limited', (_req, res) => res.writeHead(429, { 'retry-after': '3600' }).end());
    const { sleeps, sleep } = recordSleeps();
    await expect(fetchWithRetry(`${up.url}/limited`, { userAgent: UA, sleep, retries: 3 })).rejects.toThrow(/HTTP 429 \(Retry-After 3600 s\)/);
    expect(sleeps).toEqual([]);
  });

  it('times out a request that hangs, and says so', async () => {
    up.routes.set('/hang', () => {});
    await expect(fetchWithRetry(`${up.url}/hang`, { userAgent: UA, timeoutMs: 200, retries: 1, sleep: async () => {} })).rejects.toThrow(/failed after 2 attempt\(s\): timed out after 200 ms/);
  });

  it('returns other 4xx to the caller, which knows what the body means', async () => {
    up.routes.set('/bad', serve('<feed/>', 'application/atom+xml', { status: 400 }));
    const res = await fetchWithRetry(`${up.url}/bad`, { userAgent: UA });
    expect(res).toMatchObject({ status: 400, body: '<feed/>', attempts: 1 });
  });

  it('the pacer keeps a minimum interval between calls', async () => {
    const { sleeps, sleep } = recordSleeps();
    let t = 1_000_000;
    const pacer = new Pacer(3000, async (ms) => {
      await sleep(ms);
      t += ms;
    }, () => t);
    await pacer.wait();
    t += 500;
    await pacer.wait();
    await pacer.wait(5000);
    expect(sleeps).toEqual([2500, 5000]);
  });
});
