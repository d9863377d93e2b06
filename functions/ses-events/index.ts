/** Lambda (SNS from the SES configuration set): hard bounces and complaints suppress the address. */
import type { SNSEvent } from 'aws-lambda';
import { suppressAddress } from '@paperboy/core';
import { buildRuntime, type Runtime } from '../commons/runtime.js';
import { lambdaConfig } from '../commons/lambda-config.js';

interface SesEvent {
  eventType?: string;
  notificationType?: string;
  bounce?: { bounceType?: string; bouncedRecipients?: { emailAddress: string }[] };
  complaint?: { complainedRecipients?: { emailAddress: string }[] };
}

export function makeHandler(rt: Runtime) {
  return async (event: SNSEvent) => {
    let suppressed = 0;
    for (const record of event.Records) {
      let message: SesEvent;
      try {
        message = JSON.parse(record.Sns.Message) as SesEvent;
      } catch {
        rt.logger.warn('SES event is not JSON', { messageId: record.Sns.MessageId });
        continue;
      }
      const type = message.eventType ?? message.notificationType;
      const recipients =
        type === 'Bounce' && message.bounce?.bounceType === 'Permanent'
          ? message.bounce.bouncedRecipients ?? []
          : type === 'Complaint'
            ? message.complaint?.complainedRecipients ?? []
            : [];
      for (const r of recipients) {
        if (await suppressAddress(r.emailAddress, type!.toLowerCase(), { subscribers: rt.subscribers, clock: rt.clock })) suppressed++;
      }
    }
    return { suppressed };
  };
}

let cached: ReturnType<typeof makeHandler> | undefined;
export const handler = async (event: SNSEvent) => (cached ??= makeHandler(buildRuntime(lambdaConfig())))(event);
