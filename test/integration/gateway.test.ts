/**
 * The local gateway serves the bucket as CloudFront would; a path that cannot name an object is the
 * client's mistake (400), never a crash (500), and the gateway goes on serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { type AppConfig } from '@paperboy/core';
import { buildRuntime } from '../../functions/commons/runtime.js';
import { startGateway } from '../../packages/local/src/gateway.js';
import { startStandIns, type StandIns } from '../support/stand-ins.js';
import { projectConfig } from '../support/config.js';

const silent = { info() {}, warn() {}, error() {} };
let env: StandIns;
let server: Server;
let base: string;

beforeAll(async () => {
  env = await startStandIns();
  const resolved = projectConfig();
  const config: AppConfig = { ...resolved, tableName: env.table, bucketName: env.bucket, endpoints: env.services.endpoints };
  const rt = buildRuntime(config, { logger: silent });
  await rt.objects.put({ key: 'days/2026-11-27/index.html', body: '<p>day</p>', contentType: 'text/html; charset=utf-8', cacheControl: 'no-cache' });
  await rt.objects.put({ key: 'papers/é/index.html', body: '<p>accent</p>', contentType: 'text/html; charset=utf-8', cacheControl: 'no-cache' });
  ({ server, url: base } = await startGateway({ config, rt, services: env.services, close: async () => {} }, 0));
});
afterAll(async () => {
  server?.close();
  await env?.stop();
});

const get = (path: string) => fetch(`${base.replace(/\/$/, '')}${path}`);

describe('the local gateway', () => {
  it.each([
    ['a truncated percent-escape', '/%E0%A4%A'],
    ['a lone continuation byte', '/%80'],
    ['bytes that are not UTF-8', '/days/%FF%FE/'],
    ['a broken escape', '/%zz'],
    ['an encoded NUL', '/days/%00/index.html'],
    ['an encoded escape character', '/%1B%5B2J'],
  ])('answers 400 to a path with %s (%s)', async (_what, path) => {
    const res = await get(path);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/malformed path/);
  });

  it('goes on serving after malformed paths: percent-encoded UTF-8 keys, index documents and 404s', async () => {
    await get('/%E0%A4%A');
    expect((await get('/days/2026-11-27/')).status).toBe(200);
    const accent = await get('/papers/%C3%A9/');
    expect(accent.status).toBe(200);
    expect(await accent.text()).toBe('<p>accent</p>');
    expect((await get('/days/1999-01-01/')).status).toBe(404);
  });
});
