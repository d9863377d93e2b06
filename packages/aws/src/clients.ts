/** SDK clients built from config: AWS defaults in the cloud, the embedded stand-ins locally. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { AppConfig } from '@paperboy/core';
import { recordCalls } from './call-recorder.js';

export interface Clients {
  dynamo: DynamoDBDocumentClient;
  s3: S3Client;
  ses: SESv2Client;
}

type Endpoints = AppConfig['endpoints'];

export function makeDocumentClient(region: string, endpoint?: string): DynamoDBDocumentClient {
  const base = recordCalls(new DynamoDBClient({
    region,
    ...(endpoint ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  }));
  // The document client shares the base client's middleware stack, so its calls are recorded too.
  return DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
}

export function makeS3Client(region: string, endpoint?: string): S3Client {
  return recordCalls(new S3Client({
    region,
    // s3rver stores bodies corrupted when the SDK adds its default flexible checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(endpoint
      ? { endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } }
      : {}),
  }));
}

export function makeSesClient(region: string, endpoint?: string): SESv2Client {
  return recordCalls(
    new SESv2Client({
      region,
      // One retry layer: the sender retries a throttle in line at its pacer; the SDK's own retries would
      // resend at once, ahead of the sends waiting for their slots. A sign-up's send is retried by Lambda.
      maxAttempts: 1,
      ...(endpoint ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    }),
  );
}

export function makeClients(config: { region: string; endpoints: Endpoints }): Clients {
  return {
    dynamo: makeDocumentClient(config.region, config.endpoints.dynamodb),
    s3: makeS3Client(config.region, config.endpoints.s3),
    ses: makeSesClient(config.region, config.endpoints.ses),
  };
}
