/**
 * Bundles every function for real, with the deployed esbuild options, and checks the size budget.
 * Then imports one bundle and invokes its handler, so the lean zod entry and the external SDK are
 * known to work in the bundled form (config parsing runs through zod).
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUNDLE_BUDGET_BYTES, FUNCTION_NAMES, bundleFunction, type BundleFigures } from '../../infra/lib/bundling.js';

describe('function bundles', () => {
  const figures: BundleFigures[] = [];

  it('every function bundles within the 500 KB budget', async () => {
    for (const name of FUNCTION_NAMES) figures.push(await bundleFunction(name));
    for (const f of figures) expect(f.bytes, f.name).toBeLessThanOrEqual(BUNDLE_BUDGET_BYTES);
    expect(figures).toHaveLength(7);
  });

  it('a bundled handler loads its config through zod and runs', async () => {
    const file = figures.find((f) => f.name === 'ses-events')?.file ?? (await bundleFunction('ses-events')).file;
    // GIVEN the Lambda environment the stack sets (config file bundled next to the code)
    process.env['PAPERBOY_CONFIG'] = fileURLToPath(new URL('./fixtures/paperboy.config.json', import.meta.url));
    process.env['PAPERBOY_TABLE_NAME'] = 'paperboy-test';
    try {
      const mod = (await import(pathToFileURL(file).href)) as { handler: (e: unknown) => Promise<unknown> };
      // WHEN invoked with an SNS event without records THEN it answers without touching AWS
      await expect(mod.handler({ Records: [] })).resolves.toMatchObject({ suppressed: 0 });
    } finally {
      delete process.env['PAPERBOY_CONFIG'];
      delete process.env['PAPERBOY_TABLE_NAME'];
    }
  });
});
