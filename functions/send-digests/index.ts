/** Lambda (SQS): send each queued digest exactly once; failed records go back to the queue alone. */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { z } from 'zod';
import { sendDigest, subscriberLinks, type DigestOutcome, type RenderDigestInput } from '@paperboy/core';
import { renderDigestEmail } from '@paperboy/mail';
import { buildRuntime, type Runtime } from '../commons/runtime.js';
import { lambdaConfig } from '../commons/lambda-config.js';

const jobSchema = z.object({ subscriberId: z.string().min(1).max(64), period: z.string().regex(/^\d{4}-(\d{2}-\d{2}|W\d{2})$/) });

export function makeHandler(rt: Runtime, extras: { onOutcome?: (outcome: DigestOutcome) => void } = {}) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const secret = await rt.secret();
    const { site, digest, schedule } = rt.config.owner;
    const render = ({ subscriber, topics, selection, period }: RenderDigestInput) =>
      renderDigestEmail({
        to: subscriber.email,
        site: { title: site.title, url: rt.config.siteUrl },
        topics,
        papers: selection.papers,
        moreByTopic: selection.moreByTopic,
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
          ledger: rt.ledger,
          mailer: rt.mailer,
          clock: rt.clock,
          topics: rt.config.taxonomy.topics,
          settings: { ...digest, timezone: schedule.timezone },
          render,
        });
        extras.onOutcome?.(outcome);
        rt.logger.info('digest', { subscriberId: job.subscriberId, period: job.period, outcome });
      } catch (err) {
        // A malformed job fails every retry and so ends in the dead-letter queue, where an alarm sees it.
        const malformed = err instanceof SyntaxError || err instanceof z.ZodError;
        rt.logger.error(malformed ? 'malformed digest job' : 'digest failed', { messageId: record.messageId, error: String(err) });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures: failures };
  };
}

let cached: ReturnType<typeof makeHandler> | undefined;
export const handler = async (event: SQSEvent) => (cached ??= makeHandler(buildRuntime(lambdaConfig())))(event);
