// Copies files into a function bundle after esbuild ran (called from NodejsFunction command hooks).
// A Node script rather than `cp`, so bundling works from any shell.
// Usage: node copy-into-bundle.mjs <outputDir> <source>=<relative target> ...
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

const [outputDir, ...pairs] = process.argv.slice(2);
for (const pair of pairs) {
  const at = pair.lastIndexOf('=');
  const target = join(outputDir, pair.slice(at + 1));
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(pair.slice(0, at), target);
}
