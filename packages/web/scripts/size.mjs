// Prints the gzip size of the JavaScript the first page loads (index.html's scripts and their static imports).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const dist = new URL("../dist/", import.meta.url).pathname;
const html = readFileSync(join(dist, "index.html"), "utf8");
const seen = new Set();
const queue = [...html.matchAll(/<(?:script|link)[^>]+(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
let raw = 0;
let gz = 0;
while (queue.length) {
  const file = queue.shift();
  if (seen.has(file)) continue;
  seen.add(file);
  const code = readFileSync(join(dist, file));
  raw += code.length;
  gz += gzipSync(code, { level: 9 }).length;
  // static imports only: lazy chunks (terminal, charts) are import("...") and not followed
  for (const m of code.toString().matchAll(/(?:^|[;\n}])\s*import\s*(?:[\w{}\s,*$]+from\s*)?"\.\/([^"]+\.js)"/g)) queue.push(`assets/${m[1]}`);
}
console.log(`first page JS: ${seen.size} file(s), ${(raw / 1024).toFixed(1)} KiB raw, ${(gz / 1024).toFixed(1)} KiB gzip`);
