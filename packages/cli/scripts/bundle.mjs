// The CLI bundled (dist/bin/main.js, loaded by the dist/bin/clawdspace.cjs launcher): a few reads and one
// compile instead of ~80 modules resolved one by one. Split, so a command loads only its own chunk
// (zod, for one, only for `agent`); shared code lands in chunks too.
import { readFileSync } from "node:fs";
import { build } from "esbuild";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

/** version.ts reads package.json relative to dist/; the bundle lives elsewhere, so the version is baked in. */
const bakedVersion = {
  name: "baked-version",
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]version\.ts$/ }, () => ({ contents: `export const VERSION = ${JSON.stringify(version)};`, loader: "ts" }));
  },
};

await build({
  entryPoints: { main: "src/bin/main.ts" },
  outdir: "dist/bin",
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // ws's optional native speed-ups: absent is fine, and they cannot be bundled.
  external: ["bufferutil", "utf-8-validate"],
  // Bundled CommonJS (commander, ws) calls require(): give each ESM output one.
  banner: { js: 'import { createRequire as __csRequire } from "node:module"; const require = __csRequire(import.meta.url);' },
  plugins: [bakedVersion],
  legalComments: "none",
  logLevel: "warning",
});

// The launcher, as CommonJS (dist/bin/clawdspace.cjs, the package's bin): starting a process from a .cjs
// skips the ESM loader, 10-20 ms of every run here; it loads main.js (ESM) only when the fast exec does not apply.
await build({
  entryPoints: ["src/bin/clawdspace.ts"],
  outfile: "dist/bin/clawdspace.cjs",
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  external: ["./main.js"],
  legalComments: "none",
  logLevel: "warning",
});
