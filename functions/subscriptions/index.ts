/** Lambda (HTTP API at /api/*): subscribe, confirm, unsubscribe. Every page escapes what it echoes. */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  checkUnsubscribeToken,
  confirmSubscription,
  subscribe,
  subscribeRequestSchema,
  unsubscribe,
  type SubscriptionDeps,
} from '@paperboy/core';
import { escapeHtml, renderPage } from '@paperboy/feeds';
import { renderAlreadySubscribedEmail, renderConfirmationEmail } from '@paperboy/mail';
import { buildRuntime, type Runtime } from '../commons/runtime.js';
import { lambdaConfig } from '../commons/lambda-config.js';

type Result = APIGatewayProxyStructuredResultV2;

const CONFIRM_TTL_HOURS = 48;
const MAX_BODY = 16_384;

export function makeHandler(rt: Runtime) {
  const site = () => ({ ...rt.config.owner.site, url: rt.config.siteUrl });
  const topicSlugs = rt.config.taxonomy.topics.map((t) => t.slug);
  const schema = subscribeRequestSchema(topicSlugs);

  const page = (status: number, title: string, bodyHtml: string): Result => ({
    statusCode: status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    },
    body: renderPage({ site: site(), title, heading: title, bodyHtml }),
  });
  const json = (status: number, body: unknown): Result => ({
    statusCode: status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  });

  async function deps(): Promise<SubscriptionDeps> {
    const secret = await rt.secret();
    const s = site();
    return {
      subscribers: rt.subscribers,
      mailer: rt.mailer,
      clock: rt.clock,
      links: { siteUrl: rt.config.siteUrl, secret },
      confirmTtlHours: CONFIRM_TTL_HOURS,
      renderConfirmation: (i) =>
        renderConfirmationEmail({ ...i, site: s, topics: i.topics.map((slug) => rt.config.taxonomy.topics.find((t) => t.slug === slug)!) }),
      renderAlreadySubscribed: (i) => renderAlreadySubscribedEmail({ ...i, site: s }),
    };
  }

  return async (event: APIGatewayProxyEventV2): Promise<Result> => {
    const method = event.requestContext.http.method.toUpperCase();
    const path = event.rawPath.replace(/\/+$/, '');
    const query = new URLSearchParams(event.rawQueryString ?? '');
    const rawBody = event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';
    if (rawBody.length > MAX_BODY) return json(413, { error: 'request body too large' });
    const contentType = (event.headers?.['content-type'] ?? '').toLowerCase();
    const isForm = contentType.startsWith('application/x-www-form-urlencoded');

    if (path === '/api/subscribe' && method === 'POST') {
      let raw: unknown;
      if (isForm) {
        const form = new URLSearchParams(rawBody);
        raw = { email: form.get('email') ?? undefined, topics: form.getAll('topics'), frequency: form.get('frequency') ?? undefined };
      } else {
        try {
          raw = JSON.parse(rawBody || '{}');
        } catch {
          return json(400, { error: 'body must be JSON or an HTML form post' });
        }
      }
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        const message = parsed.error.issues[0]!.message;
        return isForm ? page(400, 'Please check the form', `<p>${escapeHtml(message)}.</p><p><a href="../index.html#subscribe">Back to the form</a></p>`) : json(400, { error: message });
      }
      await subscribe(parsed.data, await deps());
      // The same answer whether or not the address is known: no enumeration.
      const message = 'Check your inbox: we sent a message to confirm your subscription.';
      return isForm ? page(202, 'Almost there', `<p role="status">${escapeHtml(message)}</p>`) : json(202, { ok: true, message });
    }

    if (path === '/api/confirm' && method === 'GET') {
      const outcome = await confirmSubscription(query.get('token') ?? '', await deps());
      if (outcome.status === 'confirmed') return page(200, 'Subscription confirmed', '<p role="status">You are subscribed. Your first digest arrives with the next edition.</p>');
      if (outcome.status === 'expired') return page(410, 'Link expired', '<p>This confirmation link has expired. Please subscribe again.</p>');
      return page(404, 'Link not valid', '<p>This confirmation link is not valid or was already used.</p>');
    }

    if (path === '/api/unsubscribe') {
      const token = query.get('token') ?? (isForm ? new URLSearchParams(rawBody).get('token') : null) ?? '';
      const secret = await rt.secret();
      if (method === 'GET') {
        // Link scanners prefetch GETs: show a button, act only on POST.
        if (!checkUnsubscribeToken(token, secret)) return page(404, 'Link not valid', '<p>This unsubscribe link is not valid.</p>');
        return page(
          200,
          'Unsubscribe',
          `<form method="post" action="unsubscribe?token=${escapeHtml(encodeURIComponent(token))}"><p>Stop all emails from ${escapeHtml(rt.config.owner.site.title)}?</p><button type="submit">Unsubscribe</button></form>`,
        );
      }
      if (method === 'POST') {
        // RFC 8058 one-click: the body is "List-Unsubscribe=One-Click"; no cookie, no login.
        const outcome = await unsubscribe(token, { subscribers: rt.subscribers, clock: rt.clock, secret });
        if (outcome === 'invalid') return page(404, 'Link not valid', '<p>This unsubscribe link is not valid.</p>');
        return page(200, 'Unsubscribed', '<p role="status">You are unsubscribed and will get no more digests.</p>');
      }
    }
    return json(404, { error: 'not found' });
  };
}

let cached: ReturnType<typeof makeHandler> | undefined;
export const handler = async (event: APIGatewayProxyEventV2) => (cached ??= makeHandler(buildRuntime(lambdaConfig())))(event);
