/** The mail reputation rule (core/reputation.ts): when the week's hard bounce or complaint rate needs the owner. */
import { describe, expect, it } from 'vitest';
import { BOUNCE_RATE_ALERT, COMPLAINT_RATE_ALERT, reputationProblems, type MailDayCounts } from '@paperboy/core';

const day = (d: string, sent: number, bounces = 0, complaints = 0): MailDayCounts => ({ day: d, sent, bounces, complaints });

describe('reputationProblems', () => {
  it('says nothing below the thresholds, and nothing while nothing was sent', () => {
    expect(reputationProblems([day('2026-11-24', 500, 19, 0), day('2026-11-25', 500, 0, 0)])).toEqual([]); // 1.9% bounces
    expect(reputationProblems([day('2026-11-25', 0, 3, 1)])).toEqual([]);
    expect(reputationProblems([])).toEqual([]);
  });

  it('names the hard bounce rate over the week at 4%, with the counts and SES\'s review threshold', () => {
    const [p, ...rest] = reputationProblems([day('2026-11-20', 600, 10), day('2026-11-26', 400, 30)]);
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ kind: 'bounces', count: 40, sent: 1000, rate: 0.04, threshold: BOUNCE_RATE_ALERT });
    expect(p!.message).toBe('hard bounce rate 4.0% over the last 7 days (40 of 1000 emails); alert at 4.0%, SES reviews the account at 5%');
  });

  it('names the complaint rate at 0.08%: one complaint in 1,250 emails is enough', () => {
    expect(reputationProblems([day('2026-11-26', 1251, 0, 1)])).toEqual([]);
    const [p] = reputationProblems([day('2026-11-26', 1250, 0, 1)]);
    expect(p).toMatchObject({ kind: 'complaints', count: 1, sent: 1250, threshold: COMPLAINT_RATE_ALERT });
    expect(p!.message).toBe('complaint rate 0.08% over the last 7 days (1 of 1250 emails); alert at 0.08%, SES reviews the account at 0.1%');
  });
});
