import request from "supertest";
import { describe, expect, it } from "vitest";
import { ROUTES } from "../../src/system/openapiSpec.js";
import { createSpace, KEY, makeApp } from "./helpers.js";

/** A small deterministic generator: the same seed gives the same run, so a failure can be replayed. */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const STRINGS = ["", " ", "..", "../../etc/passwd", "/", "%00", "\u0000", "a".repeat(5000), "é€😀", "-rf", "$(id)", "`id`", "null", "true", "1e999", "-1", "0x10", "tsk_0000000000000000", "s1", "<script>", "\\", "\r\n", "*"];
const SCALARS: unknown[] = [null, true, false, 0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, ...STRINGS];

function value(r: () => number, depth = 0): unknown {
  const pick = r();
  if (depth > 3 || pick < 0.55) return SCALARS[Math.floor(r() * SCALARS.length)];
  if (pick < 0.75) return Array.from({ length: Math.floor(r() * 4) }, () => value(r, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = 0; i < Math.floor(r() * 4); i++) o[STRINGS[Math.floor(r() * STRINGS.length)]!] = value(r, depth + 1);
  return o;
}

/** Bodies near the route's schema (its field names with wrong or odd values) and far from it. */
function bodies(r: () => number, fields: string[]): unknown[] {
  const out: unknown[] = [null, [], "text", 42, {}, { __proto__: { admin: true } }, JSON.parse('{"constructor":{"prototype":{"x":1}}}')];
  for (let i = 0; i < 12; i++) {
    const o: Record<string, unknown> = {};
    for (const f of fields) if (r() < 0.7) o[f] = value(r);
    if (r() < 0.2) o[STRINGS[Math.floor(r() * STRINGS.length)]!] = value(r);
    out.push(o);
  }
  return out;
}

const fieldsOf = (schema: unknown): string[] => {
  const shape = (schema as { shape?: Record<string, unknown>; _zod?: { def?: { shape?: Record<string, unknown> } } })?.shape;
  return shape ? Object.keys(shape) : [];
};

describe("hostile: a fuzz pass over every documented route", () => {
  it("no bad body, query or path value gets a 500 or an answer that is not a JSON error", async () => {
    const t = makeApp();
    await createSpace(t, "s1");
    const r = rng(20261203);
    const seen: string[] = [];
    // Deletes last, so the space the others poke at is there for them.
    for (const route of [...ROUTES].sort((a, b) => Number(a.method === "delete") - Number(b.method === "delete"))) {
      if (route.rawResponse === "text/event-stream" || route.public) continue;
      const names = ["s1", "nope", "..", "a".repeat(70), "%2e%2e", "s1%00"];
      const ids = ["tsk_0000000000000000", "x", "../x", "%00"];
      for (let i = 0; i < 6; i++) {
        const path = route.path.replace(":name", names[i % names.length]!).replace(":id", ids[i % ids.length]!);
        const query = Object.fromEntries([...fieldsOf(route.query), "offset", "path", "limit"].filter(() => r() < 0.6).map((k) => [k, String(value(r))]));
        for (const body of route.method === "get" || route.method === "delete" ? [undefined] : bodies(r, fieldsOf(route.body)).slice(0, 4 + (i % 3) * 4)) {
          let req = (request(t.app) as unknown as Record<string, (p: string) => request.Test>)[route.method]!(path).query(query).set("Authorization", `Bearer ${KEY}`);
          if (body !== undefined) req = req.set("Content-Type", "application/json").send(JSON.stringify(body));
          const res = await req.timeout(10_000);
          const what = `${route.method.toUpperCase()} ${path} ?${JSON.stringify(query)} ${JSON.stringify(body)?.slice(0, 200)} -> ${res.status} ${res.text.slice(0, 200)}`;
          seen.push(what);
          expect(res.status, what).toBeLessThan(500);
          if (res.status >= 400) {
            expect(res.headers["content-type"] ?? "", what).toMatch(/application\/json/);
            expect(typeof res.body.error, what).toBe("string");
            expect(typeof res.body.code, what).toBe("string");
          }
        }
      }
    }
    // The server still serves: a new space is made and read back.
    await createSpace(t, "after");
    expect((await t.api.get("/api/spaces/after")).status).toBe(200);
    expect(seen.length).toBeGreaterThan(ROUTES.length * 6);
    // Some got through to the handlers (not everything bounced off the parsers).
    expect(seen.filter((w) => / -> 2\d\d /.test(w)).length).toBeGreaterThan(20);
  }, 120_000);
});
