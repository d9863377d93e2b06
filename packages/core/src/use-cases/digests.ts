/** Use cases: plan who is due a digest, then select, render and send one digest exactly once. */
import { addDays, dayInZone, isoWeek, weekdayOf, type Weekday } from '../dates.js';
import type { EmailMessage, Frequency, Paper, Subscriber } from '../model.js';
import type { Clock, DigestJob, DigestLedger, JobQueue, Mailer, PaperRepository, SubscriberRepository } from '../ports.js';
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
  queue: JobQueue;
  clock: Clock;
  settings: Pick<DigestSettings, 'timezone' | 'weeklyDay'>;
}): Promise<{ daily: number; weekly: number }> {
  const today = dayInZone(deps.clock.now(), deps.settings.timezone);
  const due: Frequency[] = weekdayOf(today) === deps.settings.weeklyDay ? ['daily', 'weekly'] : ['daily'];
  const counts = { daily: 0, weekly: 0 };
  for (const frequency of due) {
    const subs = await deps.subscribers.listActive(frequency);
    const jobs: DigestJob[] = subs.map((s) => ({ subscriberId: s.id, period: periodFor(frequency, today) }));
    await deps.queue.enqueue(jobs);
    counts[frequency] = jobs.length;
  }
  return counts;
}

export interface DigestSelection {
  papers: Paper[];
  moreByTopic: Record<string, number>;
}

/**
 * The papers a subscriber has not had: first seen since their previous digest (or, for a first digest,
 * since one period before they confirmed), listed within the window, on their topics, never sent before.
 * Ordered by upvotes, then listing day; capped, with the rest counted per topic.
 */
export function selectDigestPapers(input: {
  subscriber: Subscriber;
  candidates: Paper[];
  alreadySent: Set<string>;
  maxPapers: number;
}): DigestSelection {
  const { subscriber } = input;
  const periodMs = (subscriber.frequency === 'weekly' ? 7 : 1) * 86_400_000;
  const since =
    subscriber.lastDigestAt ??
    new Date(Date.parse(subscriber.confirmedAt ?? subscriber.createdAt) - periodMs).toISOString();
  const topics = new Set(subscriber.topics);
  const eligible = input.candidates
    .filter((p) => p.firstSeenAt > since && !input.alreadySent.has(p.id) && p.tags.some((t) => topics.has(t)))
    .sort(
      (a, b) =>
        (b.upvotes ?? 0) - (a.upvotes ?? 0) ||
        b.listedOn.localeCompare(a.listedOn) ||
        a.title.localeCompare(b.title) ||
        a.id.localeCompare(b.id),
    );
  const papers = eligible.slice(0, input.maxPapers);
  const moreByTopic: Record<string, number> = {};
  for (const p of eligible.slice(input.maxPapers)) {
    const slug = subscriber.topics.find((t) => p.tags.includes(t))!;
    moreByTopic[slug] = (moreByTopic[slug] ?? 0) + 1;
  }
  return { papers, moreByTopic };
}

export type DigestOutcome = 'sent' | 'empty' | 'duplicate' | 'inactive';

export interface RenderDigestInput {
  subscriber: Subscriber;
  topics: Topic[];
  selection: DigestSelection;
  period: string;
}

export async function sendDigest(
  job: DigestJob,
  deps: {
    subscribers: SubscriberRepository;
    papers: PaperRepository;
    ledger: DigestLedger;
    mailer: Mailer;
    clock: Clock;
    topics: Topic[];
    settings: DigestSettings;
    render: (input: RenderDigestInput) => EmailMessage;
  },
): Promise<DigestOutcome> {
  const subscriber = await deps.subscribers.get(job.subscriberId);
  if (!subscriber || subscriber.status !== 'active') return 'inactive';
  const now = deps.clock.now();
  const today = dayInZone(now, deps.settings.timezone);
  const candidates = await deps.papers.listListedSince(addDays(today, -deps.settings.windowDays));
  const selection = selectDigestPapers({
    subscriber,
    candidates,
    alreadySent: await deps.ledger.sentPaperIds(subscriber.id),
    maxPapers: deps.settings.maxPapers,
  });
  if (selection.papers.length === 0 && !deps.settings.sendWhenEmpty) return 'empty';

  const ids = [...selection.papers.map((p) => p.id)];
  // The claim is the exactly-once guard: a second delivery of the same job finds it taken.
  if (!(await deps.ledger.claim(subscriber.id, job.period, ids, now.toISOString()))) return 'duplicate';
  const topics = subscriber.topics.map((slug) => deps.topics.find((t) => t.slug === slug)).filter((t): t is Topic => !!t);
  let messageId: string;
  try {
    ({ messageId } = await deps.mailer.send(deps.render({ subscriber, topics, selection, period: job.period })));
  } catch (err) {
    await deps.ledger.release(subscriber.id, job.period);
    throw err;
  }
  const sentAt = deps.clock.now().toISOString();
  await deps.ledger.markSent(subscriber.id, job.period, messageId, sentAt);
  await deps.subscribers.recordDigest(subscriber.id, now.toISOString());
  return 'sent';
}
