/**
 * Event shapes shared by the stack and the local runner, so a laptop invokes the handlers with
 * what Lambda hands them.
 */
import type { SNSEvent } from 'aws-lambda';

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

/** An SES event notification (configuration set -> SNS), as ses-events receives it. */
export interface SesEventNotification {
  eventType: 'Bounce' | 'Complaint' | 'Delivery' | 'Reject';
  mail: { timestamp: string; messageId: string; source: string; destination: string[] };
  bounce?: { bounceType: 'Permanent' | 'Transient' | 'Undetermined'; bounceSubType: string; bouncedRecipients: { emailAddress: string }[]; timestamp: string };
  complaint?: { complainedRecipients: { emailAddress: string }[]; timestamp: string; complaintFeedbackType?: string };
}

/** Wraps SES event notifications in the SNSEvent Lambda receives from the mail-events topic. */
export function snsEventOf(messages: SesEventNotification[], topicArn = 'arn:aws:sns:local:000000000000:paperboy-mail-events'): SNSEvent {
  return {
    Records: messages.map((message, i) => ({
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: `${topicArn}:local-subscription`,
      Sns: {
        Type: 'Notification',
        MessageId: `local-${i}-${message.mail.messageId}`,
        TopicArn: topicArn,
        Subject: 'Amazon SES Email Event Notification',
        Message: JSON.stringify(message),
        Timestamp: message.mail.timestamp,
        SignatureVersion: '1',
        Signature: '',
        SigningCertUrl: '',
        UnsubscribeUrl: '',
        MessageAttributes: {},
      },
    })),
  };
}
