/**
 * Use case: tell the owner an alarm fired, by email through the same SES sender as the digests. CloudWatch
 * invokes the function directly (a Lambda alarm action), which replaces an SNS topic: CloudWatch cannot
 * publish to a topic encrypted with the AWS managed key, and the customer managed key it needed cost more a
 * month than the rest of the service at 1,000 subscribers.
 */
import type { EmailMessage } from '../model.js';
import type { Mailer } from '../ports.js';
import { escapeHtml } from '../markup.js';

export interface AlarmNotice {
  alarmName: string;
  /** The state the alarm moved to: only ALARM is mailed. */
  state: string;
  previousState?: string;
  /** CloudWatch's reason, e.g. "Threshold Crossed: 1 datapoint [2.0 (30/11/26 06:05:00)] was greater than ...". */
  reason: string;
  /** The alarm's description: what fired and what to do (infra/lib/alarms.ts). */
  description?: string;
  time: string;
  region: string;
}

export type NotifyOutcome = 'sent' | 'ignored';

/** The alarm's page in the CloudWatch console. */
export function alarmConsoleUrl(notice: Pick<AlarmNotice, 'alarmName' | 'region'>): string {
  const region = encodeURIComponent(notice.region);
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(notice.alarmName)}`;
}

export function renderAlarmEmail(notice: AlarmNotice, to: string, siteTitle: string): EmailMessage {
  const url = alarmConsoleUrl(notice);
  const what = notice.description ?? notice.alarmName;
  const subject = `${siteTitle}: alarm ${notice.alarmName}`.replace(/[\r\n]+/g, ' ').slice(0, 200);
  const lines = [what, '', `Why: ${notice.reason}`, `When: ${notice.time}`, `Alarm: ${url}`];
  const text = `${lines.join('\n')}\n`;
  const html = `<p>${escapeHtml(what)}</p><p>Why: ${escapeHtml(notice.reason)}<br>When: ${escapeHtml(notice.time)}</p><p><a href="${escapeHtml(url)}">Open the alarm in CloudWatch</a></p>`;
  return { to, subject, text, html };
}

/** Mails the owner when an alarm enters ALARM; other transitions are ignored (no action is set on them). */
export async function notifyOwner(notice: AlarmNotice, deps: { mailer: Mailer; to: string; siteTitle: string }): Promise<NotifyOutcome> {
  if (notice.state !== 'ALARM') return 'ignored';
  await deps.mailer.send(renderAlarmEmail(notice, deps.to, deps.siteTitle));
  return 'sent';
}
