/**
 * Options of each SDK client: AWS defaults in the cloud, the embedded stand-ins locally. Shared by the
 * clients built at start-up (clients.ts: tests, the local runner) and those built on first use (the adapters).
 */
const localCredentials = (id: string) => ({ credentials: { accessKeyId: id, secretAccessKey: id } });

export function dynamoOptions(region: string, endpoint?: string) {
  return { region, ...(endpoint ? { endpoint, ...localCredentials('local') } : {}) };
}

export function s3Options(region: string, endpoint?: string) {
  return {
    region,
    // s3rver stores bodies corrupted when the SDK adds its default flexible checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED' as const,
    responseChecksumValidation: 'WHEN_REQUIRED' as const,
    ...(endpoint ? { endpoint, forcePathStyle: true, ...localCredentials('S3RVER') } : {}),
  };
}

export function sesOptions(region: string, endpoint?: string) {
  return {
    region,
    // One retry layer: the sender retries a throttle in line at its pacer; the SDK's own retries would
    // resend at once, ahead of the sends waiting for their slots. A sign-up's send is retried by Lambda.
    maxAttempts: 1,
    ...(endpoint ? { endpoint, ...localCredentials('local') } : {}),
  };
}

export function ssmOptions(region: string, endpoint?: string) {
  return { region, ...(endpoint ? { endpoint, ...localCredentials('local') } : {}) };
}

/** CloudFront is global: its API is signed for us-east-1 whatever the stack's region. */
export function cloudFrontOptions(endpoint?: string) {
  return { region: 'us-east-1', ...(endpoint ? { endpoint, ...localCredentials('local') } : {}) };
}
