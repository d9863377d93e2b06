/**
 * Lambda (asynchronous, from the subscriptions API): the work of one sign-up: look the address up, write
 * the subscriber, send the confirmation (or "already subscribed") email. It runs after the API answered,
 * so the answer's time says nothing about the address. A failed run throws: Lambda retries it twice, then
 * keeps the event in FailedInvocationsQueue (alarmed on). A sign-up is safe to run again (see `subscribe`),
 * so a crash between its writes, or a duplicate delivery, is repaired by the next run.
 */
import { invokedAs } from '@paperboy/aws';
import { countMail, dayInZone, subscribe, subscribeRequestSchema, type SubscribeOutcome } from '@paperboy/core';
import type { BaseRuntime, Runtime } from '../commons/runtime.js';
import { lambdaMailer, lambdaRuntime, lambdaSecret } from '../commons/lambda-runtime.js';
import { subscriptionDeps } from '../commons/subscription-deps.js';

export interface SignupExtras {
  onOutcome?: (outcome: SubscribeOutcome) => void;
}

export function makeHandler(rt: BaseRuntime & Pick<Runtime, 'mailer' | 'secret'>, extras: SignupExtras = {}) {
  const schema = subscribeRequestSchema(rt.config.taxonomy.topics.map((t) => t.slug));
  return invokedAs('process-signups', async (event: unknown): Promise<SubscribeOutcome> => {
    // Checked again: the API validated it, but an event is an input like any other.
    const parsed = schema.safeParse(event);
    if (!parsed.success) {
      // Never retried into success: logged without the event (it may hold an address), and thrown so it ends in FailedInvocationsQueue.
      rt.logger.error('malformed sign-up', { issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
      throw new Error('malformed sign-up event');
    }
    try {
      const outcome = await subscribe(parsed.data, await subscriptionDeps(rt));
      // Every outcome but a suppressed address sent one email: counted toward the week's bounce and complaint rates.
      if (outcome !== 'suppressed') await countMail({ sent: 1 }, { mailStats: rt.mailStats, today: dayInZone(rt.clock.now(), rt.config.owner.schedule.timezone) });
      extras.onOutcome?.(outcome);
      // No address in the log: the outcome is what an operator needs.
      rt.logger.info('sign-up', { outcome });
      return outcome;
    } catch (err) {
      rt.logger.warn('sign-up failed; Lambda retries it', { error: String(err) });
      throw err;
    }
  });
}

let cached: ReturnType<typeof makeHandler> | undefined;
export const handler = async (event: unknown) => (cached ??= makeHandler(cloud()))(event);

function cloud(): BaseRuntime & Pick<Runtime, 'mailer' | 'secret'> {
  const rt = lambdaRuntime();
  return { ...rt, mailer: lambdaMailer(rt.config), secret: lambdaSecret(rt.config) };
}
