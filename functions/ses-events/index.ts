/**
 * Lambda (SNS from the SES configuration set): hard bounces and complaints suppress the address for good;
 * transient (soft) bounces do not. Accepts both SES event publishing (`eventType`) and SES notifications
 * (`notificationType`). Every record is validated; a malformed one is logged and skipped, the others go on.
 * SNS invokes this function directly (the topic's subscription is the only trigger the CDK app grants),
 * so the SNS signature is not re-verified here.
 */
import { invokedAs } from '@paperboy/aws';
import type { SNSEvent } from 'aws-lambda';
import * as z from '@paperboy/core/zod-mini';
import { suppressAddress } from '@paperboy/core';
import type { BaseRuntime } from '../commons/runtime.js';
import { lambdaRuntime } from '../commons/lambda-runtime.js';

const recipient = z.object({ emailAddress: z.string().check(z.minLength(3), z.maxLength(320)) });
const sesMessage = z.object({
  eventType: z.optional(z.string()),
  notificationType: z.optional(z.string()),
  mail: z.optional(z.looseObject({ messageId: z.string() })),
  bounce: z.optional(
    z.looseObject({ bounceType: z.enum(['Permanent', 'Transient', 'Undetermined']), bounceSubType: z.optional(z.string()), bouncedRecipients: z.array(recipient) }),
  ),
  complaint: z.optional(z.looseObject({ complainedRecipients: z.array(recipient), complaintFeedbackType: z.optional(z.string()) })),
});

/** `"Name" <a@b>` or `a@b` -> `a@b`. */
function bareAddress(value: string): string {
  const m = /<([^<>]+)>\s*$/.exec(value);
  return (m ? m[1]! : value).trim().toLowerCase();
}

export interface SesEventsResult {
  suppressed: number;
  ignored: number;
  invalid: number;
}

export function makeHandler(rt: BaseRuntime) {
  return invokedAs('ses-events', async (event: SNSEvent): Promise<SesEventsResult> => {
    const result: SesEventsResult = { suppressed: 0, ignored: 0, invalid: 0 };
    for (const record of event.Records ?? []) {
      const where = { messageId: record.Sns?.MessageId };
      if (record.EventSource !== 'aws:sns' || record.Sns?.Type !== 'Notification') {
        rt.logger.warn('not an SNS notification; skipped', where);
        result.invalid++;
        continue;
      }
      let json: unknown;
      try {
        json = JSON.parse(record.Sns.Message);
      } catch {
        rt.logger.warn('SES event is not JSON; skipped', where);
        result.invalid++;
        continue;
      }
      const parsed = sesMessage.safeParse(json);
      if (!parsed.success) {
        rt.logger.warn('SES event has an unexpected shape; skipped', { ...where, error: parsed.error.issues[0]?.message });
        result.invalid++;
        continue;
      }
      const message = parsed.data;
      const type = message.eventType ?? message.notificationType;
      let reason: string | undefined;
      let recipients: { emailAddress: string }[] = [];
      if (type === 'Bounce' && message.bounce?.bounceType === 'Permanent') {
        reason = `bounce:${message.bounce.bounceSubType ?? 'Permanent'}`;
        recipients = message.bounce.bouncedRecipients;
      } else if (type === 'Complaint' && message.complaint) {
        reason = `complaint${message.complaint.complaintFeedbackType ? `:${message.complaint.complaintFeedbackType}` : ''}`;
        recipients = message.complaint.complainedRecipients;
      }
      if (!reason) {
        // Deliveries, sends, opens and transient bounces change nothing.
        result.ignored++;
        continue;
      }
      for (const r of recipients) {
        if (await suppressAddress(bareAddress(r.emailAddress), reason, { subscribers: rt.subscribers, clock: rt.clock })) result.suppressed++;
      }
    }
    rt.logger.info('SES events handled', { ...result });
    return result;
  });
}

let cached: ReturnType<typeof makeHandler> | undefined;
export const handler = async (event: SNSEvent) => (cached ??= makeHandler(lambdaRuntime()))(event);
