/**
 * Daily mail counts (core/reputation.ts), one item per day:
 *
 *   MAILSTATS / <YYYY-MM-DD>   sent, bounces, complaints (ADD), expiresAt 30 days on (TTL)
 *
 * A sender adds its emails once per run, ses-events one per hard bounce or complaint: a few writes a day.
 */
import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MailDayCounts, MailStatsRepository } from '@paperboy/core';

const PK = 'MAILSTATS';
const KEPT_DAYS = 30;

export class DynamoMailStats implements MailStatsRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async add(day: string, counts: Partial<Record<'sent' | 'bounces' | 'complaints', number>>): Promise<void> {
    const entries = Object.entries(counts).filter(([, n]) => typeof n === 'number' && n > 0);
    if (entries.length === 0) return;
    const names = Object.fromEntries(entries.map(([k], i) => [`#c${i}`, k]));
    const values = Object.fromEntries(entries.map(([, n], i) => [`:c${i}`, n]));
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { PK, SK: day },
        UpdateExpression: `ADD ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')} SET expiresAt = :exp, #t = :type`,
        ExpressionAttributeNames: { ...names, '#t': 'type' },
        ExpressionAttributeValues: { ...values, ':exp': Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000) + KEPT_DAYS * 86_400, ':type': 'mail-stats' },
      }),
    );
  }

  async since(fromDay: string): Promise<MailDayCounts[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :p AND SK >= :from',
        ExpressionAttributeValues: { ':p': PK, ':from': fromDay },
      }),
    );
    return (out.Items ?? []).map((i) => ({ day: String(i['SK']), sent: Number(i['sent'] ?? 0), bounces: Number(i['bounces'] ?? 0), complaints: Number(i['complaints'] ?? 0) }));
  }
}
