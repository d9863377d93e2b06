import { bundleFunction } from './infra/lib/bundling.js';
for (const n of ['publish', 'subscriptions']) { const f = await bundleFunction(n, { outDir: `/tmp/bsize-${process.argv[2]}` }); console.log(process.argv[2], n, f.bytes, f.zippedBytes); }
