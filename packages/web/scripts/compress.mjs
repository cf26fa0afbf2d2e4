// Writes x.br and x.gz beside each text asset of the build, once, at the highest levels (the
// server then only picks a file: no compression per request). Small or incompressible files are
// left as they are.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const dist = new URL("../dist/", import.meta.url).pathname;
const TEXT = /\.(js|css|html|svg|json|txt|map)$/;
let files = 0;
for (const name of readdirSync(join(dist, "assets"))) {
  if (!TEXT.test(name)) continue;
  const path = join(dist, "assets", name);
  const raw = readFileSync(path);
  if (raw.length < 1024) continue;
  const br = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } });
  const gz = gzipSync(raw, { level: 9 });
  if (br.length < raw.length) writeFileSync(`${path}.br`, br);
  if (gz.length < raw.length) writeFileSync(`${path}.gz`, gz);
  files++;
}
console.log(`precompressed ${files} asset(s) (brotli and gzip)`);
