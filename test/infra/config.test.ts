import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@paperboy/core';
import {
  REPO_ROOT,
  exampleSenderProblem,
  isExampleDomain,
  loadSettings,
  mailFromIdentities,
  snapshotFiles,
} from '../../infra/lib/settings.js';
import { FIXTURE_CONFIG, settingsWith } from './helpers.js';

const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

function configFileWith(patch: (raw: Record<string, any>) => void): string {
  const raw = JSON.parse(JSON.stringify(settingsWith().owner)) as Record<string, any>;
  delete raw.taxonomy;
  patch(raw);
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-infra-'));
  const path = join(dir, 'paperboy.config.json');
  writeFileSync(path, JSON.stringify(raw));
  mkdirSync(join(dir, 'snapshots'));
  copyFileSync(join(dirname(FIXTURE_CONFIG), 'snapshots', 'daily-papers.txt'), join(dir, 'snapshots', 'daily-papers.txt'));
  return path;
}

/** The ConfigError loadSettings throws for a config file (synth's first step). */
function synthErrorOf(path: string): ConfigError {
  try {
    loadSettings(path);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

/** Runs a script of the CDK app the way the CLI does (`npx tsx ...`), with PAPERBOY_CONFIG naming the config. */
function runScript(script: string, configFile: string, extraEnv: Record<string, string> = {}) {
  const result = spawnSync(TSX, [join(REPO_ROOT, script)], {
    cwd: REPO_ROOT,
    env: { ...process.env, PAPERBOY_CONFIG: configFile, CDK_OUTDIR: mkdtempSync(join(tmpdir(), 'paperboy-out-')), ...extraEnv },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stderrLines: result.stderr.split('\n').filter(Boolean), stdout: result.stdout };
}

describe('synth-time settings', () => {
  it('loads the fixture config', () => {
    expect(loadSettings(FIXTURE_CONFIG).owner.schedule.timezone).toBe('Europe/Berlin');
  });

  it('fails when schedule.timezone is not an IANA zone, naming the field', () => {
    // GIVEN a config file with a bad time zone
    const path = configFileWith((raw) => (raw.schedule.timezone = 'Mars/Olympus'));
    // WHEN / THEN
    expect(() => loadSettings(path)).toThrow(/schedule\.timezone = "Mars\/Olympus"/);
  });

  it('fails when schedule.ingest is not a Scheduler expression, naming the field', () => {
    const path = configFileWith((raw) => (raw.schedule.ingest = '0 6 * * *'));
    expect(() => loadSettings(path)).toThrow(/schedule\.ingest/);
  });

  it.each([
    ['only the snapshot enabled', (raw: Record<string, any>) => (raw.sources = raw.sources.filter((s: { kind: string }) => s.kind === 'snapshot')), 'sources', /: sources = demo-snapshot \(snapshot, run both\): no enabled source fetches papers in the cloud/],
    ['a fetching source only for local runs', (raw: Record<string, any>) => (raw.sources[1].run = 'local'), 'sources', /hf \(hf-daily, run local\): no enabled source fetches papers in the cloud/],
    ['cron(0 7 * * MON-FRI *)', (raw: Record<string, any>) => (raw.schedule.ingest = 'cron(0 7 * * MON-FRI *)'), 'schedule.ingest', /: schedule\.ingest = "cron\(0 7 \* \* MON-FRI \*\)": exactly one of day-of-month/],
    ['a five-field cron', (raw: Record<string, any>) => (raw.schedule.digest = 'cron(0 7 * * ?)'), 'schedule.digest', /: schedule\.digest = "cron\(0 7 \* \* \?\)": cron\(\) takes 6 fields/],
    ['the time zone Mars/Olympus', (raw: Record<string, any>) => (raw.schedule.timezone = 'Mars/Olympus'), 'schedule.timezone', /: schedule\.timezone = "Mars\/Olympus": must be an IANA time zone/],
  ])('fails synth with %s, in one line naming the field', (_what, patch, field, message) => {
    const path = configFileWith(patch);
    const err = synthErrorOf(path);
    expect(err.field).toBe(field);
    expect(err.message.startsWith(`${path}: `)).toBe(true);
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain('\n');
  });

  it('bundles only the snapshots that run in the cloud', () => {
    const settings = settingsWith();
    expect(snapshotFiles(settings)).toEqual([join('snapshots', 'daily-papers.txt')]); // run "both" by default
    settings.owner.sources[0] = { ...settings.owner.sources[0]!, run: 'local' } as (typeof settings.owner.sources)[number];
    expect(snapshotFiles(settings)).toEqual([]);
  });

  it('knows the reserved example domains (RFC 2606, RFC 6761) and nothing else', () => {
    expect(['example.com', 'mail.example.org', 'EXAMPLE.NET', 'papers.example', 'x.test', 'a.invalid', 'localhost', 'box.localhost'].filter((d) => !isExampleDomain(d))).toEqual([]);
    expect(['papers.dev', 'notexample.com', 'example.co.uk', 'examples.com', 'testing.io', 'contest'].filter(isExampleDomain)).toEqual([]);
    expect(exampleSenderProblem(settingsWith())).toBe(
      `${FIXTURE_CONFIG}: mail.from = "paperboy <digest@example.com>": example.com is a reserved example domain; set your own sender (and deploy.sesIdentity) before deploying`,
    );
    expect(exampleSenderProblem(settingsWith({ mail: { from: 'paperboy <digest@papers.dev>' } }))).toBeUndefined();
  });

  it('fails when deploy.domainName is set without deploy.certificateArn', () => {
    const path = configFileWith((raw) => (raw.deploy.domainName = 'papers.example.com'));
    expect(() => loadSettings(path)).toThrow(/deploy\.certificateArn = missing/);
  });

  it('fails when the certificate is not in us-east-1', () => {
    const path = configFileWith((raw) => {
      raw.deploy.domainName = 'papers.example.com';
      raw.deploy.certificateArn = 'arn:aws:acm:eu-west-1:123456789012:certificate/abc';
    });
    expect(() => loadSettings(path)).toThrow(/deploy\.certificateArn = .*us-east-1/);
  });

  it('fails when a snapshot path leaves the config folder', () => {
    const settings = settingsWith();
    settings.owner.sources = [{ ...settings.owner.sources[0]!, path: '../outside.txt' } as (typeof settings.owner.sources)[number]];
    expect(() => snapshotFiles(settings)).toThrow(/sources\.0\.path/);
  });

  it('fails when the config file is missing', () => {
    expect(() => loadSettings('/nonexistent/paperboy.config.json')).toThrow(/cannot read the config file/);
  });

  it('derives the sender identities', () => {
    expect(mailFromIdentities('paperboy <digest@example.com>')).toEqual({ address: 'digest@example.com', domain: 'example.com' });
    expect(mailFromIdentities('digest@mail.example.org')).toEqual({ address: 'digest@mail.example.org', domain: 'mail.example.org' });
  });
});

describe('the synth entry point and the deploy preflight, as child processes', () => {
  it('synth prints exactly one line and exits 1 on a bad config', () => {
    const path = configFileWith((raw) => (raw.schedule.timezone = 'Mars/Olympus'));
    const { status, stderrLines } = runScript('infra/bin/app.ts', path);
    expect(status).toBe(1);
    expect(stderrLines).toEqual([expect.stringMatching(/^paperboy: .*: schedule\.timezone = "Mars\/Olympus": /)]);
  });

  it('npm run deploy refuses a sender at an example domain in one line, before cdk runs', () => {
    // GIVEN the deploy script with a stand-in `cdk` first on PATH that records being run
    const script = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['deploy']!;
    const bin = mkdtempSync(join(tmpdir(), 'paperboy-bin-'));
    const marker = join(bin, 'cdk-ran');
    writeFileSync(join(bin, 'cdk'), `#!/bin/sh\necho "$@" > "${marker}"\n`);
    chmodSync(join(bin, 'cdk'), 0o755);
    symlinkSync(TSX, join(bin, 'tsx'));
    const deploy = (configFile: string) => {
      const r = spawnSync('sh', ['-c', script], { cwd: REPO_ROOT, env: { ...process.env, PATH: `${bin}:${process.env['PATH']}`, PAPERBOY_CONFIG: configFile }, encoding: 'utf8', timeout: 60_000 });
      return { status: r.status, stderrLines: r.stderr.split('\n').filter(Boolean) };
    };
    // WHEN mail.from is still digest@example.com
    const example = deploy(configFileWith(() => {}));
    // THEN exit 2, one line naming the field, and cdk never ran (so nothing contacted AWS)
    expect(example.status).toBe(2);
    expect(example.stderrLines).toEqual([expect.stringMatching(/^paperboy: .*: mail\.from = "paperboy <digest@example\.com>": example\.com is a reserved example domain/)]);
    expect(existsSync(marker)).toBe(false);
    // AND with a real sender the same script goes on to `cdk deploy --all`
    const real = deploy(configFileWith((raw) => (raw.mail.from = 'paperboy <digest@papers.dev>')));
    expect(real.status).toBe(0);
    expect(readFileSync(marker, 'utf8').trim()).toBe('deploy --all');
  });

  it('the preflight refuses a bad config with one line too', () => {
    const { status, stderrLines } = runScript('infra/bin/preflight.ts', configFileWith((raw) => (raw.sources = raw.sources.slice(0, 1))));
    expect(status).toBe(2);
    expect(stderrLines).toEqual([expect.stringMatching(/^paperboy: .*: sources = .*: no enabled source fetches papers in the cloud/)]);
  });
});
