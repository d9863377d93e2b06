/**
 * Records every AWS SDK call with the function that made it, so tests and the simulation can check
 * the calls against each function's synthesized IAM role (the embedded stand-ins enforce no IAM).
 *
 * Every client the project builds gets one `initialize`-step middleware. With no listener (as in
 * Lambda) it only checks an empty set and passes the call on. The function is known from an
 * AsyncLocalStorage scope that each handler opens (`invokedAs`); calls outside any handler (test
 * setup, the local runner's bookkeeping) carry no function and are not any role's concern.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** One AWS call: which function made it, which service and operation, and the resources it names. */
export interface AwsCall {
  /** The function (folder name under functions/) whose invocation made the call. */
  fn?: string;
  /** SDK client name without "Client": DynamoDB, S3, SESv2, Lambda, SSM, CloudFront. */
  service: string;
  /** Operation without "Command": PutItem, GetObject, SendEmail, ... */
  operation: string;
  /** DynamoDB: tables named by the call (`table` or `table/index/name`). */
  tables?: string[];
  /** DynamoDB batch calls: how many items they write or read (for cost estimates). */
  items?: number;
  /** S3: bucket and key. */
  bucket?: string;
  key?: string;
  /** Lambda: function name. SSM: parameter name. CloudFront: distribution id. */
  target?: string;
  /** SES: sender address and recipients. */
  from?: string;
  to?: string[];
}

export type AwsCallListener = (call: AwsCall) => void;

const listeners = new Set<AwsCallListener>();
const invocation = new AsyncLocalStorage<string>();

/** Runs a handler's body with its function name attached to every AWS call it makes. */
export function invokedAs<A extends unknown[], R>(fn: string, body: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return (...args: A) => invocation.run(fn, () => body(...args));
}

/** The function whose invocation is running here, if any. */
export function currentFunction(): string | undefined {
  return invocation.getStore();
}

/** Starts listening to AWS calls; returns the function that stops it. */
export function onAwsCall(listener: AwsCallListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const fileListeners = new Set<string>();

/** Appends every AWS call made by this process to `<dir>/<pid>.jsonl` (idempotent per directory). */
export function logAwsCallsTo(dir: string): void {
  if (fileListeners.has(dir)) return;
  fileListeners.add(dir);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${process.pid}.jsonl`);
  onAwsCall((call) => appendFileSync(file, `${JSON.stringify(call)}\n`));
}

type Input = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The resources a call names, from its input (service-specific field names). */
function describe(service: string, operation: string, input: Input): AwsCall {
  const call: AwsCall = { service, operation };
  if (service === 'DynamoDB') {
    const table = str(input['TableName']);
    const index = str(input['IndexName']);
    const requestItems = (input['RequestItems'] && typeof input['RequestItems'] === 'object' ? input['RequestItems'] : {}) as Record<string, unknown>;
    const batch = Object.keys(requestItems);
    call.tables = table ? [index ? `${table}/index/${index}` : table] : batch;
    if (batch.length) {
      const sizes = Object.values(requestItems).map((r) => (Array.isArray(r) ? r.length : Array.isArray((r as Input)['Keys']) ? ((r as Input)['Keys'] as unknown[]).length : 0));
      call.items = sizes.reduce((a, b) => a + b, 0);
    }
  } else if (service === 'S3') {
    call.bucket = str(input['Bucket']);
    const key = str(input['Key']);
    if (key !== undefined) call.key = key;
  } else if (service === 'SESv2') {
    call.from = str(input['FromEmailAddress']);
    const destination = (input['Destination'] ?? {}) as Input;
    call.to = ['ToAddresses', 'CcAddresses', 'BccAddresses'].flatMap((f) => (Array.isArray(destination[f]) ? (destination[f] as string[]) : []));
  } else {
    call.target = str(input['FunctionName']) ?? str(input['Name']) ?? str(input['DistributionId']);
  }
  return call;
}

interface MiddlewareClient {
  middlewareStack: { add(middleware: unknown, options: { step: 'initialize'; name: string; override?: boolean }): void };
}

/** Adds the recording middleware to a client (any AWS SDK v3 client); returns the client. */
export function recordCalls<C extends MiddlewareClient>(client: C): C {
  const middleware =
    (next: (args: { input: Input }) => Promise<unknown>, context: { clientName?: string; commandName?: string }) =>
    async (args: { input: Input }) => {
      if (listeners.size) {
        const service = (context.clientName ?? 'Unknown').replace(/Client$/, '');
        const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
        const call = { fn: invocation.getStore(), ...describe(service, operation, args.input ?? {}) };
        for (const listener of listeners) listener(call);
      }
      return next(args);
    };
  client.middlewareStack.add(middleware, { step: 'initialize', name: 'paperboyCallRecorder', override: true });
  return client;
}
