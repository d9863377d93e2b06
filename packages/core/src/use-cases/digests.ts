/** Use cases: plan who is due a digest, then select, render and send one digest exactly once. */
import { addDays, dayInZone, isoWeek, weekdayOf, type Weekday } from '../dates.js';
import type { EmailMessage, Frequency, Paper, Subscriber } from '../model.js';
import { followMatcher, type MatchReason } from '../follows.js';
import { compareByRank } from '../ranking.js';
import { ttlCache } from '../ttl-cache.js';
import type { Clock, DigestJob, DigestJobStore, DigestLedger, LedgerHistory, LedgerWindow, Mailer, PaperRepository, SubscriberRepository } from '../ports.js';
import { isPermanentRejection } from '../sending.js';
import type { Topic } from '../taxonomy.js';

export interface DigestSettings {
  timezone: string;
  weeklyDay: Weekday;
  windowDays: number;
  maxPapers: number;
  sendWhenEmpty: boolean;
}

export function periodFor(frequency: Frequency, day: string): string {
  return frequency === 'daily' ? day : isoWeek(day);
}

export async function planDigests(deps: {
  subscribers: SubscriberRepository;
  jobs: Pick<DigestJobStore, 'add'>;
  clock: Clock;
  settings: Pick<DigestSettings, 'timezone' | 'weeklyDay'>;
  /** The day to plan (YYYY-MM-DD); default: today in the owner's time zone. Re-running a day is safe. */
  day?: string;
}): Promise<{ daily: number; weekly: number }> {
  const today = deps.day ?? dayInZone(deps.clock.now(), deps.settings.timezone);
  const due: Frequency[] = weekdayOf(today) === deps.settings.weeklyDay ? ['daily', 'weekly'] : ['daily'];
  const counts = { daily: 0, weekly: 0 };
  for (const frequency of due) {
    // One query per frequency on the ACTIVE#<frequency> index partition: never a scan of the table.
    const ids = await deps.subscribers.listActiveIds(frequency);
    const jobs: DigestJob[] = ids.map((subscriberId) => ({ subscriberId, period: periodFor(frequency, today), day: today }));
    await deps.jobs.add(jobs);
    counts[frequency] = jobs.length;
  }
  return counts;
}

/**
 * The "more" bucket of a paper a subscriber gets for a keyword or an author only, not for any of their topics
 * (a topic slug never has a colon). Mail names it ("matching your keywords", "by your authors").
 */
export const MORE_BY_KEYWORD = ':keywords';
export const MORE_BY_AUTHOR = ':authors';

export interface DigestSelection {
  papers: Paper[];
  /**
   * Why each paper shown is in the digest, by paper id: the subscriber's topics it carries, the keyword
   * phrases it contains, the authors it is by (`followMatcher(subscriber).reasons`), never empty.
   */
  reasons: Record<string, MatchReason[]>;
  /**
   * The eligible papers past `maxPapers`, not shown but counted by the digest's "more" links: listing day ->
   * the subscriber's topic each counts under (its first one the paper carries; else MORE_BY_KEYWORD or
   * MORE_BY_AUTHOR, by what matched) -> how many. Each day's link goes to that day's page, which shows every
   * paper of the day.
   */
  moreByDay: Record<string, Record<string, number>>;
  /** Ids of the papers counted by "more", recorded in the ledger beside the ids shown. */
  moreIds: string[];
}

/** Since when papers are new to a subscriber: their previous digest, or one period before they confirmed. */
function newSince(subscriber: Subscriber): string {
  const periodMs = (subscriber.frequency === 'weekly' ? 7 : 1) * 86_400_000;
  return subscriber.lastDigestAt ?? new Date(Date.parse(subscriber.confirmedAt ?? subscriber.createdAt) - periodMs).toISOString();
}

/**
 * Rules 1 and 3 of the selection: first seen (or retagged) since their previous digest, and followed by them
 * (a topic, a keyword phrase or an author: `followMatcher`, the one test the private feed uses too).
 */
function newToSubscriber(subscriber: Subscriber, candidates: Paper[], matcher = followMatcher(subscriber)): Paper[] {
  const since = newSince(subscriber);
  return candidates.filter((p) => (p.firstSeenAt > since || (p.retaggedAt ?? '') > since) && matcher.matches(p));
}

/**
 * The oldest job a sender still sends, in days before today (in the owner's time zone). A job waits at most
 * about an hour between its attempts, so only a hand-planned older day is refused (and a job left pending
 * while nothing sent for two weeks, which is then finished without sending). The bound is what lets a
 * digest read only a window of the ledger.
 */
export const MAX_JOB_AGE_DAYS = 14;

/**
 * The ledger a digest must read to know which of these candidates the subscriber already had, or
 * undefined when none is new to them (nothing to check).
 *
 * A paper can only have gone out in a digest that read it, so after it was stored (`firstSeenAt`); a
 * digest is sent at most MAX_JOB_AGE_DAYS after its day. So a paper first seen on day F can only be in
 * the ledger under a period from F - MAX_JOB_AGE_DAYS on (one day more for clock skew). Reading from the
 * oldest such day of the papers in question keeps the read bounded by the digest window (the candidates
 * are the papers listed in it, nearly all first seen since the previous digest), however long the
 * subscriber's history: a year of daily digests used to make each send read 375 ledger items.
 */
export function ledgerWindow(subscriber: Subscriber, candidates: Paper[], timezone: string): LedgerWindow | undefined {
  let oldest: string | undefined;
  // Follow-ups look for the digest that showed a paper, sent after it was first seen: the same bound holds.
  const relevant = [...newToSubscriber(subscriber, candidates), ...followUpCandidates(subscriber, candidates)];
  for (const p of relevant) if (oldest === undefined || p.firstSeenAt < oldest) oldest = p.firstSeenAt;
  if (oldest === undefined) return undefined;
  const firstDay = dayInZone(new Date(oldest), timezone);
  return { fromDay: addDays(firstDay, -(MAX_JOB_AGE_DAYS + 1)), weekly: subscriber.frequency === 'weekly' };
}

/**
 * The papers a subscriber has not had: first seen (or given new topics) since their previous digest (or,
 * for a first digest, since one period before they confirmed), listed within the window, on their topics or
 * matching their keyword phrases or authors, never sent or counted under "more" before.
 * Ordered by `compareByRank` (upvotes, then listing day, then the source's order); capped, with the rest counted per topic.
 */
export function selectDigestPapers(input: {
  subscriber: Subscriber;
  candidates: Paper[];
  alreadySent: Set<string>;
  maxPapers: number;
}): DigestSelection {
  const { subscriber } = input;
  const matcher = followMatcher(subscriber);
  const eligible = newToSubscriber(subscriber, input.candidates, matcher)
    .filter((p) => !input.alreadySent.has(p.id))
    .sort(compareByRank);
  const papers = eligible.slice(0, input.maxPapers);
  const more = eligible.slice(input.maxPapers);
  const reasons: Record<string, MatchReason[]> = {};
  for (const p of papers) reasons[p.id] = matcher.reasons(p);
  const moreByDay: Record<string, Record<string, number>> = {};
  for (const p of more) {
    // Reasons come topics first (in the subscriber's order), then keywords, then authors.
    const first = matcher.reasons(p)[0]!;
    const bucket = first.kind === 'topic' ? first.slug : first.kind === 'keyword' ? MORE_BY_KEYWORD : MORE_BY_AUTHOR;
    const day = (moreByDay[p.listedOn] ??= {});
    day[bucket] = (day[bucket] ?? 0) + 1;
  }
  return { papers, reasons, moreByDay, moreIds: more.map((p) => p.id) };
}

export type FollowUpKind = 'code' | 'trending';

/** A paper the subscriber was sent that has news since: its code came out, or it passed the trending line. */
export interface FollowUp {
  kind: FollowUpKind;
  paper: Paper;
}

/** The ledger's record of a follow-up, so it is sent once. */
export const followUpKey = (kind: FollowUpKind, paperId: string) => `${kind}:${paperId}`;

const EVENT_AT: Record<FollowUpKind, (p: Paper) => string | undefined> = { code: (p) => p.codeAddedAt, trending: (p) => p.trendingAt };

/** Candidates with news since the subscriber's previous digest, for one who opted in (before the ledger says which they had). */
function followUpCandidates(subscriber: Subscriber, candidates: Paper[]): Paper[] {
  if (!subscriber.followUps) return [];
  const since = newSince(subscriber);
  return candidates.filter((p) => (p.codeAddedAt ?? '') > since || (p.trendingAt ?? '') > since);
}

/**
 * Follow-ups for one digest: each paper the subscriber was shown in an earlier digest whose code came out, or
 * which passed `digest.trendingUpvotes`, after that digest, and whose follow-up of that kind they have not had.
 * Ordered like papers (`compareByRank`), at most `maxPapers`.
 */
export function selectFollowUps(input: { subscriber: Subscriber; candidates: Paper[]; history: LedgerHistory; maxPapers: number }): FollowUp[] {
  const out: FollowUp[] = [];
  for (const paper of followUpCandidates(input.subscriber, input.candidates).sort(compareByRank)) {
    const shownAt = input.history.shown.get(paper.id);
    if (shownAt === undefined) continue;
    for (const kind of ['code', 'trending'] as const) {
      const at = EVENT_AT[kind](paper);
      if (at !== undefined && at > shownAt && !input.history.followUps.has(followUpKey(kind, paper.id))) out.push({ kind, paper });
    }
  }
  return out.slice(0, input.maxPapers);
}

/** `expired`: the job's day is more than MAX_JOB_AGE_DAYS ago; nothing is sent and its papers go to the next digest. */
export type DigestOutcome = 'sent' | 'empty' | 'duplicate' | 'inactive' | 'rejected' | 'expired';

/** Another sender holds a live claim on this digest (or crashed holding it): retry after the lease. */
export class DigestInFlightError extends Error {
  override name = 'DigestInFlightError';
}

export interface RenderDigestInput {
  subscriber: Subscriber;
  /** The subscriber's private feed token, for the email's feed links (issued on first use). */
  feedToken?: string;
  topics: Topic[];
  selection: DigestSelection;
  /** Follow-ups on papers sent before ("Updates"), for a subscriber who opted in. */
  followUps: FollowUp[];
  period: string;
}

/** Papers listed since a day, and when they were read (the next digest counts papers first seen after that). */
export type CandidateSource = (sinceDay: string) => Promise<{ papers: Paper[]; readAt: string }>;

/**
 * Reads the window's papers at most once per `ttlMs` (one warm sender container serves many jobs).
 * Safe because each digest records the time the papers were read, not the time it was sent: a paper
 * stored after the read is picked up by the next digest, and the ledger keeps anything from going twice.
 */
export function cachedCandidates(papers: Pick<PaperRepository, 'listListedSince'>, clock: Clock, ttlMs = 60_000): CandidateSource {
  return ttlCache(clock, ttlMs, (sinceDay: string) => {
    const readAt = clock.now().toISOString();
    return papers.listListedSince(sinceDay).then((list) => ({ papers: list, readAt }));
  });
}

export interface SendDigestDeps {
  subscribers: SubscriberRepository;
  papers: Pick<PaperRepository, 'listListedSince'>;
  /** Where candidate papers come from (default: read from `papers` for each job). */
  candidates?: CandidateSource;
  ledger: DigestLedger;
  mailer: Mailer;
  clock: Clock;
  topics: Topic[];
  settings: DigestSettings;
  render: (input: RenderDigestInput) => EmailMessage;
  /** Called for each permanent rejection, which is recorded and does not fail the job. */
  onRejected?: (job: DigestJob, error: unknown) => void;
  /** The subscriber's private feed token, issued on first use and the same on every retry (ensureFeedToken). */
  feedToken?: (subscriber: Subscriber) => Promise<string | undefined>;
}

/**
 * Sends one subscriber's digest for one period at most once:
 * claim in the ledger (conditional put) -> re-check the subscriber -> send -> mark sent.
 * A failed send releases the claim so a retry can send it; a crash leaves a claim that a later
 * attempt takes over once its lease has run out. Throws on errors worth retrying. Throttling is retried
 * by the mailer the sender passes (in line at its pacer), never here: one retry layer.
 */
export async function sendDigest(job: DigestJob, deps: SendDigestDeps): Promise<DigestOutcome> {
  const subscriber = await deps.subscribers.get(job.subscriberId);
  if (!subscriber || subscriber.status !== 'active') return 'inactive';
  const now = deps.clock.now();
  const today = dayInZone(now, deps.settings.timezone);
  const day = job.day ?? today;
  // Refused before the claim, so the ledger never holds a digest sent long after its day (see ledgerWindow).
  if (day < addDays(today, -MAX_JOB_AGE_DAYS)) return 'expired';
  const since = addDays(day, -deps.settings.windowDays);
  const { papers: candidates, readAt } = deps.candidates
    ? await deps.candidates(since)
    : { papers: await deps.papers.listListedSince(since), readAt: now.toISOString() };
  const window = ledgerWindow(subscriber, candidates, deps.settings.timezone);
  const history = window ? await deps.ledger.history(subscriber.id, job.period, window) : { offered: new Set<string>(), shown: new Map<string, string>(), followUps: new Set<string>() };
  const selection = selectDigestPapers({ subscriber, candidates, alreadySent: history.offered, maxPapers: deps.settings.maxPapers });
  const followUps = selectFollowUps({ subscriber, candidates, history, maxPapers: deps.settings.maxPapers });
  // A follow-up alone sends a digest only to a subscriber who asked for that.
  const worthSending = selection.papers.length > 0 || (followUps.length > 0 && subscriber.followUps === 'always');
  if (!worthSending && !deps.settings.sendWhenEmpty) return 'empty';

  // Issued (once) before the claim: a failure here claims nothing, and the job's retry issues the same token.
  const issued = deps.feedToken ? await deps.feedToken(subscriber) : undefined;

  const ids = selection.papers.map((p) => p.id);
  // The claim is the exactly-once guard: a second delivery of the same job finds it taken. It records the
  // follow-ups too, so none is sent twice.
  const keys = followUps.map((f) => followUpKey(f.kind, f.paper.id));
  const claim = await deps.ledger.claim(subscriber.id, job.period, ids, now.toISOString(), selection.moreIds, keys);
  if (claim === 'done') return 'duplicate';
  if (claim === 'in-flight') throw new DigestInFlightError(`digest ${job.period} for ${subscriber.id} is being sent by another attempt`);

  // An unsubscribe (or suppression) may have landed since we read the subscriber: look again, now that we hold the claim.
  const current = await deps.subscribers.get(subscriber.id);
  if (!current || current.status !== 'active') {
    await deps.ledger.release(subscriber.id, job.period);
    return 'inactive';
  }

  const topics = current.topics.map((slug) => deps.topics.find((t) => t.slug === slug)).filter((t): t is Topic => !!t);
  // From the subscriber as read now (a new address asked for meanwhile is the one to link): derived from its stored key, no write.
  const feedToken = deps.feedToken && current.feedKey !== subscriber.feedKey ? await deps.feedToken(current) : issued;
  const message = deps.render({ subscriber: current, topics, selection, followUps: current.followUps ? followUps : [], period: job.period, feedToken });
  let messageId: string;
  try {
    ({ messageId } = await deps.mailer.send(message));
  } catch (err) {
    if (isPermanentRejection(err)) {
      await deps.ledger.markRejected(subscriber.id, job.period, String((err as Error).message ?? err).slice(0, 500), deps.clock.now().toISOString());
      deps.onRejected?.(job, err);
      return 'rejected';
    }
    await deps.ledger.release(subscriber.id, job.period);
    throw err;
  }
  const sentAt = deps.clock.now().toISOString();
  await deps.ledger.markSent(subscriber.id, job.period, messageId, sentAt);
  // The read time, not the send time: papers stored after the read are still new to the next digest.
  await deps.subscribers.recordDigest(subscriber.id, readAt < now.toISOString() ? readAt : now.toISOString());
  return 'sent';
}
