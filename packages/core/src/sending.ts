/**
 * Sending at the SES rate. The CDK app caps the concurrent `send-digests` invocations at
 * `digestMaxConcurrency(rate)` and each invocation paces itself to `perInvocationSendRate(rate)`,
 * so together they never exceed the account's maximum send rate. Both sides import these
 * functions from here, so infrastructure and runtime cannot drift apart.
 */

/** Most concurrent `send-digests` invocations. SQS event sources accept 2..1000. */
export function digestMaxConcurrency(sendRatePerSecond: number): number {
  return Math.min(1000, Math.max(2, Math.floor(sendRatePerSecond)));
}

/** Sends per second one invocation may make, so that all of them together stay within the SES rate. */
export function perInvocationSendRate(sendRatePerSecond: number): number {
  return sendRatePerSecond / digestMaxConcurrency(sendRatePerSecond);
}

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Spaces calls at least `1000 / ratePerSecond` ms apart (a token bucket of one token): the first call
 * goes at once, each later one waits for its slot. A rate of Infinity turns pacing off (benchmarks).
 */
export class Pacer {
  private next = -Infinity;
  readonly intervalMs: number;

  constructor(
    ratePerSecond: number,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: Sleep = realSleep,
  ) {
    if (!(ratePerSecond > 0)) throw new Error(`send rate must be a positive number, got ${ratePerSecond}`);
    this.intervalMs = 1000 / ratePerSecond;
  }

  /** Waits for the next free slot and takes it. */
  async take(): Promise<void> {
    const now = this.now();
    const slot = Math.max(now, this.next);
    this.next = slot + this.intervalMs;
    if (slot > now) await this.sleep(slot - now);
  }
}

const THROTTLING = new Set(['TooManyRequestsException', 'Throttling', 'ThrottlingException', 'LimitExceededException']);
/** Errors about this one message or recipient: retrying sends nothing, so they are recorded and the others go on. */
const PERMANENT = new Set(['MessageRejected', 'BadRequestException']);

function errorName(err: unknown): string {
  const e = err as { name?: string; Code?: string; code?: string } | undefined;
  return e?.name ?? e?.Code ?? e?.code ?? '';
}

/** SES is asking us to slow down (or the daily quota is spent): retry later. */
export function isThrottling(err: unknown): boolean {
  return THROTTLING.has(errorName(err));
}

/** SES refused this message for good. */
export function isPermanentRejection(err: unknown): boolean {
  return PERMANENT.has(errorName(err));
}

export interface RetryPolicy {
  /** Attempts in all, including the first. */
  attempts: number;
  /** First backoff; doubled on each retry, with full jitter. */
  baseDelayMs: number;
  sleep?: Sleep;
  random?: () => number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 250 };

/** Runs `fn`, retrying throttling errors with exponential backoff; any other error, or the last throttle, is thrown. */
export async function retryThrottled<T>(fn: () => Promise<T>, policy: RetryPolicy = DEFAULT_RETRY): Promise<T> {
  const sleep = policy.sleep ?? realSleep;
  const random = policy.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isThrottling(err) || attempt >= policy.attempts) throw err;
      await sleep(Math.round(random() * policy.baseDelayMs * 2 ** (attempt - 1)));
    }
  }
}
