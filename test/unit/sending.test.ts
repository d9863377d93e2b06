import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Pacer, digestMaxConcurrency, isPermanentRejection, isThrottling, perInvocationSendRate, retryThrottled } from '@paperboy/core';
import { digestMaxConcurrency as infraConcurrency } from '../../infra/lib/settings.js';

describe('send rate split between concurrent invocations', () => {
  it('never lets all invocations together exceed the SES rate, and stays within what SQS event sources accept', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), (rate) => {
        const c = digestMaxConcurrency(rate);
        expect(c).toBeGreaterThanOrEqual(2);
        expect(c).toBeLessThanOrEqual(1000);
        expect(c * perInvocationSendRate(rate)).toBeCloseTo(rate, 9);
      }),
    );
  });

  it('is the very function the CDK app uses', () => {
    expect(infraConcurrency).toBe(digestMaxConcurrency);
    expect(perInvocationSendRate(1)).toBe(0.5);
    expect(perInvocationSendRate(14)).toBe(1);
  });
});

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

  it('retries throttling with exponential backoff, then gives up; other errors are not retried', async () => {
    const sleeps: number[] = [];
    const policy = { attempts: 4, baseDelayMs: 100, sleep: async (ms: number) => void sleeps.push(ms), random: () => 1 };
    let calls = 0;
    await expect(retryThrottled(async () => (calls++, Promise.reject(named('TooManyRequestsException'))), policy)).rejects.toThrow('TooManyRequestsException');
    expect(calls).toBe(4);
    expect(sleeps).toEqual([100, 200, 400]);

    calls = 0;
    const ok = await retryThrottled(async () => (++calls < 3 ? Promise.reject(named('Throttling')) : 'sent'), policy);
    expect([ok, calls]).toEqual(['sent', 3]);

    calls = 0;
    await expect(retryThrottled(async () => (calls++, Promise.reject(named('MessageRejected'))), policy)).rejects.toThrow();
    expect(calls).toBe(1);
  });
});
