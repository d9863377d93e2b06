import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { digestMaxConcurrency, loadSettings, mailFromIdentities, snapshotFiles } from '../../infra/lib/settings.js';
import { FIXTURE_CONFIG, settingsWith } from './helpers.js';

function configFileWith(patch: (raw: Record<string, any>) => void): string {
  const raw = JSON.parse(JSON.stringify(settingsWith().owner)) as Record<string, any>;
  delete raw.taxonomy;
  patch(raw);
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-infra-'));
  const path = join(dir, 'paperboy.config.json');
  writeFileSync(path, JSON.stringify(raw));
  return path;
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

  it('derives the sender identities and the digest concurrency', () => {
    expect(mailFromIdentities('paperboy <digest@example.com>')).toEqual({ address: 'digest@example.com', domain: 'example.com' });
    expect(mailFromIdentities('digest@mail.example.org')).toEqual({ address: 'digest@mail.example.org', domain: 'mail.example.org' });
    expect([1, 2, 14, 5000].map(digestMaxConcurrency)).toEqual([2, 2, 14, 1000]);
  });
});
