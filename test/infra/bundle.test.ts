/**
 * Bundles every function for real, with the deployed esbuild options, and checks from esbuild's metafile
 * what each bundle carries and imports: at start-up only the DynamoDB client, on first use only the SDK
 * clients its synthesized role lets it call, and none of zod's config schemas. Then imports a bundle and
 * invokes its handler, so the resolved settings are known to load in the bundled form, and to fail loudly
 * when they are not what synth wrote. Sizes and import times are measured by `npm run bench:bundle`.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunction, functionNames, sdkImports, type BundleFigures } from '../../infra/lib/bundling.js';
import { writeResolvedSettings } from '../../infra/lib/settings.js';
import { rolesOf } from '../../infra/check/iam.js';
import { settingsWith, synthesize } from './helpers.js';

/** The SDK packages a function may load for each IAM service prefix its role grants. */
const SDK_OF_SERVICE: Record<string, string[]> = {
  dynamodb: ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb'],
  s3: ['@aws-sdk/client-s3'],
  ses: ['@aws-sdk/client-sesv2'],
  sqs: ['@aws-sdk/client-sqs'],
  lambda: ['@aws-sdk/client-lambda'],
  ssm: ['@aws-sdk/client-ssm'],
  cloudfront: ['@aws-sdk/client-cloudfront'],
};
/** Granted for Lambda's own use (the queue trigger polls with the function's role), never called by the code. */
const SERVICE_ONLY_ACTIONS = new Set(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl']);
/** Loaded when a bundle is imported: every function reads the table first, so this is the floor. */
const AT_START = ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb'];

/** The SDK packages a function's role lets its code call, from the synthesized templates. */
function allowedSdk(statements: { Action: string | string[] }[]): Set<string> {
  const actions = statements.flatMap((s) => [s.Action].flat()).filter((a) => !SERVICE_ONLY_ACTIONS.has(a));
  return new Set(actions.flatMap((a) => SDK_OF_SERVICE[a.split(':')[0]!] ?? []));
}

describe('function bundles', () => {
  const bundles = new Map<string, BundleFigures>();
  let roles: Map<string, Set<string>>;

  beforeAll(async () => {
    for (const name of functionNames()) bundles.set(name, await bundleFunction(name));
    roles = new Map(rolesOf(synthesize().stacks).map((r) => [r.fn, allowedSdk(r.statements)]));
  });

  it('bundles one function per folder under functions/, the ones the stack defines', () => {
    expect([...bundles.keys()]).toEqual([...roles.keys()].sort());
  });

  it('each export a handler once imported, as Lambda imports them', async () => {
    for (const [name, b] of bundles) expect(typeof ((await import(pathToFileURL(b.file).href)) as { handler?: unknown }).handler, name).toBe('function');
  });

  it('import at most the DynamoDB client at start-up; every other SDK client is loaded on first use', () => {
    for (const [name, b] of bundles) expect(sdkImports(b.metafile).atStart, name).toEqual(name === 'notify-owner' ? [] : AT_START);
  });

  it('load no SDK client that their role does not let them call', () => {
    for (const [name, b] of bundles) {
      const { atStart, onFirstUse } = sdkImports(b.metafile);
      const allowed = roles.get(name)!;
      expect([...atStart, ...onFirstUse].filter((p) => !allowed.has(p)), name).toEqual([]);
    }
  });

  it("carry no zod config schemas, no classic zod API and no default taxonomy: synth validated the config", () => {
    for (const [name, b] of bundles) {
      const output = Object.values(b.metafile.outputs).find((o) => o.entryPoint)!;
      const inputs = Object.keys(output.inputs).filter((f) => output.inputs[f]!.bytesInOutput > 0);
      const unwanted = inputs.filter((f) => /packages\/core\/src\/(config|taxonomy)\.ts$|default-taxonomy\.json$|node_modules\/zod\/(v4\/)?classic\//.test(f));
      expect(unwanted, name).toEqual([]);
    }
  });

  describe('a bundled handler', () => {
    const env = { PAPERBOY_SETTINGS: '', PAPERBOY_TABLE_NAME: 'paperboy-test' };
    afterEach(() => {
      for (const k of Object.keys(env)) delete process.env[k];
    });
    /** A fresh instance of the ses-events bundle (a query string makes Node load the module again). */
    const load = async (tag: string) =>
      (await import(`${pathToFileURL(bundles.get('ses-events')!.file).href}?${tag}`)) as { handler: (e: unknown) => Promise<unknown> };

    it('loads the resolved settings synth wrote and runs', async () => {
      // GIVEN the Lambda environment the stack sets (settings bundled next to the code)
      Object.assign(process.env, env, { PAPERBOY_SETTINGS: writeResolvedSettings(settingsWith(), mkdtempSync(join(tmpdir(), 'pb-settings-'))) });
      // WHEN invoked with an SNS event without records THEN it answers without touching AWS
      await expect((await load('good')).handler({ Records: [] })).resolves.toMatchObject({ suppressed: 0 });
    });

    it('fails when the settings file was edited after synth, naming the file and what to do', async () => {
      // GIVEN settings changed by hand after synth wrote them
      const file = writeResolvedSettings(settingsWith(), mkdtempSync(join(tmpdir(), 'pb-settings-')));
      const edited = JSON.parse(readFileSync(file, 'utf8')) as { owner: { digest: { maxPapers: number } } };
      edited.owner.digest.maxPapers = 1000;
      writeFileSync(file, JSON.stringify(edited));
      Object.assign(process.env, env, { PAPERBOY_SETTINGS: file });
      // WHEN the cold start reads them THEN it fails with one line naming the file and the checksum
      await expect((await load('edited')).handler({ Records: [] })).rejects.toThrow(new RegExp(`^${file}: sha256 = ".*": does not match the settings in the file; .*deploy again`));
    });

    it('fails when the settings file is missing', async () => {
      Object.assign(process.env, env, { PAPERBOY_SETTINGS: join(tmpdir(), 'no-such-settings.json') });
      await expect((await load('missing')).handler({ Records: [] })).rejects.toThrow(/no-such-settings\.json: cannot read the resolved settings file \(ENOENT\)/);
    });
  });
});
