import WebSocket from "ws";
import { upgradeRefusal } from "../http/upgradeRefusal.js";

/** Bytes queued on the socket before the local side is paused. */
const SOCKET_HIGH_WATER = 1024 * 1024;
/** The server's frame cap is 1 MiB; OpenSSH writes far less at once, a local socket may read more. */
const MAX_FRAME = 256 * 1024;

/** Opens a tunnel WebSocket; a refusal (401, 403, 404, ...) rejects with the server's {error, code}. */
export function openTunnel(url: string, key: string | undefined): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: key ? { authorization: `Bearer ${key}` } : {}, perMessageDeflate: false, maxPayload: 16 * 1024 * 1024 });
    ws.once("unexpected-response", (_req, res) => void upgradeRefusal(res, "tunnel").then(reject));
    ws.once("open", () => {
      ws.off("error", reject);
      resolve(ws);
    });
    ws.once("error", reject);
  });
}

export interface PipeEnd {
  /** The WebSocket close code (1000: the far process ended normally). */
  code: number;
  reason: string;
}

/**
 * Pipes a local stream pair through an open tunnel until the socket closes. Backpressure both ways:
 * a full socket queue pauses `input`, a slow `output` pauses the socket. The end of `input` is sent
 * as {"type":"eof"} (a half-close), so the far side still answers a request whose writer is done.
 */
export function pipeTunnel(ws: WebSocket, input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<PipeEnd> {
  return new Promise((resolve) => {
    const onData = (chunk: Buffer | string) => {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      if (ws.readyState !== WebSocket.OPEN) return;
      // Over the mark, the last frame's callback (it reached the kernel) lets the input flow again.
      const over = ws.bufferedAmount + buf.length > SOCKET_HIGH_WATER;
      if (over) input.pause();
      for (let i = 0; i < buf.length; i += MAX_FRAME) {
        const last = i + MAX_FRAME >= buf.length;
        ws.send(buf.subarray(i, i + MAX_FRAME), { binary: true }, last && over ? () => input.resume() : undefined);
      }
    };
    const onEnd = () => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: "eof" }));
    };
    input.on("data", onData);
    input.once("end", onEnd);
    input.resume();
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      if (!isBinary) return;
      if (!output.write(data)) {
        ws.pause();
        output.once("drain", () => ws.resume());
      }
    });
    ws.once("close", (code, reason) => {
      input.off("data", onData);
      input.off("end", onEnd);
      resolve({ code, reason: reason.toString() });
    });
    ws.on("error", () => undefined);
  });
}
