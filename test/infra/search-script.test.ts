/**
 * The search page's script is allowed by its hash. The CDK app computes the Content-Security-Policy from the
 * TypeScript source, while the publish function, minified by esbuild as deployed, writes the page: the
 * script must be the same bytes in both, or the browser refuses it in the cloud (locally, both run from
 * the same source, so the browser test cannot see the difference).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, SEARCH_SCRIPT, SEARCH_SCRIPT_HASH } from '@paperboy/feeds';
import { bundleFunction } from '../../infra/lib/bundling.js';
import { REPO_ROOT } from '../../infra/lib/settings.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('the search script', () => {
  it('is the same bytes, with the same hash, when bundled as the functions are', async () => {
    // Prepare: an entry that exports what the publish function renders and what the stack sends
    const dir = await mkdtemp(join(REPO_ROOT, 'node_modules', '.cache', 'search-script-'));
    dirs.push(dir);
    const entry = join(dir, 'entry.ts');
    await writeFile(entry, "export { SEARCH_SCRIPT, SEARCH_SCRIPT_HASH, CONTENT_SECURITY_POLICY } from '@paperboy/feeds';\n");

    // Act
    const bundle = await bundleFunction('search-script', { entry, outDir: dir });
    const bundled = (await import(pathToFileURL(bundle.file).href)) as { SEARCH_SCRIPT: string; SEARCH_SCRIPT_HASH: string; CONTENT_SECURITY_POLICY: string };

    // Assess
    expect(bundled.SEARCH_SCRIPT).toBe(SEARCH_SCRIPT);
    expect(bundled.SEARCH_SCRIPT_HASH).toBe(SEARCH_SCRIPT_HASH);
    expect(bundled.CONTENT_SECURITY_POLICY).toBe(CONTENT_SECURITY_POLICY);
  });
});
