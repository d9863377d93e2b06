/** Starts the real embedded stand-ins in a temporary data dir for integration tests. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable, makeClients, type Clients } from '@paperboy/aws';
import { startOrAttach, type RunningServices } from '../../packages/local/src/services.js';

export interface StandIns {
  dataDir: string;
  services: RunningServices;
  clients: Clients;
  table: string;
  bucket: string;
  stop(): Promise<void>;
}

let counter = 0;

/** `dataDir`: attach to the stand-ins another process serves there (a benchmark's child), else start them in a new one. */
export async function startStandIns(dataDir?: string): Promise<StandIns> {
  dataDir ??= await mkdtemp(join(tmpdir(), 'paperboy-it-'));
  const services = await startOrAttach(dataDir);
  const region = 'us-east-1';
  const clients = makeClients({ region, endpoints: services.endpoints });
  const table = `paperboy-test-${++counter}`;
  const bucket = `paperboy-test-${counter}`;
  await ensureTable(new DynamoDBClient({ region, endpoint: services.endpoints.dynamodb, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }), table);
  await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    dataDir,
    services,
    clients,
    table,
    bucket,
    async stop() {
      await services.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
