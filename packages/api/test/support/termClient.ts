import WebSocket from "ws";

export interface ServerMsg {
  type: string;
  [k: string]: unknown;
}

/** A terminal WebSocket client for tests: keeps every binary frame and text message in arrival order. */
export class TermClient {
  readonly frames: Buffer[] = [];
  readonly messages: ServerMsg[] = [];
  private waiters: Array<() => void> = [];
  closed = false;
  closeCode: number | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data: Buffer, isBinary) => {
      if (isBinary) this.frames.push(Buffer.from(data));
      else this.messages.push(JSON.parse(data.toString("utf8")) as ServerMsg);
      this.wake();
    });
    ws.on("close", (code) => {
      this.closed = true;
      this.closeCode = code;
      this.wake();
    });
  }

  /** Opens and waits for the session message; rejects with the HTTP status when the upgrade is refused. */
  static open(url: string, headers: Record<string, string> = {}): Promise<TermClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      const c = new TermClient(ws);
      ws.once("unexpected-response", (_req, res) => {
        let body = "";
        res.on("data", (d: Buffer) => (body += d.toString()));
        res.on("end", () => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode} ${body}`), { status: res.statusCode, body })));
      });
      ws.once("error", reject);
      c.until(() => c.session() !== undefined, 60_000).then(() => resolve(c), reject);
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  session(): { id: string; offset: number; created: boolean; wake?: string } | undefined {
    return this.messages.find((m) => m.type === "session") as never;
  }

  /** All output so far, as one buffer. */
  bytes(): Buffer {
    return Buffer.concat(this.frames);
  }

  text(): string {
    return this.bytes().toString("utf8");
  }

  /** The absolute offset after everything received. */
  offset(): number {
    return this.session()!.offset + this.bytes().length;
  }

  async until(pred: () => boolean, timeoutMs = 30_000, what = "condition"): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; output so far: ${JSON.stringify(this.text().slice(-500))} messages: ${JSON.stringify(this.messages)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 500));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  waitText(re: RegExp, timeoutMs = 30_000): Promise<void> {
    return this.until(() => re.test(this.text()), timeoutMs, String(re));
  }

  waitStatus(state: string, timeoutMs = 30_000): Promise<void> {
    return this.until(() => this.messages.some((m) => m.type === "status" && m.state === state), timeoutMs, `status ${state}`);
  }

  type(s: string): void {
    this.ws.send(Buffer.from(s, "utf8"), { binary: true });
  }

  json(msg: unknown): void {
    this.ws.send(JSON.stringify(msg));
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.ws.close();
    return this.until(() => this.closed, 10_000, "close");
  }
}

/** How often `needle` occurs in `hay`. */
export const count = (hay: string, needle: string) => hay.split(needle).length - 1;
