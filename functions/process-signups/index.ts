/**
 * Lambda (SQS): the work of each sign-up the subscriptions API queued: look the address up, write the
 * subscriber, send the confirmation (or "already subscribed") email. It runs after the API answered, so
 * the answer's time says nothing about the address. A failed record goes back to the queue alone; a
 * sign-up is safe to run again (see `subscribe`), so a crash between its writes is repaired by the retry.
 */
import { invokedAs } from '@paperboy/aws';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { $ZodError } from 'zod/v4/core';
import { subscribe, subscribeRequestSchema, type SubscribeOutcome } from '@paperboy/core';
import type { BaseRuntime, Runtime } from '../commons/runtime.js';
import { lambdaMailer, lambdaRuntime, lambdaSecret } from '../commons/lambda-runtime.js';
import { subscriptionDeps } from '../commons/subscription-deps.js';

export interface SignupExtras {
  onOutcome?: (outcome: SubscribeOutcome) => void;
}

export function makeHandler(rt: BaseRuntime & Pick<Runtime, 'mailer' | 'secret'>, extras: SignupExtras = {}) {
  const schema = subscribeRequestSchema(rt.config.taxonomy.topics.map((t) => t.slug));
  return invokedAs('process-signups', async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const deps = await subscriptionDeps(rt);
    const failures: { itemIdentifier: string }[] = [];
    for (const record of event.Records) {
      try {
        // Checked again: the API validated it, but a queue is an input like any other.
        const outcome = await subscribe(schema.parse(JSON.parse(record.body)), deps);
        extras.onOutcome?.(outcome);
        // No address in the log: the outcome is what an operator needs.
        rt.logger.info('sign-up', { messageId: record.messageId, outcome });
      } catch (err) {
        // A malformed record fails every retry and so ends in the dead-letter queue, where an alarm sees it.
        const malformed = err instanceof SyntaxError || err instanceof $ZodError;
        rt.logger.error(malformed ? 'malformed sign-up' : 'sign-up failed; will retry', { messageId: record.messageId, error: String(err) });
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
