/** Lambda (scheduled): enqueue one digest job per due subscriber. */
import { SqsJobQueue, invokedAs, sqsClientOnFirstUse } from '@paperboy/aws';
import { planDigests, type JobQueue } from '@paperboy/core';
import type { BaseRuntime } from '../commons/runtime.js';
import { lambdaRuntime } from '../commons/lambda-runtime.js';
import type { ScheduledInvocation } from '../commons/events.js';

/** The scheduler's input, or an owner's manual `{ "day": "YYYY-MM-DD" }` to catch up on a day. */
export type PlanDigestsEvent = Partial<ScheduledInvocation> & { day?: string };

export function makeHandler(rt: BaseRuntime, queue: JobQueue) {
  return invokedAs('plan-digests', async (event: PlanDigestsEvent = {}) => {
    const day = event?.day;
    if (day !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`day = ${JSON.stringify(day)}: must be a day like 2026-11-26`);
    const counts = await planDigests({
      day,
      subscribers: rt.subscribers,
      queue,
      clock: rt.clock,
      settings: { timezone: rt.config.owner.schedule.timezone, weeklyDay: rt.config.owner.digest.weeklyDay },
    });
    rt.logger.info('digests planned', { ...counts, ...(event?.scheduledTime ? { scheduledTime: event.scheduledTime } : {}) });
    return counts;
  });
}

let cached: ReturnType<typeof makeHandler> | undefined;
export const handler = async (event?: PlanDigestsEvent) => {
  cached ??= (() => {
    const rt = lambdaRuntime();
    if (!rt.config.queueUrl) throw new Error('PAPERBOY_DIGEST_QUEUE_URL is not set');
    return makeHandler(rt, new SqsJobQueue(sqsClientOnFirstUse(rt.config.region), rt.config.queueUrl));
  })();
  // A scheduler event carries no day (today); the owner may invoke with { "day": "YYYY-MM-DD" } to catch up.
  return cached({ ...event, day: typeof event?.day === 'string' ? event.day : undefined });
};
