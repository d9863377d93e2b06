/** Lambda (scheduled): enqueue one digest job per due subscriber. */
import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsJobQueue } from '@paperboy/aws';
import { planDigests, type JobQueue } from '@paperboy/core';
import { buildRuntime, type Runtime } from '../commons/runtime.js';
import { lambdaConfig } from '../commons/lambda-config.js';

export function makeHandler(rt: Runtime, queue: JobQueue) {
  return async (event: { day?: string } = {}) => {
    const day = event?.day;
    if (day !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`day = ${JSON.stringify(day)}: must be a day like 2026-11-26`);
    const counts = await planDigests({
      day,
      subscribers: rt.subscribers,
      queue,
      clock: rt.clock,
      settings: { timezone: rt.config.owner.schedule.timezone, weeklyDay: rt.config.owner.digest.weeklyDay },
    });
    rt.logger.info('digests planned', counts);
    return counts;
  };
}

let cached: ReturnType<typeof makeHandler> | undefined;
export const handler = async (event?: { day?: string }) => {
  cached ??= (() => {
    const rt = buildRuntime(lambdaConfig());
    if (!rt.config.queueUrl) throw new Error('PAPERBOY_DIGEST_QUEUE_URL is not set');
    return makeHandler(rt, new SqsJobQueue(new SQSClient({ region: rt.config.region }), rt.config.queueUrl));
  })();
  // A scheduler event carries no day (today); the owner may invoke with { "day": "YYYY-MM-DD" } to catch up.
  return cached({ day: typeof event?.day === 'string' ? event.day : undefined });
};
