/**
 * Lambda (HTTP API at /api/*): sign-up, confirm, preferences, unsubscribe, private feeds. Every page escapes what it echoes.
 * Answers never reveal whether an address is known: a sign-up is counted, checked and handed over, and the
 * work that depends on the address runs in process-signups. Links from emails act only on POST (link scanners
 * open every link of an email): their GET shows a page with one button.
 */
import { LambdaSignupQueue, asyncInvoker, invokedAs } from '@paperboy/aws';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  checkConfirmToken,
  checkUnsubscribeToken,
  clientAddress,
  confirmSubscription,
  FOLLOW_LIMITS,
  preferencesProblems,
  ensureFeedToken,
  PRIVATE_FEED_FORMATS,
  PRIVATE_FEED_PREFIX,
  type PrivateFeedFormat,
  privateFeedUrls,
  revokeFeedToken,
  preferencesRequestSchema,
  readPreferences,
  requestSignup,
  subscribeProblems,
  subscribeRequestSchema,
  unsubscribe,
  updatePreferences,
  type Frequency,
  type PreferencesField,
  type SignupQueue,
  type Subscriber,
} from '@paperboy/core';
import { escapeHtml, renderPage, SECURITY_HEADERS, subscribeForm, topicView } from '@paperboy/feeds';
import type { BaseRuntime, Runtime } from '../commons/runtime.js';
import { lambdaRuntimeWithEdge, lambdaSecret } from '../commons/lambda-runtime.js';
import { privateFeedRoute } from './private-feed.js';

export { PRIVATE_FEED_MAX_AGE } from './private-feed.js';

type Result = APIGatewayProxyStructuredResultV2;

const MAX_BODY = 16_384;
const FEED_LABELS: Record<PrivateFeedFormat, string> = { rss: 'RSS', atom: 'Atom', json: 'JSON Feed' };

/** The preferences form's fields as shown: checked topics, the textareas' text, the frequency, and any problems. */
interface PreferencesFormState {
  topics: string[];
  keywords: string;
  authors: string;
  frequency?: Frequency;
  followUps?: string;
  errors?: Partial<Record<PreferencesField, string>>;
}

function minutes(seconds: number): string {
  const m = Math.max(1, Math.ceil(seconds / 60));
  return `${m} minute${m === 1 ? '' : 's'}`;
}

/** `signups`: how sign-ups reach process-signups (an asynchronous invocation in the cloud; the local runner hands them over itself). */
export function makeHandler(rt: BaseRuntime & Pick<Runtime, 'secret'>, signups: SignupQueue) {
  const site = () => ({ ...rt.config.owner.site, url: rt.config.siteUrl });
  const allTopics = rt.config.taxonomy.topics;
  const topicSlugs = allTopics.map((t) => t.slug);
  const schema = subscribeRequestSchema(topicSlugs);
  const prefsSchema = preferencesRequestSchema(topicSlugs);
  const settings = rt.config.owner.subscriptions;
  const signupDeps = { limiter: rt.limiter, clock: rt.clock, limits: settings, schema, queue: signups };
  const privateFeed = privateFeedRoute(rt);

  const page = (status: number, title: string, bodyHtml: string, extraHeaders: Record<string, string> = {}): Result => ({
    statusCode: status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // CloudFront sends the same (its response headers policy); here too for the direct API endpoint.
      ...SECURITY_HEADERS,
      ...extraHeaders,
    },
    body: renderPage({ site: site(), title, heading: title, bodyHtml }),
  });
  const json = (status: number, body: unknown, extraHeaders: Record<string, string> = {}): Result => ({
    statusCode: status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...extraHeaders },
    body: JSON.stringify(body),
  });
  const text = (status: number, body: string): Result => ({
    statusCode: status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...SECURITY_HEADERS },
    body,
  });
  const invalidLink = (what: string) => page(404, 'Link not valid', `<p>This ${escapeHtml(what)} link is not valid.</p>`);

  // --- Confirm pages ---------------------------------------------------------------------------
  const topicNames = (slugs: string[]) => slugs.map((slug) => allTopics.find((t) => t.slug === slug)?.name ?? slug);
  const confirmPage = (token: string, subscriber: Subscriber) =>
    page(
      200,
      'Confirm your subscription',
      // The token goes in the form body (not the action's query), so the confirming request's URL carries none.
      `<form method="post" action="confirm">
<input type="hidden" name="token" value="${escapeHtml(token)}">
<p>Get ${escapeHtml(subscriber.frequency)} emails from ${escapeHtml(rt.config.owner.site.title)} about new papers on ${escapeHtml(topicNames(subscriber.topics).join(', '))}?</p>
<p><button type="submit">Confirm subscription</button></p>
</form>
<p>If you did not ask for this, close this page: nothing is sent until the button is pressed.</p>`,
    );
  const confirmedPage = (already: boolean) =>
    already
      ? page(200, 'Already confirmed', '<p role="status">This subscription is already confirmed. Your digests arrive with each edition; each one has links to change your topics or unsubscribe.</p>')
      : page(200, 'Subscription confirmed', '<p role="status">You are subscribed. Your first digest arrives with the next edition.</p>');
  const subscribeAgain = () => `<a href="${escapeHtml(`${rt.config.siteUrl}#subscribe`)}">subscribe again</a>`;
  const expiredPage = () => page(410, 'Link expired', `<p>This confirmation link has expired. Please ${subscribeAgain()}: a new link comes by email.</p>`);
  const invalidConfirmPage = () =>
    page(404, 'Link not valid', `<p>This confirmation link is not valid: it may have been replaced by a newer one, or the address has left since. To get digests, ${subscribeAgain()}.</p>`);

  /**
   * The preferences form: topics (checkboxes), keyword phrases and authors (textareas, one a line) and frequency.
   * A rejected form comes back as it was sent, each problem beside its field.
   */
  function preferencesForm(token: string, state: PreferencesFormState, note = ''): string {
    const errors = state.errors ?? {};
    const chosen = new Set(state.topics);
    const problem = (field: PreferencesField) => (errors[field] ? `\n<p class="error" id="${field}-error">${escapeHtml(errors[field]!)}</p>` : '');
    const describedBy = (field: PreferencesField, ...more: string[]) => {
      const ids = [...(errors[field] ? [`${field}-error`] : []), ...more];
      return ids.length ? ` aria-describedby="${ids.join(' ')}"` : '';
    };
    const invalid = (field: PreferencesField) => (errors[field] ? ' aria-invalid="true"' : '');
    const boxes = allTopics
      .map(
        (t) =>
          `<label class="choice"><input type="checkbox" name="topics" value="${escapeHtml(t.slug)}"${chosen.has(t.slug) ? ' checked' : ''}> ${escapeHtml(t.name)}</label>`,
      )
      .join('\n');
    const radio = (f: Frequency, label: string) =>
      `<label class="choice-inline"><input type="radio" name="frequency" value="${f}"${state.frequency === f ? ' checked' : ''}> ${label}</label>`;
    const fields = Object.keys(errors) as PreferencesField[];
    const target: Record<PreferencesField, string> = { topics: 'topics-legend', keywords: 'keywords', authors: 'authors', frequency: 'frequency-legend', followUps: 'follow-ups-legend' };
    const followUp = (value: string, label: string) =>
      `<label class="choice"><input type="radio" name="followUps" value="${value}"${(state.followUps ?? 'off') === value ? ' checked' : ''}> ${label}</label>`;
    const summary = fields.length
      ? `<div class="problems" role="alert">\n<p>What to fix:</p>\n<ul>\n${fields.map((f) => `<li><a href="#${target[f]}">${escapeHtml(errors[f]!)}</a></li>`).join('\n')}\n</ul>\n</div>\n`
      : '';
    const { keywords: maxKeywords, keywordChars, keywordWords, authors: maxAuthors, authorChars } = FOLLOW_LIMITS;
    return `${summary}${note}<form method="post" action="preferences?token=${escapeHtml(encodeURIComponent(token))}">
<fieldset${describedBy('topics')}><legend id="topics-legend">Topics</legend>${problem('topics')}
${boxes}
</fieldset>
<label for="keywords">Keyword phrases, one a line</label>${problem('keywords')}
<textarea id="keywords" name="keywords" rows="4" spellcheck="false"${describedBy('keywords', 'keywords-hint')}${invalid('keywords')}>${escapeHtml(state.keywords)}</textarea>
<p class="hint" id="keywords-hint">Papers whose title or abstract has the phrase, such as <code>speculative decoding</code> or <code>fine-tun*</code> (a word ending in * matches every word it starts). Case does not matter, except in acronyms: a word with a capital after its first letter (<code>MoE</code>, <code>GPT</code>) matches that spelling only. At most ${maxKeywords} phrases of ${keywordWords} words and ${keywordChars} characters.</p>
<label for="authors">Authors, one a line</label>${problem('authors')}
<textarea id="authors" name="authors" rows="3"${describedBy('authors', 'authors-hint')}${invalid('authors')}>${escapeHtml(state.authors)}</textarea>
<p class="hint" id="authors-hint">Papers by these people: accents, case and initials do not matter (<code>Y. LeCun</code> finds Yann LeCun). At most ${maxAuthors} names of ${authorChars} characters.</p>
<fieldset${describedBy('frequency')}><legend id="frequency-legend">How often</legend>${problem('frequency')}
${radio('daily', 'Daily')}${radio('weekly', `Weekly (on ${escapeHtml(rt.config.owner.digest.weeklyDay)})`)}
</fieldset>
<fieldset${describedBy('followUps', 'follow-ups-hint')}><legend id="follow-ups-legend">Updates on papers you were sent</legend>${problem('followUps')}
<p class="hint" id="follow-ups-hint">Once for each paper: when its code is released, or when it passes ${escapeHtml(String(rt.config.owner.digest.trendingUpvotes))} upvotes.</p>
${followUp('off', 'No updates')}
${followUp('digest', 'In my digests')}
${followUp('always', 'In my digests, and on their own when there are no new papers')}
</fieldset>
<p><button type="submit">Save preferences</button></p>
</form>`;
  }
  /** The form filled from what is stored. */
  const storedState = (s: Pick<Subscriber, 'topics' | 'keywords' | 'authors' | 'frequency'> & { followUps?: string }): PreferencesFormState => ({
    topics: s.topics,
    keywords: (s.keywords ?? []).join('\n'),
    authors: (s.authors ?? []).join('\n'),
    frequency: s.frequency,
    followUps: s.followUps ?? 'off',
  });

  /** The private feed's links, and a button that replaces its URL (the old one stops working at once). */
  function feedSection(prefsToken: string, feedToken: string | undefined, note = ''): string {
    if (!feedToken) return '';
    const urls = privateFeedUrls(rt.config.siteUrl, feedToken);
    const links = PRIVATE_FEED_FORMATS.map((f) => `<li><a href="${escapeHtml(urls[f])}">${escapeHtml(FEED_LABELS[f])}</a></li>`).join('\n');
    return `<h2>Your private feed</h2>
${note}<p>The papers your digest would carry, as a feed for your reader. Keep its address to yourself: anyone who has it can read the feed.</p>
<ul>
${links}
</ul>
<form method="post" action="preferences?token=${escapeHtml(encodeURIComponent(prefsToken))}">
<input type="hidden" name="action" value="new-feed-url">
<p><button type="submit">Get a new feed address</button> (the current one stops working at once)</p>
</form>`;
  }
  const tokenDeps = async () => ({ subscribers: rt.subscribers, feedTokens: rt.feedTokens, secret: await rt.secret(), randomBytes: rt.randomBytes, edge: rt.edge });

  return invokedAs('subscriptions', async (event: APIGatewayProxyEventV2): Promise<Result> => {
    const method = event.requestContext.http.method.toUpperCase();
    const path = event.rawPath.replace(/\/+$/, '');
    const query = new URLSearchParams(event.rawQueryString ?? '');
    const rawBody = event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';
    if (rawBody.length > MAX_BODY) return json(413, { error: 'request body too large' });
    const contentType = (event.headers?.['content-type'] ?? '').toLowerCase();
    const isForm = contentType.startsWith('application/x-www-form-urlencoded');
    const form = isForm ? new URLSearchParams(rawBody) : undefined;

    // The form's target opened in a browser (a bookmark, a shared link): go to the form.
    if (path === '/api/subscribe' && method === 'GET') {
      return { statusCode: 303, headers: { location: `${rt.config.siteUrl}#subscribe`, 'cache-control': 'no-store', ...SECURITY_HEADERS }, body: '' };
    }

    if (path === '/api/subscribe' && method === 'POST') {
      const answer = await requestSignup({ client: clientAddress(event.headers, event.requestContext.http.sourceIp), body: form ? { ok: true, value: signupOf(form) } : readJson(rawBody) }, signupDeps);
      switch (answer.status) {
        case 'limited': {
          const message = `Too many sign-up requests ${answer.scope === 'client' ? 'from your network' : 'for this address'}; please try again in ${minutes(answer.retryAfterSeconds)}.`;
          const headers = { 'retry-after': String(answer.retryAfterSeconds) };
          return form ? page(429, 'Please wait a little', `<p role="alert">${escapeHtml(message)}</p>`, headers) : json(429, { error: message }, headers);
        }
        case 'unreadable':
          return json(400, { error: answer.message });
        case 'invalid': {
          if (!form) return json(400, { error: answer.error.issues[0]!.message });
          // The form comes back as it was sent, with what to fix beside each field.
          const sent = { email: form.get('email') ?? '', topics: form.getAll('topics'), frequency: form.get('frequency') ?? undefined };
          return page(400, 'Please check the form', subscribeForm(allTopics.map(topicView), { ...sent, errors: subscribeProblems(answer.error) }));
        }
        case 'queued': {
          // The same answer whether or not the address is known: no enumeration.
          const message = 'Check your inbox: we sent a message to confirm your subscription.';
          return form ? page(202, 'Almost there', `<p role="status">${escapeHtml(message)}</p>`) : json(202, { ok: true, message });
        }
      }
    }

    // Link scanners open every link of an email: the GET shows one button, only its POST confirms.
    if (path === '/api/confirm' && method === 'GET') {
      const token = query.get('token') ?? '';
      const state = await checkConfirmToken(token, rt);
      if (state.status === 'pending') return confirmPage(token, state.subscriber);
      if (state.status === 'confirmed') return confirmedPage(true);
      return state.status === 'expired' ? expiredPage() : invalidConfirmPage();
    }

    if (path === '/api/confirm' && method === 'POST') {
      const outcome = await confirmSubscription(form?.get('token') ?? '', rt);
      if (outcome.status === 'confirmed') return confirmedPage(outcome.already);
      return outcome.status === 'expired' ? expiredPage() : invalidConfirmPage();
    }

    if (path === '/api/preferences' && (method === 'GET' || method === 'POST')) {
      const token = query.get('token') ?? form?.get('token') ?? '';
      const secret = await rt.secret();
      const subscriber = await readPreferences(token, { subscribers: rt.subscribers, secret });
      if (!subscriber) return invalidLink('preferences');
      if (subscriber.status !== 'active') {
        return page(410, 'Not subscribed', '<p>This address is not subscribed any more. To get digests again, subscribe on the site.</p>');
      }
      if (method === 'GET') {
        // Issued on first view (safe to repeat: the same token each time).
        const feed = await ensureFeedToken(subscriber, await tokenDeps());
        return page(200, 'Your preferences', preferencesForm(token, storedState(subscriber)) + feedSection(token, feed));
      }
      if (form?.get('action') === 'new-feed-url') {
        const feed = await revokeFeedToken(subscriber.id, await tokenDeps());
        if (!feed) return page(410, 'Not subscribed', '<p>This address is not subscribed any more.</p>');
        return page(
          200,
          'New feed address',
          preferencesForm(token, storedState(subscriber)) +
            feedSection(token, feed, '<p role="status">Your feed has a new address; the old one no longer works. Update it in your reader.</p>'),
        );
      }
      const raw = form
        ? { topics: form.getAll('topics'), keywords: form.get('keywords') ?? '', authors: form.get('authors') ?? '', frequency: form.get('frequency') || undefined, followUps: form.get('followUps') || undefined }
        : safeJson(rawBody);
      const parsed = prefsSchema.safeParse(raw);
      if (!parsed.success) {
        // A form comes back as it was sent; a JSON post gets the stored choices.
        const frequency = form?.get('frequency');
        const sent: PreferencesFormState = form
          ? {
              topics: form.getAll('topics'),
              keywords: form.get('keywords') ?? '',
              authors: form.get('authors') ?? '',
              frequency: frequency === 'weekly' || frequency === 'daily' ? frequency : undefined,
              followUps: form.get('followUps') ?? undefined,
            }
          : storedState(subscriber);
        return page(400, 'Please check the form', preferencesForm(token, { ...sent, errors: preferencesProblems(parsed.error) }));
      }
      const outcome = await updatePreferences(token, parsed.data, { subscribers: rt.subscribers, secret, edge: rt.edge });
      if (outcome === 'invalid') return invalidLink('preferences');
      if (outcome === 'inactive') return page(410, 'Not subscribed', '<p>This address is not subscribed any more.</p>');
      const { topics, keywords, authors, frequency } = parsed.data;
      const what = [
        topicNames(topics).join(', '),
        keywords.length ? `${keywords.length} keyword ${keywords.length === 1 ? 'phrase' : 'phrases'}` : '',
        authors.length ? `${authors.length} ${authors.length === 1 ? 'author' : 'authors'}` : '',
      ].filter(Boolean);
      const feed = await ensureFeedToken({ ...subscriber, topics, keywords, authors, frequency }, await tokenDeps());
      return page(
        200,
        'Preferences saved',
        preferencesForm(token, storedState(parsed.data), `<p role="status">Saved: ${escapeHtml(frequency)} digests on ${escapeHtml(what.join('; '))}.</p>`) + feedSection(token, feed),
      );
    }

    if (path === '/api/feed' || path.startsWith(PRIVATE_FEED_PREFIX)) {
      if (method === 'GET' || method === 'HEAD') return privateFeed(path, query);
    }

    if (path === '/api/unsubscribe') {
      const token = query.get('token') ?? form?.get('token') ?? '';
      const secret = await rt.secret();
      if (method === 'GET') {
        // Link scanners prefetch GETs: show a button, act only on POST.
        if (!checkUnsubscribeToken(token, secret)) return invalidLink('unsubscribe');
        return page(
          200,
          'Unsubscribe',
          `<form method="post" action="unsubscribe?token=${escapeHtml(encodeURIComponent(token))}"><p>Stop all emails from ${escapeHtml(rt.config.owner.site.title)}?</p><button type="submit">Unsubscribe</button></form>`,
        );
      }
      if (method === 'POST') {
        // RFC 8058 one-click: the body is "List-Unsubscribe=One-Click"; no cookie, no login.
        const outcome = await unsubscribe(token, { subscribers: rt.subscribers, clock: rt.clock, secret, edge: rt.edge });
        if (outcome === 'invalid') return invalidLink('unsubscribe');
        return page(200, 'Unsubscribed', '<p role="status">You are unsubscribed and will get no more digests.</p>');
      }
    }
    return json(404, { error: 'not found' });
  });
}

/** The sign-up fields of a form post (topics may repeat). */
function signupOf(form: URLSearchParams): unknown {
  return { email: form.get('email') ?? undefined, topics: form.getAll('topics'), frequency: form.get('frequency') || undefined };
}

function readJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text || '{}') };
  } catch {
    return { ok: false, message: 'body must be JSON (content-type application/json) or an HTML form post' };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text || '{}');
  } catch {
    return undefined;
  }
}

let cached: ReturnType<typeof makeHandler> | undefined;
export const handler = async (event: APIGatewayProxyEventV2) => (cached ??= makeHandler(...cloud()))(event);

function cloud(): [BaseRuntime & Pick<Runtime, 'secret'>, SignupQueue] {
  const base = lambdaRuntimeWithEdge();
  const rt = { ...base, secret: lambdaSecret(base.config) };
  if (!rt.config.signupFunctionName) throw new Error('PAPERBOY_SIGNUP_FUNCTION is not set');
  return [rt, new LambdaSignupQueue(asyncInvoker(rt.config.region, rt.config.signupFunctionName))];
}
