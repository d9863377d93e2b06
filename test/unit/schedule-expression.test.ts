import { describe, expect, it } from 'vitest';
import { isIanaTimeZone, scheduleExpressionProblem } from '@paperboy/core';

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
