/** Calendar helpers in the owner's time zone, and the one check of the YYYY-MM-DD day format. */

/** The one day format: listing days, config days, `--date`, page paths. */
const DAY_FORMAT = /^(\d{4})-(\d{2})-(\d{2})$/;

/** No source lists a paper before this day; earlier "days" are placeholders such as 0000-01-01. */
export const EARLIEST_DAY = '1900-01-01';

/**
 * Why `value` is not a real calendar day (YYYY-MM-DD, from 1900 on), or undefined when it is one.
 * `2026-02-30` and `2025-13-45` match the format but name no day; `0000-01-01` is a placeholder.
 */
export function dayProblem(value: string): string | undefined {
  const m = DAY_FORMAT.exec(value);
  if (!m) return `${JSON.stringify(value)} is not a day like 2026-11-26`;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (value < EARLIEST_DAY) return `${value} is before ${EARLIEST_DAY}`;
  if (month < 1 || month > 12) return `${value} is not a date: there is no month ${m[2]}`;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > days) return `${value} is not a date: ${MONTHS[month - 1]} ${year} has ${days} days`;
  return undefined;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** True for a real calendar day in the YYYY-MM-DD format (see dayProblem). */
export function isDay(value: string): boolean {
  return dayProblem(value) === undefined;
}

/**
 * The YYYY-MM-DD an ISO 8601 date or timestamp starts with (`2026-11-26T06:00:00Z` -> `2026-11-26`), by
 * its format only: whether it is a real day is for validation to say (and to give the reason).
 */
export function leadingDay(value: string): string | undefined {
  const head = value.trim().slice(0, 10);
  return DAY_FORMAT.test(head) ? head : undefined;
}

/** How far after the day of fetching a listing day may lie (time zones: a feed dated by tomorrow's clock). */
export const FUTURE_GRACE_DAYS = 1;

/**
 * A listing day more than a day after `today` (the day of fetching) is no listing day yet: it would
 * sit at the top of the site and the feeds for ever. It becomes `today`, and `clamped` says so.
 */
export function clampListingDay(day: string, today: string): { day: string; clamped: boolean } {
  return day > addDays(today, FUTURE_GRACE_DAYS) ? { day: today, clamped: true } : { day, clamped: false };
}

/** YYYY-MM-DD of `date` in `timeZone`. */
export function dayInZone(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
}

/**
 * The instant at which the clocks in `timeZone` show `time` (HH:MM) on `day`. A time that the clocks skip
 * (spring forward) comes out an hour later; one they show twice (fall back) is the first of the two.
 */
export function instantInZone(day: string, time: string, timeZone: string): Date {
  const wall = Date.parse(`${day}T${time}:00Z`);
  // The zone's offsets a day before and after: the instants they give that really show `time` there.
  const oneDay = 86_400_000;
  const before = wall - zoneOffsetMs(new Date(wall - oneDay), timeZone);
  const after = wall - zoneOffsetMs(new Date(wall + oneDay), timeZone);
  const shows = [before, after].filter((at) => at + zoneOffsetMs(new Date(at), timeZone) === wall);
  return new Date(shows.length ? Math.min(...shows) : before);
}

/** How far `timeZone`'s clocks are ahead of UTC at `date`, in milliseconds. */
export function zoneOffsetMs(date: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(date);
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const shown = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return shown - Math.floor(date.getTime() / 1000) * 1000;
}

export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export function weekdayOf(day: string): Weekday {
  return WEEKDAYS[new Date(`${day}T00:00:00Z`).getUTCDay()]!;
}

/** Saturday or Sunday: the days the sources list nothing. */
export function isWeekend(day: string): boolean {
  const w = weekdayOf(day);
  return w === 'SAT' || w === 'SUN';
}

/** ISO 8601 week of a day, such as 2026-W48. */
export function isoWeek(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  const dow = (d.getUTCDay() + 6) % 7; // Monday = 0
  d.setUTCDate(d.getUTCDate() - dow + 3); // Thursday of this week decides the year
  const year = d.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(year, 0, 4));
  const week = 1 + Math.round(((d.getTime() - firstThursday.getTime()) / 86_400_000 - 3 + ((firstThursday.getUTCDay() + 6) % 7)) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}
