/**
 * EventBridge Scheduler expressions and time zones, checked the way Scheduler checks them, so a bad
 * schedule stops `cdk synth` and `npm start` with one line instead of failing at deploy.
 *
 * Written here rather than taken from npm, measured on 29 expressions with known verdicts:
 * - cron-validate 1.5.3 (preset "aws-cloud-watch") judged all 29 right, but covers only cron(), and
 *   pulls in yup: 64 KB minified in every function bundle (all of them load the config), for a check
 *   that runs once per cold start;
 * - aws-cron-expression-validator 1.0.5 judged 3 wrong (accepts "?" and "L" as a year, rejects "6L").
 * This module is about 4 KB minified and also checks rate(), at() and the time zone.
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
