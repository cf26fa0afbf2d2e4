import { EventEmitter } from "node:events";
import { TunnelQuerySchema, TemplateSchema } from "@clawdspace/shared";
import type { WebSocket } from "ws";
import { describe, expect, it } from "vitest";
import { TunnelPump } from "../../src/tunnel/pump.js";
import { parseKeyAnswer, sshdArgv } from "../../src/tunnel/sshd.js";
import { tunnelLabels, tunnelRefusal } from "../../src/tunnel/tunnelPolicy.js";

const ssh = { target: "ssh" as const, port: undefined };
const port = (n: number) => ({ target: "port" as const, port: n });

describe("tunnel policy: what a template closes, as labels", () => {
  it("an unset template (and a space made before tunnels) leaves ssh and every port open", () => {
    expect(tunnelLabels({})).toEqual({});
    expect(tunnelRefusal({}, ssh)).toBeNull();
    expect(tunnelRefusal({}, port(1))).toBeNull();
  });

  it("ssh: false closes sshd; a port list closes the others; [] closes them all", () => {
    const labels = tunnelLabels({ ssh: false, ports: [8080, 3000, 3000] });
    expect(labels).toEqual({ "clawdspace.tunnel-ssh": "false", "clawdspace.tunnel-ports": "3000,8080" });
    expect(tunnelRefusal(labels, ssh)).toMatch(/closes SSH/);
    expect(tunnelRefusal(labels, port(3000))).toBeNull();
    expect(tunnelRefusal(labels, port(22))).toMatch(/closes port 22 \(tunnel.ports: 3000, 8080\)/);
    const none = tunnelLabels({ ports: [] });
    expect(tunnelRefusal(none, port(3000))).toMatch(/every port/);
    expect(tunnelRefusal(none, ssh)).toBeNull();
    expect(tunnelRefusal(tunnelLabels({ ports: "all" }), port(5))).toBeNull();
  });

  it("the template schema takes tunnel settings strictly", () => {
    expect(TemplateSchema.safeParse({ name: "a", tunnel: { ports: [0] } }).success).toBe(false);
    expect(TemplateSchema.safeParse({ name: "a", tunnel: { ports: "some" } }).success).toBe(false);
    expect(TemplateSchema.safeParse({ name: "a", tunnel: { sh: true } }).success).toBe(false);
    expect(TemplateSchema.parse({ name: "a", tunnel: { ssh: true, ports: [22] } }).tunnel).toEqual({ ssh: true, ports: [22] });
  });

  it("the query names ssh or one port, never both", () => {
    expect(TunnelQuerySchema.parse({ target: "ssh" })).toEqual(ssh);
    expect(TunnelQuerySchema.parse({ port: "8080" })).toEqual(port(8080));
    expect(TunnelQuerySchema.parse({ target: "port", port: "1" })).toEqual(port(1));
    for (const q of [{}, { target: "ssh", port: "22" }, { target: "port" }, { port: "65536" }, { port: "1.5" }]) expect(TunnelQuerySchema.safeParse(q).success, JSON.stringify(q)).toBe(false);
  });
});

describe("sshd: key-only, inetd mode, state on the volume", () => {
  it("runs sshd -i with password and keyboard-interactive off and sftp on", () => {
    const script = sshdArgv().join(" ");
    for (const o of ["-i", "-e", "PasswordAuthentication=no", "KbdInteractiveAuthentication=no", "PubkeyAuthentication=yes", "Subsystem=sftp internal-sftp", "AuthorizedKeysFile=/workspace/.clawdspace/ssh/authorized_keys", "UsePAM=no"]) {
      expect(script).toContain(o);
    }
  });

  it("reads the key script's answer, and refuses what does not look like one", () => {
    expect(parseKeyAnswer("added\nsandbox\nssh-ed25519 AAAAC3Nz clawdspace-host\n")).toEqual({ added: true, user: "sandbox", hostKeys: ["ssh-ed25519 AAAAC3Nz"] });
    expect(parseKeyAnswer("present\nsandbox\nssh-ed25519 AAAA x\n")?.added).toBe(false);
    expect(parseKeyAnswer("present\nsandbox\n")).toBeNull();
    expect(parseKeyAnswer("whatever\nsandbox\nssh-ed25519 AAAA\n")).toBeNull();
  });
});

/** Enough of a ws socket for the pump: frames out, pause state, a queue that drains when told. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  paused = false;
  sent: Buffer[] = [];
  private waiting: Array<() => void> = [];
  send(data: Buffer, _opts: unknown, cb?: () => void): void {
    this.sent.push(data);
    this.bufferedAmount += data.length;
    if (cb) this.waiting.push(cb);
  }
  drain(): void {
    this.bufferedAmount = 0;
    for (const cb of this.waiting.splice(0)) cb();
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  close(): void {
    this.readyState = 3;
  }
}

describe("tunnel pump: bounded both ways", () => {
  const limits = { inputHighWaterBytes: 16, socketHighWaterBytes: 32, stderrKeepBytes: 8 };

  it("pauses the socket while the process has not taken its input, and resumes on drain", async () => {
    const ws = new FakeSocket();
    const pump = new TunnelPump(ws as unknown as WebSocket, limits, () => undefined);
    ws.emit("message", Buffer.alloc(64), true);
    expect(ws.paused).toBe(true);
    pump.stdin.read();
    await new Promise((r) => setImmediate(r));
    expect(ws.paused).toBe(false);
    expect(pump.counts.bytesIn).toBe(64);
  });

  it("holds the process's output back while the socket's queue is over its mark", async () => {
    const ws = new FakeSocket();
    const pump = new TunnelPump(ws as unknown as WebSocket, limits, () => undefined);
    expect(pump.sink("stdout", Buffer.alloc(20))).toBeUndefined();
    const held = pump.sink("stdout", Buffer.alloc(20));
    expect(held).toBeInstanceOf(Promise);
    let released = false;
    void (held as Promise<void>).then(() => (released = true));
    await new Promise((r) => setImmediate(r));
    expect(released).toBe(false);
    ws.drain();
    await new Promise((r) => setImmediate(r));
    expect(released).toBe(true);
    expect(pump.counts.bytesOut).toBe(40);
  });

  it("keeps only stderrKeepBytes of stderr, and never sends it to the client", () => {
    const ws = new FakeSocket();
    const pump = new TunnelPump(ws as unknown as WebSocket, limits, () => undefined);
    pump.sink("stderr", Buffer.from("0123456789abcdef"));
    pump.sink("stderr", Buffer.from("more"));
    expect(pump.stderrText()).toBe("01234567");
    expect(ws.sent).toHaveLength(0);
  });
});
