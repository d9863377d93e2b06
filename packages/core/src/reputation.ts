/**
 * Mail reputation, watched by paperboy itself. SES reviews an account whose bounce rate reaches 5% or
 * whose complaint rate reaches 0.1%. paperboy already receives every hard bounce and complaint (ses-events)
 * and knows every email it sends, so it keeps the daily counts in its table and says when the last week's
 * rates pass 4% or 0.08%, well before a review. That line is an ERROR, which the Problems alarm counts: two
 * CloudWatch alarms on SES's reputation metrics (each $0.10 a month, a third of the service's fixed cost
 * at 1,000 subscribers) became none, and the rule is now tested against the stand-ins like everything else.
 * SES's own metrics cover the whole account; these cover paperboy's mail, which is what its owner controls.
 */
import { addDays } from './dates.js';

export const BOUNCE_RATE_ALERT = 0.04;
export const COMPLAINT_RATE_ALERT = 0.0008;
/** The window the rates are taken over, in days (today included). */
export const REPUTATION_WINDOW_DAYS = 7;

/** One day's mail, as counted in the table. */
export interface MailDayCounts {
  day: string;
  sent: number;
  bounces: number;
  complaints: number;
}

export interface ReputationProblem {
  kind: 'bounces' | 'complaints';
  rate: number;
  count: number;
  sent: number;
  threshold: number;
  /** One plain sentence for the owner. */
  message: string;
}

const percent = (x: number) => `${(x * 100).toFixed(x < 0.01 ? 2 : 1)}%`;

/** The rates of the window that reach their alert threshold (none while nothing was sent). */
export function reputationProblems(days: MailDayCounts[]): ReputationProblem[] {
  const sent = days.reduce((n, d) => n + d.sent, 0);
  if (sent <= 0) return [];
  const problems: ReputationProblem[] = [];
  const check = (kind: ReputationProblem['kind'], count: number, threshold: number, reviewAt: string) => {
    const rate = count / sent;
    if (count > 0 && rate >= threshold) {
      problems.push({
        kind,
        rate,
        count,
        sent,
        threshold,
        message: `${kind === 'bounces' ? 'hard bounce' : 'complaint'} rate ${percent(rate)} over the last ${REPUTATION_WINDOW_DAYS} days (${count} of ${sent} emails); alert at ${percent(threshold)}, SES reviews the account at ${reviewAt}`,
      });
    }
  };
  check('bounces', days.reduce((n, d) => n + d.bounces, 0), BOUNCE_RATE_ALERT, '5%');
  check('complaints', days.reduce((n, d) => n + d.complaints, 0), COMPLAINT_RATE_ALERT, '0.1%');
  return problems;
}

/** Counts one day's mail events and returns what the window's rates say (the callers log each problem at ERROR). */
export async function countMail(
  counts: Partial<Record<'sent' | 'bounces' | 'complaints', number>>,
  deps: { mailStats: import('./ports.js').MailStatsRepository; today: string },
): Promise<ReputationProblem[]> {
  await deps.mailStats.add(deps.today, counts);
  if (!counts.bounces && !counts.complaints) return [];
  const from = addDays(deps.today, -(REPUTATION_WINDOW_DAYS - 1));
  return reputationProblems(await deps.mailStats.since(from));
}

/** The ERROR line of a reputation problem: the Problems alarm counts it. */
export const REPUTATION_LOG = 'mail reputation at risk';
