import { PassThrough } from "node:stream";
import { TunnelControlSchema } from "@clawdspace/shared";
import type { RawData, WebSocket } from "ws";
import type { OutputSink } from "../engine/ports/exec.js";

export interface PumpLimits {
  /** Bytes from the client held for the process before the socket is paused. */
  inputHighWaterBytes: number;
  /** Bytes queued on the socket before the process's output is held back. */
  socketHighWaterBytes: number;
  /** Of the process's stderr (sshd's log), this much is kept for the server log; the rest is dropped. */
  stderrKeepBytes: number;
}

export const DEFAULT_PUMP_LIMITS: PumpLimits = { inputHighWaterBytes: 256 * 1024, socketHighWaterBytes: 1024 * 1024, stderrKeepBytes: 4096 };

export interface PumpCounts {
  bytesIn: number;
  bytesOut: number;
}

/**
 * The byte pipe between a tunnel's socket and the process at its far end. Binary frames are bytes;
 * a text frame {"type":"eof"} half-closes the process's stdin. Both directions are bounded: the
 * socket is paused while the process has not taken what it was given, and the process's output
 * waits while the socket's queue is over its mark. The space is hostile: nothing it prints grows
 * a buffer of ours beyond these marks.
 */
export class TunnelPump {
  readonly stdin: PassThrough;
  readonly counts: PumpCounts = { bytesIn: 0, bytesOut: 0 };
  private stderr: Buffer[] = [];
  private stderrBytes = 0;
  /** Set when the client broke the protocol; the close reason says so. */
  protocolError: string | undefined;

  constructor(
    private readonly ws: WebSocket,
    private readonly limits: PumpLimits,
    /** Called on every chunk either way: the service coalesces it into activity marks. */
    private readonly onBytes: (direction: "in" | "out") => void,
  ) {
    this.stdin = new PassThrough({ highWaterMark: limits.inputHighWaterBytes });
    this.stdin.on("drain", () => ws.resume());
    ws.on("message", (data, isBinary) => this.fromClient(data, isBinary));
  }

  private fromClient(data: RawData, isBinary: boolean): void {
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (!isBinary) return this.control(buf);
    if (this.stdin.writableEnded) return;
    this.counts.bytesIn += buf.length;
    this.onBytes("in");
    if (!this.stdin.write(buf)) this.ws.pause();
  }

  private control(buf: Buffer): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(buf.toString("utf8"));
    } catch {
      parsed = undefined;
    }
    const msg = TunnelControlSchema.safeParse(parsed);
    if (!msg.success) {
      this.protocolError = 'text frames must be {"type":"eof"}; bytes go in binary frames';
      this.ws.close(1003, "unsupported frame");
      return;
    }
    this.stdin.end();
  }

  /** The exec sink: stdout to the socket (held back while its queue is full), stderr kept in part for the log. */
  readonly sink: OutputSink = (stream, chunk) => {
    if (stream === "stderr") {
      const room = this.limits.stderrKeepBytes - this.stderrBytes;
      if (room > 0) {
        this.stderr.push(chunk.subarray(0, room));
        this.stderrBytes += Math.min(room, chunk.length);
      }
      return;
    }
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.counts.bytesOut += chunk.length;
    this.onBytes("out");
    if (this.ws.bufferedAmount + chunk.length <= this.limits.socketHighWaterBytes) {
      this.ws.send(chunk, { binary: true });
      return;
    }
    // The callback runs once this frame is handed to the kernel, so at most one mark's worth waits in us.
    return new Promise<void>((resolve) => this.ws.send(chunk, { binary: true }, () => resolve()));
  };

  /** What the process said on stderr (at most stderrKeepBytes), for the server log. */
  stderrText(): string {
    return Buffer.concat(this.stderr).toString("utf8").trim();
  }

  /** The client is gone: nothing more will come, and the process's stdin is closed. */
  end(): void {
    this.ws.resume();
    if (!this.stdin.writableEnded) this.stdin.end();
  }
}
