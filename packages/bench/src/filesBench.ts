import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { summarize, timed, type Summary } from "./stats.js";

const execFileP = promisify(execFile);
const MB = 1024 * 1024;

export interface ThroughputRow {
  direction: "up" | "down";
  ours: Summary;
  cp: Summary;
  sizeMb: number;
}

/**
 * 100 MB through our API (raw PUT and raw GET, streamed, by curl) against `docker cp` of the same
 * file into and out of the same container, alternating which goes first.
 */
export async function benchFiles(base: string, key: string, space: string, iterations: number, sizeMb = 100): Promise<ThroughputRow[]> {
  const dir = await mkdtemp(join(tmpdir(), "cs-bench-files-"));
  try {
    const src = join(dir, "src.bin");
    const out = createWriteStream(src);
    for (let i = 0; i < sizeMb; i++) if (!out.write(randomBytes(MB))) await new Promise<void>((r) => out.once("drain", () => r()));
    await new Promise<void>((r) => out.end(r));
    const container = `clawdspace-${space}`;

    // One curl process per transfer, as docker cp is one process: the client must not share the
    // server's event loop (the bench runs the server in its own process) or the bench measures itself.
    const curl = (args: string[]) => execFileP("curl", ["-sS", "--fail-with-body", "-H", `authorization: Bearer ${key}`, ...args], { maxBuffer: 1024 * 1024 });
    const oursUp = () =>
      // -T streams the file as docker cp does; --data-binary would first read all 100 MB into curl's memory.
      curl(["-T", src, "-H", "content-type: application/octet-stream", "-o", "/dev/null", `${base}/api/spaces/${space}/file?path=/ours.bin`]);
    const oursDown = () => curl(["-o", join(dir, "ours.out"), `${base}/api/spaces/${space}/file?path=/ours.bin&raw=1`]);
    const cpUp = () => execFileP("docker", ["cp", src, `${container}:/workspace/cp.bin`]);
    const cpDown = () => execFileP("docker", ["cp", `${container}:/workspace/cp.bin`, join(dir, "cp.out")]);

    // warm-up, and a check that both ways keep the bytes
    await oursUp();
    await oursDown();
    await cpUp();
    const want = await sha(src);
    if ((await sha(join(dir, "ours.out"))) !== want) throw new Error("API download changed the bytes");

    const up = { ours: [] as number[], cp: [] as number[] };
    const down = { ours: [] as number[], cp: [] as number[] };
    for (let i = 0; i < iterations; i++) {
      const pairs: Array<[number[], () => Promise<unknown>]> = [
        [up.ours, oursUp],
        [up.cp, cpUp],
      ];
      for (const [arr, fn] of i % 2 ? pairs.reverse() : pairs) arr.push(await timed(fn));
      const pairsDown: Array<[number[], () => Promise<unknown>]> = [
        [down.ours, oursDown],
        [down.cp, cpDown],
      ];
      for (const [arr, fn] of i % 2 ? pairsDown.reverse() : pairsDown) arr.push(await timed(fn));
    }
    if ((await stat(join(dir, "cp.out"))).size !== sizeMb * MB) throw new Error("docker cp download size differs");
    return [
      { direction: "up", ours: summarize(up.ours), cp: summarize(up.cp), sizeMb },
      { direction: "down", ours: summarize(down.ours), cp: summarize(down.cp), sizeMb },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function sha(path: string): Promise<string> {
  const h = createHash("sha256");
  for await (const c of createReadStream(path)) h.update(c as Buffer);
  return h.digest("hex");
}

export function printThroughput(rows: ThroughputRow[]): void {
  const mbps = (ms: number, mb: number) => (mb / (ms / 1000)).toFixed(1);
  console.log("\n## file throughput (100 MB, streamed)");
  console.log("| direction | n | ours median ms | ours MB/s | docker cp median ms | docker cp MB/s | ratio (time, median) |");
  console.log("|---|---|---|---|---|---|---|");
  for (const r of rows) {
    console.log(
      `| ${r.direction} | ${r.ours.n} | ${r.ours.median.toFixed(0)} | ${mbps(r.ours.median, r.sizeMb)} | ${r.cp.median.toFixed(0)} | ${mbps(r.cp.median, r.sizeMb)} | ${(r.ours.median / r.cp.median).toFixed(3)}x |`,
    );
  }
}
