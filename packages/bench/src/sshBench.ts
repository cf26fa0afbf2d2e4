import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { printTable, summarize, timed, type Row, type Summary } from "./stats.js";

const execFileP = promisify(execFile);
const CLI = fileURLToPath(new URL("../../cli/dist/bin/clawdspace.cjs", import.meta.url));

export interface SshBenchInput {
  base: string;
  key: string;
  space: string;
  /** The space's container, for the docker exec baseline of the throughput. */
  container: string;
  api: (method: string, path: string, body?: unknown) => Promise<unknown>;
  iterations: number;
  forwardMb: number;
}

/** Sends `bytes` into a local port and waits for the far end to close; or reads from it until it closes. */
function throughLocal(port: number, mode: "up" | "down", bytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, "127.0.0.1");
    let got = 0;
    sock.on("data", (c: Buffer) => (got += c.length));
    sock.once("error", reject);
    sock.once("close", () => resolve(got));
    if (mode === "down") return;
    const chunk = Buffer.alloc(1024 * 1024, 7);
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!sock.write(chunk)) return void sock.once("drain", pump);
      }
      sock.end();
    };
    pump();
  });
}

/**
 * The SSH round trip (`ssh clawdspace-NAME true`, a whole new SSH connection through the tunnel, and
 * with ControlMaster reuse) against `clawdspace exec NAME true`; and `forward` throughput both ways
 * against the same bytes through a plain `docker exec` pipe.
 */
export async function benchSsh(o: SshBenchInput): Promise<void> {
  const home = await mkdtemp(join(tmpdir(), "cs-bench-ssh-"));
  const env = { PATH: process.env.PATH ?? "", HOME: home, CLAWDSPACE_URL: o.base, CLAWDSPACE_KEY: o.key, NO_COLOR: "1" };
  const cli = (...args: string[]) => execFileP(process.execPath, [CLI, ...args], { env });
  const cfg = join(home, ".ssh", "config");
  const host = `clawdspace-${o.space}`;
  const mux = ["-o", "ControlMaster=auto", "-o", `ControlPath=${home}/cm-%C`, "-o", "ControlPersist=120"];
  const ssh = (...extra: string[]) => execFileP("ssh", ["-F", cfg, ...extra, host, "true"], { env });
  const forward = spawn(process.execPath, [CLI, "forward", o.space, "0:9200"], { env, stdio: ["ignore", "pipe", "inherit"] });
  const forwardDown = spawn(process.execPath, [CLI, "forward", o.space, "0:9201"], { env, stdio: ["ignore", "pipe", "inherit"] });
  try {
    await cli("ssh-config", o.space);
    const series = { ssh: [] as number[], sshMux: [] as number[], cliSsh: [] as number[], cliExec: [] as number[] };
    await ssh();
    await ssh(...mux);
    await cli("exec", "--argv", o.space, "true");
    for (let i = 0; i < o.iterations; i++) {
      const steps = [
        async () => series.ssh.push(await timed(() => ssh())),
        async () => series.sshMux.push(await timed(() => ssh(...mux))),
        async () => series.cliSsh.push(await timed(() => cli("ssh", o.space, "--", "true"))),
        async () => series.cliExec.push(await timed(() => cli("exec", "--argv", o.space, "true"))),
      ];
      for (let k = 0; k < steps.length; k++) await steps[(k + i) % steps.length]!();
    }
    await execFileP("ssh", ["-F", cfg, ...mux, "-O", "exit", host], { env }).catch(() => undefined);
    const s = Object.fromEntries(Object.entries(series).map(([k, v]) => [k, summarize(v)])) as Record<keyof typeof series, Summary>;
    const rows: Row[] = [
      { case: "ssh clawdspace-NAME true (new connection)", ours: s.ssh, baseline: s.cliExec, baselineName: "clawdspace exec --argv NAME true" },
      { case: "ssh clawdspace-NAME true (ControlMaster reuse)", ours: s.sshMux, baseline: s.cliExec, baselineName: "clawdspace exec --argv NAME true" },
      { case: "clawdspace ssh NAME -- true (installs the key each time)", ours: s.cliSsh, baseline: s.cliExec, baselineName: "clawdspace exec --argv NAME true" },
    ];
    printTable("ssh round trip", rows);

    // Listeners in the space: one swallows what it is sent, one sends forwardMb and closes.
    const bytes = o.forwardMb * 1024 * 1024;
    await o.api("POST", `/api/spaces/${o.space}/exec`, {
      command: `setsid socat -u TCP-LISTEN:9200,bind=127.0.0.1,reuseaddr,fork OPEN:/dev/null >/dev/null 2>&1 </dev/null & setsid socat TCP-LISTEN:9201,bind=127.0.0.1,reuseaddr,fork SYSTEM:'head -c ${bytes} /dev/zero' >/dev/null 2>&1 </dev/null & sleep 0.5`,
    });
    const portOf = (child: typeof forward) =>
      new Promise<number>((resolve) => {
        let out = "";
        child.stdout!.on("data", (b: Buffer) => {
          out += b.toString();
          const m = /127\.0\.0\.1:(\d+)/.exec(out);
          if (m) resolve(Number(m[1]));
        });
      });
    const [up, down] = await Promise.all([portOf(forward), portOf(forwardDown)]);
    const t = { up: [] as number[], down: [] as number[], execUp: [] as number[], execDown: [] as number[] };
    const payload = Buffer.alloc(bytes, 7);
    for (let i = 0; i < 3; i++) {
      t.up.push(await timed(() => throughLocal(up, "up", bytes)));
      t.down.push(
        await timed(async () => {
          const got = await throughLocal(down, "down", bytes);
          if (got !== bytes) throw new Error(`forward down: ${got} of ${bytes} bytes`);
        }),
      );
      t.execUp.push(await timed(() => new Promise<void>((resolve, reject) => {
        const c = spawn("docker", ["exec", "-i", o.container, "sh", "-c", "cat > /dev/null"], { stdio: ["pipe", "ignore", "ignore"] });
        c.once("error", reject);
        c.once("close", () => resolve());
        c.stdin.end(payload);
      })));
      t.execDown.push(await timed(() => execFileP("docker", ["exec", o.container, "sh", "-c", `head -c ${bytes} /dev/zero`], { maxBuffer: bytes * 2, encoding: "buffer" })));
    }
    const mbps = (ms: number) => (o.forwardMb / (ms / 1000)).toFixed(1);
    console.log(`\n## forward throughput (${o.forwardMb} MB, one connection)`);
    console.log("| direction | n | ours median ms | ours MB/s | docker exec pipe median ms | docker exec MB/s | ratio (time, median) |");
    console.log("|---|---|---|---|---|---|---|");
    for (const [dir, ours, base] of [["up (local -> space)", t.up, t.execUp], ["down (space -> local)", t.down, t.execDown]] as const) {
      const a = summarize(ours);
      const b = summarize(base);
      console.log(`| ${dir} | ${a.n} | ${a.median.toFixed(0)} | ${mbps(a.median)} | ${b.median.toFixed(0)} | ${mbps(b.median)} | ${(a.median / b.median).toFixed(3)}x |`);
    }
  } finally {
    forward.kill("SIGTERM");
    forwardDown.kill("SIGTERM");
    await rm(home, { recursive: true, force: true });
  }
}
