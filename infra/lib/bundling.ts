/**
 * How every function is bundled: one set of esbuild options, used by AppFunction (through
 * NodejsFunction's bundling) and by `npm run bench:bundle` and the bundle-size test (esbuild's API),
 * so the figures measured here are the ones deployed.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './settings.js';

/**
 * Every function: each folder under `functions/` with an `index.ts` exporting `handler` (the stack makes
 * one AppFunction per folder; test/infra/bundle.test.ts checks the two lists match). Read from the folder,
 * so a new function is bundled, benched and checked without touching this file.
 */
export function functionNames(): string[] {
  const dir = join(REPO_ROOT, 'functions');
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'index.ts')))
    .map((d) => d.name)
    .sort();
}

/** esbuild target of the Lambda runtime (Node.js 24). */
export const BUNDLE_TARGET = 'node24';

/**
 * Left out of the bundle and loaded from the Lambda runtime: the AWS SDK for JavaScript v3 (every
 * `@aws-sdk/*` client and `lib-dynamodb`, with their `@smithy/*` internals) ships with the Node.js
 * runtimes. Bundling our pinned copy would add 330 to 470 KB per function (minified), over the 250 KB
 * budget, though it imports faster (`npm run bench:bundle` measures both; docs/deploy.md#function-bundles
 * says why this one ships). The runtime's copy is a recent 3.x, patched by AWS, and we only call
 * long-stable operations (DynamoDB items, S3 objects, SESv2 SendEmail, Lambda Invoke, SSM
 * GetParameter and PutParameter).
 */
export const BUNDLE_EXTERNALS = ['@aws-sdk/*', '@smithy/*'];

/** Lets CommonJS dependencies call `require` inside the ESM bundle. */
export const ESM_REQUIRE_BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

export const BUNDLE_MAIN_FIELDS = ['module', 'main'];

/** Imports swapped at bundle time for a leaner entry of the same package. See infra/bundle/*.mjs. */
export const BUNDLE_ALIASES: Record<string, string> = { htmlparser2: join(REPO_ROOT, 'infra', 'bundle', 'htmlparser2.mjs') };

/** Size budget per function bundle (minified `index.mjs`, without its source map); `npm run bench:bundle` reports against it. */
export const BUNDLE_BUDGET_BYTES = 250 * 1024;

export function functionEntry(name: string): string {
  return join(REPO_ROOT, 'functions', name, 'index.ts');
}

/** The same options NodejsFunction passes to esbuild, for esbuild's JS API (`entry`: another entry file, e.g. the bench's floor). */
export function esbuildOptions(name: string, outfile: string, options: { bundleSdk?: boolean; entry?: string } = {}) {
  return {
    entryPoints: [options.entry ?? functionEntry(name)],
    outfile,
    bundle: true,
    platform: 'node' as const,
    target: BUNDLE_TARGET,
    format: 'esm' as const,
    mainFields: BUNDLE_MAIN_FIELDS,
    banner: { js: ESM_REQUIRE_BANNER },
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    external: options.bundleSdk ? [] : BUNDLE_EXTERNALS,
    alias: BUNDLE_ALIASES,
    tsconfig: join(REPO_ROOT, 'tsconfig.json'),
    absWorkingDir: REPO_ROOT,
    metafile: true,
    logLevel: 'silent' as const,
  };
}

export interface BundleFigures {
  name: string;
  /** Minified index.mjs, bytes. */
  bytes: number;
  /** Its source map, bytes (shipped, but only read when an error is logged). */
  mapBytes: number;
  /** index.mjs + map deflated at level 9: about the zip Lambda receives. */
  zippedBytes: number;
  file: string;
  /** esbuild's metafile: what went into the bundle, and what it imports at run time. */
  metafile: import('esbuild').Metafile;
}

/**
 * Bundles one function with the deployed options into `<outDir>/<name>/index.mjs` (`bundleSdk`:
 * the comparison variant that also bundles the pinned SDK). The output
 * must sit inside the repository (default: node_modules/.cache) so the external SDK resolves
 * from node_modules when the bundle is imported, as it does from the runtime in Lambda.
 */
export async function bundleFunction(
  name: string,
  options: { bundleSdk?: boolean; outDir?: string; entry?: string } = {},
): Promise<BundleFigures> {
  const outDir = options.outDir ?? join(REPO_ROOT, 'node_modules', '.cache', options.bundleSdk ? 'paperboy-bundles-sdk' : 'paperboy-bundles');
  const { build } = await import('esbuild');
  const { readFileSync } = await import('node:fs');
  const { deflateRawSync } = await import('node:zlib');
  const file = join(outDir, name, 'index.mjs');
  const { metafile } = await build(esbuildOptions(name, file, options));
  const code = readFileSync(file);
  const map = readFileSync(`${file}.map`);
  const zippedBytes = deflateRawSync(code, { level: 9 }).length + deflateRawSync(map, { level: 9 }).length;
  return { name, bytes: code.length, mapBytes: map.length, zippedBytes, file, metafile: metafile! };
}

/**
 * The AWS SDK packages a bundle imports, from its metafile: `atStart` when the bundle is imported (static
 * imports), `onFirstUse` through `import()` when an adapter is first called. Empty when the SDK is bundled in.
 */
export function sdkImports(metafile: import('esbuild').Metafile): { atStart: string[]; onFirstUse: string[] } {
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint);
  const sdk = (o: { path: string; kind: string; external?: boolean }) => o.external === true && o.path.startsWith('@aws-sdk/');
  const unique = (xs: string[]) => [...new Set(xs)].sort();
  const imports = output?.imports ?? [];
  return {
    atStart: unique(imports.filter((i) => sdk(i) && i.kind !== 'dynamic-import').map((i) => i.path)),
    onFirstUse: unique(imports.filter((i) => sdk(i) && i.kind === 'dynamic-import').map((i) => i.path)),
  };
}
