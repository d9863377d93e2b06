/**
 * Lambda (CloudWatch alarm action): emails `deploy.alarmEmail` when one of the stack's alarms enters
 * ALARM, saying what fired and what to do (the alarm's description, infra/lib/alarms.ts).
 */
import { invokedAs } from '@paperboy/aws';
import * as z from '@paperboy/core/zod-mini';
import { notifyOwner, type NotifyOutcome } from '@paperboy/core';
import { powertoolsLogger, type BaseRuntime, type Runtime } from '../commons/runtime.js';
import { lambdaMailer } from '../commons/lambda-runtime.js';
import { lambdaConfig } from '../commons/lambda-config.js';

/** All it needs: the config, a logger and SES (no table: its role has no DynamoDB grant, so its bundle loads no DynamoDB client). */
type NotifyRuntime = Pick<BaseRuntime, 'config' | 'logger'> & Pick<Runtime, 'mailer'>;

/** The parts of CloudWatch's alarm-action event that the email uses. */
const text = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));
const alarmEvent = z.object({
  source: z.literal('aws.cloudwatch'),
  region: text(1, 64),
  time: text(0, 64),
  alarmData: z.object({
    alarmName: text(1, 255),
    state: z.object({ value: text(1, 32), reason: text(0, 4000) }),
    previousState: z.optional(z.object({ value: text(1, 32) })),
    configuration: z.optional(z.object({ description: z.optional(text(0, 1024)) })),
  }),
});

export function makeHandler(rt: NotifyRuntime) {
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
export const handler = async (event: unknown) => (cached ??= makeHandler(cloud()))(event);

function cloud(): NotifyRuntime {
  const config = lambdaConfig();
  return { config, logger: powertoolsLogger(), mailer: lambdaMailer(config) };
}
