/**
 * Clients loaded on first use. Every function reads the table, so the DynamoDB client is imported at
 * start-up; the S3, SES and SQS clients cost 50 to 160 ms of CPU each to import (measured with
 * `npm run bench:bundle`), so their adapters import the SDK module the first time they are called,
 * and a function that never calls them never loads them.
 */

/** A client, or a function that builds it on first use (the adapters accept either). */
export type ClientSource<C> = C | (() => Promise<C>);

/** Runs `make` once, on the first call; later calls share its promise. A failure is not cached. */
export function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () =>
    (made ??= make().catch((err: unknown) => {
      made = undefined;
      throw err;
    }));
}

/** The client itself, whichever way it was given. */
export async function clientOf<C extends object>(source: ClientSource<C>): Promise<C> {
  return typeof source === 'function' ? (source as () => Promise<C>)() : source;
}
