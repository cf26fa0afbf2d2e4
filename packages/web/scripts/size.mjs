// Prints what the first page's JavaScript and CSS cost on the wire: raw, gzip and brotli, from the
// files the build precompressed (index.html's scripts and styles and their static imports).
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const dist = new URL("../dist/", import.meta.url).pathname;
const html = readFileSync(join(dist, "index.html"), "utf8");
const seen = new Set();
const queue = [...html.matchAll(/<(?:script|link)[^>]+(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
const size = (f) => (existsSync(f) ? statSync(f).size : null);
const total = { raw: 0, gz: 0, br: 0 };
while (queue.length) {
  const file = queue.shift();
  if (seen.has(file)) continue;
  seen.add(file);
  const path = join(dist, file);
  const raw = size(path);
  total.raw += raw;
  total.gz += size(`${path}.gz`) ?? raw;
  total.br += size(`${path}.br`) ?? raw;
  if (!file.endsWith(".js")) continue;
  // static imports only: lazy chunks (terminal, charts) are import("...") and not followed
  for (const m of readFileSync(path, "utf8").matchAll(/(?:^|[;\n}])\s*import\s*(?:[\w{}\s,*$]+from\s*)?"\.\/([^"]+\.js)"/g)) queue.push(`assets/${m[1]}`);
}
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`first page JS+CSS: ${seen.size} file(s), ${kib(total.raw)} raw, ${kib(total.gz)} gzip, ${kib(total.br)} brotli`);
