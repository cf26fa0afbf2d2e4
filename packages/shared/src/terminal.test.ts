import { describe, expect, it } from "vitest";
import { TerminalClientMessageSchema, TerminalQuerySchema, TerminalServerMessageSchema } from "./schemas/terminal.js";

describe("terminal wire schemas", () => {
  it("parse the query with defaults and coercion", () => {
    expect(TerminalQuerySchema.parse({ session: "abc_1-2", since: "42" })).toEqual({ session: "abc_1-2", since: 42, mode: "interactive", kind: "shell" });
    expect(TerminalQuerySchema.parse({ kind: "claude", resume: "last" })).toMatchObject({ kind: "claude", resume: "last" });
    expect(TerminalQuerySchema.safeParse({ kind: "python" }).success).toBe(false);
    expect(TerminalQuerySchema.safeParse({ kind: "claude", resume: "../x" }).success).toBe(false);
    expect(TerminalQuerySchema.safeParse({ since: "-1" }).success).toBe(false);
    expect(TerminalQuerySchema.safeParse({ session: "../x" }).success).toBe(false);
    expect(TerminalQuerySchema.safeParse({ mode: "admin" }).success).toBe(false);
  });

  it("know the client's and the server's messages", () => {
    expect(TerminalClientMessageSchema.parse({ type: "resize", cols: 80, rows: 24 })).toEqual({ type: "resize", cols: 80, rows: 24 });
    expect(TerminalClientMessageSchema.safeParse({ type: "resize", cols: "80" }).success).toBe(false);
    expect(TerminalClientMessageSchema.safeParse({ type: "shell" }).success).toBe(false);
    expect(TerminalServerMessageSchema.parse({ type: "status", state: "gap", missed: 10 })).toMatchObject({ missed: 10 });
    expect(TerminalServerMessageSchema.safeParse({ type: "status", state: "melting" }).success).toBe(false);
  });
});
