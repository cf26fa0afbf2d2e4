import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/unit/**/*.test.ts", "src/**/*.test.ts"],
    environment: "node",
    reporters: ["default", "./test/support/summaryReporter.ts"],
  },
});
