/**
 * Private feed tokens by hash: `FEED#<sha256 of the token>` names the subscriber whose feed it reads. The
 * token is never stored. The subscriber's own `feedTokenHash` has the last word (a revoked token's item may
 * outlive the revocation by one failed delete and still reads nothing).
 */
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FeedTokenRepository } from '@paperboy/core';

export class DynamoFeedTokenRepository implements FeedTokenRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private key(tokenHash: string) {
    return { PK: `FEED#${tokenHash}`, SK: 'FEED' };
  }

  async put(tokenHash: string, subscriberId: string): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...this.key(tokenHash), type: 'feed-token', subscriberId } }));
  }

  async find(tokenHash: string): Promise<string | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: this.key(tokenHash) }));
    return out.Item ? String(out.Item['subscriberId']) : undefined;
  }

  async delete(tokenHash: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: this.key(tokenHash) }));
  }
}
