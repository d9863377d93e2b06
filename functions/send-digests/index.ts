/**
 * Lambda (asynchronous: from plan-digests, or from itself): send every pending digest job exactly once,
 * as the only sender, at the SES rate. Any number of invocations may start at once: the one that takes the
 * send lease sends, the others stop at once (see `drainDigestJobs`). Near its timeout it releases the lease
 * and invokes itself to go on.
 */
import { asyncInvoker, invokedAs } from '@paperboy/aws';
import {
  cachedCandidates,
  countMail,
  dayInZone,
  drainDigestJobs,
  readHealthNotices,
  ensureFeedToken,
  privateFeedUrls,
  realSleep,
  subscriberLinks,
  type DigestJob,
  type DigestJobStore,
  type DigestOutcome,
  type DrainSummary,
  type RenderDigestInput,
  type SendLease,
  type Sleep,
} from '@paperboy/core';
import { renderDigestEmail } from '@paperboy/mail';
import type { BaseRuntime, Runtime } from '../commons/runtime.js';
import { lambdaMailer, lambdaRuntime, lambdaSecret } from '../commons/lambda-runtime.js';

/** What starts a sender carries nothing it needs: the jobs are in the table. `reason` is for the logs. */
export interface SendDigestsEvent {
  reason?: string;
}

/** The part of Lambda's context the sender reads. */
export interface SendContext {
  functionName: string;
  getRemainingTimeInMillis(): number;
}

export interface SendExtras {
  onOutcome?: (outcome: DigestOutcome, job: DigestJob) => void;
  /** Sends per second; default digest.sendRatePerSecond. Infinity: no pacing (CPU benchmarks). */
  ratePerSecond?: number;
  /** Waits of the pacer and of retries (default: real timers; the simulation and tests pass their clock's). */
  sleep?: Sleep;
  /** Jobs in progress at once (default from the rate; the simulation passes 1 so a seed repeats exactly). */
  workers?: number;
  /** Wait for jobs whose retry time has not come (default true, as in Lambda); local runs report them instead. */
  waitForDeferred?: boolean;
  /** Starts a fresh sender when this one stops at its deadline (default in Lambda: invoke itself). */
  handOver?: () => Promise<void>;
  /** Stop taking jobs near this time (epoch ms); default from the Lambda context, else none. */
  deadline?: number;
  jobs?: DigestJobStore;
  lease?: SendLease;
  /** How long a container reuses the papers it read (default 60 s). */
  candidatesTtlMs?: number;
}

export function makeHandler(rt: BaseRuntime & Pick<Runtime, 'mailer' | 'secret'>, extras: SendExtras = {}) {
  const jobs = extras.jobs ?? rt.jobs;
  const lease = extras.lease ?? rt.sendLease;
  // The window's papers are the same for every job: read them at most once a minute per warm container.
  const candidates = cachedCandidates(rt.papers, rt.clock, extras.candidatesTtlMs ?? 60_000);

  return invokedAs('send-digests', async (event: SendDigestsEvent = {}, context?: SendContext): Promise<DrainSummary> => {
    const secret = await rt.secret();
    const { site, digest, schedule } = rt.config.owner;
    // What readers are told about the sources (one failing, stale or quiet): read once per run, in every digest of it.
    const notices = (
      await readHealthNotices({ owner: rt.config.owner, runsIn: rt.config.runsIn, sourceStates: rt.sourceStates, now: rt.clock.now() })
    ).map((n) => n.text);
    const render = ({ subscriber, topics, selection, followUps, period, feedToken }: RenderDigestInput) =>
      renderDigestEmail({
        to: subscriber.email,
        site: { title: site.title, url: rt.config.siteUrl },
        topics,
        keywords: subscriber.keywords,
        authors: subscriber.authors,
        papers: selection.papers,
        reasons: selection.reasons,
        moreByDay: selection.moreByDay,
        updates: followUps,
        frequency: subscriber.frequency,
        period,
        notices,
        ...subscriberLinks({ siteUrl: rt.config.siteUrl, secret }, subscriber.id),
        ...(feedToken ? { feedUrls: privateFeedUrls(rt.config.siteUrl, feedToken) } : {}),
      });
    const now = () => rt.clock.now().getTime();
    const self = context ? asyncInvoker(rt.config.region, context.functionName) : undefined;
    const summary = await drainDigestJobs({
      jobs,
      lease,
      send: {
        subscribers: rt.subscribers,
        papers: rt.papers,
        candidates,
        ledger: rt.ledger,
        mailer: rt.mailer,
        clock: rt.clock,
        topics: rt.config.taxonomy.topics,
        settings: { ...digest, timezone: schedule.timezone },
        render,
        feedToken: (subscriber) => ensureFeedToken(subscriber, { subscribers: rt.subscribers, feedTokens: rt.feedTokens, secret, randomBytes: rt.randomBytes }),
        onRejected: (j, err) => rt.logger.warn('digest rejected by SES', { subscriberId: j.subscriberId, period: j.period, error: String(err) }),
      },
      ratePerSecond: extras.ratePerSecond ?? digest.sendRatePerSecond,
      holder: `send-digests:${rt.randomBytes(8).toString('hex')}`,
      now,
      sleep: extras.sleep ?? realSleep,
      deadline: extras.deadline ?? (context ? now() + context.getRemainingTimeInMillis() : undefined),
      handOver: extras.handOver ?? (self && (() => self({ reason: 'handover' }))),
      waitForDeferred: extras.waitForDeferred,
      workers: extras.workers,
      onOutcome: extras.onOutcome,
      log: rt.logger,
    });
    // The run's emails, counted once toward the week's bounce and complaint rates (ses-events checks them).
    await countMail({ sent: summary.outcomes.sent }, { mailStats: rt.mailStats, today: dayInZone(rt.clock.now(), schedule.timezone) });
    rt.logger.info('digests sent', { reason: event?.reason, ...summary });
    return summary;
  });
}

let cached: ReturnType<typeof makeHandler> | undefined;
export const handler = async (event: SendDigestsEvent, context: SendContext) => (cached ??= makeHandler(cloud()))(event ?? {}, context);

function cloud(): BaseRuntime & Pick<Runtime, 'mailer' | 'secret'> {
  const rt = lambdaRuntime();
  return { ...rt, mailer: lambdaMailer(rt.config), secret: lambdaSecret(rt.config) };
}
