/** Setup file of the tiers that run handlers: log this worker's AWS calls to the run's folder. */
import { logAwsCallsTo } from '@paperboy/aws';
import { ENV } from '@paperboy/core';

const dir = process.env[ENV.awsCallLog];
if (dir) logAwsCallsTo(dir);
