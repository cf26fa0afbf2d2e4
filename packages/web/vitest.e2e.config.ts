import { defineConfig } from "vitest/config";

// A real browser against the real server (built dashboard) on the real engine; the API's global
// setup checks the engine, labels the run and sweeps what it made.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    environment: "node",
    globalSetup: ["../api/test/integration/globalSetup.ts"],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
    reporters: ["default", "../api/test/support/summaryReporter.ts"],
  },
});
