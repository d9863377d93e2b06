/**
 * The sign-up queue on a laptop: hands each sign-up to process-signups as an SQS event, as the event
 * source mapping does in the cloud. `at-once` (the local server, the CLI, the simulation) runs it before
 * the API answers, so the outbox already holds the email when the page says "check your inbox"; `held`
 * keeps sign-ups until `drain()`, as SQS holds them while the API answers (the timing test and bench).
 */
import type { SQSBatchResponse } from 'aws-lambda';
import type { SignupQueue } from '@paperboy/core';
import type { Runtime } from '../../../functions/commons/runtime.js';
import { makeHandler as makeProcessSignups } from '../../../functions/process-signups/index.js';
import { sqsEventOf } from './runner.js';

type Signup = Parameters<SignupQueue['enqueue']>[0];

export class LocalSignupQueue implements SignupQueue {
  private readonly held: Signup[] = [];
  private readonly process: ReturnType<typeof makeProcessSignups>;

  constructor(
    private readonly rt: Runtime,
    private readonly mode: 'at-once' | 'held' = 'at-once',
  ) {
    this.process = makeProcessSignups(rt);
  }

  async enqueue(request: Signup): Promise<void> {
    if (this.mode === 'held') {
      this.held.push(request);
      return;
    }
    await this.run([request]);
  }

  /** Processes every held sign-up, oldest first; the records that failed (process-signups logged why). */
  async drain(): Promise<SQSBatchResponse> {
    return this.run(this.held.splice(0));
  }

  get size(): number {
    return this.held.length;
  }

  private async run(requests: Signup[]): Promise<SQSBatchResponse> {
    if (!requests.length) return { batchItemFailures: [] };
    return this.process(sqsEventOf(requests, this.rt.clock.now(), 'arn:aws:sqs:local:000000000000:paperboy-signups'));
  }
}
