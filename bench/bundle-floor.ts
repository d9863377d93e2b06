/**
 * The floor of `npm run bench:bundle`: a function that only creates one DynamoDB client, imported the way
 * the functions import it (same esbuild options; the SDK external or bundled in, as the variant measured).
 * No function can start faster while it reads the table, so each function's import CPU is reported as a ratio to this.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export const client = new DynamoDBClient({ region: 'us-east-1' });

export const handler = async (): Promise<string> => client.config.serviceId;
