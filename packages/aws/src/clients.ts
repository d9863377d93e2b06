/**
 * Every SDK client at once, built at start-up: for the tests and the local runner, which use them all.
 * Lambda functions never import this module; each builds only the clients it uses (functions/commons/lambda-runtime.ts).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AppConfig } from '@paperboy/core';
import { recordCalls } from './call-recorder.js';
import { s3Options, sesOptions } from './client-options.js';
import { makeDocumentClient } from './dynamo-client.js';

export interface Clients {
  dynamo: DynamoDBDocumentClient;
  s3: S3Client;
  ses: SESv2Client;
}

type Endpoints = AppConfig['endpoints'];

export function makeS3Client(region: string, endpoint?: string): S3Client {
  return recordCalls(new S3Client(s3Options(region, endpoint)));
}

export function makeSesClient(region: string, endpoint?: string): SESv2Client {
  return recordCalls(new SESv2Client(sesOptions(region, endpoint)));
}

export function makeClients(config: { region: string; endpoints: Endpoints }): Clients {
  return {
    dynamo: makeDocumentClient(config.region, config.endpoints.dynamodb),
    s3: makeS3Client(config.region, config.endpoints.s3),
    ses: makeSesClient(config.region, config.endpoints.ses),
  };
}
