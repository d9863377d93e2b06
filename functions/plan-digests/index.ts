/** Lambda (scheduled): store one digest job per due subscriber, then start the sender. */
import { asyncInvoker, invokedAs } from '@paperboy/aws';
import { planDigests, type DigestJobStore } from '@paperboy/core';
import type { BaseRuntime } from '../commons/runtime.js';
import { lambdaRuntime } from '../commons/lambda-runtime.js';
import type { ScheduledInvocation } from '../commons/events.js';

/** The scheduler's input, or an owner's manual `{ "day": "YYYY-MM-DD" }` to catch up on a day. */
export type PlanDigestsEvent = Partial<ScheduledInvocation> & { day?: string };

export interface PlanDeps {
  /** Starts send-digests (in the cloud an asynchronous invocation; locally the runner runs it). */
  startSender: () => Promise<void>;
  /** Where the jobs go (default: the table). */
  jobs?: Pick<DigestJobStore, 'add'>;
}

export function makeHandler(rt: BaseRuntime, deps: PlanDeps) {
  const jobs = deps.jobs ?? rt.jobs;
  return invokedAs('plan-digests', async (event: PlanDigestsEvent = {}) => {
    const day = event?.day;
    if (day !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`day = ${JSON.stringify(day)}: must be a day like 2026-11-26`);
    const counts = await planDigests({
      day,
      subscribers: rt.subscribers,
      jobs,
      clock: rt.clock,
      settings: { timezone: rt.config.owner.schedule.timezone, weeklyDay: rt.config.owner.digest.weeklyDay },
    });
    rt.logger.info('digests planned', { ...counts, ...(event?.scheduledTime ? { scheduledTime: event.scheduledTime } : {}) });
    // Started even when nothing was planned today: it also picks up any job an earlier sender left behind.
    await deps.startSender();
    return counts;
  });
}

let cached: ReturnType<typeof makeHandler> | undefined;
export const handler = async (event?: PlanDigestsEvent) => {
  cached ??= (() => {
    const rt = lambdaRuntime();
    if (!rt.config.sendFunctionName) throw new Error('PAPERBOY_SEND_FUNCTION is not set');
    const invoke = asyncInvoker(rt.config.region, rt.config.sendFunctionName);
    return makeHandler(rt, { startSender: () => invoke({ reason: 'planned' }) });
  })();
  // A scheduler event carries no day (today); the owner may invoke with { "day": "YYYY-MM-DD" } to catch up.
  return cached({ ...event, day: typeof event?.day === 'string' ? event.day : undefined });
};
