/**
 * The HMAC key that signs subscription links, kept as an SSM SecureString parameter encrypted with the
 * AWS managed key `aws/ssm`: a standard parameter and that key cost nothing a month, where a Secrets
 * Manager secret cost $0.40 (issue 14's cost model). CloudFormation cannot create a SecureString, and a
 * key written into the template would be a secret in the template, so the first function that needs the
 * key creates it: 32 random bytes, written with Overwrite off. Two cold starts racing each other both
 * read back the one value that won. The parameter outlives the stacks on purpose: links already in
 * inboxes keep working across a redeploy (docs/deploy.md says how to delete it).
 *
 * The SDK module is imported on first use, not at module load: only the functions that sign links read
 * the key, and every other function's cold start stays free of it.
 */
const sdk = () => import('@aws-sdk/client-ssm');
import type { SSMClient } from '@aws-sdk/client-ssm';
import { errorName } from '@paperboy/core';
import { randomBytes } from 'node:crypto';

/** Shortest key accepted (characters); the generated one is 43 (32 bytes, base64url). */
export const MIN_HMAC_KEY_CHARS = 32;


export class SsmHmacKey {
  constructor(
    private readonly ssm: SSMClient,
    readonly parameterName: string,
    private readonly newKey: () => string = () => randomBytes(32).toString('base64url'),
  ) {}

  /** The key, created on first use. */
  async get(): Promise<string> {
    const { PutParameterCommand } = await sdk();
    const existing = await this.read();
    if (existing !== undefined) return existing;
    try {
      await this.ssm.send(
        new PutParameterCommand({
          Name: this.parameterName,
          Type: 'SecureString',
          Value: this.newKey(),
          Overwrite: false,
          Description: 'paperboy: HMAC key of subscription links (created on first use; deleting it breaks every link already sent)',
        }),
      );
    } catch (err) {
      // Another cold start created it first: its value is the one every function uses.
      if (errorName(err) !== 'ParameterAlreadyExists') throw err;
    }
    const created = await this.read();
    if (created === undefined) throw new Error(`SSM parameter ${this.parameterName} was created but cannot be read back`);
    return created;
  }

  private async read(): Promise<string | undefined> {
    const { GetParameterCommand } = await sdk();
    try {
      const out = await this.ssm.send(new GetParameterCommand({ Name: this.parameterName, WithDecryption: true }));
      const value = out.Parameter?.Value ?? '';
      if (value.length < MIN_HMAC_KEY_CHARS) {
        throw new Error(`SSM parameter ${this.parameterName} holds ${value.length} characters; an HMAC key needs at least ${MIN_HMAC_KEY_CHARS}`);
      }
      return value;
    } catch (err) {
      if (errorName(err) === 'ParameterNotFound') return undefined;
      throw err;
    }
  }
}
