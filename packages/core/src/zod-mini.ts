/**
 * zod's smallest build (`zod/mini`: functions instead of methods, so a bundle keeps only what it calls)
 * with English messages, for the boundaries that parse untrusted input at run time: source items, API
 * bodies, queue and job messages, SES events. About 25 KB of a function bundle where zod's classic API
 * took 128 KB (`npm run bench:bundle`). zod/mini loads no locale of its own, hence `config(en())`.
 * The owner's config file keeps the classic API (config.ts, taxonomy.ts): it is parsed at synth and
 * locally, never in a function.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';
