/** Ports: what the use cases need from the outside world. Adapters live in @paperboy/aws. */
import { randomBytes } from 'node:crypto';
import type { EmailMessage, FollowUpChoice, Frequency, Paper, RunRecord, SiteObject, SourceState, Subscriber } from './model.js';

export interface PaperRepository {
  get(id: string): Promise<Paper | undefined>;
  /** Papers by id (batched reads), in the order given; missing ids are left out. */
  getMany(ids: string[]): Promise<Paper[]>;
  /**
   * The paper stored under a title fingerprint (`t-...`): the fingerprint-keyed record itself, or the
   * arXiv-keyed record that an alias points to. Lets a snapshot record and an arXiv record meet.
   */
  findByTitleKey(fingerprint: string): Promise<Paper | undefined>;
  /** `findByTitleKey` for many fingerprints in a few batched reads: each fingerprint found -> its paper. */
  findManyByTitleKey(fingerprints: string[]): Promise<Map<string, Paper>>;
  /**
   * Writes the paper and its topic memberships. Conditional on `previous` still being what is stored
   * (absent, or the same content hash), so concurrent or repeated runs never clobber each other;
   * returns false when another writer got there first.
   */
  put(paper: Paper, previous: Paper | undefined): Promise<boolean>;
  /**
   * `put` for many papers (distinct ids) at once, with the same guarantees: each paper's own write stays
   * conditional, while memberships, aliases and the listing days' revisions are written for the whole batch.
   * A paper too large to store is refused before anything of it is written; the others go on.
   * One outcome per write, in the order given.
   */
  putMany(writes: PaperWrite[]): Promise<PutOutcome[]>;
  /** Papers listed on or after `sinceDay` (YYYY-MM-DD), newest listing first. */
  listListedSince(sinceDay: string): Promise<Paper[]>;
  /** Every paper listed on one day (YYYY-MM-DD), in any order. */
  listDay(day: string): Promise<Paper[]>;
  /**
   * Every listing day with a revision that moves whenever a paper of that day is written (or moved away),
   * newest day first: publish re-reads only the days whose revision changed since it last rendered them.
   */
  listDayRevisions(): Promise<DayRevision[]>;
  /**
   * The latest `limit` papers by listing day, completed with every other paper of the oldest day among
   * them (feeds order papers within a day by upvotes, which the store cannot sort by). Reads only
   * those, never the whole table.
   */
  listLatest(limit: number): Promise<Paper[]>;
  /** The same for one topic: its latest `limit` papers, plus the rest of the oldest day among them. */
  listLatestByTopic(slug: string, limit: number): Promise<Paper[]>;
  /** Every stored paper, page by page (retagging). */
  scanAll(): AsyncIterable<Paper>;
}

export interface PaperWrite {
  paper: Paper;
  /** What is stored now (the condition of the write), or undefined for a new paper. */
  previous: Paper | undefined;
}

/** A write's outcome: stored, lost to another writer (the condition failed), or refused as too large. */
export type PutOutcome = { status: 'written' } | { status: 'conflict' } | { status: 'rejected'; reason: string };

export interface DayRevision {
  day: string;
  rev: number;
}

/** What a subscriber chooses on the preferences page. */
export type Preferences = Pick<Subscriber, 'topics' | 'frequency'> &
  Required<Pick<Subscriber, 'keywords' | 'authors'>> & {
    /** Follow-ups (model.ts `FollowUpChoice`); `off` or absent: none. */
    followUps?: FollowUpChoice | 'off';
  };

export interface SubscriberRepository {
  get(id: string): Promise<Subscriber | undefined>;
  findByEmail(email: string): Promise<Subscriber | undefined>;
  /**
   * Creates the subscriber, then its email guard; false when the email is already taken. The record comes
   * first, so a crash between the two writes leaves an unreachable record, never a guard that points at
   * nothing (which would block the address for good).
   */
  create(subscriber: Subscriber): Promise<boolean>;
  update(subscriber: Subscriber): Promise<void>;
  /** Sets only lastDigestAt, so a concurrent unsubscribe is never overwritten. */
  recordDigest(id: string, at: string): Promise<void>;
  /** The subscriber whose pending token, or whose token that confirmed it, has this hash. */
  findByConfirmTokenHash(hash: string): Promise<Subscriber | undefined>;
  /**
   * Activates a pending subscriber whose pending token still has this hash, and keeps the hash as the one
   * that confirmed it; false when it is no longer so (already confirmed, re-subscribed, suppressed).
   */
  activate(subscriber: Subscriber, hash: string, at: string): Promise<boolean>;
  /** Ids of the active subscribers of a frequency. */
  listActiveIds(frequency: Frequency): Promise<string[]>;
  /** Changes the follows and frequency of an active subscriber only; false when it is not (or no longer) active. */
  updatePreferences(id: string, preferences: Preferences): Promise<boolean>;
  /**
   * Sets the private feed's key and token hash of an active subscriber, only while its current hash is
   * `expectedHash` (none when undefined): false when another write came first or it is no longer active.
   */
  setFeedKey(id: string, feedKey: string, tokenHash: string, expectedHash: string | undefined): Promise<boolean>;
}

/** Finds the subscriber of a private feed token by the token's hash (`FEED#<hash>`). */
export interface FeedTokenRepository {
  put(tokenHash: string, subscriberId: string): Promise<void>;
  find(tokenHash: string): Promise<string | undefined>;
  delete(tokenHash: string): Promise<void>;
}

export type LedgerStatus = 'sending' | 'sent' | 'rejected';

/**
 * `claimed`: this caller owns the digest and may send it. `done`: it was sent (or permanently rejected).
 * `in-flight`: another sender holds a live claim; try again after its lease runs out.
 */
export type ClaimResult = 'claimed' | 'done' | 'in-flight';

export interface DigestLedger {
  /**
   * Claims the digest for one subscriber and period, or takes over a claim whose lease has run out.
   * `paperIds` are the papers the digest shows; `moreIds` those it only counts by its "more" links, which
   * lead to the pages that show them (kept so that an audit can tell every paper of the period was offered).
   */
  claim(subscriberId: string, period: string, paperIds: string[], now: string, moreIds?: string[], followUps?: string[]): Promise<ClaimResult>;
  markSent(subscriberId: string, period: string, messageId: string, now: string): Promise<void>;
  /** Records that SES refused this digest for good, so it is neither retried nor sent again. */
  markRejected(subscriberId: string, period: string, reason: string, now: string): Promise<void>;
  /** Releases a claim whose send failed, so a retry can send it. */
  release(subscriberId: string, period: string): Promise<void>;
  /**
   * Ids of papers already sent (or being sent) to the subscriber, leaving out the digest of `exceptPeriod`:
   * the period being sent must not count its own crashed claim as sent, or the retry would find nothing new.
   */
  sentPaperIds(subscriberId: string, exceptPeriod?: string, window?: LedgerWindow): Promise<Set<string>>;
  /** The same read, in detail: what was offered, what was shown and when, and the follow-ups sent. */
  history(subscriberId: string, exceptPeriod?: string, window?: LedgerWindow): Promise<LedgerHistory>;
}

export interface LedgerHistory {
  /** Papers shown or counted under "more" (never to be offered again). */
  offered: Set<string>;
  /** Papers shown, with the earliest claim time of a digest that showed each. */
  shown: Map<string, string>;
  /** Follow-ups already sent, as `followUpKey` writes them ("code:<paper id>", "trending:<paper id>"). */
  followUps: Set<string>;
}

/**
 * The part of a subscriber's ledger a digest must read: digests of periods from `fromDay` on (every
 * daily period on or after it, and every ISO week that ends on or after it). `weekly` says the
 * subscriber's own digests are weekly, so the store can read the weeks without the year's daily keys
 * and the days without the year's weekly keys. Without a window the whole history is read (audits).
 */
export interface LedgerWindow {
  fromDay: string;
  weekly: boolean;
}

export interface RunLog {
  record(run: RunRecord): Promise<void>;
  latest(kind: string): Promise<RunRecord | undefined>;
}

/** Per-source memory between runs: the conditional GET validators. */
export interface SourceStateRepository {
  get(sourceId: string): Promise<SourceState | undefined>;
  put(sourceId: string, state: SourceState): Promise<void>;
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
  /** The day (YYYY-MM-DD, owner's time zone) the digest is for; default: today. */
  day?: string;
}

export interface RateLimiter {
  /**
   * Counts one hit on `key` in the current fixed window of `windowSeconds`; `allowed` is false once
   * `limit` hits are in. Windows are keyed by their start, so expiry is decided in code, not by TTL.
   */
  hit(key: string, limit: number, windowSeconds: number, now: Date): Promise<{ allowed: boolean; retryAfterSeconds: number }>;
}

/**
 * Hands a sign-up to its work (look the address up, write the subscriber, send the email): the API
 * answers once a sign-up is handed over, so its answer takes the same time whatever the address's state.
 * In the cloud an asynchronous invocation of process-signups (Lambda retries it and keeps what fails
 * every retry); locally the runner calls process-signups itself.
 */
export interface SignupQueue {
  enqueue(request: { email: string; topics: string[]; frequency: Frequency }): Promise<void>;
}

/** A digest job waiting to be sent. */
export interface PendingDigestJob extends DigestJob {
  /** Sends started for it so far. Counted before each send, so a sender that died while sending counts too. */
  attempts: number;
  /** Not to be tried before this time (ISO), after a failed attempt. */
  notBefore?: string;
  lastError?: string;
}

/** A digest job given up after too many attempts, kept for the owner (`paperboy status`). */
export interface FailedDigestJob extends DigestJob {
  attempts: number;
  failedAt: string;
  error: string;
}

/**
 * Where plan-digests leaves the day's jobs and the one sender takes them from. Nothing polls it: the
 * planner starts the sender, and the sender stops when no job is left.
 */
export interface DigestJobStore {
  /** Adds jobs; adding a job that is already pending makes it due again with no attempts (re-running a day). */
  add(jobs: DigestJob[]): Promise<void>;
  /**
   * Pending jobs in key order (oldest day first), `limit` at a time, after `after` when given. Read
   * consistently: a job added before the call is seen.
   */
  pending(limit: number, after?: DigestJob): Promise<PendingDigestJob[]>;
  /** Counts an attempt before sending it; the new count, or undefined when the job is no longer pending. */
  begin(job: DigestJob): Promise<number | undefined>;
  /** The job is done (sent, or nothing to send): removed. */
  finish(job: DigestJob): Promise<void>;
  /** The attempt failed: the job waits until `notBefore`. */
  defer(job: DigestJob, notBefore: string, error: string): Promise<void>;
  /** Given up: kept in the failed list for the owner, and no longer pending. */
  fail(job: DigestJob, attempts: number, error: string, at: string): Promise<void>;
  /** Jobs given up, newest day first. */
  failed(limit?: number): Promise<FailedDigestJob[]>;
}

/**
 * The send lease: one sender at a time per account sends digests, so one pacer spends the SES rate.
 * Times are epoch milliseconds; expiry is decided in code (no TTL).
 */
export interface SendLease {
  /**
   * Takes the lease when it is free or has expired. Returns the earliest time the next send may go, as
   * the previous holder left it, or undefined when another sender holds the lease.
   */
  acquire(holder: string, now: number, ttlMs: number): Promise<{ nextSendAt: number } | undefined>;
  /** Extends the lease and records where pacing is; false when the lease is no longer this holder's. */
  renew(holder: string, now: number, ttlMs: number, nextSendAt: number): Promise<boolean>;
  /** Gives the lease up, recording where pacing left off for the next holder. */
  release(holder: string, nextSendAt: number): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Where tokens and ids get their randomness: crypto in service; a simulation passes `seededBytes` to repeat itself. */
export type RandomBytes = (size: number) => Buffer;

export const systemRandomBytes: RandomBytes = (size) => randomBytes(size);

/** Daily counts of paperboy's mail: what it sent, and the hard bounces and complaints SES reported. */
export interface MailStatsRepository {
  add(day: string, counts: Partial<Record<'sent' | 'bounces' | 'complaints', number>>): Promise<void>;
  /** The days from `fromDay` on that have counts, oldest first. */
  since(fromDay: string): Promise<import('./reputation.js').MailDayCounts[]>;
}

/** The CDN in front of the site (CloudFront): it keeps the private feeds until told to drop them. */
export interface EdgeCache {
  /**
   * Asks every edge to drop what it keeps of these paths (exact, or ending in `*`), every query-string
   * variant of each. Resolves once the request is accepted, before the edges have acted.
   */
  invalidate(paths: readonly string[]): Promise<void>;
}
