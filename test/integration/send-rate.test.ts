/**
 * The one sender, against the real stand-ins and an SES that enforces its rate strictly (a send beyond the
 * rate in any one-second window is refused with TooManyRequestsException, through the real SES v2 client):
 * several senders started at once send every job exactly once, never beyond the rate, and without a
 * throttle; a throttle is retried behind the sends already in line; a sender that dies mid-drain, holding
 * the lease and claims, loses and duplicates nothing; jobs a plan adds while the lease is held are sent.
 *
 * Time is a shared fake clock that moves only when something sleeps: the pacer's waits, the retry waits
 * and the strict SES's window all read it, so the runs are exact, and nothing here depends on real timing.
 * Each sender works one job at a time here: on a clock that jumps at once to the next slot, a second job in
 * progress would move time on while the first one's request is still on its way (`npm run bench:send`
 * runs the senders' default pipelining on real time).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDigestJobStore, DynamoSendLease, SesMailer, makeSesClient } from '@paperboy/aws';
import { MAX_ATTEMPTS, SEND_LEASE_MS, type AppConfig, type Clock, type DigestJob, type DrainSummary, type Mailer } from '@paperboy/core';
import { buildRuntime, type Runtime } from '../../functions/commons/runtime.js';
import { makeHandler as makePlan } from '../../functions/plan-digests/index.js';
import { makeHandler as makeSend, type SendExtras } from '../../functions/send-digests/index.js';
import { startStrictSes, type StrictSes } from '../../packages/local/src/strict-ses.js';
import { capturedMail } from '../support/api.js';
import { paper } from '../support/papers.js';
import { startStandIns, type StandIns } from '../support/stand-ins.js';
import { projectConfig } from '../support/config.js';

const silent = { info() {}, warn() {}, error() {} };
let env: StandIns;
let config: AppConfig;
let t = Date.parse('2026-11-26T07:00:00.000Z');
const clock: Clock = { now: () => new Date(t) };
// Whole milliseconds, as the Date the clock hands out has (a fraction would be cut off there but not here).
const sleep = async (ms: number) => void (t += Math.ceil(ms));
let jobs: DynamoDigestJobStore;

beforeAll(async () => {
  env = await startStandIns();
  config = { ...projectConfig('s'.repeat(40)), tableName: env.table, bucketName: env.bucket, endpoints: env.services.endpoints, siteUrl: 'https://papers.example.com/' };
  const rt = buildRuntime(config, { clock, logger: silent });
  for (const [id, tags] of [['r-1', ['llm']], ['r-2', ['vision']]] as const) {
    await rt.papers.put(paper({ id, tags: [...tags], listedOn: '2026-11-26', firstSeenAt: '2026-11-26T06:00:00.000Z' }), undefined);
  }
  jobs = new DynamoDigestJobStore(rt.clients.dynamo, env.table);
});
afterAll(async () => {
  await env?.stop();
});

/** A runtime of its own (one Lambda container), sending through `ses` at `rate`. */
function container(ses: StrictSes | undefined, rate: number, mailer?: Mailer): Runtime {
  const own: AppConfig = { ...config, owner: { ...config.owner, digest: { ...config.owner.digest, sendRatePerSecond: rate } } };
  const rt = buildRuntime(own, { clock, logger: silent });
  return ses ? { ...rt, mailer: mailer ?? new SesMailer(makeSesClient(own.region, ses.endpoint), own.owner.mail.from) } : rt;
}

async function addSubscribers(prefix: string, n: number): Promise<string[]> {
  const rt = container(undefined, 1);
  const at = '2026-11-26T06:30:00.000Z';
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `${prefix}-${String(i).padStart(3, '0')}`;
    await rt.subscribers.create({ id, email: `${id}@example.net`, status: 'active', topics: ['llm', 'vision'], frequency: 'daily', createdAt: at, confirmedAt: at });
    ids.push(id);
  }
  return ids;
}
const mailTo = async (prefix: string) => (await capturedMail(env.dataDir)).flatMap((m) => m.to).filter((to) => to.startsWith(`${prefix}-`));
const jobsOf = (ids: string[]): DigestJob[] => ids.map((subscriberId) => ({ subscriberId, period: '2026-11-26', day: '2026-11-26' }));
const fast: SendExtras = { sleep, workers: 1 };

describe('several senders started at once', () => {
  for (const [rate, n] of [[1, 8], [14, 45]] as const) {
    it(`at ${rate}/s: plan + ${5} senders send each of ${n} digests exactly once, no second holds more than ${rate}, and SES throttles none`, async () => {
      // GIVEN n due subscribers and an SES that refuses anything beyond `rate` in any second
      const prefix = `rate${rate}`;
      const ids = await addSubscribers(prefix, n);
      const ses = await startStrictSes({ target: env.services.endpoints.ses, ratePerSecond: rate, now: () => t });
      try {
        // WHEN the plan starts five senders at once (five Lambda containers), each with its own runtime
        const summaries: DrainSummary[] = [];
        const startSenders = async () => {
          const results = await Promise.all(Array.from({ length: 5 }, () => makeSend(container(ses, rate), fast)({ reason: 'planned' })));
          summaries.push(...results);
        };
        await makePlan(container(ses, rate), { startSender: startSenders })({ day: '2026-11-26' });

        // THEN one sender did the work, the others stopped at once
        expect(summaries.map((s) => s.stop).sort()).toEqual(['busy', 'busy', 'busy', 'busy', 'empty']);
        // every digest went out once, none was throttled, and no one-second window held more than the rate
        const sent = await mailTo(prefix);
        expect(sent.sort()).toEqual(ids.map((id) => `${id}@example.net`));
        expect(summaries.reduce((k, s) => k + s.outcomes.sent, 0)).toBe(n);
        expect(ses.throttles()).toBe(0);
        expect(ses.peakSecond()).toBeLessThanOrEqual(rate);
        // and nothing is left to do
        expect(await jobs.pending(10)).toEqual([]);
        expect(await jobs.failed()).toEqual([]);
      } finally {
        await ses.stop();
      }
    });
  }

  it('when SES allows less than the configured rate, each throttle is retried behind the sends in line, and every digest still goes out once', async () => {
    // GIVEN a sender configured for 4/s and an SES that allows 2/s (another sender of the account, say)
    const ids = await addSubscribers('slower', 10);
    const ses = await startStrictSes({ target: env.services.endpoints.ses, ratePerSecond: 2, now: () => t });
    try {
      await jobs.add(jobsOf(ids));
      const summary = await makeSend(container(ses, 4), fast)({});
      // THEN SES throttled some sends, the pacer slowed for all, and no window held more than SES allows
      expect(summary.throttles).toBeGreaterThan(0);
      expect(ses.peakSecond()).toBeLessThanOrEqual(2);
      expect((await mailTo('slower')).sort()).toEqual(ids.map((id) => `${id}@example.net`));
      expect(summary.outcomes.sent).toBe(10);
      expect(summary.gaveUp).toBe(0);
    } finally {
      await ses.stop();
    }
  });
});

describe('a sender that dies mid-drain', () => {
  it('holding the lease and several claims: after the lease runs out, the next sender sends every digest, none twice', async () => {
    const ids = await addSubscribers('dies', 6);
    const ses = await startStrictSes({ target: env.services.endpoints.ses, ratePerSecond: 14, now: () => t });
    try {
      // GIVEN a sender whose process stops for good at its third send: the send never returns
      await jobs.add(jobsOf(ids));
      const real = new SesMailer(makeSesClient(config.region, ses.endpoint), config.owner.mail.from);
      let sends = 0;
      let died!: () => void;
      const death = new Promise<void>((ok) => (died = ok));
      const dying: Mailer = {
        send: (m) => {
          if (++sends <= 2) return real.send(m);
          died();
          return new Promise(() => {});
        },
      };
      // One job at a time: the crash falls after two whole jobs, inside the third (claimed, sending).
      void makeSend(container(ses, 14, dying), fast)({});
      await death;
      expect(await mailTo('dies')).toHaveLength(2);
      const lease = new DynamoSendLease(container(undefined, 1).clients.dynamo, env.table);
      const held = await lease.read();
      expect(held!.leaseUntil).toBeGreaterThan(t);

      // WHEN Lambda's retry starts a sender after the lease ran out (a minute later)
      t += 60_000;
      expect(SEND_LEASE_MS).toBeLessThan(60_000);
      const summary = await makeSend(container(ses, 14), fast)({});

      // THEN the claims the dead sender held are taken over once their own lease (15 minutes) ran out, and sent once
      const sent = await mailTo('dies');
      expect(sent.sort()).toEqual(ids.map((id) => `${id}@example.net`));
      expect(summary.outcomes.sent).toBe(4);
      expect(summary.deferred).toBeGreaterThan(0);
      expect(summary.gaveUp).toBe(0);
      expect(await jobs.pending(10)).toEqual([]);
      expect(ses.throttles()).toBe(0);
    } finally {
      await ses.stop();
    }
  });
});

describe('jobs added while the lease is held', () => {
  it('are sent by the holder, which looks again after it lets go of the lease', async () => {
    const first = await addSubscribers('early', 2);
    const late = await addSubscribers('late', 3);
    await jobs.add(jobsOf(first));
    const rt = container(undefined, 14);
    // GIVEN a holder that has just found no job left, and a plan that adds jobs then and starts a sender
    let busy: DrainSummary | undefined;
    const racing: DynamoDigestJobStore = Object.assign(Object.create(jobs) as DynamoDigestJobStore, {
      pending: async (limit: number, after?: DigestJob) => {
        const page = await jobs.pending(limit, after);
        if (page.length === 0 && !busy) {
          // plan-digests runs now (the late subscribers are the ones it finds due) and starts its sender.
          const lateOnly = { add: (list: DigestJob[]) => jobs.add(list.filter((j) => late.includes(j.subscriberId))) };
          const startSender = async () => void (busy = await makeSend(container(undefined, 14), { ...fast, ratePerSecond: Infinity })({}));
          await makePlan(container(undefined, 14), { jobs: lateOnly, startSender })({ day: '2026-11-26' });
        }
        return page;
      },
    });
    const summary = await makeSend(rt, { ...fast, ratePerSecond: Infinity, jobs: racing })({});
    // THEN the plan's sender found the lease held and stopped, and the holder sent the late jobs too
    expect(busy!.stop).toBe('busy');
    expect(summary.outcomes.sent).toBe(5);
    expect((await mailTo('late')).sort()).toEqual(late.map((id) => `${id}@example.net`));
  });
});

describe('a job that keeps failing', () => {
  it(`is given up after ${MAX_ATTEMPTS} attempts with one ERROR line, and kept in the failed list`, async () => {
    const [id] = await addSubscribers('broken', 1);
    await jobs.add(jobsOf([id!]));
    const errors: string[] = [];
    const warnings: string[] = [];
    const rt = { ...container(undefined, 14), logger: { info() {}, warn: (m: string) => void warnings.push(m), error: (m: string) => void errors.push(m) } };
    const failing: Mailer = { send: async () => Promise.reject(Object.assign(new Error('connection reset'), { name: 'NetworkingError' })) };
    const summary = await makeSend({ ...rt, mailer: failing }, fast)({});
    expect(summary.gaveUp).toBe(1);
    expect(errors).toEqual(['digest job given up']);
    expect(warnings.filter((w) => w === 'digest attempt failed; will retry')).toHaveLength(MAX_ATTEMPTS - 1);
    const [failed] = await jobs.failed();
    expect(failed).toMatchObject({ subscriberId: id, period: '2026-11-26', attempts: MAX_ATTEMPTS, error: 'connection reset' });
    expect(await jobs.pending(10)).toEqual([]);
    expect(await mailTo('broken')).toEqual([]);
    // The claim was released each time: planning the day again sends it (the owner's retry).
    await jobs.add(jobsOf([id!]));
    expect((await makeSend(container(undefined, 14), fast)({})).outcomes.sent).toBe(1);
  });
});
