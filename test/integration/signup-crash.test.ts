/**
 * A crash in the middle of a sign-up never blocks the address. A fault injector sits between the real
 * subscriber repository and the real DynamoDB stand-in (dynalite): it passes every command through and
 * throws instead of sending the (k+1)-th write, for every k from 0 to the number of writes a sign-up
 * makes (the last point crashes at the email, after every write). After each crash Lambda retries the
 * asynchronous invocation, or the person signs up again later; either way a confirmation arrives, its button
 * activates exactly one subscriber, and the address is found by email.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoSubscriberRepository } from '@paperboy/aws';
import { type AppConfig, type Clock, type Mailer } from '@paperboy/core';
import { buildRuntime, type Runtime } from '../../functions/commons/runtime.js';
import { makeHandler as makeApi } from '../../functions/subscriptions/index.js';
import { makeHandler as makeProcessSignups } from '../../functions/process-signups/index.js';
import { LocalSignupQueue } from '../../packages/local/src/signup-queue.js';
import { apiEvent, capturedMail, form, json } from '../support/api.js';
import { startStandIns, type StandIns } from '../support/stand-ins.js';
import { projectConfig } from '../support/config.js';

const SITE = 'https://papers.example.com/';
const silent = { info() {}, warn() {}, error() {} };
let env: StandIns;
let rt: Runtime;
let now = new Date('2026-11-26T06:00:00.000Z');
const clock: Clock = { now: () => now };

class InjectedCrash extends Error {
  override name = 'InjectedCrash';
}

const WRITES = new Set([PutCommand, UpdateCommand, DeleteCommand].map((c) => c.name));

/** The real document client, except that the (k+1)-th write (Put, Update, Delete) throws instead of being sent. */
function crashAfterWrites(doc: DynamoDBDocumentClient, k: number): { doc: DynamoDBDocumentClient; writes: () => number } {
  let writes = 0;
  const send = async (command: { constructor: { name: string } }, ...rest: unknown[]) => {
    if (WRITES.has(command.constructor.name) && writes++ >= k) throw new InjectedCrash(`crash before write ${k + 1}`);
    return (doc.send as (...a: unknown[]) => Promise<unknown>)(command, ...rest);
  };
  return { doc: new Proxy(doc, { get: (target, prop, receiver) => (prop === 'send' ? send : Reflect.get(target, prop, receiver)) }), writes: () => writes };
}

/** A runtime whose subscriber repository crashes before its (k+1)-th write; with k = Infinity it never does (it counts). */
function crashingRuntime(k: number, mailer?: Mailer) {
  const injector = crashAfterWrites(rt.clients.dynamo, k);
  const own = buildRuntime(rt.config, { clock, logger: silent, subscribers: new DynamoSubscriberRepository(injector.doc, rt.config.tableName), ...(mailer ? { mailer } : {}) });
  return { rt: own, writes: injector.writes };
}

const crashingMailer: Mailer = {
  send: async () => {
    throw new InjectedCrash('crash at the email, after every write');
  },
};

/** The event the API's asynchronous invocation carries: the checked sign-up. */
const signupEvent = (email: string) => ({ email, topics: ['llm'], frequency: 'daily' as const });
const mailTo = async (email: string) => (await capturedMail(env.dataDir)).filter((m) => m.to.includes(email));

/** Follows the newest confirmation email's link and presses the page's button. */
async function confirmFromMail(email: string) {
  const api = makeApi(rt, new LocalSignupQueue(rt));
  const link = /https:\/\/papers\.example\.com(\/api\/confirm\?token=[A-Za-z0-9_%-]+)/.exec((await mailTo(email)).at(-1)!.text)![1]!;
  const page = await api(apiEvent('GET', link));
  const token = /name="token" value="([^"]+)"/.exec(page.body!)![1]!;
  return api(apiEvent('POST', '/api/confirm', form([['token', token]])));
}

async function expectOneActiveSubscriber(email: string) {
  const subscriber = await rt.subscribers.findByEmail(email);
  expect(subscriber?.status).toBe('active');
  const due = await Promise.all((await rt.subscribers.listActiveIds('daily')).map((id) => rt.subscribers.get(id)));
  expect(due.filter((s) => s?.email === email)).toHaveLength(1);
}

beforeAll(async () => {
  env = await startStandIns();
  const base = projectConfig();
  const config: AppConfig = { ...base, tableName: env.table, bucketName: env.bucket, endpoints: env.services.endpoints, siteUrl: SITE };
  rt = buildRuntime(config, { clock, logger: silent });
});
afterAll(async () => {
  await env?.stop();
});

describe('a crash between the writes of a sign-up', () => {
  it('counts the writes of a new address\'s sign-up and of a pending one\'s, so every crash point below is covered', async () => {
    const fresh = crashingRuntime(Infinity);
    await makeProcessSignups(fresh.rt)(signupEvent('count@example.org'));
    // record, email guard, confirm token
    expect(fresh.writes()).toBe(3);
    const again = crashingRuntime(Infinity);
    await makeProcessSignups(again.rt)(signupEvent('count@example.org'));
    // record, confirm token
    expect(again.writes()).toBe(2);
  });

  // k writes land, then the crash: 0..2 between writes, 3 at the email after every write.
  for (const k of [0, 1, 2, 3]) {
    it(`new address, crash after ${k} write(s): Lambda's retry sends the confirmation, which activates the subscriber`, async () => {
      now = new Date('2026-11-26T07:00:00.000Z');
      const email = `redelivered-${k}@example.org`;
      // GIVEN the first delivery crashed after k writes
      const crashing = crashingRuntime(k, k === 3 ? crashingMailer : undefined);
      const event = signupEvent(email);
      await expect(makeProcessSignups(crashing.rt)(event)).rejects.toThrow(InjectedCrash);
      expect(await mailTo(email)).toEqual([]);
      // WHEN Lambda retries the same event
      await makeProcessSignups(rt)(event);
      // THEN the confirmation arrives, and pressing its button activates one subscriber for the address
      expect(await mailTo(email)).toHaveLength(1);
      expect((await confirmFromMail(email)).statusCode).toBe(200);
      await expectOneActiveSubscriber(email);
    });

    it(`new address, crash after ${k} write(s), the record dropped: a later sign-up through the API goes through`, async () => {
      now = new Date('2026-11-26T08:00:00.000Z');
      const email = `later-${k}@example.org`;
      const crashing = crashingRuntime(k, k === 3 ? crashingMailer : undefined);
      await expect(makeProcessSignups(crashing.rt)(signupEvent(email))).rejects.toThrow(InjectedCrash);
      // The person tries again an hour later (the first event is gone: its retries used up, kept in FailedInvocationsQueue).
      now = new Date('2026-11-26T09:00:00.000Z');
      const api = makeApi(rt, new LocalSignupQueue(rt));
      const res = await api(apiEvent('POST', '/api/subscribe', { ...json({ email, topics: ['llm'] }), sourceIp: `203.0.113.${100 + k}` }));
      expect(res.statusCode).toBe(202);
      expect(await mailTo(email)).toHaveLength(1);
      expect((await confirmFromMail(email)).statusCode).toBe(200);
      await expectOneActiveSubscriber(email);
    });
  }

  for (const k of [0, 1, 2]) {
    it(`pending address signing up again, crash after ${k} write(s): the retry sends a working link`, async () => {
      now = new Date('2026-11-26T10:00:00.000Z');
      const email = `pending-${k}@example.org`;
      await makeProcessSignups(rt)(signupEvent(email));
      const crashing = crashingRuntime(k, k === 2 ? crashingMailer : undefined);
      const event = signupEvent(email);
      await expect(makeProcessSignups(crashing.rt)(event)).rejects.toThrow(InjectedCrash);
      await makeProcessSignups(rt)(event);
      expect(await mailTo(email)).toHaveLength(2);
      expect((await confirmFromMail(email)).statusCode).toBe(200);
      await expectOneActiveSubscriber(email);
    });
  }
});
