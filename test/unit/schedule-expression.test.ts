import { describe, expect, it } from 'vitest';
import { fireTimes, isIanaTimeZone, scheduleExpressionProblem } from '@paperboy/core';

describe('EventBridge Scheduler expressions', () => {
  it('accepts what Scheduler accepts: cron with "?" in one day field, names, lists, ranges, steps, L, W, #', () => {
    const good = [
      'cron(0 6 ? * MON-FRI *)',
      'cron(0 7 * * ? *)',
      'cron(0/15 * * * ? *)',
      'cron(*/5 8-17 ? * MON-FRI *)',
      'cron(5,35 14 * * ? *)',
      'cron(0 18 ? * MON,WED,FRI *)',
      'cron(15 10 ? * 6L 2026-2030)',
      'cron(0 10 L * ? *)',
      'cron(0 10 3W * ? *)',
      'cron(0 10 ? * 3#2 *)',
      'cron(0 8 1 JAN-MAR,DEC ? *)',
      'cron(0 7 ? * mon-fri *)',
      'rate(1 minute)',
      'rate(1 hour)',
      'rate(1 day)',
      'rate(15 minutes)',
      'rate(6 hours)',
      'rate(2 days)',
      'at(2026-12-24T07:00:00)',
      'at(2028-02-29T23:59:59)',
    ];
    expect(good.filter((e) => scheduleExpressionProblem(e) !== undefined)).toEqual([]);
  });

  it.each([
    ['cron(0 7 * * MON-FRI *)', /exactly one of day-of-month \("\*"\) and day-of-week \("MON-FRI"\) must be "\?"/],
    ['cron(0 7 ? * ? *)', /exactly one of day-of-month/],
    ['cron(0 7 * * *)', /cron\(\) takes 6 fields .* this has 5/],
    ['cron(0 0 7 * * ? *)', /this has 7/],
    ['cron(0  7 * * ? *)', /single spaces/],
    ['cron(60 7 * * ? *)', /minutes "60" is not a minutes value \(0-59\)/],
    ['cron(0 24 * * ? *)', /hours "24"/],
    ['cron(0 7 32 * ? *)', /day-of-month "32"/],
    ['cron(0 7 ? 13 ? *)', /exactly one of/],
    ['cron(0 7 1 13 ? *)', /month "13" is not a month value \(1-12 or JAN-DEC\)/],
    ['cron(0 7 ? * 8 *)', /day-of-week "8"/],
    ['cron(0 7 ? * FOO *)', /day-of-week "FOO"/],
    ['cron(0 7 ? * FRI-MON *)', /ends before it starts/],
    ['cron(0 7 ? * MON/2 *)', /day-of-week takes no "\/"/],
    ['cron(0 7 ? * 3#6 *)', /week after "#" must be 1-5/],
    ['cron(0 7 ? * 3#1,6#3 *)', /"#" takes exactly one weekday/],
    ['cron(0 7 * * ? 1969)', /year "1969"/],
    ['cron(0 7 * * ? 2200)', /year "2200"/],
    ['cron(0 7 * * ? ?)', /only day-of-month and day-of-week take "\?"/],
    ['cron(0 */0 * * ? *)', /increment after "\/" must be a whole number of at least 1/],
    ['cron(0 7 L,15 * ? *)', /day-of-month "L"/],
    ['rate(0 minutes)', /value "0" must be a whole number of at least 1/],
    ['rate(1 hours)', /with 1 takes the singular unit: "rate\(1 hour\)"/],
    ['rate(5 minute)', /takes the plural unit: "rate\(5 minutes\)"/],
    ['rate(1.5 hours)', /whole number/],
    ['rate(2 weeks)', /unit "weeks" must be one of/],
    ['rate(5)', /takes a value and a unit/],
    ['at(2026-02-30T10:00:00)', /day 30 does not exist in 2026-02/],
    ['at(2027-02-29T10:00:00)', /day 29 does not exist/],
    ['at(2026-13-01T10:00:00)', /month 13 does not exist/],
    ['at(2026-12-24T24:00:00)', /time 24:00:00 does not exist/],
    ['at(2026-12-24 07:00:00)', /takes a date and time like/],
    ['0 7 * * *', /must be an EventBridge Scheduler expression/],
    ['every day at 7', /must be an EventBridge Scheduler expression/],
  ])('rejects %s, saying why', (expression, why) => {
    const problem = scheduleExpressionProblem(expression);
    expect(problem).toMatch(why);
    expect(problem).not.toContain('\n');
  });
});

describe('time zones', () => {
  it('accepts IANA names as the tz database spells them, links and Etc/ zones included', () => {
    for (const tz of ['UTC', 'Europe/Berlin', 'America/Argentina/Buenos_Aires', 'America/Port-au-Prince', 'Etc/UTC', 'Etc/GMT+5', 'US/Eastern', 'Asia/Kolkata', 'Europe/Kyiv']) {
      expect(isIanaTimeZone(tz), tz).toBe(true);
    }
  });

  it('rejects made-up names, wrong case, offsets and abbreviations Intl would take', () => {
    for (const tz of ['Mars/Olympus', 'europe/berlin', 'Europe/BERLIN', 'utc', '+05:00', 'UTC+1', 'Europe/', '']) {
      expect(isIanaTimeZone(tz), tz).toBe(false);
    }
  });
});

describe('when Scheduler fires', () => {
  const iso = (dates: Date[]) => dates.map((d) => d.toISOString().replace(':00.000Z', 'Z'));
  const fires = (expression: string, zone: string, from: string, to: string) => iso(fireTimes(expression, zone, new Date(from), new Date(to)));

  it('fires a daily Berlin cron once a day at the local time, across the fall-back of 2026-10-25', () => {
    expect(fires('cron(0 6 * * ? *)', 'Europe/Berlin', '2026-10-23T00:00Z', '2026-10-28T00:00Z')).toEqual([
      '2026-10-23T04:00Z',
      '2026-10-24T04:00Z',
      '2026-10-25T05:00Z',
      '2026-10-26T05:00Z',
      '2026-10-27T05:00Z',
    ]);
  });

  it('fires a local time that occurs twice at fall-back only once, at its first occurrence', () => {
    // 02:30 on 2026-10-25 is 00:30Z (CEST) and again 01:30Z (CET).
    expect(fires('cron(30 2 * * ? *)', 'Europe/Berlin', '2026-10-24T00:00Z', '2026-10-27T00:00Z')).toEqual([
      '2026-10-24T00:30Z',
      '2026-10-25T00:30Z',
      '2026-10-26T01:30Z',
    ]);
    // Lord Howe Island falls back half an hour, from 02:00 (+11) to 01:30 (+10:30).
    expect(fires('cron(45 1 * * ? *)', 'Australia/Lord_Howe', '2026-04-03T12:00Z', '2026-04-06T12:00Z')).toEqual([
      '2026-04-03T14:45Z',
      '2026-04-04T14:45Z',
      '2026-04-05T15:15Z',
    ]);
    // Also when the window opens between the two occurrences.
    expect(fires('cron(30 2 * * ? *)', 'Europe/Berlin', '2026-10-25T01:00Z', '2026-10-26T00:00Z')).toEqual([]);
  });

  it('skips a local time that does not exist at spring-forward, and keeps the others, on 2026-03-29', () => {
    expect(fires('cron(0 6 * * ? *)', 'Europe/Berlin', '2026-03-27T00:00Z', '2026-03-31T00:00Z')).toEqual([
      '2026-03-27T05:00Z',
      '2026-03-28T05:00Z',
      '2026-03-29T04:00Z',
      '2026-03-30T04:00Z',
    ]);
    expect(fires('cron(30 2 * * ? *)', 'Europe/Berlin', '2026-03-27T00:00Z', '2026-03-31T00:00Z')).toEqual([
      '2026-03-27T01:30Z',
      '2026-03-28T01:30Z',
      '2026-03-30T00:30Z',
    ]);
  });

  it('fires every local quarter hour exactly once on the 25-hour and the 23-hour day', () => {
    const quarter = 'cron(0/15 * * * ? *)';
    const autumn = fireTimes(quarter, 'Europe/Berlin', new Date('2026-10-24T22:00Z'), new Date('2026-10-25T23:00Z'));
    const spring = fireTimes(quarter, 'Europe/Berlin', new Date('2026-03-28T23:00Z'), new Date('2026-03-29T22:00Z'));
    expect([autumn.length, spring.length]).toEqual([96, 92]);
    const local = (d: Date) => d.toLocaleString('sv', { timeZone: 'Europe/Berlin' });
    expect(new Set(autumn.map(local)).size).toBe(96);
    // Between 02:45 CEST and 03:00 CET lies the repeated hour, in which nothing fires.
    expect(iso(autumn.slice(11, 13))).toEqual(['2026-10-25T00:45Z', '2026-10-25T02:00Z']);
  });

  it('fires a weekday cron on the ten weekdays of two weeks, following the clock change', () => {
    expect(fires('cron(0 7 ? * MON-FRI *)', 'Europe/Berlin', '2026-10-19T00:00Z', '2026-11-02T00:00Z')).toEqual([
      '2026-10-19T05:00Z',
      '2026-10-20T05:00Z',
      '2026-10-21T05:00Z',
      '2026-10-22T05:00Z',
      '2026-10-23T05:00Z',
      '2026-10-26T06:00Z',
      '2026-10-27T06:00Z',
      '2026-10-28T06:00Z',
      '2026-10-29T06:00Z',
      '2026-10-30T06:00Z',
    ]);
  });

  it('fires a UTC cron at the same UTC time every day', () => {
    expect(fires('cron(0 6 * * ? *)', 'UTC', '2026-10-24T06:00Z', '2026-10-27T06:00Z')).toEqual(['2026-10-24T06:00Z', '2026-10-25T06:00Z', '2026-10-26T06:00Z']);
  });

  it('fires rate() from the start, every fixed duration, whatever the clock change does', () => {
    expect(fires('rate(6 hours)', 'Europe/Berlin', '2026-10-24T22:00Z', '2026-10-26T00:00Z')).toEqual([
      '2026-10-24T22:00Z',
      '2026-10-25T04:00Z',
      '2026-10-25T10:00Z',
      '2026-10-25T16:00Z',
      '2026-10-25T22:00Z',
    ]);
    expect(fires('rate(1 day)', 'Europe/Berlin', '2026-10-24T10:00Z', '2026-10-27T00:00Z')).toEqual(['2026-10-24T10:00Z', '2026-10-25T10:00Z', '2026-10-26T10:00Z']);
  });

  it('fires at() once at its local time, the first at a fall-back, never in a spring-forward gap or outside the window', () => {
    expect(fires('at(2026-12-24T07:00:00)', 'Europe/Berlin', '2026-12-01T00:00Z', '2027-01-01T00:00Z')).toEqual(['2026-12-24T06:00Z']);
    expect(fires('at(2026-07-01T07:00:00)', 'Europe/Berlin', '2026-06-01T00:00Z', '2026-08-01T00:00Z')).toEqual(['2026-07-01T05:00Z']);
    expect(fires('at(2026-10-25T02:30:00)', 'Europe/Berlin', '2026-10-24T00:00Z', '2026-10-26T00:00Z')).toEqual(['2026-10-25T00:30Z']);
    expect(fires('at(2026-03-29T02:30:00)', 'Europe/Berlin', '2026-03-28T00:00Z', '2026-03-30T00:00Z')).toEqual([]);
    expect(fires('at(2026-12-24T07:00:00)', 'Europe/Berlin', '2026-12-25T00:00Z', '2027-01-01T00:00Z')).toEqual([]);
  });

  it('reads L, W, #, names, steps and years as Scheduler does', () => {
    const days = (expression: string, from: string, to: string) => fires(expression, 'UTC', from, to).map((t) => t.slice(0, 10));
    expect(days('cron(0 10 L * ? *)', '2026-01-01T00:00Z', '2026-05-01T00:00Z')).toEqual(['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30']);
    // 2026-08-01 is a Saturday, 2026-11-15 and 2026-05-31 are Sundays: the nearest weekday stays in the month.
    expect(days('cron(0 10 1W * ? *)', '2026-08-01T00:00Z', '2026-09-01T00:00Z')).toEqual(['2026-08-03']);
    expect(days('cron(0 10 15W * ? *)', '2026-11-01T00:00Z', '2026-12-01T00:00Z')).toEqual(['2026-11-16']);
    expect(days('cron(0 10 31W * ? *)', '2026-04-01T00:00Z', '2026-06-01T00:00Z')).toEqual(['2026-05-29']);
    expect(days('cron(0 10 ? * 6L *)', '2026-10-01T00:00Z', '2026-11-01T00:00Z')).toEqual(['2026-10-30']);
    expect(days('cron(0 10 ? * 3#2 *)', '2026-10-01T00:00Z', '2026-11-01T00:00Z')).toEqual(['2026-10-13']);
    expect(days('cron(0 10 ? * L *)', '2026-10-01T00:00Z', '2026-10-15T00:00Z')).toEqual(['2026-10-03', '2026-10-10']);
    expect(days('cron(0 8 1 JAN-MAR,DEC ? 2027)', '2026-11-15T00:00Z', '2027-05-01T00:00Z')).toEqual(['2027-01-01', '2027-02-01', '2027-03-01']);
    expect(fires('cron(10/20 9-10 1 1 ? *)', 'UTC', '2026-01-01T00:00Z', '2026-01-02T00:00Z')).toEqual([
      '2026-01-01T09:10Z',
      '2026-01-01T09:30Z',
      '2026-01-01T09:50Z',
      '2026-01-01T10:10Z',
      '2026-01-01T10:30Z',
      '2026-01-01T10:50Z',
    ]);
  });

  it('walks thirty days of minutes quickly enough to drive a simulation', () => {
    const started = performance.now();
    const times = fireTimes('cron(0 7 ? * MON-FRI *)', 'Europe/Berlin', new Date('2026-10-10T00:00Z'), new Date('2026-11-09T00:00Z'));
    expect(times).toHaveLength(20);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('refuses an expression or a zone Scheduler would refuse, in one line', () => {
    const window = [new Date('2026-01-01T00:00Z'), new Date('2026-01-02T00:00Z')] as const;
    expect(() => fireTimes('cron(0 6 * * *)', 'UTC', ...window)).toThrow(/^schedule expression "cron\(0 6 \* \* \*\)": cron\(\) takes 6 fields/);
    expect(() => fireTimes('cron(0 6 * * ? *)', 'europe/berlin', ...window)).toThrow('time zone "europe/berlin" is not an IANA time zone name');
  });
});
