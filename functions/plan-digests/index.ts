/** Lambda (scheduled): enqueue one digest job per due subscriber. */
import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsJobQueue } from '@paperboy/aws';
import { planDigests, type JobQueue } from '@paperboy/core';
import { buildRuntime, type Runtime } from '../commons/runtime.js';
import { lambdaConfig } from '../commons/lambda-config.js';
import type { ScheduledInvocation } from '../commons/events.js';

export function makeHandler(rt: Runtime, queue: JobQueue) {
  return async (event?: ScheduledInvocation) => {
    const counts = await planDigests({
      subscribers: rt.subscribers,
      queue,
      clock: rt.clock,
      settings: { timezone: rt.config.owner.schedule.timezone, weeklyDay: rt.config.owner.digest.weeklyDay },
    });
    rt.logger.info('digests planned', { ...counts, ...(event ? { scheduledTime: event.scheduledTime } : {}) });
    return counts;
  };
}

let cached: ReturnType<typeof makeHandler> | undefined;
export const handler = async (event?: ScheduledInvocation) => {
  cached ??= (() => {
    const rt = buildRuntime(lambdaConfig());
    if (!rt.config.queueUrl) throw new Error('PAPERBOY_DIGEST_QUEUE_URL is not set');
    return makeHandler(rt, new SqsJobQueue(new SQSClient({ region: rt.config.region }), rt.config.queueUrl));
  })();
  return cached(event);
};
