/**
 * Lambda (CloudWatch alarm action): emails `deploy.alarmEmail` when one of the stack's alarms enters
 * ALARM, saying what fired and what to do (the alarm's description, infra/lib/alarms.ts).
 */
import { invokedAs } from '@paperboy/aws';
import { z } from 'zod';
import { notifyOwner, type NotifyOutcome } from '@paperboy/core';
import { buildRuntime, type Runtime } from '../commons/runtime.js';
import { lambdaConfig } from '../commons/lambda-config.js';

/** The parts of CloudWatch's alarm-action event that the email uses. */
const alarmEvent = z.object({
  source: z.literal('aws.cloudwatch'),
  region: z.string().min(1).max(64),
  time: z.string().max(64),
  alarmData: z.object({
    alarmName: z.string().min(1).max(255),
    state: z.object({ value: z.string().max(32), reason: z.string().max(4000) }),
    previousState: z.object({ value: z.string().max(32) }).optional(),
    configuration: z.object({ description: z.string().max(1024).optional() }).optional(),
  }),
});

export function makeHandler(rt: Runtime) {
  return invokedAs('notify-owner', async (event: unknown): Promise<NotifyOutcome> => {
    const to = rt.config.owner.deploy.alarmEmail;
    if (!to) throw new Error('deploy.alarmEmail is not set: this function is only deployed with it');
    const parsed = alarmEvent.parse(event);
    const { alarmData } = parsed;
    const outcome = await notifyOwner(
      {
        alarmName: alarmData.alarmName,
        state: alarmData.state.value,
        previousState: alarmData.previousState?.value,
        reason: alarmData.state.reason,
        description: alarmData.configuration?.description,
        time: parsed.time,
        region: parsed.region,
      },
      { mailer: rt.mailer, to, siteTitle: rt.config.owner.site.title },
    );
    rt.logger.info('alarm notice', { alarmName: alarmData.alarmName, state: alarmData.state.value, outcome });
    return outcome;
  });
}

let cached: ReturnType<typeof makeHandler> | undefined;
export const handler = async (event: unknown) => (cached ??= makeHandler(buildRuntime(lambdaConfig())))(event);
