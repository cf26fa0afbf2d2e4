import { defineConfig } from "vitest/config";

// Real-engine tests: one file at a time on a 2-core machine, generous timeouts.
export default defineConfig({
  test: {
    include: ["test/integration/**/*.test.ts"],
    environment: "node",
    globalSetup: ["./test/integration/globalSetup.ts"],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 300_000,
    reporters: ["default", "./test/support/summaryReporter.ts"],
  },
});
