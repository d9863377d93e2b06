/**
 * Asynchronous Lambda invocations (InvocationType Event): Lambda queues the event, retries a failed run
 * twice and sends what fails every retry to the function's on-failure destination. Nothing polls, so an
 * idle month costs nothing. The Lambda client is loaded on first use: most cold starts never invoke.
 */
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { SignupQueue } from '@paperboy/core';
import { recordCalls } from './call-recorder.js';

export type AsyncInvoke = (payload: unknown) => Promise<void>;

/** Invokes `functionName` asynchronously with a JSON payload. */
export function asyncInvoker(region: string, functionName: string): AsyncInvoke {
  let client: Promise<{ lambda: LambdaClient; Invoke: typeof import('@aws-sdk/client-lambda').InvokeCommand }> | undefined;
  return async (payload) => {
    client ??= import('@aws-sdk/client-lambda').then(({ LambdaClient, InvokeCommand }) => ({ lambda: recordCalls(new LambdaClient({ region })), Invoke: InvokeCommand }));
    const { lambda, Invoke } = await client;
    const out = await lambda.send(new Invoke({ FunctionName: functionName, InvocationType: 'Event', Payload: JSON.stringify(payload) }));
    // 202 Accepted: queued. Anything else is an error the caller should see (and its own retry repeat).
    if (out.StatusCode !== 202) throw new Error(`Lambda did not queue the invocation of ${functionName} (status ${out.StatusCode})`);
  };
}

/** Sign-ups handed to process-signups as asynchronous invocations, one each (the payload is the checked sign-up). */
export class LambdaSignupQueue implements SignupQueue {
  constructor(private readonly invoke: AsyncInvoke) {}

  async enqueue(request: Parameters<SignupQueue['enqueue']>[0]): Promise<void> {
    await this.invoke(request);
  }
}
