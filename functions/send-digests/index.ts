/**
 * Lambda (SQS): send each queued digest exactly once; failed records go back to the queue alone.
 * Each invocation paces its sends to sendRatePerSecond / digestMaxConcurrency, the CDK app caps the
 * concurrent invocations at digestMaxConcurrency, so together they stay within the SES send rate.
 */
import { invokedAs } from '@paperboy/aws';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from '@paperboy/core/zod-mini';
import { $ZodError } from 'zod/v4/core';
import {
  DigestInFlightError,
  Pacer,
  isThrottling,
  perInvocationSendRate,
  sendDigest,
  subscriberLinks,
  type DigestOutcome,
  cachedCandidates,
  type Mailer,
  type RenderDigestInput,
  type RetryPolicy,
} from '@paperboy/core';
import { renderDigestEmail } from '@paperboy/mail';
import type { BaseRuntime, Runtime } from '../commons/runtime.js';
import { lambdaMailer, lambdaRuntime, lambdaSecret } from '../commons/lambda-runtime.js';

const day = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/));
const jobSchema = z.object({
  subscriberId: z.string().check(z.minLength(1), z.maxLength(64)),
  period: z.string().check(z.regex(/^\d{4}-(\d{2}-\d{2}|W\d{2})$/)),
  day: z.optional(day),
});

export interface SendExtras {
  onOutcome?: (outcome: DigestOutcome) => void;
  /** Sends per second for this invocation; default perInvocationSendRate(digest.sendRatePerSecond). Infinity: no pacing. */
  ratePerSecond?: number;
  retry?: RetryPolicy;
  /** How long a container reuses the papers it read (default 60 s). */
  candidatesTtlMs?: number;
}

export function makeHandler(rt: BaseRuntime & Pick<Runtime, 'mailer' | 'secret'>, extras: SendExtras = {}) {
  const rate = extras.ratePerSecond ?? perInvocationSendRate(rt.config.owner.digest.sendRatePerSecond);
  // One pacer per warm container: back-to-back invocations of the same container keep their spacing.
  const pacer = Number.isFinite(rate) ? new Pacer(rate) : undefined;
  const mailer: Mailer = pacer
    ? {
        send: async (m) => {
          await pacer.take();
          return rt.mailer.send(m);
        },
      }
    : rt.mailer;

  // The window's papers are the same for every job: read them at most once a minute per warm container.
  const candidates = cachedCandidates(rt.papers, rt.clock, extras.candidatesTtlMs ?? 60_000);

  return invokedAs('send-digests', async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const secret = await rt.secret();
    const { site, digest, schedule } = rt.config.owner;
    const render = ({ subscriber, topics, selection, period }: RenderDigestInput) =>
      renderDigestEmail({
        to: subscriber.email,
        site: { title: site.title, url: rt.config.siteUrl },
        topics,
        papers: selection.papers,
        moreByDay: selection.moreByDay,
        frequency: subscriber.frequency,
        period,
        ...subscriberLinks({ siteUrl: rt.config.siteUrl, secret }, subscriber.id),
      });
    const failures: { itemIdentifier: string }[] = [];
    for (const record of event.Records) {
      try {
        const job = jobSchema.parse(JSON.parse(record.body));
        const outcome = await sendDigest(job, {
          subscribers: rt.subscribers,
          papers: rt.papers,
          candidates,
          ledger: rt.ledger,
          mailer,
          clock: rt.clock,
          topics: rt.config.taxonomy.topics,
          settings: { ...digest, timezone: schedule.timezone },
          render,
          retry: extras.retry,
          onRejected: (j, err) => rt.logger.warn('digest rejected by SES', { subscriberId: j.subscriberId, period: j.period, error: String(err) }),
        });
        extras.onOutcome?.(outcome);
        rt.logger.info('digest', { subscriberId: job.subscriberId, period: job.period, outcome });
      } catch (err) {
        // A malformed job fails every retry and so ends in the dead-letter queue, where an alarm sees it.
        // Throttling and an in-flight claim are retried by SQS after the visibility timeout (the claim was released).
        const malformed = err instanceof SyntaxError || err instanceof $ZodError;
        const kind = malformed ? 'malformed digest job' : isThrottling(err) ? 'SES throttled; will retry' : err instanceof DigestInFlightError ? 'digest in flight; will retry' : 'digest failed';
        rt.logger.error(kind, { messageId: record.messageId, error: String(err) });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures: failures };
  });
}

let cached: ReturnType<typeof makeHandler> | undefined;
export const handler = async (event: SQSEvent) => (cached ??= makeHandler(cloud()))(event);

function cloud(): BaseRuntime & Pick<Runtime, 'mailer' | 'secret'> {
  const rt = lambdaRuntime();
  return { ...rt, mailer: lambdaMailer(rt.config), secret: lambdaSecret(rt.config) };
}
