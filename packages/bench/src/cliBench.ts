import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { summarize, timed, type Row } from "./stats.js";

const execFileP = promisify(execFile);
const CLI = fileURLToPath(new URL("../../cli/dist/bin/clawdspace.cjs", import.meta.url));

/**
 * The CLI as a user meets it: a whole process per command (node start, our imports, one request,
 * exit), against the same request made from inside an already running process, side by side.
 */
export async function benchCli(
  base: string,
  key: string,
  space: string,
  api: (method: string, path: string, body?: unknown) => Promise<unknown>,
  iterations: number,
): Promise<Row[]> {
  // The key goes through the environment, as the CLI docs recommend: never on a command line.
  const env = { PATH: process.env.PATH ?? "", HOME: "/nonexistent", CLAWDSPACE_URL: base, CLAWDSPACE_KEY: key, NO_COLOR: "1" };
  const cli = (...args: string[]) => execFileP(process.execPath, [CLI, ...args], { env });
  const bareNode = () => execFileP(process.execPath, ["-e", "0"], { env });
  const series = { list: [] as number[], node: [] as number[], apiList: [] as number[], cliExec: [] as number[], apiExec: [] as number[], version: [] as number[] };
  for (let i = 0; i < 3; i++) {
    await cli("list");
    await cli("exec", "--argv", space, "true");
  }
  for (let i = 0; i < iterations; i++) {
    const steps = [
      async () => series.list.push(await timed(() => cli("list"))),
      async () => series.version.push(await timed(() => cli("--version"))),
      async () => series.node.push(await timed(bareNode)),
      async () => series.apiList.push(await timed(() => api("GET", "/api/spaces"))),
      async () => series.cliExec.push(await timed(() => cli("exec", "--argv", space, "true"))),
      async () => series.apiExec.push(await timed(() => api("POST", `/api/spaces/${space}/exec`, { command: ["true"] }))),
    ];
    for (let k = 0; k < steps.length; k++) await steps[(k + i) % steps.length]!();
  }
  const s = Object.fromEntries(Object.entries(series).map(([k, v]) => [k, summarize(v)])) as Record<keyof typeof series, ReturnType<typeof summarize>>;
  return [
    { case: "clawdspace list (whole process)", ours: s.list, baseline: s.node, baselineName: "node -e 0 (bare start)", extra: `CLI cost over bare node: ${(s.list.median - s.node.median).toFixed(1)} ms` },
    { case: "clawdspace list (whole process)", ours: s.list, baseline: s.apiList, baselineName: "GET /api/spaces in-process" },
    { case: "clawdspace --version (no request)", ours: s.version, baseline: s.node, baselineName: "node -e 0 (bare start)", extra: "start-up alone" },
    { case: "clawdspace exec --argv NAME true", ours: s.cliExec, baseline: s.apiExec, baselineName: "POST /exec [\"true\"] in-process", extra: `CLI adds ${(s.cliExec.median - s.apiExec.median).toFixed(1)} ms` },
  ];
}
