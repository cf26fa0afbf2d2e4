import { spawn } from "node:child_process";
import type Docker from "dockerode";
import WebSocket from "ws";

/** One way of driving an interactive shell in a space: bytes in, bytes out. */
interface TtyDriver {
  name: string;
  write(data: string): void;
  onData(cb: (chunk: Buffer) => void): void;
  close(): Promise<void>;
}

export interface TerminalBenchOptions {
  base: string;
  key: string;
  space: string;
  docker: Docker;
  keystrokes: number;
  catBytes: number;
}

export interface TerminalFigures {
  driver: string;
  n: number;
  medianMs: number;
  p99Ms: number;
  catMBps: number;
}

function ours(o: TerminalBenchOptions): Promise<TtyDriver> {
  const url = `${o.base.replace(/^http/, "ws")}/api/spaces/${o.space}/terminal?cols=120&rows=40`;
  const ws = new WebSocket(url, { headers: { authorization: `Bearer ${o.key}` } });
  const listeners: Array<(c: Buffer) => void> = [];
  ws.on("message", (data: Buffer, binary) => {
    if (binary) for (const l of listeners) l(data);
  });
  return new Promise((resolve, reject) => {
    ws.once("open", () =>
      resolve({
        name: "ours: WebSocket terminal",
        write: (s) => ws.send(Buffer.from(s), { binary: true }),
        onData: (cb) => listeners.push(cb),
        close: async () => ws.close(),
      }),
    );
    ws.once("error", reject);
  });
}

/** The engine's own TTY exec, hijacked by dockerode: what our server does, without the server and the WebSocket. */
async function rawExec(o: TerminalBenchOptions): Promise<TtyDriver> {
  const c = o.docker.getContainer(`clawdspace-${o.space}`);
  const exec = await c.exec({ Cmd: ["bash", "-l"], AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: true, WorkingDir: "/workspace", Env: ["TERM=xterm-256color"] });
  const stream = await exec.start({ hijack: true, stdin: true, Tty: true });
  await exec.resize({ w: 120, h: 40 }).catch(() => undefined);
  return {
    name: "dockerode TTY exec",
    write: (s) => stream.write(s),
    onData: (cb) => stream.on("data", cb),
    close: async () => {
      stream.write("exit\r");
      stream.destroy();
    },
  };
}

/** `docker exec -it` as a person runs it: the docker CLI in a pseudo-terminal made by script(1). */
async function dockerCli(o: TerminalBenchOptions): Promise<TtyDriver> {
  const child = spawn("script", ["-qfc", `stty cols 120 rows 40; docker exec -it -w /workspace -e TERM=xterm-256color clawdspace-${o.space} bash -l`, "/dev/null"], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  return {
    name: "docker exec -it (CLI under script)",
    write: (s) => child.stdin.write(s),
    onData: (cb) => child.stdout.on("data", cb),
    close: async () => {
      child.stdin.write("exit\r");
      await new Promise((r) => setTimeout(r, 300));
      child.kill();
    },
  };
}

/** Waits until the accumulated output matches `re` (the tail only, so a long run stays cheap). */
function waiter(d: TtyDriver) {
  let tail = "";
  let bytes = 0;
  let check: (() => void) | null = null;
  d.onData((c) => {
    bytes += c.length;
    tail = (tail + c.toString("latin1")).slice(-4096);
    check?.();
  });
  return {
    bytes: () => bytes,
    reset: () => {
      tail = "";
    },
    until(pred: (tail: string) => boolean, timeoutMs = 60_000): Promise<void> {
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => {
          check = null;
          reject(new Error(`${d.name}: timed out; tail ${JSON.stringify(tail.slice(-200))}`));
        }, timeoutMs);
        check = () => {
          if (pred(tail)) {
            clearTimeout(t);
            check = null;
            resolve();
          }
        };
        check();
      });
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measure(d: TtyDriver, o: TerminalBenchOptions): Promise<TerminalFigures> {
  const w = waiter(d);
  d.write("echo READY$((40+2))\r");
  await w.until((t) => t.includes("READY42"));
  await sleep(500);
  const samples: number[] = [];
  const letters = "abcdefghijklmnopqrstuvwxyz";
  for (let i = 0; i < o.keystrokes; i++) {
    if (i > 0 && i % 40 === 0) {
      d.write("\x15"); // Ctrl-U: clear the line so readline never redraws a long one
      await sleep(50);
    }
    const ch = letters[i % 26]!;
    w.reset();
    const t0 = process.hrtime.bigint();
    d.write(ch);
    await w.until((t) => t.includes(ch));
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  d.write("\x15");
  await sleep(100);
  w.reset();
  const before = w.bytes();
  const t0 = process.hrtime.bigint();
  d.write("cat /tmp/bench-big.txt; echo END$((6*7))MARK\r");
  await w.until((t) => t.includes("END42MARK"), 300_000);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const received = w.bytes() - before;
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!;
  return { driver: d.name, n: s.length, medianMs: q(0.5), p99Ms: q(0.99), catMBps: received / 1024 ** 2 / secs };
}

/** Keystroke-to-echo and `cat` throughput through each driver, one after another on the same space. */
export async function benchTerminal(o: TerminalBenchOptions, prepare: (cmd: string) => Promise<void>): Promise<TerminalFigures[]> {
  // Printable data (base64 lines), so every driver's terminal handles the same bytes.
  await prepare(`head -c ${Math.floor((o.catBytes * 3) / 4)} /dev/urandom | base64 -w 100 > /tmp/bench-big.txt`);
  const out: TerminalFigures[] = [];
  for (const make of [ours, rawExec, dockerCli]) {
    const d = await make(o);
    try {
      out.push(await measure(d, o));
    } finally {
      await d.close();
    }
  }
  return out;
}

export function printTerminal(rows: TerminalFigures[], catBytes: number): void {
  const base = rows.find((r) => r.driver.startsWith("docker exec"));
  console.log(`\n## terminal (keystroke to echo through bash's readline; cat of a ${(catBytes / 1024 ** 2).toFixed(0)} MiB base64 file)`);
  console.log("| driver | n | echo median ms | echo p99 ms | ratio median vs docker exec -it | cat MB/s (received, incl. CR) |");
  console.log("|---|---|---|---|---|---|");
  for (const r of rows) {
    const ratio = base ? `${(r.medianMs / base.medianMs).toFixed(2)}x` : "";
    console.log(`| ${r.driver} | ${r.n} | ${r.medianMs.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${ratio} | ${r.catMBps.toFixed(1)} |`);
  }
}
