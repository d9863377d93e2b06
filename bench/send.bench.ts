/**
 * Send benchmark: the real plan + send path (plan-digests stores the jobs in DynamoDB, then starts five
 * send-digests invocations at once, as Lambda may run them, each with its own runtime) against an SES that
 * enforces the account's rate strictly (packages/local/src/strict-ses.ts: a send beyond the rate in any
 * one-second window is refused with TooManyRequestsException, through the real SES v2 client), running in
 * a process of its own as SES would (bench/strict-ses-child.ts). DynamoDB and SES are the local stand-ins,
 * in another child process (bench/standins-child.ts).
 *
 * Reports per rate (1/s and 14/s, SES's default production rate), in real time:
 *   - rate share: emails per second SES accepted, from the first to the last send (n sends in n slots), / rate;
 *   - throttles: sends SES refused;
 *   - peak second: most sends SES accepted in any one-second window;
 *   - Lambda-seconds per email: the wall time of every invocation (plan + the five senders) / emails.
 * Then the long run, 5,000 emails at 14/s, on a simulated clock (waits move the clock, the I/O is
 * real), with a 15-minute Lambda timeout so the sender hands over to a fresh invocation as it would.
 * The last line is one JSON object; its headline figures are the 14/s run's.
 *
 *   npm run bench:send [-- jobsAt1 jobsAt14 simulatedJobs]
 */
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SesMailer, ensureTable, makeSesClient } from '@paperboy/aws';
import { dayInZone, readOwnerConfigFile, resolveConfig, type AppConfig, type Clock, type Paper } from '@paperboy/core';
import { buildRuntime, type Runtime } from '../functions/commons/runtime.js';
import { makeHandler as makePlan } from '../functions/plan-digests/index.js';
import { makeHandler as makeSend, type SendExtras } from '../functions/send-digests/index.js';
import { startOrAttach, type RunningServices } from '../packages/local/src/services.js';
import { startStrictSes } from '../packages/local/src/strict-ses.js';
import { FUNCTION_MEMORY_MB } from '../infra/lib/settings.js';
import { readFileSync } from 'node:fs';

const PRICES = JSON.parse(readFileSync(join(import.meta.dirname, 'prices.json'), 'utf8')) as { lambda: { perGbSecondArm64: number } };
/** Dollars of sender Lambda time per 1,000 emails, at the sender's memory (list price, arm64). */
const usdPer1k = (lambdaSecondsPerEmail: number) => round(lambdaSecondsPerEmail * 1000 * (FUNCTION_MEMORY_MB['send-digests'] / 1024) * PRICES.lambda.perGbSecondArm64, 5);

/** What the runs need of a strict SES, in this process (simulated clock) or in its own (real time). */
interface StrictSes {
  endpoint: string;
  figures(): Promise<{ accepted: number[]; throttles: number; peakSecond: number }>;
  stop(): Promise<void>;
}

async function strictSesHere(target: string, rate: number, now: () => number): Promise<StrictSes> {
  const ses = await startStrictSes({ target, ratePerSecond: rate, now });
  return { endpoint: ses.endpoint, figures: async () => ({ accepted: ses.accepted, throttles: ses.throttles(), peakSecond: ses.peakSecond() }), stop: () => ses.stop() };
}

/** The strict SES in a process of its own (bench/strict-ses-child.ts): its arrival times do not wait on this process. */
async function strictSesProcess(target: string, rate: number): Promise<StrictSes> {
  const proc = fork(join(import.meta.dirname, 'strict-ses-child.ts'), [target, String(rate)], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const next = <T>() => new Promise<T>((ok, fail) => {
    proc.once('message', (m) => ok(m as T));
    proc.once('exit', (c) => fail(new Error(`strict SES exited with ${c}`)));
  });
  const { endpoint } = await next<{ endpoint: string }>();
  return {
    endpoint,
    figures: async () => {
      const answer = next<{ accepted: number[]; throttles: number; peakSecond: number }>();
      proc.send('figures');
      return answer;
    },
    stop: async () => {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    },
  };
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const ROOT = resolve(import.meta.dirname, '..');
const JOBS_AT_1 = Number(process.argv[2] ?? 30);
const JOBS_AT_14 = Number(process.argv[3] ?? 280);
const SIMULATED_JOBS = Number(process.argv[4] ?? 5000);
const SENDERS = 5;
const LAMBDA_TIMEOUT_MS = 15 * 60_000;
const silent = { info() {}, warn() {}, error() {} };

interface RunFigures {
  rate: number;
  jobs: number;
  emails: number;
  rateShare: number;
  /** Emails per second from the plan's start to the last send, / rate (start-up included). */
  endToEndShare: number;
  throttles: number;
  peakSecond: number;
  invocations: number;
  lambdaSecondsPerEmail: number;
  /** Least Lambda-seconds per email a paced sender can bill: it waits one interval per email. */
  pacingFloor: number;
  /** What that Lambda time costs per 1,000 emails (`bench/prices.json`). */
  lambdaUsdPer1k: number;
}

const round = (x: number, d = 3) => Number(x.toFixed(d));

async function seed(config: AppConfig, prefix: string, n: number, clock: Clock): Promise<void> {
  const rt = buildRuntime(config, { clock, logger: silent });
  await ensureTable(new DynamoDBClient({ region: config.region, endpoint: config.endpoints.dynamodb, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }), config.tableName);
  const now = clock.now();
  const day = dayInZone(now, config.owner.schedule.timezone);
  const hourAgo = new Date(now.getTime() - 3600_000).toISOString();
  for (let i = 0; i < 12; i++) {
    const paper: Paper = {
      id: `2611.${String(20000 + i)}`, title: `Send bench paper ${i}`, abstract: 'We measure sending. '.repeat(30), authors: ['A. Author'], listedOn: day,
      links: { abs: `https://arxiv.org/abs/2611.${20000 + i}` }, categories: ['cs.LG'], keywords: [], upvotes: i, tags: [i % 2 ? 'llm' : 'vision'], sources: ['bench'],
      firstSeenAt: hourAgo, updatedAt: hourAgo, contentHash: `h${i}`,
    };
    await rt.papers.put(paper, undefined);
  }
  const at = new Date(now.getTime() - 2 * 3600_000).toISOString();
  const ids = Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(5, '0')}`);
  for (let i = 0; i < ids.length; i += 16) {
    await Promise.all(ids.slice(i, i + 16).map((id) => rt.subscribers.create({ id, email: `${id}@example.net`, status: 'active', topics: ['llm', 'vision'], frequency: 'daily', createdAt: at, confirmedAt: at })));
  }
}

/** A runtime of its own, as one Lambda container, sending through the strict SES. */
function container(config: AppConfig, ses: StrictSes, clock: Clock): Runtime {
  const rt = buildRuntime(config, { clock, logger: silent });
  return { ...rt, mailer: new SesMailer(makeSesClient(config.region, ses.endpoint), config.owner.mail.from) };
}

function configAt(base: AppConfig, services: RunningServices, rate: number, table: string): AppConfig {
  return { ...base, tableName: table, endpoints: services.endpoints, owner: { ...base.owner, digest: { ...base.owner.digest, sendRatePerSecond: rate, sendWhenEmpty: true } } };
}

/**
 * Plan, then five senders at once; more when a sender hands over. `now`/`sleep` are real time, or a
 * simulated clock whose waits move it.
 */
async function run(config: AppConfig, ses: StrictSes, opts: { clock: Clock; sleep?: SendExtras['sleep']; workers?: number; deadlineMs?: number }): Promise<{ emails: number; invocations: number; lambdaMs: number; wallMs: number }> {
  const { clock } = opts;
  const ms = () => clock.now().getTime();
  let emails = 0;
  let lambdaMs = 0;
  let invocations = 0;
  const pending: Promise<void>[] = [];
  const invokeSender = (): Promise<void> => {
    const started = ms();
    invocations++;
    const extras: SendExtras = {
      onOutcome: (o) => void (o === 'sent' && emails++),
      ...(opts.sleep ? { sleep: opts.sleep } : {}),
      ...(opts.workers ? { workers: opts.workers } : {}),
      ...(opts.deadlineMs ? { deadline: started + opts.deadlineMs } : {}),
      // Lambda's self-invocation: a fresh invocation (and container) once this one has returned.
      handOver: async () => void pending.push(Promise.resolve().then(() => invokeSender())),
    };
    return makeSend(container(config, ses, clock), extras)({ reason: 'planned' }).then(() => void (lambdaMs += ms() - started));
  };
  const start = ms();
  const planStart = ms();
  await makePlan(container(config, ses, clock), {
    startSender: async () => void pending.push(...Array.from({ length: SENDERS }, () => invokeSender())),
  })({});
  lambdaMs += ms() - planStart;
  invocations++;
  while (pending.length) await pending.shift();
  return { emails, invocations, lambdaMs, wallMs: ms() - start };
}

async function figures(rate: number, jobs: number, ses: StrictSes, r: Awaited<ReturnType<typeof run>>): Promise<RunFigures> {
  const seen = await ses.figures();
  const times = seen.accepted;
  const span = (times.at(-1)! - times[0]!) / 1000 + 1 / rate; // n sends fill n slots
  return {
    rate,
    jobs,
    emails: r.emails,
    rateShare: round(times.length / span / rate),
    endToEndShare: round(r.emails / (r.wallMs / 1000) / rate),
    throttles: seen.throttles,
    peakSecond: seen.peakSecond,
    invocations: r.invocations,
    lambdaSecondsPerEmail: round(r.lambdaMs / 1000 / r.emails, 4),
    pacingFloor: round(1 / rate, 4),
    lambdaUsdPer1k: usdPer1k(r.lambdaMs / 1000 / r.emails),
  };
}

function print(label: string, f: RunFigures): void {
  console.log(
    `${label}: ${f.emails}/${f.jobs} emails, rate share ${(f.rateShare * 100).toFixed(1)}% (end to end ${(f.endToEndShare * 100).toFixed(1)}%), ` +
      `${f.throttles} throttles, peak second ${f.peakSecond} (rate ${f.rate}), ${f.invocations} invocations, ` +
      `${f.lambdaSecondsPerEmail} Lambda-s per email (pacing alone bills ${f.pacingFloor}; $${f.lambdaUsdPer1k} per 1,000 emails at ${FUNCTION_MEMORY_MB['send-digests']} MB)`,
  );
}

const dataDir = await mkdtemp(join(tmpdir(), 'paperboy-bench-send-'));
const child = fork(join(import.meta.dirname, 'standins-child.ts'), [dataDir], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
await new Promise<void>((ok, fail) => {
  child.once('message', () => ok());
  child.once('exit', (c) => fail(new Error(`stand-ins exited with ${c}`)));
});
try {
  const services = await startOrAttach(dataDir);
  if (services.owned) throw new Error('expected to attach to the child process stand-ins');
  const path = join(ROOT, 'paperboy.config.json');
  const base = resolveConfig(readOwnerConfigFile(path), { PAPERBOY_HMAC_SECRET: 'b'.repeat(40) }, path, ROOT);
  console.log(`send bench: plan + ${SENDERS} send-digests invocations at once, strict SES (no second beyond the rate)`);

  // --- real time ----------------------------------------------------------------------------------------
  const realClock: Clock = { now: () => new Date() };
  const perRate: Record<string, RunFigures> = {};
  for (const [rate, jobs] of [[1, JOBS_AT_1], [14, JOBS_AT_14]] as const) {
    const config = configAt(base, services, rate, `bench-send-${rate}`);
    await seed(config, `r${rate}`, jobs, realClock);
    // In front of the SES stand-in itself: the outbox tap (which saves each message to disk before it answers) would add its writes to every round trip.
    const ses = await strictSesProcess(services.endpoints.sesViewer.replace(/\/$/, ''), rate);
    try {
      const result = await run(config, ses, { clock: realClock });
      perRate[String(rate)] = await figures(rate, jobs, ses, result);
      print(`${rate}/s, real time`, perRate[String(rate)]!);
    } finally {
      await ses.stop();
    }
  }

  // --- the long run, on a simulated clock -------------------------------------------------------
  let simulated: RunFigures | undefined;
  if (SIMULATED_JOBS > 0) {
    let t = Date.now();
    const simClock: Clock = { now: () => new Date(t) };
    const config = configAt(base, services, 14, 'bench-send-sim');
    const setup = performance.now();
    await seed(config, 'sim', SIMULATED_JOBS, simClock);
    const ses = await strictSesHere(services.endpoints.sesViewer.replace(/\/$/, ''), 14, () => t);
    try {
      const real = performance.now();
      // One job in progress at a time: on a clock that jumps to the next slot at once, a second one would
      // move time on while the first one's request is still on its way (see test/integration/send-rate.test.ts).
      const result = await run(config, ses, { clock: simClock, sleep: async (ms) => void (t += Math.ceil(ms)), workers: 1, deadlineMs: LAMBDA_TIMEOUT_MS });
      simulated = await figures(14, SIMULATED_JOBS, ses, result);
      print(`14/s, simulated clock`, simulated);
      console.log(`  simulated ${(result.wallMs / 60_000).toFixed(1)} min in ${((performance.now() - real) / 1000).toFixed(0)} s of real time (setup ${((real - setup) / 1000).toFixed(0)} s)`);
    } finally {
      await ses.stop();
    }
  }

  console.log(
    'note: a paced sender is billed while it waits for its next slot, about 1/rate s per email, so 0.2 Lambda-s per email or less ' +
      `holds only from 5 emails a second; at 1/s the floor is 1 s per email ($${usdPer1k(1)} per 1,000 emails at ${FUNCTION_MEMORY_MB['send-digests']} MB).`,
  );
  const head = perRate['14']!;
  console.log(
    JSON.stringify({
      bench: 'send',
      rate: 14,
      rateShare: head.rateShare,
      throttles: head.throttles,
      peakSecond: head.peakSecond,
      lambdaSecondsPerEmail: head.lambdaSecondsPerEmail,
      perRate,
      ...(simulated ? { simulated } : {}),
    }),
  );
  await services.stop();
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  await rm(dataDir, { recursive: true, force: true });
}
