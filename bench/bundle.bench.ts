/**
 * Bundle size and import time of every Lambda function, bundled exactly as deployed
 * (infra/lib/bundling.ts). Import time is measured in a fresh Node process per run (median of
 * several), a proxy for the cold-start init phase; CPU time is reported too because wall time is
 * noisy on a shared machine. Budget: 500 KB per bundle, import under 150 ms.
 *
 *   npm run bench:bundle [-- runs] [--bundle-sdk]   (--bundle-sdk: the variant with the pinned SDK bundled in)
 */
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { BUNDLE_BUDGET_BYTES, FUNCTION_NAMES, bundleFunction } from '../infra/lib/bundling.js';

const bundleSdk = process.argv.includes('--bundle-sdk');
const runs = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 7);
const IMPORT_BUDGET_MS = 150;
const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** One fresh `node` process: wall and CPU milliseconds of `await import(bundle)`. */
function importOnce(file: string): { wall: number; cpu: number } {
  const script = `const c0 = process.cpuUsage(); const t0 = performance.now();
await import(${JSON.stringify(pathToFileURL(file).href)});
const wall = performance.now() - t0; const c = process.cpuUsage(c0);
console.log(JSON.stringify({ wall, cpu: (c.user + c.system) / 1000 }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as { wall: number; cpu: number };
}

console.log(
  `node ${process.version}, ${runs} fresh processes per function; ` +
    (bundleSdk ? 'comparison: pinned SDK bundled in\n' : 'as deployed: SDK external (from node_modules here, from the runtime in Lambda)\n'),
);
console.log('function        bundle    map       zipped   import (median wall / cpu)   budget');
let over = 0;
const rows: Record<string, { bundleBytes: number; zippedBytes: number; importWallMs: number; importCpuMs: number }> = {};
for (const name of FUNCTION_NAMES) {
  const figures = await bundleFunction(name, { bundleSdk });
  importOnce(figures.file); // warm the file cache once
  const samples = Array.from({ length: runs }, () => importOnce(figures.file));
  const wall = median(samples.map((s) => s.wall));
  const cpu = median(samples.map((s) => s.cpu));
  const ok = figures.bytes <= BUNDLE_BUDGET_BYTES && wall < IMPORT_BUDGET_MS;
  if (!ok) over++;
  rows[name] = { bundleBytes: figures.bytes, zippedBytes: figures.zippedBytes, importWallMs: Math.round(wall), importCpuMs: Math.round(cpu) };
  console.log(
    `${name.padEnd(15)} ${kb(figures.bytes).padStart(7)}  ${kb(figures.mapBytes).padStart(7)}  ${kb(figures.zippedBytes).padStart(7)}   ${wall.toFixed(0).padStart(4)} ms / ${cpu.toFixed(0).padStart(4)} ms           ${ok ? 'ok' : 'OVER'}`,
  );
}
if (over) {
  console.error(`\n${over} function(s) over budget (${kb(BUNDLE_BUDGET_BYTES)}, ${IMPORT_BUDGET_MS} ms)`);
  process.exitCode = 1;
}
// The figures as one JSON line, for scripts and comparisons.
console.log(JSON.stringify({ bench: 'bundle', bundleSdk, functions: rows }));
