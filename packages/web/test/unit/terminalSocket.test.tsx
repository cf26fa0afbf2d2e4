import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, cleanup, renderHook, waitFor } from "@testing-library/react";
import type { Terminal } from "@xterm/xterm";
import type { ReactNode } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { sessionStore } from "../../src/pages/space/terminalSession";
import { useTerminalSocket } from "../../src/pages/space/useTerminalSocket";

/** A socket in memory: the test plays the server's side. */
class FakeSocket {
  static OPEN = 1;
  static all: FakeSocket[] = [];
  readyState = 1;
  binaryType = "blob";
  sent: Array<string | Uint8Array> = [];
  onmessage: ((m: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(frame: string | Uint8Array) {
    this.sent.push(frame);
  }
  close() {
    this.readyState = 3;
    this.onclose?.();
  }
  serverSays(msg: object) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
  serverWrites(text: string) {
    this.onmessage?.({ data: new TextEncoder().encode(text).buffer });
  }
}

/** The part of xterm the socket uses: it writes output and clears the screen for another session. */
function fakeTerminal() {
  const t = { cols: 80, rows: 24, written: [] as string[], resets: 0, write: (d: string | Uint8Array) => t.written.push(typeof d === "string" ? d : new TextDecoder().decode(d)), reset: () => t.resets++ };
  return t;
}

const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
const params = (s: FakeSocket) => Object.fromEntries(new URL(s.url).searchParams);

beforeEach(() => {
  FakeSocket.all = [];
  vi.stubGlobal("WebSocket", FakeSocket);
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string) =>
      url.endsWith("/terminal/ticket") ? json({ ticket: `t${FakeSocket.all.length}`, expiresAt: "", path: "" }) : json({ terminals: [{ id: "s1" }, { id: "s9" }] }),
    ),
  );
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  sessionStorage.clear();
});

describe("the terminal's socket", () => {
  it("keeps one terminal across a reconnect and a switch of session, resuming from the offset shown", async () => {
    const term = fakeTerminal();
    const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={new QueryClient()}>{children}</QueryClientProvider>;
    const { result } = renderHook(() => useTerminalSocket("dev", term as unknown as Terminal), { wrapper });

    await waitFor(() => expect(FakeSocket.all).toHaveLength(1));
    const first = FakeSocket.all[0]!;
    expect(params(first)).toEqual({ ticket: "t0", cols: "80", rows: "24" });
    act(() => {
      first.serverSays({ type: "session", id: "s1", offset: 0, mode: "interactive", created: true });
      first.serverWrites("hello");
    });
    expect(result.current.status).toBe("connected");
    expect(term.written).toEqual(["hello"]);
    expect(sessionStore.get("dev")).toEqual({ id: "s1", offset: 5 });
    result.current.send("typed");
    expect(first.sent).toEqual(["typed"]);
    act(() => first.serverSays({ type: "status", state: "paused" }));
    expect(result.current.status).toBe("paused");

    // The server drops the socket: a new one resumes the same session after what was shown.
    act(() => first.close());
    expect(result.current.status).toBe("reconnecting");
    await waitFor(() => expect(FakeSocket.all).toHaveLength(2), { timeout: 3000 });
    expect(params(FakeSocket.all[1]!)).toMatchObject({ session: "s1", since: "5" });
    expect(term.resets).toBe(1);

    // Watching another session: the socket changes, the terminal is the same one, cleared.
    act(() => result.current.switchTo({ session: { id: "s9", offset: -1 }, view: true }));
    await waitFor(() => expect(FakeSocket.all).toHaveLength(3));
    const watch = FakeSocket.all[2]!;
    expect(FakeSocket.all[1]!.readyState).toBe(3);
    expect(params(watch)).toMatchObject({ session: "s9", mode: "view" });
    expect(params(watch)).not.toHaveProperty("since");
    expect(term.resets).toBe(2);
    act(() => watch.serverSays({ type: "session", id: "s9", offset: 0, mode: "view", created: false }));
    expect(result.current.view).toBe(true);
    result.current.send("ignored");
    expect(watch.sent).toEqual([]);
    // watching never takes over the tab's own session
    expect(sessionStore.get("dev")).toEqual({ id: "s1", offset: 5 });
  });

  it("starts a Claude session when asked, and stops retrying when the space has no Claude Code", async () => {
    const term = fakeTerminal();
    const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={new QueryClient()}>{children}</QueryClientProvider>;
    const { result } = renderHook(() => useTerminalSocket("dev", term as unknown as Terminal), { wrapper });
    await waitFor(() => expect(FakeSocket.all).toHaveLength(1));

    act(() => result.current.switchTo({ view: false, kind: "claude" }));
    await waitFor(() => expect(FakeSocket.all).toHaveLength(2));
    const claude = FakeSocket.all[1]!;
    expect(params(claude)).toMatchObject({ kind: "claude" });
    expect(params(claude)).not.toHaveProperty("session");
    act(() => {
      claude.serverSays({ type: "error", error: "This space's image has no Claude Code.", code: "AGENT_UNSUPPORTED" });
      claude.close();
    });
    expect(result.current.status).toBe("failed");
    expect(result.current.error).toEqual({ message: "This space's image has no Claude Code.", code: "AGENT_UNSUPPORTED" });
    await new Promise((r) => setTimeout(r, 1500));
    expect(FakeSocket.all).toHaveLength(2);

    // A new shell is still one click away, and asks for no kind.
    act(() => result.current.switchTo({ view: false }));
    await waitFor(() => expect(FakeSocket.all).toHaveLength(3));
    expect(params(FakeSocket.all[2]!)).not.toHaveProperty("kind");
    expect(result.current.error).toBeNull();
  });

  it("takes a Claude session closed before it began as refused (a 409 upgrade), not as a drop to retry", async () => {
    const term = fakeTerminal();
    const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={new QueryClient()}>{children}</QueryClientProvider>;
    const { result } = renderHook(() => useTerminalSocket("dev", term as unknown as Terminal), { wrapper });
    await waitFor(() => expect(FakeSocket.all).toHaveLength(1));
    act(() => result.current.switchTo({ view: false, kind: "claude" }));
    await waitFor(() => expect(FakeSocket.all).toHaveLength(2));
    act(() => FakeSocket.all[1]!.close());
    expect(result.current.status).toBe("failed");
    expect(result.current.error?.code).toBe("AGENT_UNSUPPORTED");
    await new Promise((r) => setTimeout(r, 1500));
    expect(FakeSocket.all).toHaveLength(2);

    // Once a Claude session has begun, a drop is a drop: it reconnects to that session.
    act(() => result.current.switchTo({ view: false, kind: "claude" }));
    await waitFor(() => expect(FakeSocket.all).toHaveLength(3));
    act(() => {
      FakeSocket.all[2]!.serverSays({ type: "session", id: "s9", offset: 0, mode: "interactive", created: true });
      FakeSocket.all[2]!.close();
    });
    expect(result.current.status).toBe("reconnecting");
    await waitFor(() => expect(FakeSocket.all).toHaveLength(4), { timeout: 3000 });
    expect(params(FakeSocket.all[3]!)).toMatchObject({ session: "s9" });
    expect(params(FakeSocket.all[3]!)).not.toHaveProperty("kind");
  });
});
