/**
 * EventBridge Scheduler expressions and time zones, checked the way Scheduler checks them, so a bad
 * schedule stops `cdk synth` and `npm start` with one line instead of failing at deploy; and the
 * instants Scheduler fires them at (`fireTimes`), for runs under a simulated clock.
 *
 * Written here rather than taken from npm, measured on 29 expressions with known verdicts:
 * - cron-validate 1.5.3 (preset "aws-cloud-watch") judged all 29 right, but covers only cron(), and
 *   pulls in yup: 64 KB minified in every function bundle (all of them load the config), for a check
 *   that runs once per cold start;
 * - aws-cron-expression-validator 1.0.5 judged 3 wrong (accepts "?" and "L" as a year, rejects "6L").
 * The checks are about 4 KB minified (7 KB with `fireTimes`) and also cover rate(), at() and the time zone.
 *
 * Sources: "Schedule types on EventBridge Scheduler" and "Cron expressions reference" (AWS docs).
 */

interface CronField {
  name: string;
  min: number;
  max: number;
  /** Three-letter names accepted instead of numbers (index 0 is `min`). */
  names?: readonly string[];
  /** Whether `/` (increments) is allowed; the docs list it for every field but day-of-week. */
  step: boolean;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] as const;
/** 1 is Sunday in EventBridge cron. */
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

const FIELDS: readonly CronField[] = [
  { name: 'minutes', min: 0, max: 59, step: true },
  { name: 'hours', min: 0, max: 23, step: true },
  { name: 'day-of-month', min: 1, max: 31, step: true },
  { name: 'month', min: 1, max: 12, names: MONTHS, step: true },
  { name: 'day-of-week', min: 1, max: 7, names: WEEKDAYS, step: false },
  { name: 'year', min: 1970, max: 2199, step: true },
];
const DAY_OF_MONTH = 2;
const DAY_OF_WEEK = 4;

/** A value of a field: a number in range, or one of its names (any case). */
function valueOf(text: string, field: CronField): number | undefined {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n >= field.min && n <= field.max ? n : undefined;
  }
  const i = field.names?.indexOf(text.toUpperCase() as never) ?? -1;
  return i >= 0 ? field.min + i : undefined;
}

/** One comma-separated item: `*`, `v`, `a-b`, optionally `/n` after `*`, `v` or `a-b`. */
function itemProblem(item: string, field: CronField): string | undefined {
  const [base = '', step, ...more] = item.split('/');
  if (more.length) return `"${item}" has more than one "/"`;
  if (step !== undefined) {
    if (!field.step) return `"${item}": ${field.name} takes no "/" increments`;
    if (!/^\d+$/.test(step) || Number(step) < 1) return `"${item}": the increment after "/" must be a whole number of at least 1`;
  }
  if (base === '*') return undefined;
  const [from = '', to, ...rest] = base.split('-');
  if (rest.length) return `"${item}" is not a value or a range`;
  const a = valueOf(from, field);
  if (a === undefined) return `"${from}" is not a ${field.name} value (${rangeText(field)})`;
  if (to === undefined) return undefined;
  const b = valueOf(to, field);
  if (b === undefined) return `"${to}" is not a ${field.name} value (${rangeText(field)})`;
  if (b < a) return `"${base}" is a range that ends before it starts`;
  return undefined;
}

function rangeText(field: CronField): string {
  return `${field.min}-${field.max}${field.names ? ` or ${field.names[0]}-${field.names[field.names.length - 1]}` : ''}`;
}

function fieldProblem(text: string, index: number): string | undefined {
  const field = FIELDS[index]!;
  if (text === '?') return index === DAY_OF_MONTH || index === DAY_OF_WEEK ? undefined : `${field.name} "?": only day-of-month and day-of-week take "?"`;
  if (index === DAY_OF_MONTH) {
    // L: last day of the month; nW: the weekday nearest day n. Each stands alone.
    if (text === 'L') return undefined;
    const w = /^(\d+)W$/.exec(text);
    if (w) return valueOf(w[1]!, field) === undefined ? `day-of-month "${text}": "${w[1]}" is not a day (1-31)` : undefined;
  }
  if (index === DAY_OF_WEEK) {
    // L: the last day of the week; dL: the last such weekday of the month; d#n: the nth such weekday. Each stands alone.
    if (text === 'L') return undefined;
    const last = /^(\w+)L$/.exec(text);
    if (last && valueOf(last[1]!, field) !== undefined) return undefined;
    const nth = /^(\w+)#(\d+)$/.exec(text);
    if (nth) {
      if (valueOf(nth[1]!, field) === undefined) return `day-of-week "${text}": "${nth[1]}" is not a weekday (1-7 or SUN-SAT)`;
      return /^[1-5]$/.test(nth[2]!) ? undefined : `day-of-week "${text}": the week after "#" must be 1-5`;
    }
    if (text.includes('#')) return `day-of-week "${text}": "#" takes exactly one weekday, like "3#2"`;
  }
  for (const item of text.split(',')) {
    const problem = itemProblem(item, field);
    if (problem) return `${field.name} ${problem}`;
  }
  return undefined;
}

function cronProblem(body: string): string | undefined {
  const fields = body.split(' ');
  if (fields.some((f) => f === '')) return 'fields must be separated by single spaces';
  if (fields.length !== 6) return `cron() takes 6 fields (minutes hours day-of-month month day-of-week year), this has ${fields.length}`;
  const dom = fields[DAY_OF_MONTH]!;
  const dow = fields[DAY_OF_WEEK]!;
  if ((dom === '?') === (dow === '?')) {
    return `exactly one of day-of-month ("${dom}") and day-of-week ("${dow}") must be "?", as in "cron(0 7 ? * MON-FRI *)" or "cron(0 7 * * ? *)"`;
  }
  for (let i = 0; i < fields.length; i++) {
    const problem = fieldProblem(fields[i]!, i);
    if (problem) return problem;
  }
  return undefined;
}

function rateProblem(body: string): string | undefined {
  const m = /^(\S+) (\S+)$/.exec(body);
  if (!m) return 'rate() takes a value and a unit, like "rate(6 hours)"';
  const [, value, unit] = m as unknown as [string, string, string];
  if (!/^[1-9]\d*$/.test(value)) return `rate() value "${value}" must be a whole number of at least 1`;
  const units = ['minute', 'hour', 'day'];
  const singular = unit.replace(/s$/, '');
  if (!units.includes(singular)) return `rate() unit "${unit}" must be one of minute(s), hour(s), day(s)`;
  if (value === '1' && unit !== singular) return `rate() with 1 takes the singular unit: "rate(1 ${singular})"`;
  if (value !== '1' && unit === singular) return `rate() with ${value} takes the plural unit: "rate(${value} ${singular}s)"`;
  return undefined;
}

function atProblem(body: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body);
  if (!m) return 'at() takes a date and time like "at(2026-12-24T07:00:00)"';
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const daysInMonth = month >= 1 && month <= 12 ? new Date(Date.UTC(year, month, 0)).getUTCDate() : 0;
  if (!daysInMonth) return `at() month ${String(month).padStart(2, '0')} does not exist`;
  if (day < 1 || day > daysInMonth) return `at() day ${String(day).padStart(2, '0')} does not exist in ${year}-${String(month).padStart(2, '0')}`;
  if (hour > 23 || minute > 59 || second > 59) return `at() time ${m[4]}:${m[5]}:${m[6]} does not exist`;
  return undefined;
}

/** What is wrong with an EventBridge Scheduler expression, or undefined when Scheduler would take it. */
export function scheduleExpressionProblem(expression: string): string | undefined {
  const m = /^(cron|rate|at)\((.*)\)$/.exec(expression);
  if (!m) return 'must be an EventBridge Scheduler expression: "cron(…)", "rate(…)" or "at(…)", like "cron(0 7 ? * MON-FRI *)"';
  const [, kind, body] = m as unknown as [string, 'cron' | 'rate' | 'at', string];
  return kind === 'cron' ? cronProblem(body) : kind === 'rate' ? rateProblem(body) : atProblem(body);
}

/**
 * Whether Scheduler would take this time zone: a real IANA name, spelled as the tz database spells it.
 * `Intl.DateTimeFormat` alone is not enough: it takes any case ("europe/berlin"), which Scheduler does
 * not. `Intl.supportedValuesOf('timeZone')` alone is not enough either: it lists only canonical names,
 * so it lacks "UTC", "Etc/GMT+5" and links such as "US/Eastern" or "Europe/Kyiv" (on ICU 78 the
 * canonical name there is still "Europe/Kiev"). So: Intl must know the zone, each part of the name must
 * start with a capital like every tz database name, and a name that Intl lists must match its case.
 */
export function isIanaTimeZone(name: string): boolean {
  if (!/^[A-Z][A-Za-z0-9_+-]*(\/[A-Z][A-Za-z0-9_+-]*)*$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
  } catch {
    return false;
  }
  const lower = name.toLowerCase();
  const listed = supportedZones().find((z) => z.toLowerCase() === lower);
  return listed === undefined || listed === name;
}

let zones: string[] | undefined;
function supportedZones(): string[] {
  return (zones ??= Intl.supportedValuesOf('timeZone'));
}

/*
 * When Scheduler fires. Daylight saving, as "Daylight savings time on EventBridge Scheduler"
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#daylist-savings-time) and
 * https://repost.aws/knowledge-center/eventbridge-scheduler-adjust-dst state it:
 * - spring forward: a cron time that does not exist that day is skipped, not moved;
 * - fall back: a cron time that occurs twice runs only once. The docs do not say which of the two
 *   instants; this takes the first, the only one that can be decided without looking ahead;
 * - rate(): an absolute duration after the previous invocation ("days" are 24 hours even when the
 *   day has 23 or 25), starting at the schedule's start date.
 *
 * cron() is matched by walking UTC minutes and reading the zone's wall clock, with the offset from Intl,
 * so every zone and rule the runtime's tz data knows comes out right. A local minute at or before one
 * already seen is the second pass of a fall-back and never fires. Intl is asked twice per UTC hour,
 * and for every minute of the rare hour whose offset changes. Measured on Node 20 in Europe/Berlin:
 * 30 days take about 20 ms; asking Intl for every minute instead took about 140 ms.
 */

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 1 is Sunday, as in EventBridge cron. */
  weekday: number;
  daysInMonth: number;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
/** How far before `from` the walk starts, so a fall-back that began before `from` is still seen: longer than any clock change. */
const LOOKBACK = 26 * HOUR;

/** The values a list of `*`, `v`, `a-b`, `*\/n`, `v/n`, `a-b/n` items allows; `v/n` runs from v to the field's end. */
function allowed(text: string, field: CronField): Set<number> {
  const out = new Set<number>();
  for (const item of text.split(',')) {
    const [base = '', step] = item.split('/');
    const [from = '', to] = base.split('-');
    const lo = base === '*' ? field.min : valueOf(from, field)!;
    const hi = base === '*' ? field.max : to !== undefined ? valueOf(to, field)! : step !== undefined ? field.max : lo;
    for (let v = lo; v <= hi; v += step === undefined ? 1 : Number(step)) out.add(v);
  }
  return out;
}

function weekdayOf(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

/** `nW`: the weekday (Monday to Friday) nearest day n, within the month; none when the month has no day n. */
function nearestWeekday(year: number, month: number, n: number, daysInMonth: number): number | undefined {
  if (n > daysInMonth) return undefined;
  const weekday = weekdayOf(year, month, n);
  if (weekday === 7) return n > 1 ? n - 1 : n + 2;
  if (weekday === 1) return n < daysInMonth ? n + 1 : n - 2;
  return n;
}

function dayMatcher(dom: string, dow: string): (t: WallClock) => boolean {
  const [, , domField, , dowField] = FIELDS as [CronField, CronField, CronField, CronField, CronField];
  if (dom !== '?') {
    if (dom === 'L') return (t) => t.day === t.daysInMonth;
    const w = /^(\d+)W$/.exec(dom);
    if (w) return (t) => t.day === nearestWeekday(t.year, t.month, Number(w[1]), t.daysInMonth);
    const days = allowed(dom, domField);
    return (t) => days.has(t.day);
  }
  if (dow === 'L') return (t) => t.weekday === 7;
  const last = /^(\w+)L$/.exec(dow);
  if (last) {
    const weekday = valueOf(last[1]!, dowField);
    return (t) => t.weekday === weekday && t.day + 7 > t.daysInMonth;
  }
  const nth = /^(\w+)#(\d)$/.exec(dow);
  if (nth) {
    const weekday = valueOf(nth[1]!, dowField);
    return (t) => t.weekday === weekday && Math.ceil(t.day / 7) === Number(nth[2]);
  }
  const weekdays = allowed(dow, dowField);
  return (t) => weekdays.has(t.weekday);
}

function cronMatcher(body: string): (t: WallClock) => boolean {
  const fields = body.split(' ') as [string, string, string, string, string, string];
  const [minutes, hours, , months, , years] = fields.map((f, i) => (i === DAY_OF_MONTH || i === DAY_OF_WEEK ? undefined : allowed(f, FIELDS[i]!)));
  const day = dayMatcher(fields[DAY_OF_MONTH], fields[DAY_OF_WEEK]);
  return (t) => minutes!.has(t.minute) && hours!.has(t.hour) && months!.has(t.month) && years!.has(t.year) && day(t);
}

/** The zone's offset from UTC at an instant, in ms, as the runtime's tz data has it. */
function offsetOf(timeZone: string): (utcMinute: number) => number {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  });
  return (utcMinute) => {
    const p: Record<string, number> = {};
    for (const part of format.formatToParts(utcMinute)) if (part.type !== 'literal') p[part.type] = Number(part.value);
    return Date.UTC(p.year ?? 0, (p.month ?? 0) - 1, p.day ?? 0, p.hour ?? 0, p.minute ?? 0) - utcMinute;
  };
}

function wallClockAt(localMs: number): WallClock {
  const d = new Date(localMs);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth() + 1;
  return {
    year,
    month,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    weekday: d.getUTCDay() + 1,
    daysInMonth: new Date(Date.UTC(year, month, 0)).getUTCDate(),
  };
}

const RATE_UNIT_MS: Record<string, number> = { minute: MINUTE, hour: HOUR, day: 24 * HOUR };

/**
 * Every instant in [from, to) at which EventBridge Scheduler invokes the target of this schedule in
 * this IANA zone: cron() and at() at the start of their minute, rate() from `from` (the schedule's
 * start date) on. Throws one line when the expression or the zone is not one Scheduler takes.
 */
export function fireTimes(expression: string, timeZone: string, from: Date, to: Date): Date[] {
  const problem = scheduleExpressionProblem(expression);
  if (problem) throw new Error(`schedule expression "${expression}": ${problem}`);
  if (!isIanaTimeZone(timeZone)) throw new Error(`time zone "${timeZone}" is not an IANA time zone name like "Europe/Berlin"`);
  const start = from.getTime();
  const end = to.getTime();
  if (Number.isNaN(start) || Number.isNaN(end)) throw new Error('fireTimes: from and to must be valid dates');
  const [, kind, body] = /^(cron|rate|at)\((.*)\)$/.exec(expression) as unknown as [string, string, string];
  const out: Date[] = [];

  if (kind === 'rate') {
    const [value, unit] = body.split(' ') as [string, string];
    const step = Number(value) * RATE_UNIT_MS[unit.replace(/s$/, '')]!;
    for (let t = start; t < end; t += step) out.push(new Date(t));
    return out;
  }

  const offset = offsetOf(timeZone);
  if (kind === 'at') {
    const [year, month, day, hour, minute, second] = body.split(/[-T:]/).map(Number) as [number, number, number, number, number, number];
    const local = Date.UTC(year, month - 1, day, hour, minute);
    // The instants whose wall clock reads this minute: one, two at a fall-back, none in a spring-forward gap.
    const offsets = new Set([local - 86_400_000, local, local + 86_400_000].map(offset));
    const instants = [...offsets].map((o) => local - o).filter((t) => t + offset(t) === local);
    if (instants.length === 0) return out;
    const at = Math.min(...instants) + second * 1000;
    if (at >= start && at < end) out.push(new Date(at));
    return out;
  }

  const matches = cronMatcher(body);
  let latestLocal = -Infinity;
  for (let hour = Math.floor((start - LOOKBACK) / HOUR) * HOUR; hour < end; hour += HOUR) {
    // No zone changes its offset twice within an hour, so one offset at both ends holds for the whole hour.
    const first = offset(hour);
    const steady = offset(hour + HOUR - MINUTE) === first;
    for (let t = hour; t < hour + HOUR && t < end; t += MINUTE) {
      const local = t + (steady ? first : offset(t));
      if (local <= latestLocal) continue; // the second pass of a fall-back
      latestLocal = local;
      if (t >= start && matches(wallClockAt(local))) out.push(new Date(t));
    }
  }
  return out;
}
