/**
 * Use cases: sign-up (double opt-in), confirm, unsubscribe, preferences. Answers never reveal whether an
 * address is known: the API only counts and queues a sign-up (`requestSignup`), and the work whose cost
 * depends on the address (`subscribe`) runs from the queue, after the answer.
 */
import * as z from '../zod-mini.js';
import type { EmailMessage, Frequency, Subscriber } from '../model.js';
import type { Clock, EdgeCache, Mailer, RandomBytes, RateLimiter, SignupQueue, SubscriberRepository } from '../ports.js';
import { currentFeedInvalidation } from '../edge-cache.js';
import { authorKey } from '../follows.js';
import { isPhrase, normalisePhrase, PHRASE_SYNTAX_MESSAGE } from '../tagging/phrase-syntax.js';
import { oneLine, sha256 } from '../text.js';
import { hashToken, isConfirmToken, newConfirmToken, newSubscriberId, signLinkToken, verifyLinkToken } from '../tokens.js';

export class InputError extends Error {
  override name = 'InputError';
}

/** Topic slugs, each known, sorted and without repeats; `required`: at least one. */
function topicsSchema(topicSlugs: string[], required: boolean) {
  return z.pipe(
    z.array(z.string(), { error: 'topics must be a list of topic slugs' }).check(
      ...(required ? [z.minLength(1, 'topics: choose at least one topic')] : []),
      z.maxLength(topicSlugs.length, 'topics: too many topics'),
      z.superRefine((ts: string[], ctx) => {
        const unknown = ts.filter((t) => !topicSlugs.includes(t));
        if (unknown.length) {
          const shown = unknown.slice(0, 3).map((t) => JSON.stringify(t.slice(0, 40))).join(', ');
          ctx.addIssue({ code: 'custom', message: `topics: unknown topic ${shown}; known topics are ${topicSlugs.join(', ')}`, input: ts });
        }
      }),
    ),
    z.transform((ts: string[]) => [...new Set(ts)].sort()),
  );
}

export function subscribeRequestSchema(topicSlugs: string[]) {
  return z.object({
    email: z.pipe(
      z
        .string({ error: 'email is required' })
        .check(z.trim(), z.maxLength(254, 'email is too long'), z.email('email must be an address like name@example.com')),
      z.transform((e) => e.toLowerCase()),
    ),
    topics: topicsSchema(topicSlugs, true),
    frequency: z._default(z.enum(['daily', 'weekly'], { error: 'frequency must be "daily" or "weekly"' }), 'daily'),
  });
}
export type SubscribeRequest = z.infer<ReturnType<typeof subscribeRequestSchema>>;

export type SubscribeField = 'email' | 'topics' | 'frequency';
const SUBSCRIBE_FIELDS: readonly string[] = ['email', 'topics', 'frequency'] satisfies SubscribeField[];

/**
 * What to fix in a rejected sign-up, one sentence per field ("Choose at least one topic."), for a form
 * that shows each beside its field. A problem with no field of its own is reported on the email.
 */
export function subscribeProblems(error: z.core.$ZodError): Partial<Record<SubscribeField, string>> {
  const problems: Partial<Record<SubscribeField, string>> = {};
  for (const issue of error.issues) {
    const field = (SUBSCRIBE_FIELDS.includes(String(issue.path[0])) ? issue.path[0] : 'email') as SubscribeField;
    const text = issue.message.replace(/^topics: /, '');
    problems[field] ??= `${text.charAt(0).toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}`;
  }
  return problems;
}

/** How much a subscriber may follow besides topics. */
export const FOLLOW_LIMITS = { keywords: 20, keywordChars: 60, keywordWords: 6, authors: 20, authorChars: 100 } as const;

/**
 * The entries of a follow list: the lines of a textarea (a string), or the items of a JSON list, each with its
 * number from 1 as the subscriber sees it; blank ones left out. Undefined when the value is neither.
 */
function entriesOf(value: unknown): { line: number; text: string }[] | undefined {
  const items = value === undefined || value === null ? [] : typeof value === 'string' ? value.split(/\r\n|\r|\n/) : value;
  if (!Array.isArray(items) || !items.every((i) => typeof i === 'string')) return undefined;
  return items.map((text, i) => ({ line: i + 1, text })).filter((e) => e.text.trim() !== '');
}

/** `line 3 "a<b"`: where a bad entry is, quoted as sent (cut short), for the message beside its field. */
function where(entry: { line: number; text: string }): string {
  const text = oneLine(entry.text);
  return `line ${entry.line} ${JSON.stringify(text.length > 60 ? `${text.slice(0, 59)}…` : text)}`;
}

/**
 * A follow list: one entry a line (or a JSON list of strings), each checked by `check` (a problem, or the
 * entry as kept and its key), duplicates by key dropped silently, at most `max` after that. The first bad line
 * is the error, as `<field>: line 3 "a<b": <problem>`.
 */
function followList(field: 'keywords' | 'authors', max: number, noun: string, check: (text: string) => { problem: string } | { value: string; key: string }) {
  return z.pipe(
    z.unknown(),
    z.transform((value, ctx): string[] => {
      const entries = entriesOf(value);
      if (!entries) {
        ctx.issues.push({ code: 'custom', message: `${field}: must be text, one ${noun} a line`, input: value });
        return [];
      }
      const kept = new Map<string, string>();
      for (const entry of entries) {
        const r = check(entry.text);
        if ('problem' in r) {
          ctx.issues.push({ code: 'custom', message: `${field}: ${where(entry)}: ${r.problem}`, input: value });
          return [];
        }
        if (!kept.has(r.key)) kept.set(r.key, r.value);
      }
      if (kept.size > max) {
        ctx.issues.push({ code: 'custom', message: `${field}: at most ${max} ${noun}s (${kept.size} given)`, input: value });
        return [];
      }
      return [...kept.values()];
    }),
  );
}

/** Keyword phrases in the rule language (tagger.ts), as followMatcher matches them. */
export const keywordsSchema = followList('keywords', FOLLOW_LIMITS.keywords, 'phrase', (text) => {
  const phrase = normalisePhrase(text);
  if (phrase.length > FOLLOW_LIMITS.keywordChars) return { problem: `must be at most ${FOLLOW_LIMITS.keywordChars} characters` };
  if (phrase.split(/[ -]+/).length > FOLLOW_LIMITS.keywordWords) return { problem: `must be at most ${FOLLOW_LIMITS.keywordWords} words` };
  if (!isPhrase(phrase)) return { problem: PHRASE_SYNTAX_MESSAGE };
  return { value: phrase, key: phrase };
});

/** Author names, kept as written (on one line) and told apart by their normalised form (follows.ts). */
export const authorsSchema = followList('authors', FOLLOW_LIMITS.authors, 'author', (text) => {
  const name = oneLine(text);
  if (name.length > FOLLOW_LIMITS.authorChars) return { problem: `must be at most ${FOLLOW_LIMITS.authorChars} characters` };
  const key = /\p{L}/u.test(name) ? authorKey(name) : undefined;
  if (!key) return { problem: 'must be a name with at least one letter' };
  return { value: name, key: `${key.given.join(' ')}|${key.family}` };
});

/**
 * What the preferences form posts: topics (checkboxes; none is fine when there are keywords or authors),
 * keyword phrases and authors (textareas, one a line; or JSON lists) and frequency (required).
 */
export function preferencesRequestSchema(topicSlugs: string[]) {
  return z
    .object({
      topics: z._default(topicsSchema(topicSlugs, false), []),
      keywords: z._default(keywordsSchema, []),
      authors: z._default(authorsSchema, []),
      frequency: z.enum(['daily', 'weekly'], { error: 'frequency must be "daily" or "weekly"' }),
      /** Follow-ups on papers already sent: none, in digests sent anyway, or also as a digest of their own. */
      followUps: z._default(z.enum(['off', 'digest', 'always'], { error: 'followUps must be "off", "digest" or "always"' }), 'off'),
    })
    .check(
      z.superRefine((p, ctx) => {
        if (p.topics.length + p.keywords.length + p.authors.length === 0) {
          ctx.addIssue({ code: 'custom', message: 'topics: choose at least one topic, keyword or author', path: ['topics'], input: p });
        }
      }),
    );
}
export type PreferencesRequest = z.infer<ReturnType<typeof preferencesRequestSchema>>;

export type PreferencesField = 'topics' | 'keywords' | 'authors' | 'frequency' | 'followUps';
const PREFERENCES_FIELDS: readonly string[] = ['topics', 'keywords', 'authors', 'frequency', 'followUps'] satisfies PreferencesField[];

/** The first problem of each field of a rejected preferences form, as the schema words it, to show beside the field. */
export function preferencesProblems(error: z.core.$ZodError): Partial<Record<PreferencesField, string>> {
  const problems: Partial<Record<PreferencesField, string>> = {};
  for (const issue of error.issues) {
    const field = (PREFERENCES_FIELDS.includes(String(issue.path[0])) ? issue.path[0] : 'topics') as PreferencesField;
    problems[field] ??= issue.message;
  }
  return problems;
}

export interface SubscribeLimits {
  perAddressPerHour: number;
  perClientPerHour: number;
}

export type RateDecision = { allowed: true } | { allowed: false; scope: 'address' | 'client'; retryAfterSeconds: number };

/**
 * Counts one sign-up attempt against the client's limit and, when given, the address's limit.
 * Keys are hashes, so neither addresses nor IPs are stored. The answer for a limited address is the
 * same whether or not the address is known, so the limit reveals nothing either.
 */
export async function checkSubscribeRate(
  who: { client?: string; email?: string },
  deps: { limiter: RateLimiter; clock: Clock; limits: SubscribeLimits },
): Promise<RateDecision> {
  const now = deps.clock.now();
  if (who.client) {
    const r = await deps.limiter.hit(`client:${sha256(`client:${who.client}`)}`, deps.limits.perClientPerHour, 3600, now);
    if (!r.allowed) return { allowed: false, scope: 'client', retryAfterSeconds: r.retryAfterSeconds };
  }
  if (who.email) {
    const r = await deps.limiter.hit(`address:${sha256(`address:${who.email.trim().toLowerCase()}`)}`, deps.limits.perAddressPerHour, 3600, now);
    if (!r.allowed) return { allowed: false, scope: 'address', retryAfterSeconds: r.retryAfterSeconds };
  }
  return { allowed: true };
}

export interface LinkSettings {
  siteUrl: string;
  secret: string;
}

export function subscriberLinks(settings: LinkSettings, subscriberId: string) {
  const u = (path: string, token: string) => `${settings.siteUrl}api/${path}?token=${encodeURIComponent(token)}`;
  const unsubscribeToken = signLinkToken(settings.secret, 'unsubscribe', subscriberId);
  return {
    unsubscribeUrl: u('unsubscribe', unsubscribeToken),
    /** RFC 8058 one-click target: the same URL, POSTed. */
    unsubscribePostUrl: u('unsubscribe', unsubscribeToken),
    preferencesUrl: u('preferences', signLinkToken(settings.secret, 'preferences', subscriberId)),
  };
}

export interface SubscriptionDeps {
  subscribers: SubscriberRepository;
  mailer: Mailer;
  clock: Clock;
  /** For confirm tokens and subscriber ids. */
  randomBytes: RandomBytes;
  links: LinkSettings;
  confirmTtlHours: number;
  renderConfirmation(input: { to: string; confirmUrl: string; topics: string[]; frequency: Frequency; expiresInHours: number }): EmailMessage;
  renderAlreadySubscribed(input: { to: string; preferencesUrl: string; unsubscribeUrl: string }): EmailMessage;
}

export type SignupAnswer =
  | { status: 'queued' }
  | { status: 'limited'; scope: 'address' | 'client'; retryAfterSeconds: number }
  /** The body could not be read at all (not JSON, not a form). */
  | { status: 'unreadable'; message: string }
  | { status: 'invalid'; error: z.core.$ZodError };

export interface SignupRequestDeps {
  limiter: RateLimiter;
  clock: Clock;
  limits: SubscribeLimits;
  schema: ReturnType<typeof subscribeRequestSchema>;
  queue: SignupQueue;
}

/**
 * A sign-up as the API receives it: counted per client (every attempt, valid or not), validated, counted
 * per address, then queued. The same steps whatever the address's state, and nothing here reads the
 * subscriber: the answer cannot tell a known address from an unknown one, by its bytes or by its time.
 */
export async function requestSignup(
  input: { client?: string; body: { ok: true; value: unknown } | { ok: false; message: string } },
  deps: SignupRequestDeps,
): Promise<SignupAnswer> {
  const limitDeps = { limiter: deps.limiter, clock: deps.clock, limits: deps.limits };
  const byClient = await checkSubscribeRate({ client: input.client }, limitDeps);
  if (!byClient.allowed) return { status: 'limited', scope: byClient.scope, retryAfterSeconds: byClient.retryAfterSeconds };
  if (!input.body.ok) return { status: 'unreadable', message: input.body.message };
  const parsed = deps.schema.safeParse(input.body.value);
  if (!parsed.success) return { status: 'invalid', error: parsed.error };
  const byAddress = await checkSubscribeRate({ email: parsed.data.email }, limitDeps);
  if (!byAddress.allowed) return { status: 'limited', scope: byAddress.scope, retryAfterSeconds: byAddress.retryAfterSeconds };
  await deps.queue.enqueue(parsed.data);
  return { status: 'queued' };
}

export type SubscribeOutcome = 'confirmation-sent' | 'already-active' | 'suppressed';

/**
 * The work of one queued sign-up (double opt-in). Safe to run again after a crash between any two of its
 * writes: the subscriber record is written before the email guard that finds it (see
 * SubscriberRepository.create), a pending subscriber gets a fresh token and email each time, and an
 * active one is only told so.
 */
export async function subscribe(request: SubscribeRequest, deps: SubscriptionDeps): Promise<SubscribeOutcome> {
  const now = deps.clock.now();
  const existing = await deps.subscribers.findByEmail(request.email);
  if (existing?.status === 'suppressed') return 'suppressed';
  if (existing?.status === 'active') {
    const links = subscriberLinks(deps.links, existing.id);
    await deps.mailer.send(deps.renderAlreadySubscribed({ to: existing.email, preferencesUrl: links.preferencesUrl, unsubscribeUrl: links.unsubscribeUrl }));
    return 'already-active';
  }
  const { token, hash } = newConfirmToken(deps.randomBytes);
  // A sign-up chooses topics afresh: keywords and authors followed before an unsubscribe do not come back unasked.
  const { keywords: _keywords, authors: _authors, ...before } = existing ?? { id: newSubscriberId(deps.randomBytes), email: request.email, createdAt: now.toISOString() };
  const pending: Subscriber = {
    ...before,
    status: 'pending',
    topics: request.topics,
    frequency: request.frequency,
    confirmTokenHash: hash,
    confirmExpiresAt: new Date(now.getTime() + deps.confirmTtlHours * 3_600_000).toISOString(),
  };
  if (existing) await deps.subscribers.update(pending);
  else if (!(await deps.subscribers.create(pending))) {
    // Another sign-up claimed the address a moment ago and sends its own email; send nothing twice.
    return 'confirmation-sent';
  }
  await deps.mailer.send(
    deps.renderConfirmation({
      to: pending.email,
      confirmUrl: `${deps.links.siteUrl}api/confirm?token=${encodeURIComponent(token)}`,
      topics: pending.topics,
      frequency: pending.frequency,
      expiresInHours: deps.confirmTtlHours,
    }),
  );
  return 'confirmation-sent';
}

/**
 * What a confirm link leads to. `pending`: the subscription waits for the Confirm button. `confirmed`:
 * this link confirmed it (a second click, or the page reloaded). `expired` and `invalid` (unknown,
 * replaced, or the address left since) change nothing.
 */
export type ConfirmLinkState = { status: 'pending'; subscriber: Subscriber } | { status: 'confirmed'; subscriber: Subscriber } | { status: 'invalid' | 'expired' };

/** Reads a confirm link without acting on it: link scanners open every link of an email (the GET page). */
export async function checkConfirmToken(token: string, deps: Pick<SubscriptionDeps, 'subscribers' | 'clock'>): Promise<ConfirmLinkState> {
  if (!isConfirmToken(token)) return { status: 'invalid' };
  const hash = hashToken(token);
  const subscriber = await deps.subscribers.findByConfirmTokenHash(hash);
  if (subscriber?.status === 'active' && subscriber.confirmedTokenHash === hash) return { status: 'confirmed', subscriber };
  if (subscriber?.status !== 'pending' || subscriber.confirmTokenHash !== hash) return { status: 'invalid' };
  if (!subscriber.confirmExpiresAt || Date.parse(subscriber.confirmExpiresAt) < deps.clock.now().getTime()) return { status: 'expired' };
  return { status: 'pending', subscriber };
}

export type ConfirmOutcome = { status: 'confirmed'; subscriber: Subscriber; already: boolean } | { status: 'invalid' | 'expired' };

/** Confirms a subscription (the page's POST): only a pending, unexpired token; a used one is "already confirmed". */
export async function confirmSubscription(token: string, deps: Pick<SubscriptionDeps, 'subscribers' | 'clock'>): Promise<ConfirmOutcome> {
  const state = await checkConfirmToken(token, deps);
  if (state.status === 'confirmed') return { ...state, already: true };
  if (state.status !== 'pending') return state;
  const at = deps.clock.now().toISOString();
  if (await deps.subscribers.activate(state.subscriber, hashToken(token), at)) {
    const active: Subscriber = { ...state.subscriber, status: 'active', confirmedAt: at, confirmedTokenHash: hashToken(token) };
    delete active.confirmTokenHash;
    delete active.confirmExpiresAt;
    return { status: 'confirmed', subscriber: active, already: false };
  }
  // The subscriber changed between the read and the write: a concurrent click won, or the address
  // re-subscribed or was suppressed. Read it again and answer for what is stored now.
  const now = await checkConfirmToken(token, deps);
  return now.status === 'confirmed' ? { ...now, already: true } : { status: now.status === 'expired' ? 'expired' : 'invalid' };
}

/** Checks an unsubscribe link without acting on it (the GET page). */
export function checkUnsubscribeToken(token: string, secret: string): string | undefined {
  return verifyLinkToken(secret, 'unsubscribe', token);
}

/** What a change to a subscription needs to drop the subscriber's private feed from the CDN. */
export interface FeedEdgeDeps {
  /** The link key: a feed's path is its token, derived from it. */
  secret: string;
  edge: EdgeCache;
}

export async function unsubscribe(
  token: string,
  deps: Pick<SubscriptionDeps, 'subscribers' | 'clock'> & FeedEdgeDeps,
): Promise<'unsubscribed' | 'invalid'> {
  const id = verifyLinkToken(deps.secret, 'unsubscribe', token);
  if (!id) return 'invalid';
  const subscriber = await deps.subscribers.get(id);
  if (!subscriber) return 'invalid';
  if (subscriber.status === 'unsubscribed' || subscriber.status === 'suppressed') return 'unsubscribed';
  // The private feed goes with the subscription: its token reads nothing from now on, and a later sign-up gets a new one.
  await deps.subscribers.update({ ...subscriber, status: 'unsubscribed', unsubscribedAt: deps.clock.now().toISOString(), feedKey: undefined, feedTokenHash: undefined });
  await forgetFeed(subscriber, deps);
  return 'unsubscribed';
}

/** Hard bounces and complaints suppress the address for good. */
export async function suppressAddress(
  email: string,
  reason: string,
  deps: Pick<SubscriptionDeps, 'subscribers' | 'clock'> & FeedEdgeDeps,
): Promise<boolean> {
  const subscriber = await deps.subscribers.findByEmail(email);
  if (!subscriber || subscriber.status === 'suppressed') return false;
  await deps.subscribers.update({ ...subscriber, status: 'suppressed', unsubscribedAt: deps.clock.now().toISOString(), suppressedReason: reason, feedKey: undefined, feedTokenHash: undefined });
  await forgetFeed(subscriber, deps);
  return true;
}

/** Drops the subscriber's private feed (as it was before the change just stored) from the CDN. */
async function forgetFeed(before: Subscriber, deps: FeedEdgeDeps): Promise<void> {
  const path = currentFeedInvalidation(before, deps.secret);
  if (path) await deps.edge.invalidate([path]);
}

/** The subscriber a preferences link belongs to, when the link is genuine. */
export async function readPreferences(
  token: string,
  deps: Pick<SubscriptionDeps, 'subscribers'> & { secret: string },
): Promise<Subscriber | undefined> {
  const id = verifyLinkToken(deps.secret, 'preferences', token);
  return id ? deps.subscribers.get(id) : undefined;
}

/** Changes follows (topics, keywords, authors) and frequency through a signed preferences link; only an active subscription changes. */
export async function updatePreferences(
  token: string,
  request: PreferencesRequest,
  deps: Pick<SubscriptionDeps, 'subscribers'> & FeedEdgeDeps,
): Promise<'updated' | 'invalid' | 'inactive'> {
  const id = verifyLinkToken(deps.secret, 'preferences', token);
  if (!id) return 'invalid';
  const subscriber = await deps.subscribers.get(id);
  if (!subscriber) return 'invalid';
  if (subscriber.status !== 'active') return 'inactive';
  if (!(await deps.subscribers.updatePreferences(id, request))) return 'inactive';
  // The feed selects by these follows: the edge's copy was selected by the old ones.
  await forgetFeed(subscriber, deps);
  return 'updated';
}
