import type { Reporter, TestModule } from "vitest/node";

/**
 * Prints one plain closing line ("vitest: N passed, N failed, N skipped") that CI
 * reads, and fails loudly in CI when a tier skipped tests it was meant to run.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const m of modules) {
      for (const t of m.children.allTests()) {
        const state = t.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failed++;
        else skipped++;
      }
    }
    process.stdout.write(`\nvitest: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
    if (process.env.CI === "true" && skipped > 0 && process.env.CLAWDSPACE_ALLOW_SKIPS !== "1") {
      process.stdout.write(`CI=true and ${skipped} tests were skipped: failing the run (skips hide missing engines or browsers)\n`);
      process.exitCode = 1;
    }
  }
}
