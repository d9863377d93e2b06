/** Builds API Gateway HTTP API (v2) events for the subscriptions handler, and reads the captured mail. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The one builder, shared with the simulation. */
export { apiEvent } from '../../packages/local/src/api-event.js';

export const form = (pairs: [string, string][]) => ({ body: new URLSearchParams(pairs).toString(), contentType: 'application/x-www-form-urlencoded' });
export const json = (value: unknown) => ({ body: JSON.stringify(value), contentType: 'application/json' });

export interface CapturedMail {
  name: string;
  messageId: string;
  to: string[];
  subject: string;
  html: string;
  text: string;
  /** Raw .eml as the SES stand-in rendered it (headers included). */
  eml: string;
}

/** Every message the SES tap captured, oldest first. */
export async function capturedMail(dataDir: string): Promise<CapturedMail[]> {
  const names = (await readdir(join(dataDir, 'mail'))).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(
    names.map(async (n) => {
      const entry = JSON.parse(await readFile(join(dataDir, 'mail', n), 'utf8')) as Omit<CapturedMail, 'eml'>;
      return { ...entry, eml: await readFile(join(dataDir, 'outbox', `${entry.name}.eml`), 'utf8') };
    }),
  );
}

/** The value of one header of an .eml (unfolded). */
export function emlHeader(eml: string, name: string): string | undefined {
  const head = eml.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const m = new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head);
  return m?.[1]?.trim();
}
