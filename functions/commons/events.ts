/**
 * Event shapes shared by the stack and the local runner, so a laptop invokes the handlers with
 * what Lambda hands them.
 */

/**
 * What EventBridge Scheduler sends to ingest and plan-digests: the stack sets this target input
 * with Scheduler's context attributes (`<aws.scheduler.scheduled-time>` etc.).
 */
export interface ScheduledInvocation {
  /** Which schedule fired ("ingest" or "digest"). */
  schedule: string;
  scheduleArn: string;
  /** ISO time the run was scheduled for. */
  scheduledTime: string;
  executionId: string;
}

/** A scheduler event as the local runner sends it (the cloud one carries real ARNs and ids). */
export function scheduledInvocation(schedule: string, at: Date): ScheduledInvocation {
  const time = at.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    schedule,
    scheduleArn: `arn:aws:scheduler:local:000000000000:schedule/default/paperboy-${schedule}`,
    scheduledTime: time,
    executionId: `local-${schedule}-${time}`,
  };
}

/** An SES event (configuration set -> EventBridge), as ses-events receives it in `detail`. */
export interface SesEventNotification {
  eventType: 'Bounce' | 'Complaint';
  mail: { timestamp: string; messageId: string; source: string; destination: string[] };
  bounce?: { bounceType: 'Permanent' | 'Transient' | 'Undetermined'; bounceSubType: string; bouncedRecipients: { emailAddress: string }[]; timestamp: string };
  complaint?: { complainedRecipients: { emailAddress: string }[]; timestamp: string; complaintFeedbackType?: string };
}

/** EventBridge's `detail-type` per SES event type (the two the configuration set publishes). */
const SES_DETAIL_TYPES: Record<SesEventNotification['eventType'], string> = { Bounce: 'Email Bounced', Complaint: 'Email Complaint Received' };

/** Wraps an SES event in the EventBridge event Lambda receives from the stack's MailEventsRule (one event per invocation). */
export function sesEventBridgeEventOf(message: SesEventNotification, region = 'local', account = '000000000000') {
  return {
    version: '0',
    id: `local-${message.mail.messageId}`,
    'detail-type': SES_DETAIL_TYPES[message.eventType],
    source: 'aws.ses',
    account,
    time: message.mail.timestamp,
    region,
    resources: [`arn:aws:ses:${region}:${account}:configuration-set/paperboy`],
    detail: message,
  };
}
