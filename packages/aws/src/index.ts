export * from './call-recorder.js';
export * from './clients.js';
export * from './dynamo-store.js';
export * from './s3-object-store.js';
export * from './ses-mailer.js';
export * from './sqs-queue.js';
export * from './sqs-signup-queue.js';
export * from './ssm-hmac-key.js';
