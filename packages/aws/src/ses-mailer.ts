/** SES v2 adapter: Simple content keeps List-Unsubscribe headers (and the local stand-in keeps them too). */
import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { EmailMessage, Mailer } from '@paperboy/core';

export class SesMailer implements Mailer {
  constructor(
    private readonly ses: SESv2Client,
    private readonly from: string,
    private readonly configurationSet?: string,
    private readonly replyTo?: string,
  ) {}

  async send(message: EmailMessage): Promise<{ messageId: string }> {
    const headers = Object.entries(message.headers ?? {}).map(([Name, Value]) => ({ Name, Value }));
    const out = await this.ses.send(
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
