/**
 * BatchWriteItem retries UnprocessedItems. dynalite never throttles, so the client is a stub here:
 * the one place where a stand-in cannot produce the condition.
 */
import { describe, expect, it } from 'vitest';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoPaperRepository } from '@paperboy/aws';

function stubClient(unprocessedRounds: number) {
  const batches: unknown[][] = [];
  const client = {
    async send(command: { input: { RequestItems: Record<string, unknown[]> } }) {
      const items = command.input.RequestItems.t!;
      batches.push(items);
      // Leave the last item unprocessed for the first rounds, as a throttled table does.
      return batches.length <= unprocessedRounds ? { UnprocessedItems: { t: items.slice(-1) } } : { UnprocessedItems: {} };
    },
  };
  return { client: client as unknown as DynamoDBDocumentClient, batches };
}

const put = (i: number) => ({ PutRequest: { Item: { PK: `TAG#x`, SK: `2026-01-01#${i}` } } });

describe('DynamoPaperRepository.batchWrite', () => {
  it('sends groups of 25 and retries what DynamoDB left unprocessed until all is written', async () => {
    const { client, batches } = stubClient(2);
    await new DynamoPaperRepository(client, 't').batchWrite(Array.from({ length: 30 }, (_, i) => put(i)));
    expect(batches.map((b) => b.length)).toEqual([25, 1, 1, 5]);
    expect(batches[1]).toEqual([put(24)]);
  });

  it('gives up with a clear error when items stay unprocessed', async () => {
    const { client } = stubClient(100);
    await expect(new DynamoPaperRepository(client, 't').batchWrite([put(1)], 3)).rejects.toThrow('DynamoDB left 1 write(s) unprocessed after 3 attempts');
  });
});
