import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The tests run the binary: make it current first (a no-op when it is), so a bare `vitest run` never tests stale bits. */
export default function setup(): void {
  execFileSync("make", ["-s"], { cwd: join(dirname(fileURLToPath(import.meta.url)), ".."), stdio: "inherit" });
}
