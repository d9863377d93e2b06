/**
 * Size and import CPU of every Lambda function, bundled exactly as deployed (infra/lib/bundling.ts), against
 * a floor built in the same run: a bundle that only creates one DynamoDB client (bench/bundle-floor.ts),
 * imported the same way. Every function reads the table, so none can start faster than the floor.
 *
 * Import CPU is measured in fresh `node` processes, in alternating pairs (floor, function, floor, function...),
 * and reported as the median of the per-pair ratios: neighbours in time share the machine's load, so the
 * ratio holds on a busy machine where the milliseconds do not. "+ first use" also imports the SDK clients
 * the function loads on first use (S3, SESv2, SQS, Lambda, Secrets Manager: `sdkImports`), the most a cold
 * start can pay before its first call returns.
 *
 * Two variants: as shipped (the SDK external, from the Lambda runtime), and with the pinned SDK bundled in.
 * Budget for the shipped variant: at most 250 KB per bundle and 1.5 times the floor's import CPU.
 *
 *   npm run bench:bundle [-- pairs]      (default 9 pairs per function)
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUNDLE_BUDGET_BYTES, bundleFunction, functionNames, sdkImports, type BundleFigures } from '../infra/lib/bundling.js';
import { REPO_ROOT } from '../infra/lib/settings.js';

const pairs = Math.max(7, Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 9));
const RATIO_BUDGET = 1.5;
/** Kilobytes, one decimal below 10 KB (the floor is a few hundred bytes). */
const kb = (n: number) => (n < 10 * 1024 ? Math.round(n / 102.4) / 10 : Math.round(n / 1024));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round2 = (x: number) => Math.round(x * 100) / 100;

/** CPU milliseconds of importing `file` (then `then`, the packages loaded on first use) in a fresh `node` process. */
function importCpu(file: string, then: string[] = []): number {
  const script = `const c0 = process.cpuUsage();
await import(${JSON.stringify(pathToFileURL(file).href)});
for (const p of ${JSON.stringify(then)}) await import(p);
const c = process.cpuUsage(c0);
console.log((c.user + c.system) / 1000);`;
  // Run from the repository, so the external SDK resolves from node_modules as it does from the runtime in Lambda.
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    cwd: REPO_ROOT,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  return Number(out.trim().split('\n').pop());
}

interface Row {
  kb: number;
  zippedKb: number;
  importCpuMs: number;
  floorRatio: number;
  /** Shipped variant only: with the clients loaded on first use. */
  firstUseFloorRatio?: number;
  onFirstUse?: string[];
}

async function measure(bundleSdk: boolean) {
  const outDir = join(REPO_ROOT, 'node_modules', '.cache', bundleSdk ? 'paperboy-bench-sdk' : 'paperboy-bench');
  const floor = await bundleFunction('floor', { bundleSdk, outDir, entry: join(REPO_ROOT, 'bench', 'bundle-floor.ts') });
  const names = functionNames();
  const bundles: BundleFigures[] = [];
  for (const name of names) bundles.push(await bundleFunction(name, { bundleSdk, outDir }));
  // Warm the file cache once per file.
  for (const f of [floor, ...bundles]) importCpu(f.file);
  const floorCpu: number[] = [];
  const samples = new Map(bundles.map((b) => [b.name, { cpu: [] as number[], ratio: [] as number[], firstUse: [] as number[] }]));
  for (let i = 0; i < pairs; i++) {
    for (const b of bundles) {
      const s = samples.get(b.name)!;
      const f = importCpu(floor.file);
      const c = importCpu(b.file);
      floorCpu.push(f);
      s.cpu.push(c);
      s.ratio.push(c / f);
      const later = sdkImports(b.metafile).onFirstUse;
      if (!bundleSdk && later.length) s.firstUse.push(importCpu(b.file, later) / f);
    }
  }
  const rows: Record<string, Row> = {};
  for (const b of bundles) {
    const s = samples.get(b.name)!;
    const later = sdkImports(b.metafile).onFirstUse;
    rows[b.name] = {
      kb: kb(b.bytes),
      zippedKb: kb(b.zippedBytes),
      importCpuMs: Math.round(median(s.cpu)),
      floorRatio: round2(median(s.ratio)),
      ...(bundleSdk ? {} : { firstUseFloorRatio: s.firstUse.length ? round2(median(s.firstUse)) : round2(median(s.ratio)), onFirstUse: later }),
    };
  }
  const floorRow = { kb: kb(floor.bytes), zippedKb: kb(floor.zippedBytes), importCpuMs: Math.round(median(floorCpu)) };
  const all = Object.values(rows);
  const cpu = all.map((r) => r.importCpuMs);
  return {
    floor: floorRow,
    functions: rows,
    maxKb: Math.max(...all.map((r) => r.kb)),
    maxFloorRatio: Math.max(...all.map((r) => r.floorRatio)),
    importCpuMs: { min: Math.min(...cpu), max: Math.max(...cpu) },
  };
}

function print(title: string, m: Awaited<ReturnType<typeof measure>>, budget: boolean) {
  console.log(`\n${title}`);
  console.log(`  floor (one DynamoDB client)  ${String(m.floor.kb).padStart(4)} KB  ${String(m.floor.zippedKb).padStart(4)} KB zipped  ${String(m.floor.importCpuMs).padStart(4)} ms CPU`);
  console.log('  function          bundle    zipped   import CPU   x floor   x floor + first use   budget');
  for (const [name, r] of Object.entries(m.functions)) {
    const ok = r.kb <= kb(BUNDLE_BUDGET_BYTES) && r.floorRatio <= RATIO_BUDGET;
    const firstUse = r.firstUseFloorRatio === undefined ? '' : `${r.firstUseFloorRatio.toFixed(2)}  ${r.onFirstUse?.length ? `(${r.onFirstUse.map((p) => p.replace('@aws-sdk/client-', '')).join(', ')})` : ''}`;
    console.log(
      `  ${name.padEnd(16)} ${String(r.kb).padStart(4)} KB  ${String(r.zippedKb).padStart(4)} KB   ${String(r.importCpuMs).padStart(5)} ms    ${r.floorRatio.toFixed(2).padStart(5)}     ${firstUse.padEnd(34)}${budget ? (ok ? 'ok' : 'OVER') : ''}`,
    );
  }
}

console.log(`node ${process.version}; import CPU: median of ${pairs} alternating pairs (floor, function) of fresh processes`);
const shipped = await measure(false);
print('As shipped: AWS SDK external, from the Lambda runtime (budget: 250 KB and 1.5 x floor per function)', shipped, true);
const sdkBundled = await measure(true);
print('For comparison: the pinned AWS SDK bundled in (first use is inside the bundle)', sdkBundled, false);
const maxFirstUse = Math.max(...Object.values(shipped.functions).map((r) => r.firstUseFloorRatio ?? r.floorRatio));
console.log(`
Ships: the SDK external. It is the variant within the budget: at most ${shipped.maxKb} KB per bundle (bundled in: up to
${sdkBundled.maxKb} KB) and ${shipped.maxFloorRatio.toFixed(2)} x the floor (bundled in: ${sdkBundled.maxFloorRatio.toFixed(2)}), and AWS patches the runtime's SDK without a
redeploy. Its cost: here the bundled-in variant imports in ${sdkBundled.importCpuMs.min} to ${sdkBundled.importCpuMs.max} ms of CPU against ${shipped.importCpuMs.min} to ${shipped.importCpuMs.max} ms
(floor ${sdkBundled.floor.importCpuMs} against ${shipped.floor.importCpuMs} ms), and the clients loaded on first use bring the external variant to
${maxFirstUse.toFixed(2)} x the floor at most. BUNDLE_EXTERNALS (infra/lib/bundling.ts) and bundleAwsSDK (app-function.ts) switch between the two.`);

const over = Object.values(shipped.functions).filter((r) => r.kb > kb(BUNDLE_BUDGET_BYTES) || r.floorRatio > RATIO_BUDGET).length;
if (over) {
  console.error(`\n${over} function(s) over budget (${kb(BUNDLE_BUDGET_BYTES)} KB, ${RATIO_BUDGET} x floor)`);
  process.exitCode = 1;
}
// The figures as one JSON line, for scripts and comparisons from run to run.
console.log(
  JSON.stringify({
    bench: 'bundle',
    node: process.version,
    pairs,
    ships: 'sdk-external',
    maxKb: shipped.maxKb,
    maxFloorRatio: shipped.maxFloorRatio,
    maxFirstUseFloorRatio: maxFirstUse,
    floor: shipped.floor,
    functions: shipped.functions,
    sdkBundled,
  }),
);
