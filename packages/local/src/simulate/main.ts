/**
 * `npm run simulate -- --days 30 [--subscribers 200] [--seed N] [--faults]`: days of service under a
 * simulated clock (see simulation.ts). Prints the table, then one JSON line of its figures, and exits
 * non-zero when an invariant is violated, naming each violation.
 */
import { parseArgs } from 'node:util';
import { simulate, type SimulationResult } from './simulation.js';

/** The table: everything in it depends only on the options and the seed, so two runs can be compared. */
export function formatTable(result: SimulationResult): string {
  const { options } = result;
  const lines = [
    `paperboy simulation: ${options.days} days from ${options.firstDay} (Europe/Berlin), ${options.subscribers} subscribers, seed ${options.seed}, faults ${options.faults ? 'on' : 'off'}`,
    '',
    'day          listed  stored  emails  AWS requests  est. cost',
  ];
  for (const d of result.days) {
    lines.push(`${d.day}   ${String(d.listed).padStart(6)}  ${String(d.stored).padStart(6)}  ${String(d.emails).padStart(6)}  ${String(d.awsRequests).padStart(12)}  $${d.costUsd.toFixed(4)}`);
  }
  const sum = (f: (d: SimulationResult['days'][number]) => number) => result.days.reduce((n, d) => n + f(d), 0);
  lines.push(`total        ${String(sum((d) => d.listed)).padStart(6)}  ${String(sum((d) => d.stored)).padStart(6)}  ${String(sum((d) => d.emails)).padStart(6)}  ${String(sum((d) => d.awsRequests)).padStart(12)}  $${sum((d) => d.costUsd).toFixed(4)}`);
  lines.push('', 'invariant                                       value   want');
  for (const c of result.checks) {
    const verdict = c.want === 'any' ? '' : c.value === c.want ? '  ok' : '  VIOLATED';
    lines.push(`${c.name.padEnd(46)} ${String(c.value).padStart(6)}   ${String(c.want === 'any' ? '-' : c.want).padStart(4)}${verdict}`);
  }
  const faults = Object.entries(result.faults).sort(([a], [b]) => a.localeCompare(b));
  lines.push('', `outbox sha256 ${result.outbox} (${sum((d) => d.emails)} emails)`);
  lines.push(`faults injected: ${faults.length ? faults.map(([k, n]) => `${k} ${n}`).join(', ') : 'none'}`);
  for (const c of result.checks.filter((c) => c.want !== 'any' && c.value !== c.want)) {
    lines.push('', `${c.name}:`, ...c.detail.slice(0, 20).map((d) => `  ${d}`), ...(c.detail.length > 20 ? [`  … and ${c.detail.length - 20} more`] : []));
  }
  lines.push('', `result: ${result.ok ? 'ok' : 'VIOLATIONS'}`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      days: { type: 'string', default: '30' },
      subscribers: { type: 'string', default: '200' },
      seed: { type: 'string', default: '1' },
      faults: { type: 'boolean', default: false },
      'first-day': { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
  });
  const number = (name: string, text: string, min: number, max: number): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max) {
      console.error(`paperboy simulate: --${name} = ${JSON.stringify(text)}: must be a whole number from ${min} to ${max}`);
      process.exit(2);
    }
    return n;
  };
  const started = Date.now();
  const result = await simulate({
    days: number('days', values.days, 1, 60),
    subscribers: number('subscribers', values.subscribers, 0, 5000),
    seed: number('seed', values.seed, 0, 2 ** 31 - 1),
    faults: values.faults,
    ...(values['first-day'] ? { firstDay: values['first-day'] } : {}),
    log: values.verbose ? (line) => console.error(line) : undefined,
  });
  console.log(formatTable(result));
  console.log(`wall time ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(JSON.stringify({ bench: 'simulate', options: result.options, ok: result.ok, checks: Object.fromEntries(result.checks.map((c) => [c.name, c.value])), days: result.days.length }));
  process.exitCode = result.ok ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
