import WebSocket from "ws";
import { runProcess, type CliResult } from "./support.js";

/** Runs a real OpenSSH tool (or rsync, curl) with the fixture's HOME, so the ProxyCommand finds ~/.clawdspace there. */
export function tool(home: string, cmd: string, args: string[], input = ""): Promise<CliResult> {
  return runProcess(cmd, args, { PATH: process.env.PATH ?? "", HOME: home, NO_COLOR: "1" }, input);
}

/** Upgrade status of a tunnel request (101 when accepted): a refusal is an HTTP answer before any socket is accepted. */
export function upgradeStatus(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.once("open", () => {
      ws.close();
      resolve({ status: 101, body: "" });
    });
    ws.once("error", (e) => (e.message.includes("Unexpected server response") ? undefined : reject(e)));
  });
}
