import { describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS, Pacer, isPermanentRejection, isThrottling, retryDelayMs, sendWindow } from '@paperboy/core';

describe('Pacer', () => {
  function fakeTime() {
    let t = 1000;
    const sleeps: number[] = [];
    return { now: () => t, sleep: async (ms: number) => void (sleeps.push(ms), (t += ms)), sleeps, advance: (ms: number) => (t += ms) };
  }

  it('lets the first call through at once and spaces the next ones 1/rate apart', async () => {
    const time = fakeTime();
    const pacer = new Pacer(4, time.now, time.sleep);
    for (let i = 0; i < 4; i++) await pacer.take();
    expect(time.sleeps).toEqual([250, 250, 250]);
  });

  it('does not wait when the caller was slower than the rate anyway', async () => {
    const time = fakeTime();
    const pacer = new Pacer(2, time.now, time.sleep);
    await pacer.take();
    time.advance(800);
    await pacer.take();
    time.advance(100);
    await pacer.take();
    expect(time.sleeps).toEqual([400]);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new Pacer(0)).toThrow(/positive/);
  });

  it('hands out slots in the order they were asked for, one interval apart, however many ask at once', async () => {
    const time = fakeTime();
    const pacer = new Pacer(10, time.now, time.sleep);
    const order: [number, number][] = [];
    await Promise.all([0, 1, 2, 3].map(async (i) => (await pacer.take(), order.push([i, time.now()]))));
    expect(order).toEqual([[0, 1000], [1, 1100], [2, 1200], [3, 1300]]);
  });

  it('after a push-back, every caller already in line waits too, and a retry asks at the back of the line', async () => {
    // GIVEN two senders in line behind a send that SES throttled
    const time = fakeTime();
    const pacer = new Pacer(10, time.now, time.sleep);
    const sent: string[] = [];
    await pacer.take();
    const waiting = ['b', 'c'].map(async (who) => (await pacer.take(), sent.push(`${who}@${time.now()}`)));
    // WHEN the first send is throttled: the slots move back 500 ms, and its retry asks again
    pacer.pushBack(500);
    const retry = (async () => (await pacer.take(), sent.push(`a-retry@${time.now()}`)))();
    await Promise.all([...waiting, retry]);
    // THEN nobody sends before the push-back ends, and the retry goes after those already waiting
    expect(sent).toEqual(['b@1500', 'c@1600', 'a-retry@1700']);
  });

  it('starts where the previous holder of the send lease left off', async () => {
    const time = fakeTime();
    const pacer = new Pacer(1, time.now, time.sleep);
    pacer.notBefore(1700);
    await pacer.take();
    expect(time.now()).toBe(1700);
    expect(pacer.nextSlot).toBe(2700);
  });

  it('does not wait forever on a clock that stands still', async () => {
    const sleeps: number[] = [];
    const pacer = new Pacer(4, () => 0, async (ms) => void sleeps.push(ms));
    for (let i = 0; i < 3; i++) await pacer.take();
    // The clock says no time passed, so each slot is further off than the last; still each call returns.
    expect(sleeps).toEqual([250, 500]);
  });
});

describe('the sender\'s spacing and retries', () => {
  it('keeps the rate in any second counted from the answers: a send answered late holds the one R places after it', async () => {
    // GIVEN 2 a second, and sends answered 30 ms after they left (and SES may count them as late as that)
    let t = 0;
    const pacer = new Pacer(2, () => t, async (ms) => void (t += ms), sendWindow(2));
    const went: number[] = [];
    for (let i = 0; i < 5; i++) {
      const done = await pacer.take();
      went.push(t);
      t += 30;
      done();
    }
    // THEN every third send leaves a full second after the answer to the first of the two before it
    expect(went).toEqual([0, 500, 1030, 1530, 2060]);
    for (let i = 2; i < went.length; i++) expect(went[i]! - (went[i - 2]! + 30)).toBeGreaterThanOrEqual(1000);
    expect(sendWindow(14)).toEqual({ sends: 14, ms: 1000 });
  });

  it('waits long enough between attempts for a dead sender\'s claim (15 minutes) to run out before a job is given up', () => {
    const waited = Array.from({ length: MAX_ATTEMPTS - 2 }, (_, i) => retryDelayMs(i + 1)).reduce((a, b) => a + b, 0);
    expect(waited).toBeGreaterThan(15 * 60_000);
  });
});

describe('SES error classes', () => {
  const named = (name: string) => Object.assign(new Error(name), { name });

  it('tells throttling from permanent rejections from everything else', () => {
    expect(isThrottling(named('TooManyRequestsException'))).toBe(true);
    expect(isThrottling(named('Throttling'))).toBe(true);
    expect(isThrottling(named('MessageRejected'))).toBe(false);
    expect(isPermanentRejection(named('MessageRejected'))).toBe(true);
    expect(isPermanentRejection(named('MailFromDomainNotVerifiedException'))).toBe(false);
    expect(isPermanentRejection(new Error('socket hang up'))).toBe(false);
  });

});
