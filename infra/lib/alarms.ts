/**
 * The alarms of a deployment: few, each one actionable, each priced. An alarm metric costs $0.10 a month
 * whatever it watches, and the old set of eleven (one per failure kind, per queue, per source and per SES
 * reputation rate) cost more than everything else the service does at 1,000 subscribers. The conditions
 * they told apart are all ERROR lines in the functions' logs now, which name what happened (the mail
 * reputation check included: core/reputation.ts); one alarm counts those, and the log line says the rest.
 * The other watches work that failed every retry, which may have left no log line at all (a schedule that
 * could not invoke its function). docs/deploy.md lists these ids with the same advice (a test keeps the two in step).
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
    when: 'a function logged an error: a source failed or went stale, a digest or sign-up failed, the week\'s hard bounce rate reached 4% or its complaint rate 0.08% (SES reviews at 5% and 0.1%), a function failed or timed out, the API answered 5xx',
    todo:
      'Open CloudWatch Logs Insights on the /aws/lambda/PaperboyApp-* log groups with `filter level = "ERROR" or @message like /Task timed out|Invoke Error/`. Each line names the function, the source or job and the error. A stale source: check the source itself; a failing one: its URL and error. "mail reputation at risk": check how addresses get in (hard bounces are suppressed on their own) and the digests\' content and frequency.',
    metrics: 1,
  },
  failedInvocations: {
    id: 'FailedInvocationsAlarm',
    when: 'an invocation failed every retry (a scheduled ingest or digest plan, a publish, a queued sign-up, a digest sender, a mail event) and waits in FailedInvocationsQueue',
    todo:
      'Read the message in FailedInvocationsQueue (SQS console, "Send and receive messages", Poll): it holds the request and the error. Fix the cause; every stage is safe to run again, so invoke the function with the request, then delete the message. Messages are kept 14 days.',
    metrics: 1,
  },
} as const satisfies Record<string, AlarmSpec>;

/** Alarm metrics a deployment pays for each month (the cost model prices these). */
export const ALARM_METRICS = Object.values(ALARMS).reduce((n, a) => n + a.metrics, 0);
