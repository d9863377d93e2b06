// Bundle-time stand-in for `zod` (esbuild `--alias:zod=...`, see infra/lib/bundling.ts).
// `import { z } from 'zod'` makes esbuild keep zod's whole `z` namespace object, which in zod 4
// carries ~40 locales, JSON Schema conversion and the schema compiler (about 300 KB minified) that
// the functions never call. This re-exports zod's own classic API (same files, same behaviour,
// English messages) without those members. Plain .mjs: not type-checked, typed as real zod.
import * as z from './zod-api.mjs';
export * from './zod-api.mjs';
export { z, z as default };
