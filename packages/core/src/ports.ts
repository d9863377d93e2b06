/** Ports: what the use cases need from the outside world. Adapters live in @paperboy/aws. */
import type { EmailMessage, Frequency, Paper, RunRecord, SiteObject, Subscriber } from './model.js';

export interface PaperRepository {
  get(id: string): Promise<Paper | undefined>;
  /** Writes the paper if it is new or its content hash changed since `expectedHash`; false when a concurrent writer won. */
  put(paper: Paper, previous: Paper | undefined): Promise<boolean>;
  /** Papers listed on or after `sinceDay` (YYYY-MM-DD), newest first. */
  listSince(sinceDay: string): Promise<Paper[]>;
  /** Every stored paper, newest listing first. */
  listAll(): Promise<Paper[]>;
}

export interface SubscriberRepository {
  get(id: string): Promise<Subscriber | undefined>;
  findByEmail(email: string): Promise<Subscriber | undefined>;
  /** Creates the subscriber and its email guard; false when the email is already taken. */
  create(subscriber: Subscriber): Promise<boolean>;
  update(subscriber: Subscriber): Promise<void>;
  findByConfirmTokenHash(hash: string): Promise<Subscriber | undefined>;
  listActive(frequency: Frequency): Promise<Subscriber[]>;
}

export type LedgerStatus = 'sending' | 'sent';

export interface DigestLedger {
  /** Claims the digest for one subscriber and period; false if it was already claimed or sent. */
  claim(subscriberId: string, period: string, paperIds: string[], now: string): Promise<boolean>;
  markSent(subscriberId: string, period: string, messageId: string, now: string): Promise<void>;
  /** Releases a claim whose send failed, so a retry can send it. */
  release(subscriberId: string, period: string): Promise<void>;
  /** Ids of papers already sent to the subscriber. */
  sentPaperIds(subscriberId: string): Promise<Set<string>>;
}

export interface RunLog {
  record(run: RunRecord): Promise<void>;
  latest(kind: string): Promise<RunRecord | undefined>;
}

export interface ObjectStore {
  get(key: string): Promise<string | undefined>;
  put(object: SiteObject & { metadata?: Record<string, string> }): Promise<void>;
}

export interface Mailer {
  send(message: EmailMessage): Promise<{ messageId: string }>;
}

export interface DigestJob {
  subscriberId: string;
  period: string;
}

export interface JobQueue {
  enqueue(jobs: DigestJob[]): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
