/** Loads one configured source into normalised paper inputs. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { SourceConfig } from '@paperboy/core';
import { parseSnapshot, type ParseResult } from './snapshot.js';

export interface SourceContext {
  /** Directory that relative paths in the config resolve from. */
  baseDir: string;
  /** Today in the owner's time zone, YYYY-MM-DD. */
  today: string;
}

export async function loadSource(source: SourceConfig, ctx: SourceContext): Promise<ParseResult> {
  switch (source.kind) {
    case 'snapshot': {
      const path = resolve(ctx.baseDir, source.path);
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (err) {
        throw new Error(`source ${source.id}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
      }
      return parseSnapshot(text, { source: source.id, listedOn: source.listedOn ?? ctx.today });
    }
  }
}
