import { describe, expect, it } from "vitest";
import type { ExecSpec } from "../../src/engine/ports/exec.js";
import { createSpace, expectError, issuePaths, makeApp, type TestApp } from "./helpers.js";

async function withTemplate(t: TestApp, body: Record<string, unknown>) {
  const res = await t.api.put("/api/templates", body);
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
}

const specOf = (t: TestApp, name: string) => t.fake.containers.get(name)!.spec;

describe("repositories at create", () => {
  const isClone = (s: ExecSpec) => s.argv.includes("clone");

  it("clones with argv as the space's user; the token travels only in the exec's environment", async () => {
    const t = makeApp();
    const token = `ghp_${Math.random().toString(36).slice(2)}`;
    await withTemplate(t, { name: "repo", workspace: { defaultRepoDest: "code" } });
    await createSpace(t, "r1", { template: "repo", repoUrl: "https://git.example.test/org/app.git", repoBranch: "feature/x", repoToken: token });
    const clone = t.fake.execLog.find((e) => isClone(e.spec))!.spec;
    expect(clone.user).toBe("1001:1001");
    expect(clone.argv.slice(-7)).toEqual(["clone", "--quiet", "--branch", "feature/x", "--", "https://git.example.test/org/app.git", "/workspace/code"]);
    expect(clone.argv.join(" ")).not.toContain(token);
    expect(clone.env!.CLAWDSPACE_GIT_TOKEN).toBe(token);
    expect(clone.env!.GIT_TERMINAL_PROMPT).toBe("0");
    expect(JSON.stringify(specOf(t, "r1"))).not.toContain(token);
    const events = JSON.stringify(t.deps.audit.query({ space: "r1", limit: 10 }));
    expect(events).not.toContain(token);
    expect(events).toContain("repoUrl");
  });

  it("repoDest defaults to the repository's name; the request's repoDest wins over the template", async () => {
    const t = makeApp();
    await createSpace(t, "r2", { repoUrl: "http://git.example.test/x/tool.git" });
    expect(t.fake.execLog.find((e) => isClone(e.spec))!.spec.argv.at(-1)).toBe("/workspace/tool");
    await withTemplate(t, { name: "repo", workspace: { defaultRepoDest: "code" } });
    await createSpace(t, "r3", { template: "repo", repoUrl: "http://git.example.test/x/tool.git", repoDest: "/workspace/other" });
    expect(t.fake.execLog.filter((e) => isClone(e.spec)).at(-1)!.spec.argv.at(-1)).toBe("/workspace/other");
  });

  it("a failed clone fails the create with REPO_CLONE_FAILED and removes what it made; the token is scrubbed", async () => {
    const t = makeApp();
    const token = `ghp_${Math.random().toString(36).slice(2)}`;
    t.fake.execHandler = (_s, spec) =>
      isClone(spec) ? { stderr: `fatal: Authentication failed for 'https://x:${token}@host/'\n`, exitCode: 128 } : { exitCode: 0 };
    const res = await t.api.post("/api/spaces", { name: "r4", repoUrl: "https://host/a/b.git", repoToken: token });
    expectError(res, 400, "REPO_CLONE_FAILED");
    expect(JSON.stringify(res.body)).not.toContain(token);
    expect(t.fake.containers.size + t.fake.volumes.size).toBe(0);
  });

  it("sends a token over plain http only when the operator allows it", async () => {
    const t = makeApp({ config: { repoTokenOverHttp: true } });
    await createSpace(t, "r6", { repoUrl: "http://git.lan.test/a/b.git", repoToken: "ghp_allowed" });
    expect(t.fake.execLog.find((e) => isClone(e.spec))!.spec.env!.CLAWDSPACE_GIT_PROTOCOL).toBe("http");
  });

  it.each([
    [{ repoUrl: "https://x/y.git", network: "none" }, "repoUrl"],
    [{ repoUrl: "https://x/y.git", template: "offline" }, "repoUrl"],
    [{ repoUrl: "https://user:pw@x/y.git" }, "repoUrl"],
    [{ repoUrl: "file:///etc" }, "repoUrl"],
    [{ repoUrl: "ext::sh -c touch% /tmp/pwned" }, "repoUrl"],
    [{ repoUrl: "-uhttps://x/y" }, "repoUrl"],
    [{ repoUrl: "https://x/y.git", repoBranch: "--upload-pack=evil" }, "repoBranch"],
    [{ repoUrl: "https://x/y.git", repoBranch: "a..b" }, "repoBranch"],
    [{ repoUrl: "https://x/y.git", repoDest: "../../etc" }, "repoDest"],
    [{ repoBranch: "main" }, "repoUrl"],
    [{ repoUrl: "https://x/y.git", repoToken: "has space" }, "repoToken"],
    [{ repoUrl: "http://x/y.git", repoToken: "ghp_over_plain_http" }, "repoToken"],
    [{ repoUrl: "HTTP://x/y.git", repoToken: "ghp_over_plain_http" }, "repoToken"],
  ])("refuses %j", async (body, path) => {
    const t = makeApp();
    const res = await t.api.post("/api/spaces", { name: "r5", ...body });
    expectError(res, 400, "VALIDATION_FAILED");
    expect(issuePaths(res)).toContain(path);
    expect(t.fake.containers.size + t.fake.volumes.size).toBe(0);
  });
});
