/** SQS adapter for digest jobs: batches of 10, retrying the entries SQS reports as failed. */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { clientOf, type ClientSource } from './lazy.js';
import { sqsSdk } from './sqs-client.js';
import type { DigestJob, JobQueue } from '@paperboy/core';

export class SqsJobQueue implements JobQueue {
  constructor(
    private readonly sqs: ClientSource<SQSClient>,
    private readonly queueUrl: string,
  ) {}

  async enqueue(jobs: DigestJob[]): Promise<void> {
    const [{ SendMessageBatchCommand }, sqs] = await Promise.all([sqsSdk(), clientOf(this.sqs)]);
    for (let i = 0; i < jobs.length; i += 10) {
      let entries = jobs.slice(i, i + 10).map((job, n) => ({ Id: String(n), MessageBody: JSON.stringify(job) }));
      for (let attempt = 0; entries.length > 0; attempt++) {
        if (attempt === 5) throw new Error(`SQS refused ${entries.length} digest job(s) after 5 attempts`);
        const out = await sqs.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }));
        const failed = new Set((out.Failed ?? []).map((f) => f.Id));
        entries = entries.filter((e) => failed.has(e.Id));
        if (entries.length) await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      }
    }
  }
}
