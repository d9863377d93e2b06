// Bundle-time stand-in for `htmlparser2` (esbuild `--alias:htmlparser2=...`, see infra/lib/bundling.ts).
// Its index re-exports domutils as a namespace (`export * as DomUtils`), which esbuild keeps whole: with
// dom-serializer and its own older copy of `entities` (decode and encode tables), about 77 KB of every
// bundle, measured with the metafile. The functions only use the streaming `Parser`, the same file here.
export { Parser } from '../../node_modules/htmlparser2/dist/esm/Parser.js';
