import { connect, type Socket } from "node:net";
import { summarize, timed, type Row } from "./stats.js";

export interface HostileBenchDeps {
  base: string;
  key: string;
  api: (method: string, path: string, body?: unknown) => Promise<unknown>;
  /** A space that only answers execs: its latency is what the attacks must not ruin. */
  bystander: string;
  /** The attacker's space. */
  attacker: string;
  iterations: number;
}

/** An attack runs until stop() is called. */
interface Attack {
  name: string;
  start(): Promise<{ stop(): Promise<void> }>;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An exec in the attacker's space that runs until aborted (the server then kills its process group). */
function longExec(d: HostileBenchDeps, command: string): Attack["start"] {
  return async () => {
    const abort = new AbortController();
    const running = fetch(`${d.base}/api/spaces/${d.attacker}/exec`, {
      method: "POST",
      headers: { authorization: `Bearer ${d.key}`, "content-type": "application/json", accept: "application/x-ndjson" },
      body: JSON.stringify({ command, timeoutMs: 600_000 }),
      signal: abort.signal,
    })
      // Read and drop: a client that keeps up, so the attack is the space's doing, not ours.
      .then(async (res) => {
        for await (const _ of res.body ?? []) void _;
      })
      .catch(() => undefined);
    return {
      stop: async () => {
        abort.abort();
        await running;
      },
    };
  };
}

/** Clients without the key that open connections and trickle a body byte by byte. */
function slowClients(d: HostileBenchDeps, count: number): Attack["start"] {
  return async () => {
    const url = new URL(d.base);
    const sockets: Socket[] = [];
    for (let i = 0; i < count; i++) {
      const s = connect(Number(url.port), url.hostname);
      s.on("error", () => undefined);
      s.write("POST /api/spaces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{");
      sockets.push(s);
    }
    const drip = setInterval(() => sockets.forEach((s) => s.writable && s.write(" ")), 500);
    return {
      stop: async () => {
        clearInterval(drip);
        sockets.forEach((s) => s.destroy());
      },
    };
  };
}

/** Makes the two spaces, runs the attacks with the history reader polling (as in the server), removes what it made. */
export async function hostileSection(
  d: Omit<HostileBenchDeps, "bystander" | "attacker">,
  run: { runId: string; history: { start(): void; stop(): Promise<void> }; cleanup(): Promise<void> },
): Promise<Row[]> {
  const bystander = `b${run.runId}-calm`;
  const attacker = `b${run.runId}-evil`;
  await Promise.all([bystander, attacker].map((name) => d.api("POST", "/api/spaces", { name, memory: "256m", cpus: 1 })));
  run.history.start();
  try {
    return await benchHostile({ ...d, bystander, attacker });
  } finally {
    await run.history.stop();
    await run.cleanup();
  }
}

export async function benchHostile(d: HostileBenchDeps): Promise<Row[]> {
  const execTrue = () => d.api("POST", `/api/spaces/${d.bystander}/exec`, { command: ["true"] });
  const sample = async () => {
    const out: number[] = [];
    for (let i = 0; i < d.iterations; i++) out.push(await timed(execTrue));
    return out;
  };
  for (let i = 0; i < 5; i++) await execTrue();
  const attacks: Attack[] = [
    { name: "shell history flood (yes >> .bash_history)", start: longExec(d, "yes 'echo flooding the audit log' >> /workspace/.bash_history") },
    { name: "disk write flood (yes > a file; no history)", start: longExec(d, "yes > /workspace/flood") },
    { name: "output flood (an exec printing /dev/zero)", start: longExec(d, "cat /dev/zero") },
    { name: "CPU hog (4 busy loops in a 1-CPU space)", start: longExec(d, "for i in 1 2 3 4; do (while :; do :; done) & done; wait") },
    { name: "fork storm (pids limit)", start: longExec(d, "for i in $(seq 2000); do sleep 30 & done; wait") },
    { name: "300 slow clients without the key", start: slowClients(d, 300) },
  ];
  const rows: Row[] = [];
  for (const attack of attacks) {
    const quiet = await sample();
    const rssBefore = process.memoryUsage().rss;
    const running = await attack.start();
    await pause(2000);
    const during = await sample();
    const rssDuring = process.memoryUsage().rss;
    await running.stop();
    await d.api("POST", `/api/spaces/${d.attacker}/exec`, { command: "pkill -u 1001 -x yes; pkill -u 1001 -x sleep; : > /workspace/.bash_history; rm -f /workspace/flood; true" }).catch(() => undefined);
    rows.push({
      case: attack.name,
      ours: summarize(during),
      baseline: summarize(quiet),
      baselineName: "bystander exec, quiet",
      extra: `ours = bystander exec during the attack; server process RSS ${(rssBefore / 2 ** 20).toFixed(0)} -> ${(rssDuring / 2 ** 20).toFixed(0)} MiB`,
    });
  }
  return rows;
}
