/**
 * Sign-ups on a laptop: each one is handed to process-signups as the event of an asynchronous invocation,
 * as the subscriptions API does in the cloud. `at-once` (the local server, the CLI, the simulation) runs it
 * before the API answers, so the outbox already holds the email when the page says "check your inbox";
 * `held` keeps sign-ups until `drain()`, as Lambda's event queue holds them while the API answers (the
 * timing test and bench).
 */
import type { SignupQueue } from '@paperboy/core';
import type { Runtime } from '../../../functions/commons/runtime.js';
import { makeHandler as makeProcessSignups } from '../../../functions/process-signups/index.js';

type Signup = Parameters<SignupQueue['enqueue']>[0];

export class LocalSignupQueue implements SignupQueue {
  private readonly held: Signup[] = [];
  private readonly process: ReturnType<typeof makeProcessSignups>;

  constructor(
    rt: Runtime,
    private readonly mode: 'at-once' | 'held' = 'at-once',
  ) {
    this.process = makeProcessSignups(rt);
  }

  async enqueue(request: Signup): Promise<void> {
    if (this.mode === 'held') {
      this.held.push(request);
      return;
    }
    await this.process(request);
  }

  /** Processes every held sign-up, oldest first, one invocation each; how many failed (process-signups logged why). */
  async drain(): Promise<{ failed: number }> {
    let failed = 0;
    for (const request of this.held.splice(0)) await this.process(request).catch(() => failed++);
    return { failed };
  }

  get size(): number {
    return this.held.length;
  }
}
