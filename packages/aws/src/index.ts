export * from './call-recorder.js';
export * from './clients.js';
export * from './dynamo-store.js';
export * from './s3-object-store.js';
export * from './ses-mailer.js';
export * from './dynamo-digest-jobs.js';
export * from './lambda-invoke.js';
