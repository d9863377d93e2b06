/**
 * Use case: drain the pending digest jobs as the one sender of the account.
 *
 * Why one sender: SES counts one send rate per account. Senders that each pace themselves share no
 * budget (measured before this design: the busiest second held twice the rate, and at 1 email/s a strict
 * SES throttled 20 sends and 6 of 30 jobs failed). So a sender first takes the send lease (a conditional
 * write with an expiry, no reserved concurrency needed), and an invocation that finds it held stops at
 * once: the holder looks for jobs again after it lets go, so none is stranded. The holder sends through
 * one pacer, whose next slot travels with the lease to the next holder.
 *
 * Exactly once stays with `sendDigest` (the ledger claim); the job store only says what is left to do.
 * Each attempt is counted before the send, so a job that keeps failing, or keeps killing its sender, is
 * given up after MAX_ATTEMPTS with an ERROR line and kept in the failed list, never dropped silently.
 */
import type { DigestJob, DigestJobStore, Mailer, PendingDigestJob, SendLease } from '../ports.js';
import { Pacer, isThrottling, sendWindow, type Sleep } from '../sending.js';
import { DigestInFlightError, sendDigest, type DigestOutcome, type SendDigestDeps } from './digests.js';

/** Log messages the stack's metric filters and alarms read: a contract, shared with infra. */
export const DIGEST_LOG = {
  /** ERROR: a job given up after MAX_ATTEMPTS (listed by `paperboy status`). */
  gaveUp: 'digest job given up',
  /** WARN: an attempt failed; the job waits and is tried again. */
  retrying: 'digest attempt failed; will retry',
  /** WARN: SES throttled a send; it waits for a later slot, behind the sends already in line. */
  throttled: 'SES throttled; retrying in line',
  /** INFO: one line per finished job. */
  done: 'digest',
} as const;

/** Attempts of one job before it is given up. */
export const MAX_ATTEMPTS = 5;
/** How long the send lease lasts without renewal; a sender renews it every third of that. */
export const SEND_LEASE_MS = 30_000;
/** Jobs read from the store at a time. */
const PAGE = 100;
/** Throttles of one send before the attempt counts as failed. */
const THROTTLE_TRIES = 4;
/** A sender stops taking jobs this long before its deadline: enough for one job and its throttle retries. */
export const HANDOVER_MARGIN_MS = 60_000;

/**
 * The wait after a failed attempt: 1, 4, 16, 16 minutes. A claim left by a sender that died holds for 15
 * minutes (the ledger's lease), so the fourth attempt can take it over before the job is given up.
 */
export function retryDelayMs(attempt: number): number {
  return Math.min(16 * 60_000, 60_000 * 4 ** (attempt - 1));
}

/** Jobs in progress at once inside the one sender: enough that DynamoDB and SES round trips do not slow the rate. */
export function senderWorkers(ratePerSecond: number): number {
  return Number.isFinite(ratePerSecond) ? Math.max(1, Math.min(8, Math.ceil(ratePerSecond / 2))) : 4;
}

export type DrainStop =
  /** No job left: the lease was released and a last look found none. */
  | 'empty'
  /** Another sender holds the lease; it will see the jobs. */
  | 'busy'
  /** Near the deadline: the lease was released for a fresh invocation (`handOver`). */
  | 'deadline'
  /** Only jobs waiting for a retry time are left, and this sender does not wait (`waitForDeferred` false). */
  | 'waiting'
  /** The lease was lost (this sender stalled past its expiry); another sender has the jobs. */
  | 'lost';

export interface DrainSummary {
  outcomes: Record<DigestOutcome, number>;
  /** Attempts that failed and wait for a retry. */
  deferred: number;
  /** Jobs given up. */
  gaveUp: number;
  /** Sends SES throttled (each retried in line). */
  throttles: number;
  stop: DrainStop;
  /** With `waiting`: when the first waiting job is due (epoch ms). */
  nextDueAt?: number;
}

export interface DrainLog {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export interface DrainDeps {
  jobs: DigestJobStore;
  lease: SendLease;
  /** What `sendDigest` needs; its mailer is wrapped in the pacer here. */
  send: SendDigestDeps;
  /** The account's SES rate; Infinity sends unpaced (benchmarks of CPU only). */
  ratePerSecond: number;
  /** This invocation's name in the lease (unique per invocation). */
  holder: string;
  /** Epoch milliseconds: the lease, the pacer and retry times all use this clock. */
  now: () => number;
  sleep: Sleep;
  /** Stop taking jobs HANDOVER_MARGIN_MS before this (epoch ms); default: never. */
  deadline?: number;
  /** Starts a fresh sender after this one stopped at its deadline with jobs left (Lambda: invoke itself). */
  handOver?: () => Promise<void>;
  /** Wait here for jobs whose retry time has not come (Lambda), or stop and report them (local runs). Default true. */
  waitForDeferred?: boolean;
  /** Jobs in progress at once (default `senderWorkers(rate)`). */
  workers?: number;
  onOutcome?: (outcome: DigestOutcome, job: DigestJob) => void;
  log: DrainLog;
}

class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}

const jobFields = (job: DigestJob) => ({ subscriberId: job.subscriberId, period: job.period, ...(job.day ? { day: job.day } : {}) });
const isDue = (job: PendingDigestJob, now: number) => !job.notBefore || Date.parse(job.notBefore) <= now;

/** Sends every pending digest job, as the only sender, at the SES rate. Safe to start any number of times at once. */
export async function drainDigestJobs(deps: DrainDeps): Promise<DrainSummary> {
  const summary: DrainSummary = {
    outcomes: { sent: 0, empty: 0, duplicate: 0, inactive: 0, rejected: 0, expired: 0 },
    deferred: 0,
    gaveUp: 0,
    throttles: 0,
    stop: 'empty',
  };
  const waitForDeferred = deps.waitForDeferred ?? true;
  for (;;) {
    const taken = await deps.lease.acquire(deps.holder, deps.now(), SEND_LEASE_MS);
    if (!taken) return { ...summary, stop: 'busy' };
    const run = new Holding(deps, summary, taken.nextSendAt);
    let stop: DrainStop;
    try {
      stop = await run.drain(waitForDeferred);
    } finally {
      if (!run.lost) await deps.lease.release(deps.holder, run.nextSendAt());
    }
    summary.stop = stop;
    if (stop === 'deadline') {
      await deps.handOver?.();
      return summary;
    }
    if (stop === 'lost') return summary;
    if (stop === 'waiting') {
      summary.nextDueAt = run.nextDueAt;
      return summary;
    }
    // Released with nothing left. A planner that added jobs and found the lease held counted on this look:
    // what it added before its sender gave up is seen here, and this sender takes the lease again.
    const left = await deps.jobs.pending(PAGE);
    const now = deps.now();
    if (!left.some((j) => waitForDeferred || isDue(j, now))) return summary;
  }
}

/** One spell of holding the lease: the pacer, the renewals and the worker pool. */
class Holding {
  lost = false;
  nextDueAt: number | undefined;
  private readonly pacer: Pacer | undefined;
  private lastRenewal: number;
  private renewal: Promise<void> | undefined;

  constructor(
    private readonly deps: DrainDeps,
    private readonly summary: DrainSummary,
    nextSendAt: number,
  ) {
    const rate = deps.ratePerSecond;
    this.pacer = Number.isFinite(rate) ? new Pacer(rate, deps.now, deps.sleep, sendWindow(rate)) : undefined;
    this.pacer?.notBefore(nextSendAt);
    this.lastRenewal = deps.now();
  }

  nextSendAt(): number {
    const next = this.pacer?.nextSlot ?? 0;
    return Number.isFinite(next) ? next : 0;
  }

  private pastDeadline(): boolean {
    return this.deps.deadline !== undefined && this.deps.now() >= this.deps.deadline - HANDOVER_MARGIN_MS;
  }

  /** Renews the lease once a third of it has passed (one renewal at a time); marks it lost when another sender has it. */
  private async keepLease(): Promise<void> {
    if (this.lost) throw new LeaseLostError('the send lease was lost');
    if (this.deps.now() - this.lastRenewal < SEND_LEASE_MS / 3) return;
    this.renewal ??= (async () => {
      const now = this.deps.now();
      const ok = await this.deps.lease.renew(this.deps.holder, now, SEND_LEASE_MS, this.nextSendAt());
      this.lastRenewal = now;
      if (!ok) this.lost = true;
    })().finally(() => (this.renewal = undefined));
    await this.renewal;
    if (this.lost) throw new LeaseLostError('the send lease was lost');
  }

  /** Sleeps `ms`, renewing the lease on the way. */
  private async sleepHolding(ms: number): Promise<void> {
    for (let left = ms; left > 0; ) {
      const step = Math.min(left, SEND_LEASE_MS / 3);
      await this.deps.sleep(step);
      left -= step;
      await this.keepLease();
    }
  }

  /** The mailer `sendDigest` uses: each send waits for its slot; a throttle pushes every later slot back and waits in line again. */
  private pacedMailer(): Mailer {
    const { mailer } = this.deps.send;
    return {
      send: async (message) => {
        for (let tries = 1; ; tries++) {
          // The lease is renewed before the slot, never between the slot and the send (a round trip there made sends late).
          await this.keepLease();
          const answered = (await this.pacer?.take()) ?? (() => {});
          try {
            if (this.lost) throw new LeaseLostError('the send lease was lost');
            return await mailer.send(message);
          } catch (err) {
            if (!isThrottling(err) || tries >= THROTTLE_TRIES) throw err;
            this.summary.throttles++;
            const wait = (this.pacer?.intervalMs ?? 250) * 2 ** tries;
            this.deps.log.warn(DIGEST_LOG.throttled, { waitMs: Math.round(wait), error: String(err) });
            this.pacer?.pushBack(wait);
            if (!this.pacer) await this.deps.sleep(wait);
          } finally {
            answered();
          }
        }
      },
    };
  }

  async drain(waitForDeferred: boolean): Promise<DrainStop> {
    const { jobs, now } = this.deps;
    const send = { ...this.deps.send, mailer: this.pacedMailer() };
    const workers = this.deps.workers ?? senderWorkers(this.deps.ratePerSecond);
    // Passes over the pending jobs in key order, a page at a time; each pass starts again from the first.
    let after: DigestJob | undefined;
    let seen = 0;
    let ran = 0;
    let earliest = Infinity;
    for (;;) {
      if (this.lost) return 'lost';
      if (this.pastDeadline()) return 'deadline';
      try {
        await this.keepLease();
      } catch {
        return 'lost';
      }
      const page = await jobs.pending(PAGE, after);
      const t = now();
      const due = page.filter((j) => isDue(j, t));
      for (const j of page) if (!isDue(j, t)) earliest = Math.min(earliest, Date.parse(j.notBefore!));
      seen += page.length;
      ran += due.length;
      await this.runAll(due, send, workers);
      if (page.length === PAGE) {
        after = page.at(-1);
        continue;
      }
      // The end of a pass.
      if (seen === 0) return 'empty';
      if (ran === 0) {
        // Only jobs waiting for their retry time are left.
        if (!waitForDeferred) {
          this.nextDueAt = earliest;
          return 'waiting';
        }
        if (this.deps.deadline !== undefined && earliest >= this.deps.deadline - HANDOVER_MARGIN_MS) return 'deadline';
        try {
          await this.sleepHolding(Math.max(0, earliest - now()));
        } catch {
          return 'lost';
        }
      }
      after = undefined;
      seen = 0;
      ran = 0;
      earliest = Infinity;
    }
  }

  private async runAll(due: PendingDigestJob[], send: SendDigestDeps, workers: number): Promise<void> {
    const line = [...due];
    const worker = async () => {
      while (line.length && !this.lost && !this.pastDeadline()) await this.runOne(line.shift()!, send);
    };
    await Promise.all(Array.from({ length: Math.min(workers, line.length) }, worker));
  }

  private async runOne(pending: PendingDigestJob, send: SendDigestDeps): Promise<void> {
    const { jobs, log, now } = this.deps;
    const job = jobFields(pending);
    const attempts = await jobs.begin(job);
    if (attempts === undefined) return; // finished meanwhile (a re-plan raced a previous sender)
    if (attempts > MAX_ATTEMPTS) {
      // Every counted attempt ended without a result: the sender died while sending it, again and again.
      await this.giveUp(job, attempts - 1, pending.lastError ?? 'the sender stopped while sending this job, every attempt');
      return;
    }
    let outcome: DigestOutcome;
    try {
      outcome = await sendDigest(job, send);
    } catch (err) {
      if (err instanceof LeaseLostError) return; // the claim was released; the next holder sends it
      const error = String((err as Error)?.message ?? err).slice(0, 500);
      if (attempts >= MAX_ATTEMPTS) {
        await this.giveUp(job, attempts, error);
        return;
      }
      const wait = retryDelayMs(attempts);
      await jobs.defer(job, new Date(now() + wait).toISOString(), error);
      this.summary.deferred++;
      const kind = err instanceof DigestInFlightError ? 'in flight elsewhere' : isThrottling(err) ? 'throttled' : 'failed';
      log.warn(DIGEST_LOG.retrying, { ...job, attempts, kind, retryInMs: wait, error });
      return;
    }
    await jobs.finish(job);
    this.summary.outcomes[outcome]++;
    this.deps.onOutcome?.(outcome, job);
    log.info(DIGEST_LOG.done, { ...job, outcome });
  }

  private async giveUp(job: DigestJob, attempts: number, error: string): Promise<void> {
    await this.deps.jobs.fail(job, attempts, error, new Date(this.deps.now()).toISOString());
    this.summary.gaveUp++;
    // The one ERROR line of a job: the stack's alarm counts these (see DigestSendFailuresFilter in infra/lib/app-stack.ts).
    this.deps.log.error(DIGEST_LOG.gaveUp, { ...job, attempts, error });
  }
}
