/**
 * Sending digests exactly once against the real stand-ins: a crash mid-run, a crash between claim and
 * send (the lease), an unsubscribe racing a digest, SES throttling and permanent rejections (forced with
 * a mocked SESv2 client, the one thing the stand-in cannot produce), catching up on a missed day, and
 * bounce and complaint suppression from real SNS event shapes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { MessageRejected, SESv2Client, SendEmailCommand, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDigestJobStore, DynamoPaperRepository, SesMailer, digestItem, ledgerRanges, makeSesClient } from '@paperboy/aws';
import { addDays, isoWeek, subscriberLinks, type AppConfig, type Clock, type DigestJob, type DigestLedger, type Mailer } from '@paperboy/core';
import { buildRuntime, type Runtime } from '../../functions/commons/runtime.js';
import { makeHandler as makeApi } from '../../functions/subscriptions/index.js';
import { makeHandler as makePlan } from '../../functions/plan-digests/index.js';
import { makeHandler as makeSend, type SendExtras } from '../../functions/send-digests/index.js';
import { makeHandler as makeSesEvents } from '../../functions/ses-events/index.js';
import { PlannedJobs } from '../../packages/local/src/runner.js';
import { LocalSignupQueue } from '../../packages/local/src/signup-queue.js';
import { apiEvent, capturedMail } from '../support/api.js';
import { paper } from '../support/papers.js';
import { startStandIns, type StandIns } from '../support/stand-ins.js';
import { projectConfig } from '../support/config.js';

const SECRET = 'q'.repeat(40);
const silent = { info() {}, warn() {}, error() {} };
let env: StandIns;
let config: AppConfig;
let rt: Runtime;
let now = new Date('2026-11-26T07:00:00.000Z');
const clock: Clock = { now: () => now };
// Unpaced, one job at a time (outcomes in job order), waits counted rather than slept, and a failed job
// reported rather than waited for: the clock here stands still unless a test moves it.
const FAST: SendExtras = { ratePerSecond: Infinity, workers: 1, sleep: async () => {}, waitForDeferred: false };
let store: DynamoDigestJobStore;
/** Stores the jobs, as plan-digests does, and runs one sender. */
async function sendJobs(jobs: DigestJob[], runtime: Runtime = rt, extras: SendExtras = FAST) {
  await store.add(jobs);
  return makeSend(runtime, extras)({});
}
/** The jobs plan-digests would store for a day. */
async function plannedFor(day?: string): Promise<DigestJob[]> {
  const planned = new PlannedJobs();
  await makePlan(rt, { jobs: planned, startSender: async () => {} })(day ? { day } : {});
  return planned.jobs;
}

beforeAll(async () => {
  env = await startStandIns();
  const base = projectConfig(SECRET);
  config = { ...base, tableName: env.table, bucketName: env.bucket, endpoints: env.services.endpoints, siteUrl: 'https://papers.example.com/' };
  rt = buildRuntime(config, { clock, logger: silent });
  store = new DynamoDigestJobStore(rt.clients.dynamo, config.tableName);
  const papers = new DynamoPaperRepository(rt.clients.dynamo, config.tableName);
  for (const [id, tags, upvotes] of [['s-1', ['llm'], 3], ['s-2', ['vision'], 9], ['s-3', ['llm', 'agents'], 1]] as const) {
    await papers.put(paper({ id, tags: [...tags], upvotes, listedOn: '2026-11-26', firstSeenAt: '2026-11-26T06:00:00.000Z' }), undefined);
  }
});
afterAll(async () => {
  await env?.stop();
});

async function addSubscribers(prefix: string, n: number, frequency: 'daily' | 'weekly' = 'daily'): Promise<string[]> {
  const at = '2026-11-26T06:30:00.000Z';
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `${prefix}-${i}-subscriber`;
    await rt.subscribers.create({ id, email: `${prefix}-${i}@example.net`, status: 'active', topics: ['llm', 'vision'], frequency, createdAt: at, confirmedAt: at });
    ids.push(id);
  }
  return ids;
}
const sentTo = async (prefix: string) => (await capturedMail(env.dataDir)).flatMap((m) => m.to).filter((t) => t.startsWith(`${prefix}-`));
const jobsFor = (ids: string[], period = '2026-11-26') => ids.map((subscriberId) => ({ subscriberId, period, day: '2026-11-26' }));

describe('exactly once', () => {
  it('a sender stopped after k of n emails and run again sends exactly n distinct emails', async () => {
    now = new Date('2026-11-26T07:00:00.000Z');
    const n = 6;
    const k = 2;
    const ids = await addSubscribers('crash', n);
    await store.add(jobsFor(ids));
    // The "crash": after k sends, the next send never returns (the process is gone), holding the lease and its claim.
    let sends = 0;
    let crashed!: () => void;
    const crash = new Promise<void>((r) => (crashed = r));
    const dying: Mailer = {
      send: (m) => {
        if (++sends <= k) return rt.mailer.send(m);
        crashed();
        return new Promise(() => {});
      },
    };
    void makeSend({ ...rt, mailer: dying as Runtime['mailer'] }, FAST)({});
    await crash;
    expect(await sentTo('crash')).toHaveLength(k);

    // Lambda's retry a minute later, once the send lease (30 s) ran out: the digest held by the dead sender is
    // in flight, so it waits for its retry time, neither skipped nor doubled; the others go out.
    now = new Date('2026-11-26T07:01:00.000Z');
    const again = await makeSend(rt, FAST)({});
    expect(again).toMatchObject({ stop: 'waiting', deferred: 1 });
    expect(await sentTo('crash')).toHaveLength(n - 1);

    // After the claim's lease (15 minutes) runs out, the retry takes the claim over and sends it.
    now = new Date('2026-11-26T07:20:00.000Z');
    const last = await makeSend(rt, FAST)({});
    expect(last).toMatchObject({ stop: 'empty', deferred: 0 });
    expect(last.outcomes.sent).toBe(1);
    await sendJobs(jobsFor(ids));
    const all = await sentTo('crash');
    expect(all).toHaveLength(n);
    expect(new Set(all).size).toBe(n);
  });

  it('an unsubscribe that lands while a digest is being sent stops it', async () => {
    now = new Date('2026-11-26T08:00:00.000Z');
    const [id] = await addSubscribers('race', 1);
    const api = makeApi(rt, new LocalSignupQueue(rt));
    const { unsubscribePostUrl } = subscriberLinks({ siteUrl: config.siteUrl, secret: SECRET }, id!);
    // The reader clicks one-click unsubscribe just after the sender read them as active and claimed the digest.
    const racing: DigestLedger = {
      claim: async (...args) => {
        const result = await rt.ledger.claim(...args);
        const res = await api(apiEvent('POST', unsubscribePostUrl.replace(config.siteUrl, '/'), { body: 'List-Unsubscribe=One-Click', contentType: 'application/x-www-form-urlencoded' }));
        expect(res.statusCode).toBe(200);
        return result;
      },
      markSent: (...a) => rt.ledger.markSent(...a),
      markRejected: (...a) => rt.ledger.markRejected(...a),
      release: (...a) => rt.ledger.release(...a),
      sentPaperIds: (...a) => rt.ledger.sentPaperIds(...a),
      history: (...a) => rt.ledger.history(...a),
    };
    const outcomes: string[] = [];
    const result = await sendJobs(jobsFor([id!]), { ...rt, ledger: racing as Runtime['ledger'] }, { ...FAST, onOutcome: (o) => outcomes.push(o) });
    expect(result.stop).toBe('empty');
    expect(outcomes).toEqual(['inactive']);
    expect(await sentTo('race')).toEqual([]);
    // And a later run, now that the subscriber is gone, is not even planned.
    expect((await plannedFor('2026-11-26')).map((j) => j.subscriberId)).not.toContain(id);
  });

  it('a re-run of a whole day (paperboy digest --date) sends nothing twice', async () => {
    now = new Date('2026-11-26T09:00:00.000Z');
    const ids = await addSubscribers('rerun', 2);
    const run = () => makePlan(rt, { startSender: async () => void (await makeSend(rt, FAST)({})) })({ day: '2026-11-26' });
    await run();
    await run();
    expect((await sentTo('rerun')).sort()).toEqual(['rerun-0@example.net', 'rerun-1@example.net']);
  });
});

describe('a long history', () => {
  // Papers on robotics only, so the other tests' subscribers (llm, vision) never see them.
  const papersOn = async () => {
    const papers = new DynamoPaperRepository(rt.clients.dynamo, config.tableName);
    // Sent on 21 Nov under vision, then retagged robotics this morning: new to robotics readers by retaggedAt.
    await papers.put(paper({ id: 'h-old', tags: ['robotics'], listedOn: '2026-11-20', firstSeenAt: '2026-11-20T06:00:00.000Z', retaggedAt: '2026-11-26T05:00:00.000Z' }), undefined);
    await papers.put(paper({ id: 'h-new', tags: ['robotics'], listedOn: '2026-11-26', firstSeenAt: '2026-11-26T06:00:00.000Z' }), undefined);
  };
  async function store(items: Record<string, unknown>[]) {
    for (let i = 0; i < items.length; i += 25) {
      await rt.clients.dynamo.send(new BatchWriteCommand({ RequestItems: { [config.tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
    }
  }
  const sent = (id: string, period: string, paperIds: string[]) => ({ ...digestItem(id, period, paperIds, [], `${period}T07:00:00.000Z`), status: 'sent' });
  async function reader(id: string, frequency: 'daily' | 'weekly') {
    await rt.subscribers.create({ id, email: `${id}@example.net`, status: 'active', topics: ['robotics'], frequency, createdAt: '2025-11-01T06:00:00.000Z', confirmedAt: '2025-11-01T06:00:00.000Z' });
    await rt.subscribers.recordDigest(id, '2026-11-25T07:00:00.000Z');
  }
  /** Sends one job and returns the ledger items (SK) its reads returned. */
  async function sendCounting(job: { subscriberId: string; period: string; day: string }): Promise<string[]> {
    const read: string[] = [];
    rt.clients.dynamo.middlewareStack.add((next) => async (args) => {
      const out = await next(args);
      const items = (out.output as { Items?: { SK?: unknown }[] }).Items ?? [];
      for (const item of items) if (typeof item.SK === 'string' && item.SK.startsWith('DIGEST#')) read.push(item.SK);
      return out;
    }, { step: 'initialize', name: 'countLedgerReads' });
    try {
      const result = await sendJobs([job]);
      expect(result.outcomes.sent).toBe(1);
    } finally {
      rt.clients.dynamo.middlewareStack.remove('countLedgerReads');
    }
    return read.sort();
  }
  const mailTo = async (id: string) => (await capturedMail(env.dataDir)).filter((m) => m.to.includes(`${id}@example.net`));

  it('a daily reader with a year of digests reads only the window of the ledger and gets no paper twice', async () => {
    now = new Date('2026-11-26T07:30:00.000Z');
    await papersOn();
    const id = 'aged-daily-subscriber';
    await reader(id, 'daily');
    const history = Array.from({ length: 365 }, (_, k) => addDays('2026-11-25', -k));
    await store(history.map((day) => sent(id, day, day === '2026-11-21' ? ['h-old'] : [`x-${day}`])));

    const read = await sendCounting({ subscriberId: id, period: '2026-11-26', day: '2026-11-26' });
    // From the first day of the oldest new paper (20 Nov) less 15 days (the oldest job a sender sends, and one for clock skew).
    const window = history.filter((d) => d >= '2026-11-05').map((d) => `DIGEST#${d}`).sort();
    expect(read).toEqual(window);
    expect(read.length).toBe(21);

    const mails = await mailTo(id);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain('Paper h-new');
    expect(mails[0]!.text).not.toContain('Paper h-old');
  });

  it('a weekly reader, daily until three days ago, reads the weeks and days of the window only and gets no paper twice', async () => {
    now = new Date('2026-11-26T07:40:00.000Z');
    const id = 'aged-weekly-subscriber';
    await reader(id, 'weekly');
    const weeks = Array.from({ length: 52 }, (_, k) => isoWeek(addDays('2026-11-22', -7 * k)));
    const days = Array.from({ length: 200 }, (_, k) => addDays('2026-11-25', -k));
    await store([
      ...weeks.map((w) => sent(id, w, [`w-${w}`])),
      ...days.map((d) => sent(id, d, d === '2026-11-21' ? ['h-old'] : [`x-${d}`])),
    ]);
    const read = await sendCounting({ subscriberId: id, period: '2026-W48', day: '2026-11-26' });
    const expected = [...days.filter((d) => d >= '2026-11-05'), ...weeks.filter((w) => w >= isoWeek('2026-11-05'))].map((p) => `DIGEST#${p}`).sort();
    expect(read).toEqual(expected);
    expect(read.length).toBe(21 + 3);

    const mails = await mailTo(id);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain('Paper h-new');
    expect(mails[0]!.text).not.toContain('Paper h-old');
  });

  it('the ledger ranges keep the year\'s other kind of period out, across a new year too', () => {
    expect(ledgerRanges({ fromDay: '2026-11-05', weekly: false })).toEqual([['2026-11-05', undefined]]);
    expect(ledgerRanges({ fromDay: '2026-11-05', weekly: true })).toEqual([['2026-11-05', '2026-12-31'], ['2026-W45', undefined]]);
    // 2026-W53 runs from 28 Dec 2026 to 3 Jan 2027.
    expect(ledgerRanges({ fromDay: '2026-12-30', weekly: true })).toEqual([['2026-12-30', '2026-12-31'], ['2026-W53', undefined]]);
    // 31 Dec 2025 is in week 1 of 2026: the weeks start past all of 2025's.
    expect(ledgerRanges({ fromDay: '2025-12-31', weekly: true })).toEqual([['2025-12-31', '2025-12-31'], ['2025-W99', undefined]]);
    // 2 Jan 2027 is in 2026-W53: the weeks start there, and take in the days of 2027 too.
    expect(ledgerRanges({ fromDay: '2027-01-02', weekly: true })).toEqual([['2027-01-02', '2027-12-31'], ['2026-W53', undefined]]);
  });

  it('a job more than 14 days old is refused, and sends nothing', async () => {
    now = new Date('2026-11-26T07:50:00.000Z');
    const id = 'stale-job-subscriber';
    await reader(id, 'daily');
    const outcomes: string[] = [];
    const result = await sendJobs(
      [
        { subscriberId: id, period: '2026-11-11', day: '2026-11-11' },
        { subscriberId: id, period: '2026-11-12', day: '2026-11-12' },
      ],
      rt,
      { ...FAST, onOutcome: (o) => outcomes.push(o) },
    );
    expect(result.stop).toBe('empty');
    expect(outcomes).toEqual(['expired', 'sent']);
    expect(await mailTo(id)).toHaveLength(1);
  });
});

describe('catching up on a missed day', () => {
  it('plans weekly subscribers only on the weekly day, and --date can run a past Monday', async () => {
    now = new Date('2026-11-26T10:00:00.000Z'); // a Thursday
    const [id] = await addSubscribers('weekly', 1, 'weekly');
    expect((await plannedFor()).map((j) => j.subscriberId)).not.toContain(id);
    expect((await plannedFor('2026-11-23')).find((j) => j.subscriberId === id)).toEqual({ subscriberId: id, period: '2026-W48', day: '2026-11-23' });
  });
});

describe('SES errors', () => {
  it('throttling: retried in line at the pacer, then the attempt fails, the claim is released, and the retry later sends once', async () => {
    now = new Date('2026-11-26T11:00:00.000Z');
    const [id] = await addSubscribers('throttle', 1);
    const ses = makeSesClient(config.region, config.endpoints.ses);
    const sesMock = mockClient(ses);
    sesMock.on(SendEmailCommand).rejects(new TooManyRequestsException({ message: 'Maximum sending rate exceeded.', $metadata: {} }));
    const throttled = new SesMailer(ses, config.owner.mail.from);
    const first = await sendJobs(jobsFor([id!]), { ...rt, mailer: throttled });
    // Four tries in line (the SDK retries none of them itself), then the job waits for its retry time.
    expect(first).toMatchObject({ throttles: 3, deferred: 1, stop: 'waiting' });
    expect(sesMock.commandCalls(SendEmailCommand)).toHaveLength(4);
    expect(await sentTo('throttle')).toEqual([]);
    // The claim was released: the retry, with SES calm again, sends at once (no claim lease to wait for).
    now = new Date('2026-11-26T11:02:00.000Z');
    const retry = await makeSend(rt, FAST)({});
    expect(retry.outcomes.sent).toBe(1);
    expect(await sentTo('throttle')).toEqual(['throttle-0@example.net']);
    sesMock.restore();
  });

  it('a permanent rejection is recorded, not retried, and does not stop the others', async () => {
    now = new Date('2026-11-26T12:00:00.000Z');
    const ids = await addSubscribers('reject', 3);
    const ses = makeSesClient(config.region, config.endpoints.ses);
    const real = makeSesClient(config.region, config.endpoints.ses);
    const sesMock = mockClient(ses);
    sesMock.on(SendEmailCommand).callsFake((input) => real.send(new SendEmailCommand(input)));
    sesMock
      .on(SendEmailCommand, { Destination: { ToAddresses: ['reject-1@example.net'] } })
      .rejects(new MessageRejected({ message: 'Email address is not verified.', $metadata: {} }));
    const outcomes: string[] = [];
    const mailing = { ...rt, mailer: new SesMailer(ses, config.owner.mail.from) };
    const extras = { ...FAST, onOutcome: (o: string) => void outcomes.push(o) };
    const result = await sendJobs(jobsFor(ids), mailing, extras);
    expect(result.stop).toBe('empty');
    expect(outcomes).toEqual(['sent', 'rejected', 'sent']);
    expect((await sentTo('reject')).sort()).toEqual(['reject-0@example.net', 'reject-2@example.net']);
    expect(sesMock.commandCalls(SendEmailCommand, { Destination: { ToAddresses: ['reject-1@example.net'] } })).toHaveLength(1);
    await sendJobs(jobsFor(ids), mailing, extras);
    expect(sesMock.commandCalls(SendEmailCommand, { Destination: { ToAddresses: ['reject-1@example.net'] } })).toHaveLength(1);
    sesMock.restore();
  });
});

describe('SES events', () => {
  const mail = (to: string) => ({
    timestamp: '2026-11-26T07:00:00.000Z',
    source: 'paperboy <digest@example.com>',
    sourceArn: 'arn:aws:ses:us-east-1:123456789012:identity/example.com',
    sendingAccountId: '123456789012',
    messageId: '0100018c1f2b3c4d-11111111-2222-3333-4444-555555555555-000000',
    destination: [to],
    headersTruncated: false,
    commonHeaders: { from: ['paperboy <digest@example.com>'], to: [to], messageId: '0100018c1f2b3c4d', subject: '3 new papers on Large language models — paperboy' },
    tags: { 'ses:configuration-set': ['paperboy'] },
  });
  /** What EventBridge hands ses-events: one SES event per invocation, in `detail` (the shape SES publishes to the default bus). */
  const eventBridge = (detail: unknown, i: number) => ({
    version: '0',
    id: `c2a8f5e0-0000-4000-8000-00000000000${i}`,
    'detail-type': 'Email Bounced',
    source: 'aws.ses',
    account: '123456789012',
    time: '2026-11-26T07:00:05Z',
    region: 'us-east-1',
    resources: ['arn:aws:ses:us-east-1:123456789012:configuration-set/paperboy'],
    detail,
  });
  const handleAll = async (events: unknown[]) => {
    const total = { suppressed: 0, ignored: 0, invalid: 0 };
    for (const e of events) {
      const r = await makeSesEvents(rt)(e);
      total.suppressed += r.suppressed;
      total.ignored += r.ignored;
      total.invalid += r.invalid;
    }
    return total;
  };

  it('suppresses hard bounces and complaints (SES events from EventBridge), never soft bounces, and never mails them again', async () => {
    now = new Date('2026-11-26T14:00:00.000Z');
    const ids = await addSubscribers('ses', 5);
    const to = (i: number) => `ses-${i}@example.net`;
    const result = await handleAll(
      [
        // SES event publishing (configuration set -> EventBridge): eventType
        { eventType: 'Bounce', mail: mail(to(0)), bounce: { feedbackId: 'f0', bounceType: 'Permanent', bounceSubType: 'General', timestamp: '2026-11-26T07:00:02.000Z', reportingMTA: 'dsn; a.example', bouncedRecipients: [{ emailAddress: to(0), action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }] } },
        { eventType: 'Complaint', mail: mail(to(1)), complaint: { feedbackId: 'f1', complaintSubType: null, complainedRecipients: [{ emailAddress: to(1) }], timestamp: '2026-11-26T07:05:00.000Z', userAgent: 'Yahoo!-Mail-Feedback/2.0', complaintFeedbackType: 'abuse', arrivalDate: '2026-11-26T07:04:00.000Z' } },
        { eventType: 'Bounce', mail: mail(to(2)), bounce: { feedbackId: 'f2', bounceType: 'Transient', bounceSubType: 'MailboxFull', timestamp: '2026-11-26T07:00:02.000Z', bouncedRecipients: [{ emailAddress: to(2), action: 'failed', status: '4.2.2' }] } },
        { eventType: 'Delivery', mail: mail(to(3)), delivery: { timestamp: '2026-11-26T07:00:01.000Z', processingTimeMillis: 500, recipients: [to(3)], smtpResponse: '250 ok', reportingMTA: 'a.example' } },
        // the notification shape (notificationType), with a display name and upper case
        { notificationType: 'Bounce', mail: mail(to(4)), bounce: { feedbackId: 'f4', bounceType: 'Permanent', bounceSubType: 'Suppressed', timestamp: '2026-11-26T07:00:02.000Z', bouncedRecipients: [{ emailAddress: `Reader <${to(4).toUpperCase()}>` }] } },
        'not an object',
        { eventType: 'Bounce', bounce: { bounceType: 'Permanent' } },
      ].map(eventBridge).concat([{ source: 'aws.sns', detail: {} } as never]),
    );
    expect(result).toEqual({ suppressed: 3, ignored: 2, invalid: 3 });
    const status = async (i: number) => (await rt.subscribers.get(ids[i]!))!;
    expect(await status(0)).toMatchObject({ status: 'suppressed', suppressedReason: 'bounce:General' });
    expect(await status(1)).toMatchObject({ status: 'suppressed', suppressedReason: 'complaint:abuse' });
    expect((await status(2)).status).toBe('active');
    expect((await status(3)).status).toBe('active');
    expect(await status(4)).toMatchObject({ status: 'suppressed', suppressedReason: 'bounce:Suppressed' });

    // Never mailed again: not planned, not sent even if a stale job arrives, and sign-up sends nothing.
    expect((await plannedFor('2026-11-26')).map((j) => j.subscriberId)).not.toContain(ids[0]);
    await sendJobs(jobsFor(ids));
    expect((await sentTo('ses')).sort()).toEqual([to(2), to(3)]);
    const res = await makeApi(rt, new LocalSignupQueue(rt))(apiEvent('POST', '/api/subscribe', { body: JSON.stringify({ email: to(1), topics: ['llm'] }), contentType: 'application/json', sourceIp: '192.0.2.50' }));
    expect(res.statusCode).toBe(202);
    expect((await sentTo('ses')).filter((t) => t === to(1))).toEqual([]);
  });
});

void SESv2Client;
