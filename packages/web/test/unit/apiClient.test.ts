import { afterEach, describe, expect, it, vi } from "vitest";
import { checkKey, keyStore, onUnauthorized } from "../../src/api/client";
import { fileActions } from "../../src/api/queries/files";
import { spacesQuery } from "../../src/api/queries/spaces";

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

afterEach(() => {
  vi.unstubAllGlobals();
  localStorage.clear();
});

describe("the dashboard's client", () => {
  it("sends the key stored at the time of each request, and a 401 signs the person out, but not while a key is checked", async () => {
    const seen: Array<string | null> = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (_url: string, init: RequestInit) => {
        seen.push(new Headers(init.headers).get("authorization"));
        return json(401, { error: "Missing or invalid API key", code: "UNAUTHORIZED" });
      }),
    );
    let signedOut = 0;
    const off = onUnauthorized(() => signedOut++);
    keyStore.set("old");
    await expect(spacesQuery().queryFn()).rejects.toMatchObject({ status: 401, code: "UNAUTHORIZED" });
    keyStore.set("new");
    await expect(spacesQuery().queryFn()).rejects.toMatchObject({ status: 401 });
    expect(signedOut).toBe(2);
    await expect(checkKey("candidate")).rejects.toMatchObject({ status: 401 });
    expect(signedOut).toBe(2);
    expect(seen).toEqual(["Bearer old", "Bearer new", "Bearer candidate"]);
    off();
  });

  it("writes a file as raw bytes to the file route", async () => {
    const calls: Array<{ url: string; init: RequestInit }> = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string, init: RequestInit) => {
        calls.push({ url, init });
        return json(200, { message: "written", path: "/n.txt", bytes: 2 });
      }),
    );
    await fileActions.write("dev", "/dir/n.txt", "hé");
    expect(calls[0]!.url).toBe("/api/spaces/dev/file?path=%2Fdir%2Fn.txt");
    expect(calls[0]!.init.method).toBe("PUT");
    expect(new Headers(calls[0]!.init.headers).get("content-type")).toBe("application/octet-stream");
    const body = calls[0]!.init.body as Blob;
    expect(new Uint8Array(await body.arrayBuffer())).toEqual(new TextEncoder().encode("hé"));
  });
});
