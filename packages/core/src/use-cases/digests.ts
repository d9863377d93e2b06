/** Use cases: plan who is due a digest, then select, render and send one digest exactly once. */
import { addDays, dayInZone, isoWeek, weekdayOf, type Weekday } from '../dates.js';
import type { EmailMessage, Frequency, Paper, Subscriber } from '../model.js';
import { compareByRank } from '../ranking.js';
import type { Clock, DigestJob, DigestJobStore, DigestLedger, LedgerWindow, Mailer, PaperRepository, SubscriberRepository } from '../ports.js';
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

export interface DigestSelection {
  papers: Paper[];
  /**
   * The eligible papers past `maxPapers`, not shown but counted by the digest's "more" links: listing day ->
   * the subscriber's topic each counts under -> how many. Each day's link goes to that day's page, which
   * shows every paper of the day.
   */
  moreByDay: Record<string, Record<string, number>>;
  /** Ids of the papers counted by "more", recorded in the ledger beside the ids shown. */
  moreIds: string[];
}

/** Rules 1 and 3 of the selection: first seen (or given one of their topics) since their previous digest, on their topics. */
function newToSubscriber(subscriber: Subscriber, candidates: Paper[]): Paper[] {
  const periodMs = (subscriber.frequency === 'weekly' ? 7 : 1) * 86_400_000;
  const since =
    subscriber.lastDigestAt ??
    new Date(Date.parse(subscriber.confirmedAt ?? subscriber.createdAt) - periodMs).toISOString();
  const topics = new Set(subscriber.topics);
  return candidates.filter((p) => (p.firstSeenAt > since || (p.retaggedAt ?? '') > since) && p.tags.some((t) => topics.has(t)));
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
  for (const p of newToSubscriber(subscriber, candidates)) if (oldest === undefined || p.firstSeenAt < oldest) oldest = p.firstSeenAt;
  if (oldest === undefined) return undefined;
  const firstDay = dayInZone(new Date(oldest), timezone);
  return { fromDay: addDays(firstDay, -(MAX_JOB_AGE_DAYS + 1)), weekly: subscriber.frequency === 'weekly' };
}

/**
 * The papers a subscriber has not had: first seen (or given new topics) since their previous digest (or,
 * for a first digest, since one period before they confirmed), listed within the window, on their topics,
 * never sent or counted under "more" before.
 * Ordered by `compareByRank` (upvotes, then listing day, then the source's order); capped, with the rest counted per topic.
 */
export function selectDigestPapers(input: {
  subscriber: Subscriber;
  candidates: Paper[];
  alreadySent: Set<string>;
  maxPapers: number;
}): DigestSelection {
  const { subscriber } = input;
  const eligible = newToSubscriber(subscriber, input.candidates)
    .filter((p) => !input.alreadySent.has(p.id))
    .sort(compareByRank);
  const papers = eligible.slice(0, input.maxPapers);
  const more = eligible.slice(input.maxPapers);
  const moreByDay: Record<string, Record<string, number>> = {};
  for (const p of more) {
    const slug = subscriber.topics.find((t) => p.tags.includes(t))!;
    const day = (moreByDay[p.listedOn] ??= {});
    day[slug] = (day[slug] ?? 0) + 1;
  }
  return { papers, moreByDay, moreIds: more.map((p) => p.id) };
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
  const cache = new Map<string, { at: number; value: Promise<{ papers: Paper[]; readAt: string }> }>();
  return (sinceDay) => {
    const now = clock.now();
    const hit = cache.get(sinceDay);
    if (hit && now.getTime() - hit.at < ttlMs && now.getTime() >= hit.at) return hit.value;
    const value = papers.listListedSince(sinceDay).then((list) => ({ papers: list, readAt: now.toISOString() }));
    value.catch(() => cache.delete(sinceDay));
    cache.set(sinceDay, { at: now.getTime(), value });
    return value;
  };
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
  const selection = selectDigestPapers({
    subscriber,
    candidates,
    alreadySent: window ? await deps.ledger.sentPaperIds(subscriber.id, job.period, window) : new Set(),
    maxPapers: deps.settings.maxPapers,
  });
  if (selection.papers.length === 0 && !deps.settings.sendWhenEmpty) return 'empty';

  // Issued (once) before the claim: a failure here claims nothing, and the job's retry issues the same token.
  const issued = deps.feedToken ? await deps.feedToken(subscriber) : undefined;

  const ids = selection.papers.map((p) => p.id);
  // The claim is the exactly-once guard: a second delivery of the same job finds it taken.
  const claim = await deps.ledger.claim(subscriber.id, job.period, ids, now.toISOString(), selection.moreIds);
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
  const message = deps.render({ subscriber: current, topics, selection, period: job.period, feedToken });
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
