/** SQS adapter for sign-ups: one message each, sent while the API request waits (the only work it does). */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { clientOf, type ClientSource } from './lazy.js';
import { sqsSdk } from './sqs-client.js';
import type { SignupQueue } from '@paperboy/core';

export class SqsSignupQueue implements SignupQueue {
  constructor(
    private readonly sqs: ClientSource<SQSClient>,
    private readonly queueUrl: string,
  ) {}

  async enqueue(request: Parameters<SignupQueue['enqueue']>[0]): Promise<void> {
    const [{ SendMessageCommand }, sqs] = await Promise.all([sqsSdk(), clientOf(this.sqs)]);
    await sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(request) }));
  }
}
