import { defineConfig } from 'vitest/config';

// Every AWS call the handlers make in the integration and e2e tiers is logged; the iam tier runs last
// (sequence.groupOrder) and checks each call against its function's synthesized role.
const recordCalls = ['test/support/record-aws-calls.ts'];

// One project per test tier, so a tier can run alone: `vitest run --project unit`.
export default defineConfig({
  test: {
    // The project runs on Node 20 locally; the SDK's notice about Node 22 is noise in test output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    globalSetup: ['test/support/global-setup.ts'],
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' } },
      { test: { name: 'integration', include: ['test/integration/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000, setupFiles: recordCalls } },
      { test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 } },
      { test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 180_000, hookTimeout: 180_000, setupFiles: recordCalls } },
      { test: { name: 'iam', include: ['test/iam/**/*.test.ts'], testTimeout: 120_000, sequence: { groupOrder: 1 } } },
    ],
  },
});
