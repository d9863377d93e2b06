/** What the subscription use cases need, wired from the runtime (the API and process-signups share it). */
import type { SubscriptionDeps } from '@paperboy/core';
import { renderAlreadySubscribedEmail, renderConfirmationEmail } from '@paperboy/mail';
import type { BaseRuntime, Runtime } from './runtime.js';

export async function subscriptionDeps(rt: BaseRuntime & Pick<Runtime, 'mailer' | 'secret'>): Promise<SubscriptionDeps> {
  const secret = await rt.secret();
  const site = { ...rt.config.owner.site, url: rt.config.siteUrl };
  const allTopics = rt.config.taxonomy.topics;
  return {
    subscribers: rt.subscribers,
    mailer: rt.mailer,
    clock: rt.clock,
    randomBytes: rt.randomBytes,
    links: { siteUrl: rt.config.siteUrl, secret },
    confirmTtlHours: rt.config.owner.subscriptions.confirmTtlHours,
    renderConfirmation: (i) => renderConfirmationEmail({ ...i, site, topics: i.topics.map((slug) => allTopics.find((t) => t.slug === slug)!) }),
    renderAlreadySubscribed: (i) => renderAlreadySubscribedEmail({ ...i, site }),
  };
}
