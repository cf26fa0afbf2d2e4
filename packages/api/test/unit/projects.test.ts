import { Readable } from "node:stream";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { formatBundleHeader } from "@clawdspace/shared";
import { byteLimit, importTargets, readBundleHeader } from "../../src/projects/bundleIntake.js";
import { KEY, createSpace, expectError, makeApp, type TestApp } from "./helpers.js";

const A = "a".repeat(40);
const B = "b".repeat(40);
const C = "c".repeat(40);
const header = (refs: Array<[string, string]>, prerequisites: string[] = []) => formatBundleHeader({ objectFormat: "sha1", prerequisites, refs: refs.map(([oid, name]) => ({ oid, name })) });

/** Which project script a fake exec was asked to run (its text names the step). */
const step = (argv: string[]) => (argv[2]?.includes("index-pack") ? "receive" : argv[2]?.includes("git init") ? "prepare" : argv[2]?.includes("checkout-index") ? "checkout" : argv[2]?.includes("pack-objects") ? "bundle" : argv[2]?.includes("git log") ? "diff" : "other");

async function setup(): Promise<TestApp> {
  const t = makeApp();
  await createSpace(t, "s1");
  return t;
}

const put = (t: TestApp, body: Buffer | string, type = "application/x-git-bundle", q = "") =>
  request(t.app).put(`/api/spaces/s1/project${q}`).set("Authorization", `Bearer ${KEY}`).set("content-type", type).send(Buffer.from(body));

describe("bundle intake", () => {
  it("reads the header off a stream and leaves the pack that follows in it, however it is chunked", async () => {
    const bytes = Buffer.concat([Buffer.from(header([[A, "HEAD"]])), Buffer.from("PACKdata")]);
    const chunks = Array.from(bytes).map((b) => Buffer.from([b]));
    const input = Readable.from(chunks, { objectMode: false });
    const h = await readBundleHeader(input);
    expect(h.refs).toEqual([{ oid: A, name: "HEAD" }]);
    const rest: Buffer[] = [];
    for await (const c of input) rest.push(c as Buffer);
    expect(Buffer.concat(rest).toString()).toBe("PACKdata");
  });

  it("refuses a stream with no header end within the limit, and one that ends inside the header", async () => {
    await expect(readBundleHeader(Readable.from([Buffer.from(`# v2 git bundle\n${"x".repeat(200)}`)]), 100)).rejects.toThrow(/within 100 bytes/);
    await expect(readBundleHeader(Readable.from([Buffer.from("# v2 git bundle\n")]))).rejects.toThrow(/ended inside/);
  });

  it("picks HEAD, else the one branch, and defaults the staged and working states to it", () => {
    const parse = (refs: Array<[string, string]>, pre: string[] = []) => importTargets({ version: 2, objectFormat: "sha1", prerequisites: pre, refs: refs.map(([oid, name]) => ({ oid, name })) });
    expect(parse([[A, "HEAD"], [B, "refs/clawdspace/index"], [C, "refs/clawdspace/worktree"]])).toEqual({ base: A, index: B, worktree: C });
    expect(parse([[A, "refs/heads/main"]])).toEqual({ base: A, index: A, worktree: A });
    expect(parse([[A, "HEAD"], [B, "refs/clawdspace/index"]])).toEqual({ base: A, index: B, worktree: B });
    expect(() => parse([[A, "refs/heads/main"], [B, "refs/heads/dev"]])).toThrow(/HEAD/);
    expect(() => parse([[A, "HEAD"]], [B])).toThrow(/prerequisites/);
  });

  it("counts bytes through and fails past the limit", async () => {
    const limit = byteLimit(5);
    const out: Buffer[] = [];
    limit.on("data", (c: Buffer) => out.push(c));
    const failed = new Promise((r) => limit.on("error", r));
    limit.write(Buffer.from("abc"));
    limit.write(Buffer.from("def"));
    expect(((await failed) as Error).message).toMatch(/limit of 5 bytes/);
    expect(Buffer.concat(out).toString()).toBe("abc");
  });
});

describe("project routes on the in-memory engine", () => {
  it("refuses what is not a bundle or a tar before anything runs in the space", async () => {
    const t = await setup();
    const before = t.fake.execLog.length;
    expectError(await put(t, "hello\n\n"), 400, "VALIDATION_FAILED");
    expectError(await put(t, header([[A, "HEAD"]]), "text/plain"), 415, "UNSUPPORTED_MEDIA_TYPE");
    expectError(await put(t, header([[A, "HEAD"]]), "application/x-git-bundle", "?branch=a..b"), 400, "VALIDATION_FAILED");
    expectError(await put(t, header([[A, "HEAD"]]), "application/x-tar", "?branch=x"), 400, "VALIDATION_FAILED");
    expect(t.fake.execLog.length).toBe(before);
    expectError(await request(t.app).put("/api/spaces/nope/project").set("Authorization", `Bearer ${KEY}`).set("content-type", "application/x-git-bundle").send(Buffer.from(header([[A, "HEAD"]]))), 404, "SPACE_NOT_FOUND");
  });

  it("runs prepare, receive and checkout as the space's user under the fixed git environment, then audits", async () => {
    const t = await setup();
    const before = t.fake.execLog.length;
    const res = await put(t, Buffer.concat([Buffer.from(header([[A, "HEAD"], [B, "refs/clawdspace/index"], [C, "refs/clawdspace/worktree"]])), Buffer.from("PACK")]));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.project).toMatchObject({ kind: "git", branch: "space/s1", base: A, index: B, worktree: C });
    const runs = t.fake.execLog.slice(before);
    expect(runs.map((r) => step(r.spec.argv))).toEqual(["prepare", "receive", "checkout"]);
    expect(runs.every((r) => r.spec.user === "1001:1001" && r.spec.env?.GIT_CONFIG_VALUE_1 === "/dev/null" && r.spec.env?.PATH?.startsWith("/usr/local/sbin"))).toBe(true);
    expect(runs[2]!.spec.argv.slice(-4)).toEqual(["space/s1", A, B, C]);
    const audit = await t.api.get("/api/audit?type=space.project.import");
    expect(audit.body.events[0].meta).toMatchObject({ kind: "git", base: A });
  });

  it("maps the scripts' exit codes: a non-empty workspace is 409, no project is 404", async () => {
    const t = await setup();
    t.fake.execHandler = (_s, spec) => (step(spec.argv) === "prepare" ? { exitCode: 94, stderr: "/workspace is not empty" } : step(spec.argv) === "diff" ? { exitCode: 91, stderr: "no project" } : { exitCode: 0 });
    const res = await put(t, header([[A, "HEAD"]]));
    expectError(res, 409, "PROJECT_CONFLICT");
    expect(res.body.error).toContain("not empty");
    expectError(await t.api.get("/api/spaces/s1/project/diff"), 404, "NOT_FOUND");
  });

  it("streams the diff as text", async () => {
    const t = await setup();
    t.fake.execHandler = () => ({ stdout: "# commits since the base\n+line\n", exitCode: 0 });
    const res = await t.api.get("/api/spaces/s1/project/diff?stat=1");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/text\/plain/);
    expect(res.text).toBe("# commits since the base\n+line\n");
    expect(t.fake.execLog.at(-1)!.spec.argv.at(-1)).toBe("stat");
  });
});
