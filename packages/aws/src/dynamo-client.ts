/** The DynamoDB document client every function uses (imported at start-up: the table is every function's first call). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { recordCalls } from './call-recorder.js';
import { dynamoOptions } from './client-options.js';

export function makeDocumentClient(region: string, endpoint?: string): DynamoDBDocumentClient {
  const base = recordCalls(new DynamoDBClient(dynamoOptions(region, endpoint)));
  // The document client shares the base client's middleware stack, so its calls are recorded too.
  return DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
}
