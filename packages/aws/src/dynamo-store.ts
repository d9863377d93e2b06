/**
 * DynamoDB adapters over one table. Every write is a conditional single-item write:
 * correctness never depends on transactions (dynalite has none) or on TTL expiry (checked in code).
 *
 *   PAPER#<id>        / PAPER            the paper; GSI1 (PAPERS, <listedOn>#<id>) lists papers by day
 *   TAG#<slug>        / <listedOn>#<id>  topic membership
 *   DAY#REV           / <listedOn>       a listing day's revision: moves on every write to a paper of that day
 *   DAY#REV           / SEEDED           marker: every day of the papers written before revisions existed has one
 *   SUB#<id>          / SUB              subscriber; GSI2 (ACTIVE#<frequency>, <id>) only while active
 *   SUB#<id>          / DIGEST#<period>  send ledger: one item per digest, claimed before sending
 *   EMAIL#<sha256>    / EMAIL            uniqueness guard for an address
 *   CONFIRM#<sha256>  / CONFIRM          pending confirm token (hash only)
 *   RATE#<key>        / W#<windowStart>  rate-limit counter of one fixed window (key is a hash, never an address)
 *   RUN#<kind>        / <startedAt>      run records
 *   ALIAS#<t-fingerprint> / ALIAS        title fingerprint -> arXiv id of a paper stored under its arXiv id
 *   SOURCE#<id>       / STATE            per-source conditional GET validators (ETag, Last-Modified); HF: per day and page, with content hashes
 *   DIGEST#JOBS       / <day>#<period>#<subscriber id>   a pending digest job; DIGEST#FAILED holds the ones given up (dynamo-digest-jobs.ts)
 *   SEND#LEASE        / LEASE            the send lease: which sender may send now, and where its pacing left off
 */
import { CreateTableCommand, DescribeTableCommand, ResourceNotFoundException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  ItemTooLargeError,
  sha256,
  titleFingerprint,
  type ClaimResult,
  type DigestLedger,
  type LedgerHistory,
  type LedgerWindow,
  isoWeek,
  type RateLimiter,
  type Frequency,
  type Preferences,
  type Paper,
  type PaperRepository,
  type PaperWrite,
  type PutOutcome,
  type RunLog,
  type RunRecord,
  type SourceState,
  type SourceStateRepository,
  type Subscriber,
  type SubscriberRepository,
} from '@paperboy/core';

const PAPER_SK = 'PAPER';
const ALL_PAPERS = 'PAPERS';
/** One item per listing day (SK = YYYY-MM-DD) whose `rev` moves whenever a paper of that day is written. */
const DAY_REVS = 'DAY#REV';
const DAY_REVS_SEEDED = 'SEEDED';

type Item = Record<string, unknown>;

export function isConditionFailure(err: unknown): boolean {
  return err instanceof ConditionalCheckFailedException || (err as { name?: string })?.name === 'ConditionalCheckFailedException';
}

function stripKeys<T>(item: Item | undefined): T | undefined {
  if (!item) return undefined;
  const { PK, SK, GSI1PK, GSI1SK, GSI2PK, GSI2SK, expiresAt, type, ...rest } = item;
  void PK, SK, GSI1PK, GSI1SK, GSI2PK, GSI2SK, expiresAt, type;
  return rest as T;
}

export async function queryAll(doc: DynamoDBDocumentClient, input: QueryCommandInput, limit = Infinity): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new QueryCommand({ ...input, ExclusiveStartKey: start, ...(Number.isFinite(limit) ? { Limit: limit - items.length } : {}) }),
    );
    items.push(...((page.Items ?? []) as Item[]));
    start = page.LastEvaluatedKey;
  } while (start && items.length < limit);
  return items;
}

/** BatchWriteItem in groups of 25, retrying UnprocessedItems with backoff until all are written. */
export async function batchWriteAll(doc: DynamoDBDocumentClient, tableName: string, requests: Item[], maxAttempts = 8): Promise<void> {
  for (let i = 0; i < requests.length; i += 25) {
    let pending: Item[] | undefined = requests.slice(i, i + 25);
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt >= maxAttempts) throw new Error(`DynamoDB left ${pending.length} write(s) unprocessed after ${maxAttempts} attempts`);
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(2000, 50 * 2 ** attempt) * (0.5 + Math.random() / 2)));
      const out = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending as never } }));
      pending = out.UnprocessedItems?.[tableName] as Item[] | undefined;
    }
  }
}

/** The stored item of a paper (exported for bulk loads such as the publish benchmark). */
export function paperItem(paper: Paper): Item {
  return { PK: `PAPER#${paper.id}`, SK: PAPER_SK, GSI1PK: ALL_PAPERS, GSI1SK: `${paper.listedOn}#${paper.id}`, type: 'paper', ...paper };
}

/** The stored item of a paper's membership in one topic. */
export function membershipItem(paper: Paper, slug: string): Item {
  return { PK: `TAG#${slug}`, SK: `${paper.listedOn}#${paper.id}`, type: 'membership', paperId: paper.id };
}

/**
 * When a "latest N" query filled its limit, the listing day of its oldest item: that day may hold more
 * papers, and the feeds order papers within a day by upvotes, not by id, so the caller reads the whole day.
 */
function boundaryDay(sortKeys: string[], limit: number): string | undefined {
  if (sortKeys.length < limit || sortKeys.length === 0) return undefined;
  return sortKeys[sortKeys.length - 1]!.split('#')[0];
}

/**
 * DynamoDB refuses items over 400 KB. The estimate counts each attribute name and value in UTF-8, as
 * DynamoDB sizes them, plus a few bytes per value; a margin keeps it on the safe side.
 */
export const MAX_ITEM_BYTES = 380 * 1024;
export function itemBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return 21;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + 1 + itemBytes(v), 3);
  return Object.entries(value as Record<string, unknown>).reduce((n, [k, v]) => n + Buffer.byteLength(k, 'utf8') + 1 + itemBytes(v), 3);
}

export class DynamoPaperRepository implements PaperRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(id: string): Promise<Paper | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { PK: `PAPER#${id}`, SK: PAPER_SK } }));
    return stripKeys<Paper>(out.Item);
  }

  async findByTitleKey(fingerprint: string): Promise<Paper | undefined> {
    const own = await this.get(fingerprint);
    if (own) return own;
    const alias = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { PK: `ALIAS#${fingerprint}`, SK: 'ALIAS' } }));
    return alias.Item ? this.get(String(alias.Item.paperId)) : undefined;
  }

  /**
   * The fingerprint-keyed records and the aliases of all fingerprints in one batched read (two keys each,
   * 100 keys a request), then the papers the aliases point to in another: about three requests per 100.
   */
  async findManyByTitleKey(fingerprints: string[]): Promise<Map<string, Paper>> {
    const unique = [...new Set(fingerprints)];
    const items = await this.batchGet(unique.flatMap((fp) => [{ PK: `PAPER#${fp}`, SK: PAPER_SK }, { PK: `ALIAS#${fp}`, SK: 'ALIAS' }]));
    const found = new Map<string, Paper>();
    const aliases = new Map<string, string>();
    for (const item of items) {
      if (item.SK === PAPER_SK) found.set(String(item.id), stripKeys<Paper>(item)!);
      else aliases.set(String(item.PK).slice('ALIAS#'.length), String(item.paperId));
    }
    const viaAlias = [...aliases].filter(([fp]) => !found.has(fp));
    const targets = new Map((await this.getMany(viaAlias.map(([, id]) => id))).map((p) => [p.id, p]));
    for (const [fp, id] of viaAlias) {
      const paper = targets.get(id);
      if (paper) found.set(fp, paper);
    }
    return found;
  }

  async put(paper: Paper, previous: Paper | undefined): Promise<boolean> {
    const bytes = itemBytes(paperItem(paper));
    if (bytes > MAX_ITEM_BYTES) throw new ItemTooLargeError(paper.id, bytes, MAX_ITEM_BYTES);
    const [outcome] = await this.putMany([{ paper, previous }]);
    return outcome!.status === 'written';
  }

  /**
   * Writes a batch of papers in four steps: (1) moves the revision of every listing day the batch touches
   * (each paper's day, and the day a moved paper leaves); (2) writes the memberships and title aliases of
   * all papers in BatchWriteItem requests of 25; (3) puts each paper, conditional on what was read;
   * (4) moves the same days' revisions again. About 1.1 write requests per new paper, against 3.5 when each
   * paper moved its day twice and wrote its own membership batch.
   *
   * Why this order keeps every paper visible to publish, which re-reads only the days whose revision moved
   * since it last rendered them:
   * - Step 1 comes before any paper of the day is written, so whatever revision publish saw before the
   *   batch is stale as soon as one paper may be: a crash anywhere after step 1 still leaves the day marked.
   * - Step 4 comes after the last write of the batch, so a publish that read the day between step 1 and the
   *   last put (and saw only part of the batch) finds a newer revision next time.
   * - Left open, as before batching: a crash between a put and step 4 while a publish reads that very day
   *   between step 1 and the crash. Publish runs after ingest (ingest starts it), so that needs a second,
   *   concurrent publish; the next write to the day repairs it.
   * Memberships come before the papers they point to: a crash in between leaves the papers looking new (or
   * unchanged-from-before) to the next run, which writes the same items again. A paper refused as too large
   * is left out of every step, so no membership points at it.
   */
  async putMany(writes: PaperWrite[]): Promise<PutOutcome[]> {
    const ids = new Set<string>();
    for (const { paper } of writes) {
      if (ids.has(paper.id)) throw new Error(`putMany: paper ${paper.id} is given twice in one batch`);
      ids.add(paper.id);
    }
    const outcomes: PutOutcome[] = writes.map(() => ({ status: 'written' }));
    const accepted: { index: number; item: Item; paper: Paper; previous: Paper | undefined }[] = [];
    writes.forEach(({ paper, previous }, index) => {
      const item = paperItem(paper);
      const bytes = itemBytes(item);
      if (bytes > MAX_ITEM_BYTES) outcomes[index] = { status: 'rejected', reason: new ItemTooLargeError(paper.id, bytes, MAX_ITEM_BYTES).message };
      else accepted.push({ index, item, paper, previous });
    });
    if (accepted.length === 0) return outcomes;

    const days = new Set<string>();
    // By key: one BatchWriteItem may not name a key twice (two new papers titled "Erratum" share an alias; the last wins, as it did one by one).
    const requests = new Map<string, Item>();
    for (const { paper, previous } of accepted) {
      const oldTags = new Set(previous?.tags ?? []);
      const newTags = new Set(paper.tags);
      const moved = previous !== undefined && previous.listedOn !== paper.listedOn;
      days.add(paper.listedOn);
      if (moved) days.add(previous.listedOn);
      for (const slug of newTags) {
        if (!oldTags.has(slug) || moved) requests.set(`TAG#${slug}|${paper.listedOn}#${paper.id}`, { PutRequest: { Item: membershipItem(paper, slug) } });
      }
      for (const slug of oldTags) {
        if (!newTags.has(slug) || moved) {
          requests.set(`TAG#${slug}|${previous!.listedOn}#${paper.id}`, { DeleteRequest: { Key: { PK: `TAG#${slug}`, SK: `${previous!.listedOn}#${paper.id}` } } });
        }
      }
      if (!previous && paper.arxivId && paper.id === paper.arxivId) {
        // Lets a later record that only knows the title (a page snapshot) find this paper.
        const fp = titleFingerprint(paper.title);
        requests.set(`ALIAS#${fp}`, { PutRequest: { Item: { PK: `ALIAS#${fp}`, SK: 'ALIAS', type: 'alias', paperId: paper.id } } });
      }
    }
    const sortedDays = [...days].sort();
    for (const day of sortedDays) await this.touchDay(day);
    await this.batchWrite([...requests.values()]);
    for (const { index, item, previous } of accepted) {
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: item,
            ...(previous
              ? { ConditionExpression: 'contentHash = :prev', ExpressionAttributeValues: { ':prev': previous.contentHash } }
              : { ConditionExpression: 'attribute_not_exists(PK)' }),
          }),
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        outcomes[index] = { status: 'conflict' };
      }
    }
    for (const day of sortedDays) await this.touchDay(day);
    // No topic counter moves here: publish counts each topic from the papers of the days it reads
    // (see publishSite), so a run that dies between two writes cannot leave a count wrong.
    return outcomes;
  }

  /** BatchWriteItem in groups of 25, retrying UnprocessedItems with backoff until all are written. */
  async batchWrite(requests: Item[], maxAttempts = 8): Promise<void> {
    await batchWriteAll(this.doc, this.tableName, requests, maxAttempts);
  }

  async listListedSince(sinceDay: string): Promise<Paper[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :p AND GSI1SK >= :since',
      ExpressionAttributeValues: { ':p': ALL_PAPERS, ':since': sinceDay },
      ScanIndexForward: false,
    });
    return items.map((i) => stripKeys<Paper>(i)!);
  }

  /** Every paper listed on `day` (YYYY-MM-DD): one GSI1 query over that day's keys. */
  async listDay(day: string): Promise<Paper[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :p AND begins_with(GSI1SK, :day)',
      ExpressionAttributeValues: { ':p': ALL_PAPERS, ':day': `${day}#` },
    });
    return items.map((i) => stripKeys<Paper>(i)!);
  }

  /**
   * Every listing day with its revision, newest first: one query over the DAY#REV partition (one small item
   * per day). A table written before revisions existed gets them once, from a keys-only read of GSI1.
   */
  async listDayRevisions(): Promise<{ day: string; rev: number }[]> {
    const read = async () => {
      const items = await queryAll(this.doc, {
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :p',
        ExpressionAttributeValues: { ':p': DAY_REVS },
        ScanIndexForward: false,
      });
      const days = items.filter((i) => i.SK !== DAY_REVS_SEEDED).map((i) => ({ day: String(i.SK), rev: Number(i.rev ?? 0) }));
      return { days, seeded: items.some((i) => i.SK === DAY_REVS_SEEDED) };
    };
    const first = await read();
    if (first.seeded) return first.days;
    const keys = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :p',
      ExpressionAttributeValues: { ':p': ALL_PAPERS },
      ProjectionExpression: 'GSI1SK',
    });
    for (const day of new Set(keys.map((k) => String(k.GSI1SK).split('#')[0]!))) await this.touchDay(day);
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { PK: DAY_REVS, SK: DAY_REVS_SEEDED, type: 'marker' } }));
    return (await read()).days;
  }

  private async touchDay(day: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { PK: DAY_REVS, SK: day },
        UpdateExpression: 'ADD #r :one',
        ExpressionAttributeNames: { '#r': 'rev' },
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
  }

  async listLatest(limit: number): Promise<Paper[]> {
    const query = (condition: string, values: Record<string, string>) => ({
      TableName: this.tableName,
      IndexName: 'GSI1',
      KeyConditionExpression: condition,
      ExpressionAttributeValues: { ':p': ALL_PAPERS, ...values },
      ScanIndexForward: false,
    });
    const items = await queryAll(this.doc, query('GSI1PK = :p', {}), limit);
    const day = boundaryDay(items.map((i) => String(i.GSI1SK)), limit);
    if (day !== undefined) items.push(...(await queryAll(this.doc, query('GSI1PK = :p AND begins_with(GSI1SK, :day)', { ':day': `${day}#` }))));
    const byId = new Map<string, Paper>();
    for (const item of items) byId.set(String(item.id), stripKeys<Paper>(item)!);
    return [...byId.values()];
  }

  async listLatestByTopic(slug: string, limit: number): Promise<Paper[]> {
    const query = (condition: string, values: Record<string, string>) => ({
      TableName: this.tableName,
      KeyConditionExpression: condition,
      ExpressionAttributeValues: { ':p': `TAG#${slug}`, ...values },
      ScanIndexForward: false,
      ProjectionExpression: 'SK, paperId',
    });
    const members = await queryAll(this.doc, query('PK = :p', {}), limit);
    const day = boundaryDay(members.map((m) => String(m.SK)), limit);
    if (day !== undefined) members.push(...(await queryAll(this.doc, query('PK = :p AND begins_with(SK, :day)', { ':day': `${day}#` }))));
    return this.getMany([...new Set(members.map((m) => String(m.paperId)))]);
  }

  /** Counts a topic's membership items (a keys-only COUNT query over the topic's partition). */
  async countMemberships(slug: string): Promise<number> {
    let count = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :p',
          ExpressionAttributeValues: { ':p': `TAG#${slug}` },
          Select: 'COUNT',
          ExclusiveStartKey: start,
        }),
      );
      count += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    return count;
  }

  /** Papers by id, in the order given; missing ids are left out. */
  async getMany(ids: string[]): Promise<Paper[]> {
    const found = new Map<string, Paper>();
    for (const item of await this.batchGet([...new Set(ids)].map((id) => ({ PK: `PAPER#${id}`, SK: PAPER_SK })))) {
      const paper = stripKeys<Paper>(item)!;
      found.set(paper.id, paper);
    }
    return ids.map((id) => found.get(id)).filter((p): p is Paper => p !== undefined);
  }

  /** BatchGetItem in groups of 100 keys (distinct), retrying UnprocessedKeys with backoff; the items found, in any order. */
  private async batchGet(keys: Item[], maxAttempts = 8): Promise<Item[]> {
    const items: Item[] = [];
    for (let i = 0; i < keys.length; i += 100) {
      let pending: Item[] | undefined = keys.slice(i, i + 100);
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        if (attempt >= maxAttempts) throw new Error(`DynamoDB left ${pending.length} read(s) unprocessed after ${maxAttempts} attempts`);
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt) * (0.5 + Math.random() / 2)));
        const out = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending } } }));
        items.push(...((out.Responses?.[this.tableName] ?? []) as Item[]));
        pending = out.UnprocessedKeys?.[this.tableName]?.Keys as Item[] | undefined;
      }
    }
    return items;
  }

  async *scanAll(): AsyncIterable<Paper> {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: '#t = :paper',
          ExpressionAttributeNames: { '#t': 'type' },
          ExpressionAttributeValues: { ':paper': 'paper' },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) yield stripKeys<Paper>(item)!;
      start = page.LastEvaluatedKey;
    } while (start);
  }
}

export function emailKey(email: string): string {
  return `EMAIL#${sha256(email.trim().toLowerCase())}`;
}

export class DynamoSubscriberRepository implements SubscriberRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(id: string): Promise<Subscriber | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { PK: `SUB#${id}`, SK: 'SUB' } }));
    return stripKeys<Subscriber>(out.Item);
  }

  async findByEmail(email: string): Promise<Subscriber | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { PK: emailKey(email), SK: 'EMAIL' } }));
    return out.Item ? this.get(String(out.Item.subscriberId)) : undefined;
  }

  async create(subscriber: Subscriber): Promise<boolean> {
    // The record first, then the guard that makes it findable by address, then its confirm token. A crash
    // after the record leaves a pending record nobody can reach (no guard, no token item), and the next
    // sign-up starts afresh; the guard-first order left a guard pointing at nothing, which answered
    // "taken" to every later sign-up while nothing was stored to confirm.
    await this.putSubscriber(subscriber);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { PK: emailKey(subscriber.email), SK: 'EMAIL', type: 'email', subscriberId: subscriber.id },
          // Whoever writes the guard first owns the address.
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
    await this.putConfirmToken(subscriber);
    return true;
  }

  async update(subscriber: Subscriber): Promise<void> {
    await this.putSubscriber(subscriber);
    await this.putConfirmToken(subscriber);
  }

  private async putSubscriber(subscriber: Subscriber): Promise<void> {
    const active = subscriber.status === 'active';
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          PK: `SUB#${subscriber.id}`,
          SK: 'SUB',
          type: 'subscriber',
          ...subscriber,
          ...(active ? { GSI2PK: `ACTIVE#${subscriber.frequency}`, GSI2SK: subscriber.id } : {}),
        },
      }),
    );
  }

  /** The item that finds a subscriber by its pending token's hash (written after the subscriber, which it names). */
  private async putConfirmToken(subscriber: Subscriber): Promise<void> {
    if (!subscriber.confirmTokenHash) return;
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          PK: `CONFIRM#${subscriber.confirmTokenHash}`,
          SK: 'CONFIRM',
          type: 'confirm',
          subscriberId: subscriber.id,
          // TTL only cleans up; expiry is checked in code.
          expiresAt: subscriber.confirmExpiresAt ? Math.floor(Date.parse(subscriber.confirmExpiresAt) / 1000) + 86_400 : undefined,
        },
      }),
    );
  }

  async activate(subscriber: Subscriber, hash: string, at: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: `SUB#${subscriber.id}`, SK: 'SUB' },
          UpdateExpression: 'SET #s = :active, confirmedAt = :at, confirmedTokenHash = :h, GSI2PK = :g, GSI2SK = :id REMOVE confirmTokenHash, confirmExpiresAt',
          // Only the pending token activates: a concurrent re-subscribe (new token) or suppression stays in force.
          ConditionExpression: '#s = :pending AND confirmTokenHash = :h',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':active': 'active', ':pending': 'pending', ':at': at, ':h': hash, ':g': `ACTIVE#${subscriber.frequency}`, ':id': subscriber.id },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async recordDigest(id: string, at: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { PK: `SUB#${id}`, SK: 'SUB' },
        UpdateExpression: 'SET lastDigestAt = :at',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  }

  async findByConfirmTokenHash(hash: string): Promise<Subscriber | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { PK: `CONFIRM#${hash}`, SK: 'CONFIRM' } }));
    if (!out.Item) return undefined;
    const sub = await this.get(String(out.Item.subscriberId));
    return sub && (sub.confirmTokenHash === hash || sub.confirmedTokenHash === hash) ? sub : undefined;
  }

  async updatePreferences(id: string, preferences: Preferences): Promise<boolean> {
    const { topics, keywords, authors, frequency } = preferences;
    const followUps = preferences.followUps === 'digest' || preferences.followUps === 'always' ? preferences.followUps : undefined;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: `SUB#${id}`, SK: 'SUB' },
          // The index key moves with the frequency; the condition keeps a racing unsubscribe in force.
          UpdateExpression: `SET topics = :t, keywords = :k, authors = :a, frequency = :f, GSI2PK = :g${followUps ? ', followUps = :u' : ' REMOVE followUps'}`,
          ConditionExpression: 'attribute_exists(PK) AND #s = :active',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':t': topics, ':k': keywords, ':a': authors, ':f': frequency, ':g': `ACTIVE#${frequency}`, ':active': 'active', ...(followUps ? { ':u': followUps } : {}) },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async setFeedKey(id: string, feedKey: string, tokenHash: string, expectedHash: string | undefined): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: `SUB#${id}`, SK: 'SUB' },
          UpdateExpression: 'SET feedKey = :k, feedTokenHash = :h',
          // Exactly once: only the first of two racing issues (or revocations) wins; an unsubscribe stays in force.
          ConditionExpression: `attribute_exists(PK) AND #s = :active AND ${expectedHash === undefined ? 'attribute_not_exists(feedTokenHash)' : 'feedTokenHash = :old'}`,
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':k': feedKey, ':h': tokenHash, ':active': 'active', ...(expectedHash === undefined ? {} : { ':old': expectedHash }) },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  /** Ids of the active subscribers of a frequency: one query of the keys-only GSI2 partition, never a scan. */
  async listActiveIds(frequency: Frequency): Promise<string[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: 'GSI2',
      KeyConditionExpression: 'GSI2PK = :p',
      ExpressionAttributeValues: { ':p': `ACTIVE#${frequency}` },
    });
    return items.map((i) => String(i['GSI2SK']));
  }
}

/** The ledger item of a claimed digest (exported for bulk loads such as the digest benchmark's long histories). */
/**
 * How long a digest's ledger entry is kept: DynamoDB's TTL deletes it after this many days, so a
 * subscriber's ledger stops growing (and costing storage: it was half the table after a year, in
 * `npm run cost`) after four months. A digest reads the ledger only from MAX_JOB_AGE_DAYS + 1 days before
 * its candidates were first seen (`ledgerWindow`), and its candidates are papers listed within
 * `digest.windowDays` (at most 60): at most 75 days back, well inside what is kept.
 */
export const LEDGER_KEEP_DAYS = 120;

export function digestItem(subscriberId: string, period: string, paperIds: string[], moreIds: string[], claimedAt: string, followUps: string[] = []): Item {
  const claimed = Date.parse(claimedAt);
  const expiresAt = Number.isFinite(claimed) ? Math.floor(claimed / 1000) + LEDGER_KEEP_DAYS * 86_400 : undefined;
  return { PK: `SUB#${subscriberId}`, SK: `DIGEST#${period}`, type: 'digest', status: 'sending', paperIds, moreIds, ...(followUps.length ? { followUps } : {}), claimedAt, expiresAt };
}

/**
 * The sort-key ranges (after `DIGEST#`; no upper end when `to` is undefined) that hold every digest of a
 * period from `window.fromDay` on. Daily periods are days (`2026-11-26`), weekly ones ISO weeks
 * (`2026-W48`), and within a year every day sorts before every week, so:
 *   - a daily subscriber: one range from the day on (all later days and years; the year's weeks too, which
 *     exist only for a subscriber who was weekly earlier that year);
 *   - a weekly subscriber: the weeks from the first week on (with all later years), and the year's days
 *     from the day on (they exist only for a subscriber who was daily until lately), so that neither
 *     reads the year's history of the other kind.
 */
export function ledgerRanges(window: LedgerWindow): [string, string | undefined][] {
  if (!window.weekly) return [[window.fromDay, undefined]];
  const year = window.fromDay.slice(0, 4);
  const week = isoWeek(window.fromDay);
  // Late December can fall in week 1 of the next ISO year: then start past all of this year's weeks.
  const weeksFrom = week.slice(0, 4) > year ? `${year}-W99` : week;
  return [[window.fromDay, `${year}-12-31`], [weeksFrom, undefined]];
}

export class DynamoDigestLedger implements DigestLedger {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** A claim older than this is taken to be from a crashed sender and may be retried. */
    private readonly claimLeaseMs = 15 * 60_000,
  ) {}

  async claim(subscriberId: string, period: string, paperIds: string[], now: string, moreIds: string[] = [], followUps: string[] = []): Promise<ClaimResult> {
    const staleBefore = new Date(Date.parse(now) - this.claimLeaseMs).toISOString();
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: digestItem(subscriberId, period, paperIds, moreIds, now, followUps),
          ConditionExpression: 'attribute_not_exists(PK) OR (#s = :sending AND claimedAt < :stale)',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':sending': 'sending', ':stale': staleBefore },
        }),
      );
      return 'claimed';
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { PK: `SUB#${subscriberId}`, SK: `DIGEST#${period}` }, ConsistentRead: true }),
    );
    return out.Item?.status === 'sending' ? 'in-flight' : 'done';
  }

  async markRejected(subscriberId: string, period: string, reason: string, now: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { PK: `SUB#${subscriberId}`, SK: `DIGEST#${period}` },
        UpdateExpression: 'SET #s = :rejected, reason = :r, rejectedAt = :now',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':rejected': 'rejected', ':r': reason, ':now': now },
      }),
    );
  }

  async markSent(subscriberId: string, period: string, messageId: string, now: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { PK: `SUB#${subscriberId}`, SK: `DIGEST#${period}` },
        UpdateExpression: 'SET #s = :sent, messageId = :m, sentAt = :now',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':sent': 'sent', ':m': messageId, ':now': now },
      }),
    );
  }

  async release(subscriberId: string, period: string): Promise<void> {
    await this.doc.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { PK: `SUB#${subscriberId}`, SK: `DIGEST#${period}` },
        ConditionExpression: '#s = :sending',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':sending': 'sending' },
      }),
    ).catch((err) => {
      if (!isConditionFailure(err)) throw err;
    });
  }

  async sentPaperIds(subscriberId: string, exceptPeriod?: string, window?: LedgerWindow): Promise<Set<string>> {
    return (await this.history(subscriberId, exceptPeriod, window)).offered;
  }

  async history(subscriberId: string, exceptPeriod?: string, window?: LedgerWindow): Promise<LedgerHistory> {
    const pk = `SUB#${subscriberId}`;
    const items = window
      ? (await Promise.all(ledgerRanges(window).map(([from, to]) => queryAll(this.doc, {
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :p AND SK BETWEEN :f AND :t',
          // '~' sorts after every character of a period, and before nothing else under the subscriber's key.
          ExpressionAttributeValues: { ':p': pk, ':f': `DIGEST#${from}`, ':t': `DIGEST#${to ?? '~'}` },
        })))).flat()
      : await queryAll(this.doc, {
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :p AND begins_with(SK, :d)',
          ExpressionAttributeValues: { ':p': pk, ':d': 'DIGEST#' },
        });
    // Papers of a rejected digest never reached the reader; papers of one in flight are counted, to be safe.
    // Papers a digest counted under "more" were shown to the reader too (on their day pages): not again.
    const skip = exceptPeriod === undefined ? undefined : `DIGEST#${exceptPeriod}`;
    const history: LedgerHistory = { offered: new Set(), shown: new Map(), followUps: new Set() };
    for (const i of items) {
      if (i.status === 'rejected' || i.SK === skip) continue;
      const claimedAt = String(i.claimedAt ?? '');
      for (const id of (i.paperIds as string[] | undefined) ?? []) {
        history.offered.add(id);
        const at = history.shown.get(id);
        if (at === undefined || claimedAt < at) history.shown.set(id, claimedAt);
      }
      for (const id of (i.moreIds as string[] | undefined) ?? []) history.offered.add(id);
      for (const key of (i.followUps as string[] | undefined) ?? []) history.followUps.add(key);
    }
    return history;
  }
}

/** Fixed-window counters with a conditional update: at most `limit` hits per window, even under concurrency. */
export class DynamoRateLimiter implements RateLimiter {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async hit(key: string, limit: number, windowSeconds: number, now: Date): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
    const nowSec = Math.floor(now.getTime() / 1000);
    const windowStart = nowSec - (nowSec % windowSeconds);
    const retryAfterSeconds = windowStart + windowSeconds - nowSec;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: `RATE#${key}`, SK: `W#${windowStart}` },
          UpdateExpression: 'ADD hits :one SET expiresAt = :exp, #t = :type',
          ConditionExpression: 'attribute_not_exists(hits) OR hits < :limit',
          ExpressionAttributeNames: { '#t': 'type' },
          // TTL only cleans up old windows; the window in the key decides what counts.
          ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':exp': windowStart + windowSeconds + 3600, ':type': 'rate' },
        }),
      );
      return { allowed: true, retryAfterSeconds: 0 };
    } catch (err) {
      if (isConditionFailure(err)) return { allowed: false, retryAfterSeconds };
      throw err;
    }
  }
}

export class DynamoSourceStateRepository implements SourceStateRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(sourceId: string): Promise<SourceState | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { PK: `SOURCE#${sourceId}`, SK: 'STATE' } }));
    return stripKeys<SourceState>(out.Item);
  }

  async put(sourceId: string, state: SourceState): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { PK: `SOURCE#${sourceId}`, SK: 'STATE', type: 'source', ...state } }));
  }
}

export class DynamoRunLog implements RunLog {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(run: RunRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.tableName, Item: { PK: `RUN#${run.kind}`, SK: run.startedAt, type: 'run', ...run } }),
    );
  }

  async latest(kind: string): Promise<RunRecord | undefined> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :p',
        ExpressionAttributeValues: { ':p': `RUN#${kind}` },
        ScanIndexForward: false,
        Limit: 1,
        // The private feeds key their window on the latest publish, which invalidates them right after recording it.
        ConsistentRead: true,
      }),
    );
    return stripKeys<RunRecord>(out.Items?.[0]);
  }
}

/** Creates the table with the same keys and indexes as the CDK stack (local use). */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException) && (err as { name?: string }).name !== 'ResourceNotFoundException') throw err;
  }
  const s = 'S' as const;
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK'].map((AttributeName) => ({ AttributeName, AttributeType: s })),
      KeySchema: [
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'GSI1',
          KeySchema: [
            { AttributeName: 'GSI1PK', KeyType: 'HASH' },
            { AttributeName: 'GSI1SK', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: 'GSI2',
          KeySchema: [
            { AttributeName: 'GSI2PK', KeyType: 'HASH' },
            { AttributeName: 'GSI2SK', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    }),
  );
  // A new table answers ResourceNotFound until it is ACTIVE (dynalite too, for a moment on a busy machine).
  for (let waited = 0; ; waited += 50) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    if (waited > 30_000) throw new Error(`table ${tableName} is still ${Table?.TableStatus} after 30 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
