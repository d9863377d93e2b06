/**
 * Sending at the SES rate. One sender at a time holds the send lease (see `drainDigestJobs`), so one
 * pacer spaces every send of the account: the rate budget is shared by construction, however many
 * invocations Lambda starts at once.
 */

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** At most `sends` calls in any `ms` milliseconds, counted from when each call was answered. */
export interface PacerWindow {
  sends: number;
  ms: number;
}

/**
 * The window the sender keeps: the account's rate in any second. SES counts a send when it arrives, which
 * is after it left and before it was answered; counting from the answer, the window holds however late a
 * send left or arrived. Slots alone (a start every 1/rate s) were not enough: on this machine under load,
 * single sends left up to 200 ms late or arrived 50 ms late, and bunched with the next ones
 * (`npm run bench:send` against its strict SES). The price is about one round trip per second of sends.
 */
export function sendWindow(ratePerSecond: number): PacerWindow {
  return { sends: Math.max(1, Math.floor(ratePerSecond)), ms: 1000 };
}

/**
 * Hands out send slots `intervalMs` apart, one caller at a time and in the order they asked (a token
 * bucket of one token). A slot is fixed only when its caller's turn comes, so `pushBack` (after a
 * throttle) delays every waiting caller, and a retry asks again at the back of the line: it never takes
 * a fresh slot ahead of the others. With a `window`, a caller also waits until the call `sends` places
 * back was answered more than `window.ms` ago (`take` resolves to the `done` to call once the call was
 * answered or failed). A rate of Infinity turns pacing off (benchmarks).
 */
export class Pacer {
  private next = -Infinity;
  private line: Promise<void> = Promise.resolve();
  /** When the last `window.sends` calls were answered (pending until then), oldest first. */
  private readonly answered: Promise<number>[] = [];
  readonly intervalMs: number;

  constructor(
    ratePerSecond: number,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: Sleep = realSleep,
    private readonly window?: PacerWindow,
  ) {
    if (!(ratePerSecond > 0)) throw new Error(`send rate must be a positive number, got ${ratePerSecond}`);
    this.intervalMs = 1000 / ratePerSecond;
  }

  /** Waits for the next free slot and takes it; resolves to `done`, to call once the call was answered or failed. */
  take(): Promise<() => void> {
    const turn = this.line.then(() => this.waitForSlot());
    this.line = turn.then(
      () => {},
      () => {},
    );
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

  private async waitForSlot(): Promise<() => void> {
    // Counts what it slept rather than re-reading the clock, so a clock that stands still (a test's) cannot hold it forever.
    const start = this.now();
    let slot = Math.max(start, this.next);
    for (let slept = 0; start + slept < slot; slot = Math.max(slot, this.next)) {
      const ms = slot - (start + slept);
      await this.sleep(ms);
      slept += ms;
      // A push-back while this caller slept moves its slot too (the loop's update).
    }
    if (this.window && this.answered.length >= this.window.sends) {
      const at = await this.answered[this.answered.length - this.window.sends]!;
      const wait = at + this.window.ms - this.now();
      if (wait > 0) await this.sleep(wait);
    }
    // The cadence follows the slots, not the wake-ups: a timer that fires late does not slow the ones after.
    this.next = slot + this.intervalMs;
    if (!this.window) return () => {};
    let answer!: (at: number) => void;
    this.answered.push(new Promise<number>((resolve) => (answer = resolve)));
    if (this.answered.length > this.window.sends) this.answered.shift();
    return () => answer(this.now());
  }
}

const THROTTLING = new Set(['TooManyRequestsException', 'Throttling', 'ThrottlingException', 'LimitExceededException']);
/** Errors about this one message or recipient: retrying sends nothing, so they are recorded and the others go on. */
const PERMANENT = new Set(['MessageRejected', 'BadRequestException']);

/** The name an AWS SDK error (or an older-style error) carries, or '' (one copy for every adapter). */
export function errorName(err: unknown): string {
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
