/** SQS adapter for sign-ups: one message each, sent while the API request waits (the only work it does). */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SignupQueue } from '@paperboy/core';

export class SqsSignupQueue implements SignupQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(request: Parameters<SignupQueue['enqueue']>[0]): Promise<void> {
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(request) }));
  }
}
