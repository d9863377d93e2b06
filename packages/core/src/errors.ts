/** Errors that cross layers: adapters throw them, use cases decide what they mean. */

/** One item would not fit in a store item (DynamoDB's 400 KB): the use case skips that item alone, with this reason. */
export class ItemTooLargeError extends Error {
  override name = 'ItemTooLargeError';
  constructor(
    readonly id: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`${id}: the stored record would be ${Math.ceil(bytes / 1024)} KB, over the ${Math.floor(limit / 1024)} KB a stored item may hold`);
  }
}
