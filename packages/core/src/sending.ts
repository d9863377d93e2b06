/**
 * Sending at the SES rate. One sender at a time holds the send lease (see `drainDigestJobs`), so one
 * pacer spaces every send of the account: the rate budget is shared by construction, however many
 * invocations Lambda starts at once.
 */

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Slack added to every second of sends. The pacer times the start of a call; SES counts its arrival, a
 * few milliseconds later and not always the same few. Without slack, a send that left on time but
 * arrived 1 ms early relative to the one before would be the (R+1)th in SES's one-second window.
 * 20 ms per second costs 2% of the rate; on this machine the arrivals at the strict SES stand-in of
 * `npm run bench:send` varied by less than 5 ms between consecutive sends.
 */
export const SEND_WINDOW_GUARD_MS = 20;

/** Milliseconds between two sends at `ratePerSecond`, so that any R + 1 sends span more than one second. */
export function sendIntervalMs(ratePerSecond: number): number {
  if (!(ratePerSecond > 0)) throw new Error(`send rate must be a positive number, got ${ratePerSecond}`);
  return (1000 + SEND_WINDOW_GUARD_MS) / ratePerSecond;
}

/**
 * Hands out send slots `intervalMs` apart, one caller at a time and in the order they asked (a token
 * bucket of one token). A slot is fixed only when its caller's turn comes, so `pushBack` (after a
 * throttle) delays every waiting caller, and a retry asks again at the back of the line: it never takes
 * a fresh slot ahead of the others. A rate of Infinity turns pacing off (benchmarks).
 */
export class Pacer {
  private next = -Infinity;
  private line: Promise<void> = Promise.resolve();
  readonly intervalMs: number;

  constructor(
    ratePerSecond: number,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: Sleep = realSleep,
    /** Spacing between slots; default 1000 / rate (the sender passes `sendIntervalMs(rate)`). */
    intervalMs?: number,
  ) {
    if (!(ratePerSecond > 0)) throw new Error(`send rate must be a positive number, got ${ratePerSecond}`);
    this.intervalMs = intervalMs ?? 1000 / ratePerSecond;
  }

  /** Waits for the next free slot and takes it. */
  take(): Promise<void> {
    const turn = this.line.then(() => this.waitForSlot());
    this.line = turn.catch(() => {});
    return turn;
  }

  /** No slot before `at` (on this pacer's clock): where the previous holder of the send lease left off. */
  notBefore(at: number): void {
    this.next = Math.max(this.next, at);
  }

  /** SES said slow down: the next slot is at least `ms` from now, for every caller in line. */
  pushBack(ms: number): void {
    this.next = Math.max(this.next, this.now() + ms);
  }

  /** The earliest time the next slot could be taken (the lease records it for the next holder). */
  get nextSlot(): number {
    return this.next;
  }

  private async waitForSlot(): Promise<void> {
    // Counts what it slept rather than re-reading the clock, so a clock that stands still (a test's) cannot hold it forever.
    const start = this.now();
    let slot = Math.max(start, this.next);
    for (let slept = 0; start + slept < slot; slot = Math.max(slot, this.next)) {
      const ms = slot - (start + slept);
      await this.sleep(ms);
      slept += ms;
      // A push-back while this caller slept moves its slot too (the loop's update).
    }
    // The cadence follows the slots, not the wake-ups: a timer that fires late does not slow the ones after.
    this.next = slot + this.intervalMs;
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
