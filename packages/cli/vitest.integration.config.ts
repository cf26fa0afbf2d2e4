import { defineConfig } from "vitest/config";

// Real server process on the real engine; the API's global setup builds the image, sweeps and labels the run.
export default defineConfig({
  test: {
    include: ["test/integration/**/*.test.ts"],
    environment: "node",
    globalSetup: ["../api/test/integration/globalSetup.ts"],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 300_000,
    reporters: ["default", "../api/test/support/summaryReporter.ts"],
  },
});
