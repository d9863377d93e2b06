import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, activeSources, parseOwnerConfig, resolveConfig } from '@paperboy/core';

const ROOT = join(import.meta.dirname, '..', '..');
const shipped = JSON.parse(readFileSync(join(ROOT, 'paperboy.config.json'), 'utf8')) as Record<string, any>;
const withChange = (change: (c: Record<string, any>) => void) => {
  const c = structuredClone(shipped);
  change(c);
  return c;
};
const errorOf = (fn: () => unknown): ConfigError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

describe('config', () => {
  it('accepts the shipped config and fills in defaults', () => {
    const config = resolveConfig(shipped, {}, 'paperboy.config.json');
    expect(config.siteUrl).toBe('http://127.0.0.1:8787/');
    expect(config.owner.feeds.maxItems).toBe(50);
    expect(config.taxonomy.topics).toHaveLength(18);
    expect(config.dataDir).toMatch(/\.paperboy$/);
  });

  it('takes the port, site URL and data dir from the environment', () => {
    const config = resolveConfig(shipped, { PORT: '9000', PAPERBOY_DATA_DIR: '/tmp/pb', PAPERBOY_SITE_URL: 'https://papers.example.com' }, 'x');
    expect(config.port).toBe(9000);
    expect(config.dataDir).toBe('/tmp/pb');
    expect(config.siteUrl).toBe('https://papers.example.com/');
  });

  it('fails when a value is bad, naming the file, the field and the value in one line', () => {
    const err = errorOf(() => parseOwnerConfig(withChange((c) => (c.digest.maxPapers = -3)), 'paperboy.config.json'));
    expect(err.field).toBe('digest.maxPapers');
    expect(err.message).toMatch(/^paperboy\.config\.json: digest\.maxPapers = -3: /);
    expect(err.message).not.toContain('\n');
  });

  it('fails when a field is unknown (a typo would otherwise be ignored silently)', () => {
    const err = errorOf(() => parseOwnerConfig(withChange((c) => (c.digest.maxPaper = 5)), 'cfg'));
    expect(err.message).toMatch(/unknown field\(s\) "maxPaper"/);
  });

  it('fails when the time zone, schedule or sender is not valid', () => {
    expect(errorOf(() => parseOwnerConfig(withChange((c) => (c.schedule.timezone = 'Mars/Olympus')))).field).toBe('schedule.timezone');
    expect(errorOf(() => parseOwnerConfig(withChange((c) => (c.schedule.ingest = '0 7 * * *')))).field).toBe('schedule.ingest');
    expect(errorOf(() => parseOwnerConfig(withChange((c) => (c.mail.from = 'not an address')))).field).toBe('mail.from');
  });

  it('reads the Hugging Face lookback window and page size, with defaults and limits', () => {
    const i = shipped.sources.findIndex((s: { kind: string }) => s.kind === 'hf-daily');
    const hf = parseOwnerConfig(shipped).sources[i]!;
    expect(hf).toMatchObject({ kind: 'hf-daily', lookbackDays: 3, pageSize: 100 });
    const days = errorOf(() => parseOwnerConfig(withChange((c) => (c.sources[i].lookbackDays = 0)), 'cfg'));
    expect([days.field, days.message]).toEqual([`sources.${i}.lookbackDays`, expect.stringMatching(new RegExp(`^cfg: sources\\.${i}\\.lookbackDays = 0: `))]);
    expect(errorOf(() => parseOwnerConfig(withChange((c) => (c.sources[i].pageSize = 500)))).field).toBe(`sources.${i}.pageSize`);
  });

  it('fails on a schedule EventBridge Scheduler would reject, in one line naming the field and the value', () => {
    const err = errorOf(() => parseOwnerConfig(withChange((c) => (c.schedule.ingest = 'cron(0 7 * * MON-FRI *)')), 'paperboy.config.json'));
    expect(err.field).toBe('schedule.ingest');
    expect(err.message).toMatch(/^paperboy\.config\.json: schedule\.ingest = "cron\(0 7 \* \* MON-FRI \*\)": exactly one of day-of-month/);
    expect(err.message).not.toContain('\n');
    expect(errorOf(() => parseOwnerConfig(withChange((c) => (c.schedule.digest = 'rate(1 hours)')))).field).toBe('schedule.digest');
  });

  it('runs the snapshot locally and Hugging Face in the cloud with the shipped config', () => {
    // GIVEN the shipped config WHEN resolved without PAPERBOY_RUN (npm start, the CLI) and as Lambda resolves it
    const local = resolveConfig(shipped, {}, 'x');
    const cloud = resolveConfig(shipped, { PAPERBOY_RUN: 'cloud' }, 'x');
    // THEN locally only the bundled snapshot runs (no network), in the cloud only the Daily Papers API
    expect(local.runsIn).toBe('local');
    expect(activeSources(local.owner, local.runsIn).map((s) => [s.id, s.kind])).toEqual([['demo-snapshot', 'snapshot']]);
    expect(cloud.runsIn).toBe('cloud');
    expect(activeSources(cloud.owner, cloud.runsIn).map((s) => [s.id, s.kind])).toEqual([['hf', 'hf-daily']]);
  });

  it('runs a source everywhere by default ("run": "both"), and never a disabled one', () => {
    const owner = parseOwnerConfig(withChange((c) => (c.sources = [
      { id: 'rss', kind: 'arxiv-rss', categories: ['cs.LG'] },
      { id: 'off', kind: 'hf-daily', run: 'cloud', enabled: false },
    ])));
    expect(owner.sources[0]!.run).toBe('both');
    expect(activeSources(owner, 'local').map((s) => s.id)).toEqual(['rss']);
    expect(activeSources(owner, 'cloud').map((s) => s.id)).toEqual(['rss']);
  });

  it('fails when a source\'s run or PAPERBOY_RUN is not a place, naming it', () => {
    expect(errorOf(() => parseOwnerConfig(withChange((c) => (c.sources[0].run = 'lambda')))).field).toBe('sources.0.run');
    expect(errorOf(() => resolveConfig(shipped, { PAPERBOY_RUN: 'aws' }, 'x')).message).toMatch(/^environment: PAPERBOY_RUN = "aws"/);
  });

  it('fails when the demo subscriber names a topic the taxonomy does not have', () => {
    const err = errorOf(() => parseOwnerConfig(withChange((c) => (c.local.demoSubscriber.topics = ['llm', 'astrology']))));
    expect(err.message).toMatch(/local\.demoSubscriber\.topics\.1 = "astrology": not a topic/);
  });

  it('fails when an environment value is bad, naming the variable', () => {
    const err = errorOf(() => resolveConfig(shipped, { PORT: 'eighty' }, 'x'));
    expect(err.message).toMatch(/^environment: PORT = "eighty"/);
  });

  it('adds the owner\'s extra topics to the taxonomy, by phrases or by example ids', () => {
    const config = resolveConfig(
      withChange((c) => (c.extraTopics = [{ slug: 'my-interest', name: 'Mine', exampleIds: ['2106.09685'] }])),
      {},
      'x',
    );
    expect(config.taxonomy.topics.map((t) => t.slug)).toContain('my-interest');
    expect(config.taxonomy.topics).toHaveLength(19);
  });

  it('fails when an extra topic repeats a taxonomy slug or has no rules', () => {
    expect(errorOf(() => parseOwnerConfig(withChange((c) => (c.extraTopics = [{ slug: 'llm', name: 'Again', phrases: ['x'] }])))).message).toMatch(
      /extraTopics\.0\.slug = "llm": the taxonomy already has this topic/,
    );
    expect(errorOf(() => parseOwnerConfig(withChange((c) => (c.extraTopics = [{ slug: 'empty', name: 'Empty' }])))).field).toMatch(/^extraTopics\.0/);
  });
});
