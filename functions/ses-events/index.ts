/**
 * Lambda (EventBridge rule on the default bus, SES events of this stack's configuration set): hard bounces
 * and complaints suppress the address for good; transient (soft) bounces do not. The configuration set
 * publishes only bounces and complaints. Every event is validated; a malformed one is logged and skipped
 * (retrying it would fail the same way).
 */
import { invokedAs } from '@paperboy/aws';
import * as z from '@paperboy/core/zod-mini';
import { REPUTATION_LOG, countMail, dayInZone, suppressAddress } from '@paperboy/core';
import type { BaseRuntime, Runtime } from '../commons/runtime.js';
import { lambdaRuntimeWithEdge, lambdaSecret } from '../commons/lambda-runtime.js';

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

/** What EventBridge delivers: one SES event in `detail`. */
const sesEvent = z.object({ source: z.literal('aws.ses'), id: z.optional(z.string().check(z.maxLength(128))), detail: z.unknown() });

/** Which addresses an SES event suppresses, and why; undefined when it changes nothing (a transient bounce). */
function suppression(message: z.infer<typeof sesMessage>): { reason: string; recipients: { emailAddress: string }[] } | undefined {
  const type = message.eventType ?? message.notificationType;
  if (type === 'Bounce' && message.bounce?.bounceType === 'Permanent') {
    return { reason: `bounce:${message.bounce.bounceSubType ?? 'Permanent'}`, recipients: message.bounce.bouncedRecipients };
  }
  if (type === 'Complaint' && message.complaint) {
    const feedback = message.complaint.complaintFeedbackType;
    return { reason: `complaint${feedback ? `:${feedback}` : ''}`, recipients: message.complaint.complainedRecipients };
  }
  return undefined;
}

/** `secret`: the link key, from which a suppressed subscriber's private feed path (its token) is derived to drop it from the CDN. */
export function makeHandler(rt: BaseRuntime & Pick<Runtime, 'secret'>) {
  return invokedAs('ses-events', async (event: unknown): Promise<SesEventsResult> => {
    const result: SesEventsResult = { suppressed: 0, ignored: 0, invalid: 0 };
    const envelope = sesEvent.safeParse(event);
    const parsed = envelope.success ? sesMessage.safeParse(envelope.data.detail) : envelope;
    if (!parsed.success) {
      rt.logger.warn('SES event has an unexpected shape; skipped', { eventId: envelope.data?.id, error: parsed.error.issues[0]?.message });
      result.invalid++;
    } else {
      const suppress = suppression(parsed.data);
      if (!suppress) result.ignored++;
      for (const r of suppress?.recipients ?? []) {
        if (await suppressAddress(bareAddress(r.emailAddress), suppress!.reason, { subscribers: rt.subscribers, clock: rt.clock, secret: await rt.secret(), edge: rt.edge })) result.suppressed++;
      }
      if (suppress) {
        // Counted toward this week's rates; past the alert threshold, one ERROR line (the Problems alarm).
        const kind = suppress.reason.startsWith('bounce') ? 'bounces' : 'complaints';
        const today = dayInZone(rt.clock.now(), rt.config.owner.schedule.timezone);
        for (const problem of await countMail({ [kind]: suppress.recipients.length }, { mailStats: rt.mailStats, today })) {
          rt.logger.error(REPUTATION_LOG, { ...problem });
        }
      }
    }
    rt.logger.info('SES event handled', { ...result });
    return result;
  });
}

let cached: ReturnType<typeof makeHandler> | undefined;
export const handler = async (event: unknown) => (cached ??= makeHandler(cloud()))(event);

function cloud(): BaseRuntime & Pick<Runtime, 'secret'> {
  const base = lambdaRuntimeWithEdge();
  return { ...base, secret: lambdaSecret(base.config) };
}
