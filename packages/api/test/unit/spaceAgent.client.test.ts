import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { AgentBrokeError, AgentUnavailableError, runOnAgent } from "../../src/spaceAgent/agentClient.js";
import { AgentProtocolError, FrameDecoder, encodeSpawn } from "../../src/spaceAgent/protocol.js";
import { fakeAgent, frame, honest, u32s, type FakeAgent } from "./spaceAgent.fakeAgent.js";

const agents: FakeAgent[] = [];
const make = async (...a: Parameters<typeof fakeAgent>) => {
  const f = await fakeAgent(...a);
  agents.push(f);
  return f;
};
afterEach(async () => {
  for (const a of agents.splice(0)) await a.close();
});

const collect = () => {
  const out = { stdout: "", stderr: "" };
  return { out, sink: (s: "stdout" | "stderr", c: Buffer) => void (out[s] += c.toString()) };
};

describe("frames from a space's agent are untrusted", () => {
  it("splits frames across chunks and refuses unknown types and lengths at the header", () => {
    const d = new FrameDecoder();
    const bytes = Buffer.concat([frame("o", Buffer.from("hello")), frame("X", u32s(0, 0))]);
    // Output arrives in pieces as the bytes come (header split too); a control frame only whole.
    const frames = [3, 7, 12, 15].reduce<{ at: number; got: ReturnType<FrameDecoder["push"]> }>(
      (acc, cut) => ({ at: cut, got: [...acc.got, ...d.push(bytes.subarray(acc.at, cut))] }),
      { at: 0, got: [] },
    ).got;
    frames.push(...d.push(bytes.subarray(15)));
    expect(frames.filter((f) => f.type === "o").map((f) => f.payload.toString()).join("")).toBe("hello");
    expect(frames.filter((f) => f.type === "o").length).toBeGreaterThan(1);
    expect(frames.filter((f) => f.type === "X").map((f) => f.payload.length)).toEqual([8]);
    expect(frames.at(-1)?.type).toBe("X");
    expect(() => new FrameDecoder().push(Buffer.from("Zxxxxxx"))).toThrow(AgentProtocolError);
    // A header that claims 4 GiB is refused before any of it is awaited.
    expect(() => new FrameDecoder().push(Buffer.from([0x6f, 0xff, 0xff, 0xff, 0xff]))).toThrow(/of 4294967295 bytes/);
    expect(() => new FrameDecoder().push(frame("X", u32s(1)))).toThrow(AgentProtocolError);
  });

  it("will not put a NUL or an = in a key on the wire (the request goes elsewhere)", () => {
    const base = { argv: ["true"], cwd: "/", env: {}, stdin: false, notAfterMs: 0 };
    expect(encodeSpawn({ ...base, argv: ["a\0b"] })).toBeNull();
    expect(encodeSpawn({ ...base, env: { "A=B": "c" } })).toBeNull();
    expect(encodeSpawn(base)?.subarray(0, 1).toString()).toBe("S");
  });
});

describe("runOnAgent", () => {
  it("runs a process: output per stream, the exit code, and a request stamped with its deadline", async () => {
    const a = await make(honest([["o", "out"], ["e", "err"]], 3));
    const { out, sink } = collect();
    const before = Date.now();
    await expect(runOnAgent(a.path, { argv: ["x"], cwd: "/w", env: { K: "v" } }, sink, undefined, 500)).resolves.toEqual({ exitCode: 3 });
    expect(out).toEqual({ stdout: "out", stderr: "err" });
    const req = a.received[0]!;
    const notAfter = Number((BigInt(req.readUInt32BE(5)) << 32n) | BigInt(req.readUInt32BE(9)));
    expect(notAfter).toBeGreaterThanOrEqual(before + 500);
    expect(notAfter).toBeLessThan(before + 2000);
    expect(req.subarray(17).toString()).toContain("K=v\0");
  });

  it("a silent agent is unavailable within the answer deadline", async () => {
    const a = await make(() => undefined);
    const t = Date.now();
    const err = await runOnAgent(a.path, { argv: ["x"] }, () => undefined, undefined, 150).catch((e) => e);
    expect(err).toBeInstanceOf(AgentUnavailableError);
    expect((err as AgentUnavailableError).reason).toBe("silent");
    expect(Date.now() - t).toBeLessThan(2000);
  });

  it("garbage, a huge frame, or a hang-up before the start are unavailable (safe to fall back)", async () => {
    for (const answer of [Buffer.from("HTTP/1.1 400 Bad Request\r\n\r\n"), Buffer.from([0x6f, 0x7f, 0xff, 0xff, 0xff]), null]) {
      const a = await make((sock) => sock.once("data", () => (answer ? sock.write(answer) : sock.destroy())));
      const err = await runOnAgent(a.path, { argv: ["x"] }, () => undefined, undefined, 2000).catch((e) => e);
      expect(err, String(answer)).toBeInstanceOf(AgentUnavailableError);
    }
  });

  it("a missing socket is a dead agent; an agent's refusal is unavailable", async () => {
    const err = await runOnAgent("/nonexistent/agent.sock", { argv: ["x"] }, () => undefined, undefined, 500).catch((e) => e);
    expect((err as AgentUnavailableError).reason).toBe("dead");
    const a = await make((sock) => sock.once("data", () => sock.end(frame("E", Buffer.from("late")))));
    const refused = await runOnAgent(a.path, { argv: ["x"] }, () => undefined, undefined, 500).catch((e) => e);
    expect((refused as AgentUnavailableError).reason).toBe("refused");
  });

  it("after the start, garbage or a hang-up is a broken agent (the command may have run)", async () => {
    for (const after of [Buffer.from("garbage!"), frame("P", u32s(1)), null]) {
      const a = await make((sock) =>
        sock.once("data", () => {
          sock.write(frame("P", u32s(7)));
          if (after) sock.write(after);
          else sock.end();
        }),
      );
      const err = await runOnAgent(a.path, { argv: ["x"] }, () => undefined, undefined, 500).catch((e) => e);
      expect(err, String(after)).toBeInstanceOf(AgentBrokeError);
    }
  });

  it("a missing program is 127 with the shell's words; a failed chdir goes back to the fallback", async () => {
    const enoent = await make((sock) => sock.once("data", () => sock.end(frame("F", u32s(2, 2)))));
    const { out, sink } = collect();
    await expect(runOnAgent(enoent.path, { argv: ["nope"] }, sink, undefined, 500)).resolves.toEqual({ exitCode: 127 });
    expect(out.stderr).toBe("nope: command not found\n");
    const cwd = await make((sock) => sock.once("data", () => sock.end(frame("F", u32s(1, 2)))));
    const err = await runOnAgent(cwd.path, { argv: ["x"] }, () => undefined, undefined, 500).catch((e) => e);
    expect((err as AgentUnavailableError).reason).toBe("cwd");
  });

  it("a direct stdin goes as bare bytes ended by a half-close; to an agent that answers a 4-byte start, in frames", async () => {
    const body = Buffer.alloc(200_000, 120);
    const spec = () => ({ argv: ["w"], stdin: Readable.from([body.subarray(0, 70_000), body.subarray(70_000)]), stdinDirect: true });
    const direct = await make(
      (sock) => {
        sock.once("data", () => sock.write(frame("P", u32s(7, 1))));
        // Only our half-close ends it: the answer is written after the client's end.
        sock.once("end", () => sock.end(frame("X", u32s(0, 0))));
      },
      undefined,
      true,
    );
    await expect(runOnAgent(direct.path, spec(), () => undefined, undefined, 500)).resolves.toEqual({ exitCode: 0 });
    const sent = direct.received[0]!;
    const spawnLen = 5 + sent.readUInt32BE(1);
    expect(sent.readUInt32BE(5 + 8) & 3).toBe(3);
    expect(sent.subarray(spawnLen).equals(body)).toBe(true);

    let framedBytes = Buffer.alloc(0);
    const older = await make((sock) => {
      let n = 0;
      sock.on("data", (d: Buffer) => {
        if (n++ === 0) return void sock.write(frame("P", u32s(7)));
        framedBytes = Buffer.concat([framedBytes, d]);
        if (framedBytes.subarray(-5).equals(frame("i"))) sock.end(frame("X", u32s(0, 0)));
      });
    });
    await expect(runOnAgent(older.path, spec(), () => undefined, undefined, 500)).resolves.toEqual({ exitCode: 0 });
    const payloads: Buffer[] = [];
    for (let off = 0; off < framedBytes.length - 5; ) {
      const len = framedBytes.readUInt32BE(off + 1);
      expect(String.fromCharCode(framedBytes[off]!)).toBe("I");
      payloads.push(framedBytes.subarray(off + 5, off + 5 + len));
      off += 5 + len;
    }
    expect(Buffer.concat(payloads).equals(body)).toBe(true);
  });

  it("holds the agent back while the sink is busy, and hangs up on abort", async () => {
    let wrote = 0;
    const a = await make((sock) =>
      sock.once("data", () => {
        sock.write(frame("P", u32s(7)));
        const chunk = frame("o", Buffer.alloc(65536));
        const pump = () => {
          while (wrote < 2000 && sock.write(chunk)) wrote++;
          if (wrote < 2000) sock.once("drain", pump);
        };
        pump();
      }),
    );
    const ac = new AbortController();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let got = 0;
    const run = runOnAgent(a.path, { argv: ["x"] }, (_s, c) => { got += c.length; return gate; }, ac.signal, 500);
    await new Promise((r) => setTimeout(r, 300));
    // Without backpressure all 125 MiB would be written by now; with it, a few socket buffers' worth.
    expect(wrote).toBeLessThan(200);
    expect(got).toBeLessThan(10 * 65536);
    ac.abort(new Error("client went away"));
    await expect(run).rejects.toThrow("client went away");
    release();
  });
});
