/**
 * The alarms of a deployment: few, each one actionable, each priced. An alarm metric costs $0.10 a month
 * whatever it watches, and the old set of eleven (one per failure kind, per queue and per source) cost more
 * than everything else the service does at 1,000 subscribers. The failures they told apart are all
 * ERROR lines in the functions' logs, which name what failed; one alarm counts those, and the log line
 * says the rest. docs/deploy.md lists these ids with the same advice (a test keeps the two in step).
 */
export interface AlarmSpec {
  /** Construct id, also the alarm's name in the console. */
  id: string;
  /** When it fires. */
  when: string;
  /** What the owner should do; sent in the alarm email. */
  todo: string;
  /** CloudWatch metrics the alarm reads (its monthly price is $0.10 per metric). */
  metrics: number;
}

export const ALARMS = {
  problems: {
    id: 'ProblemsAlarm',
    when: 'a function logged an error: a source failed or went stale, a digest or sign-up failed, a function failed or timed out, the API answered 5xx',
    todo:
      'Open CloudWatch Logs Insights on the /aws/lambda/PaperboyApp-* log groups with `filter level = "ERROR" or @message like /Task timed out|Invoke Error/`. Each line names the function, the source or job and the error. A stale source: check the source itself; a failing one: its URL and error.',
    metrics: 1,
  },
  failedInvocations: {
    id: 'FailedInvocationsAlarm',
    when: 'an invocation failed every retry (a scheduled ingest or digest plan, a publish, a queued sign-up, a digest sender, a mail event) and waits in FailedInvocationsQueue',
    todo:
      'Read the message in FailedInvocationsQueue (SQS console, "Send and receive messages", Poll): it holds the request and the error. Fix the cause; every stage is safe to run again, so invoke the function with the request, then delete the message. Messages are kept 14 days.',
    metrics: 1,
  },
  bounceRate: {
    id: 'BounceRateAlarm',
    when: 'the SES bounce rate is 4% or more (SES reviews the account at 5%)',
    todo: 'Check how addresses get in (sign-up is double opt-in; hard bounces are suppressed on their own). In the SES console, look at the account-level suppression list and recent bounces.',
    metrics: 1,
  },
  complaintRate: {
    id: 'ComplaintRateAlarm',
    when: 'the SES complaint rate is 0.08% or more (SES reviews the account at 0.1%)',
    todo: 'Readers are marking digests as spam: check the digest content, its frequency, and that the one-click unsubscribe works (`npm test` covers it; try a real digest).',
    metrics: 1,
  },
} as const satisfies Record<string, AlarmSpec>;

/** Alarm metrics a deployment pays for each month (the cost model prices these). */
export const ALARM_METRICS = Object.values(ALARMS).reduce((n, a) => n + a.metrics, 0);
