/**
 * DynamoDB adapters for sending: the digest job store and the send lease, in the one table.
 *
 *   DIGEST#JOBS    / <day>#<period>#<subscriber id>   a pending job: attempts, notBefore, lastError
 *   DIGEST#FAILED  / <day>#<period>#<subscriber id>   a job given up, kept 90 days (TTL) for the owner
 *   SEND#LEASE     / LEASE                            holder, leaseUntil and nextSendAt (epoch ms; not the TTL attribute)
 *
 * The pending jobs share one partition: the planner writes a day's jobs in batches of 25, and the one
 * sender reads and deletes them at the SES rate (14 a second by default), far below a partition's 1,000
 * writes a second. Nothing here polls: an idle month costs no request at all.
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DigestJob, DigestJobStore, FailedDigestJob, PendingDigestJob, SendLease } from '@paperboy/core';
import { batchWriteAll, isConditionFailure } from './dynamo-store.js';

const PENDING = 'DIGEST#JOBS';
const FAILED = 'DIGEST#FAILED';
const FAILED_KEPT_SECONDS = 90 * 86_400;

/** A job's sort key: oldest day first, so a backlog drains in the order it was planned. */
export function jobSortKey(job: DigestJob): string {
  return `${job.day ?? job.period}#${job.period}#${job.subscriberId}`;
}

type Item = Record<string, unknown>;

function jobOf(item: Item): DigestJob {
  return { subscriberId: String(item['subscriberId']), period: String(item['period']), ...(item['day'] ? { day: String(item['day']) } : {}) };
}

export class DynamoDigestJobStore implements DigestJobStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private key(pk: string, job: DigestJob) {
    return { PK: pk, SK: jobSortKey(job) };
  }

  async add(jobs: DigestJob[]): Promise<void> {
    // BatchWriteItem: 25 jobs a request (plan-digests' grant has BatchWriteItem only, no PutItem).
    const requests = jobs.map((job) => ({ PutRequest: { Item: { ...this.key(PENDING, job), type: 'digest-job', ...jobOf(job as unknown as Item), attempts: 0 } } }));
    await batchWriteAll(this.doc, this.tableName, requests);
  }

  async pending(limit: number, after?: DigestJob): Promise<PendingDigestJob[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :p',
        ExpressionAttributeValues: { ':p': PENDING },
        // Consistent: a job the planner wrote before it started this sender is seen.
        ConsistentRead: true,
        Limit: limit,
        ...(after ? { ExclusiveStartKey: this.key(PENDING, after) } : {}),
      }),
    );
    return (out.Items ?? []).map((item) => ({
      ...jobOf(item),
      attempts: Number(item['attempts'] ?? 0),
      ...(item['notBefore'] ? { notBefore: String(item['notBefore']) } : {}),
      ...(item['lastError'] ? { lastError: String(item['lastError']) } : {}),
    }));
  }

  async begin(job: DigestJob): Promise<number | undefined> {
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(PENDING, job),
          UpdateExpression: 'ADD attempts :one',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(out.Attributes?.['attempts'] ?? 1);
    } catch (err) {
      if (isConditionFailure(err)) return undefined;
      throw err;
    }
  }

  async finish(job: DigestJob): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: this.key(PENDING, job) }));
  }

  async defer(job: DigestJob, notBefore: string, error: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(PENDING, job),
          UpdateExpression: 'SET notBefore = :nb, lastError = :e',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':nb': notBefore, ':e': error },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }

  async fail(job: DigestJob, attempts: number, error: string, at: string): Promise<void> {
    // Kept first, then removed from the pending jobs: a crash between the two leaves the job pending, and
    // the next sender gives it up again (the same key, so one record).
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...this.key(FAILED, job), type: 'digest-job-failed', ...jobOf(job as unknown as Item), attempts, error, failedAt: at, expiresAt: Math.floor(Date.parse(at) / 1000) + FAILED_KEPT_SECONDS },
      }),
    );
    await this.finish(job);
  }

  async failed(limit = 100): Promise<FailedDigestJob[]> {
    const out = await this.doc.send(
      new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'PK = :p', ExpressionAttributeValues: { ':p': FAILED }, ScanIndexForward: false, Limit: limit }),
    );
    return (out.Items ?? []).map((item) => ({ ...jobOf(item), attempts: Number(item['attempts']), failedAt: String(item['failedAt']), error: String(item['error']) }));
  }
}

const LEASE_KEY = { PK: 'SEND#LEASE', SK: 'LEASE' };

export class DynamoSendLease implements SendLease {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async acquire(holder: string, now: number, ttlMs: number): Promise<{ nextSendAt: number } | undefined> {
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: LEASE_KEY,
          UpdateExpression: 'SET holder = :h, leaseUntil = :exp, #t = :type',
          // Free (released, or never taken) or expired: expiry is checked here, in code, never by TTL.
          ConditionExpression: 'attribute_not_exists(PK) OR leaseUntil <= :now',
          ExpressionAttributeNames: { '#t': 'type' },
          ExpressionAttributeValues: { ':h': holder, ':exp': now + ttlMs, ':now': now, ':type': 'send-lease' },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { nextSendAt: Number(out.Attributes?.['nextSendAt'] ?? 0) };
    } catch (err) {
      if (isConditionFailure(err)) return undefined;
      throw err;
    }
  }

  async renew(holder: string, now: number, ttlMs: number, nextSendAt: number): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: LEASE_KEY,
          UpdateExpression: 'SET leaseUntil = :exp, nextSendAt = :next',
          ConditionExpression: 'holder = :h AND leaseUntil > :now',
          ExpressionAttributeValues: { ':h': holder, ':exp': now + ttlMs, ':now': now, ':next': nextSendAt },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async release(holder: string, nextSendAt: number): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: LEASE_KEY,
          UpdateExpression: 'SET leaseUntil = :zero, nextSendAt = :next',
          ConditionExpression: 'holder = :h',
          ExpressionAttributeValues: { ':h': holder, ':zero': 0, ':next': nextSendAt },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }

  /** The lease as stored (tests and `paperboy status`). */
  async read(): Promise<{ holder: string; leaseUntil: number; nextSendAt: number } | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: LEASE_KEY, ConsistentRead: true }));
    if (!out.Item) return undefined;
    return { holder: String(out.Item['holder']), leaseUntil: Number(out.Item['leaseUntil']), nextSendAt: Number(out.Item['nextSendAt'] ?? 0) };
  }
}
