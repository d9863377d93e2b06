/**
 * SES v2 adapter: Simple content keeps List-Unsubscribe headers (and the local stand-in keeps them too).
 * The SESv2 client module is loaded on first use (see lazy.ts).
 */
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { EmailMessage, Mailer } from '@paperboy/core';
import { recordCalls } from './call-recorder.js';
import { sesOptions } from './client-options.js';
import { clientOf, once, type ClientSource } from './lazy.js';

const sdk = once(() => import('@aws-sdk/client-sesv2'));

/** An SESv2 client built the first time it is needed. */
export function sesClientOnFirstUse(region: string, endpoint?: string): () => Promise<SESv2Client> {
  return once(async () => recordCalls(new (await sdk()).SESv2Client(sesOptions(region, endpoint))));
}

export class SesMailer implements Mailer {
  constructor(
    private readonly ses: ClientSource<SESv2Client>,
    private readonly from: string,
    private readonly configurationSet?: string,
    private readonly replyTo?: string,
  ) {}

  async send(message: EmailMessage): Promise<{ messageId: string }> {
    const [{ SendEmailCommand }, ses] = await Promise.all([sdk(), clientOf(this.ses)]);
    const headers = Object.entries(message.headers ?? {}).map(([Name, Value]) => ({ Name, Value }));
    const out = await ses.send(
      new SendEmailCommand({
        FromEmailAddress: this.from,
        Destination: { ToAddresses: [message.to] },
        ReplyToAddresses: this.replyTo ? [this.replyTo] : undefined,
        ConfigurationSetName: this.configurationSet,
        Content: {
          Simple: {
            Subject: { Data: message.subject, Charset: 'UTF-8' },
            Body: { Html: { Data: message.html, Charset: 'UTF-8' }, Text: { Data: message.text, Charset: 'UTF-8' } },
            ...(headers.length ? { Headers: headers } : {}),
          },
        },
      }),
    );
    return { messageId: out.MessageId ?? '' };
  }
}
