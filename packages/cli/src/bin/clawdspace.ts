#!/usr/bin/env node
import module from "node:module";
import { fastExecArgs, runFastExec } from "./fastExec.js";

// The installed command is dist/bin/clawdspace.cjs, this file bundled as CommonJS (scripts/bundle.mjs):
// a plain `exec` (what agents run in a loop) never loads the ESM loader, commander or the bundle.
const full = async () => {
  // Node >= 22.1 keeps what it compiled of the bundle on disk between runs; 20.19 has no such cache.
  (module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
  await import("./main.js");
};

const fast = fastExecArgs(process.argv.slice(2));
if (fast) void runFastExec(fast, full);
else void full();
