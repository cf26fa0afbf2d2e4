import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestServer } from "./fixture.js";
import { makeNetns, waitForOutput, type TestNetns } from "./netns.js";
import { engineAvailable } from "./support.js";

const PORT = 8080;

/** A seed repository with main and a feature branch, served bare under public/ and private/. */
function makeRepos(root: string) {
  const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, stdio: "pipe" });
  const seed = join(root, "seed");
  execFileSync("mkdir", ["-p", seed, join(root, "srv", "public"), join(root, "srv", "private")]);
  git(seed, "init", "-q", "-b", "main");
  git(seed, "-c", "user.email=t@example.test", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-m", "first");
  execFileSync("sh", ["-c", "echo on-main > README && git add README && git -c user.email=t@example.test -c user.name=t commit -q -m readme"], { cwd: seed });
  git(seed, "checkout", "-q", "-b", "feature/x");
  execFileSync("sh", ["-c", "echo on-feature > FEATURE && git add FEATURE && git -c user.email=t@example.test -c user.name=t commit -q -m feature"], { cwd: seed });
  git(seed, "checkout", "-q", "main");
  git(root, "clone", "-q", "--bare", seed, join(root, "srv", "public", "app.git"));
  git(root, "clone", "-q", "--bare", seed, join(root, "srv", "private", "app.git"));
}

describe.skipIf(!engineAvailable)("repositories at create, from a git server the test runs", () => {
  let ns: TestNetns;
  let dir: string;
  let base: string;
  const logs: string[] = [];
  const token = `ghp_${randomBytes(18).toString("hex")}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "clawdspace-git-"));
    makeRepos(dir);
    ns = makeNetns("git");
    const server = ns.spawn(["/usr/bin/python3", join(__dirname, "fixtures", "git-http-server.py"), join(dir, "srv"), ns.ip, String(PORT)], { TOKEN: token });
    server.stderr?.on("data", () => undefined);
    await waitForOutput(server, /listening/);
    base = `http://${ns.ip}:${PORT}`;
  });
  afterAll(async () => {
    ns?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const stream = new Writable({
    write(chunk, _enc, cb) {
      logs.push(chunk.toString());
      cb();
    },
  });
  // after the git server's hooks: started once it serves, closed before it goes
  const s = useTestServer({ logStream: stream, env: { REPO_TOKEN_ALLOW_HTTP: "true" } });

  it("clones a public repository's branch into the template's folder", async () => {
    await s.client.putTemplate({ name: "t-repo", workspace: { defaultRepoDest: "code" }, network: { mode: "lan" } });
    const name = s.spaceName("pub");
    const res = await s.post("/api/spaces", { name, template: "t-repo", memory: "256m", repoUrl: `${base}/public/app.git`, repoBranch: "feature/x" });
    expect(res.status, await res.clone().text()).toBe(201);
    const out = await s.client.exec(name, { command: "cd /workspace/code && git branch --show-current && cat README FEATURE && stat -c %u .git" });
    expect(out.stdout).toBe("feature/x\non-main\non-feature\n1001\n");
    await s.removeSpace(name);
  });

  it("clones a private one with a token that is then found nowhere", async () => {
    const name = s.spaceName("priv");
    const res = await s.post("/api/spaces", { name, memory: "256m", network: "lan", repoUrl: `${base}/private/app.git`, repoToken: token });
    expect(res.status, await res.clone().text()).toBe(201);
    expect((await s.client.exec(name, { command: "cat /workspace/app/README" })).stdout).toBe("on-main\n");

    // the space: repository config, the whole volume, the home folder, every process's environment
    const config = await s.client.exec(name, { command: ["cat", "/workspace/app/.git/config"] });
    expect(config.stdout).toContain(`url = ${base}/private/app.git`);
    expect(config.stdout).not.toMatch(/extraheader|credential|helper|ghp_/i);
    // The probe gets the token base64-encoded, so the only copy it searches for is the one it decodes.
    const search = await s.client.exec(name, {
      command: [
        "sh",
        "-c",
        'T="$(printf %s "$1" | base64 -d)"; grep -rl -- "$T" /workspace /home/sandbox /tmp 2>/dev/null; cat /proc/[0-9]*/environ 2>/dev/null | tr "\\0" "\\n" | grep -c -- "$T"; exit 0',
        "sh",
        Buffer.from(token).toString("base64"),
      ],
    });
    expect(search.stdout).toBe("0\n");

    // the engine: container config, environment and every exec it remembers
    const info = await s.docker.getContainer(`clawdspace-${name}`).inspect();
    expect(JSON.stringify(info)).not.toContain(token);
    for (const id of info.ExecIDs ?? []) expect(JSON.stringify(await s.docker.getExec(id).inspect())).not.toContain(token);
    // the audit log, the server's logs and the API's answers
    expect(JSON.stringify(s.deps.audit.query({ limit: 1000 }))).not.toContain(token);
    expect(logs.join("")).toContain("space created");
    expect(logs.join("")).not.toContain(token);
    expect(JSON.stringify(await s.client.getSpace(name))).not.toContain(token);
    await s.removeSpace(name);
  });

  it("a wrong token or a missing branch fails the create and removes the container and the volume", async () => {
    for (const body of [
      { repoUrl: `${base}/private/app.git`, repoToken: `ghp_${randomBytes(8).toString("hex")}` },
      { repoUrl: `${base}/private/app.git` },
      { repoUrl: `${base}/public/app.git`, repoBranch: "no-such-branch" },
    ]) {
      const name = s.spaceName("fail");
      const res = await s.post("/api/spaces", { name, memory: "256m", network: "lan", ...body });
      const answer = (await res.json()) as { code: string; error: string };
      expect(res.status, JSON.stringify(answer)).toBe(400);
      expect(answer.code).toBe("REPO_CLONE_FAILED");
      expect(answer.error).not.toContain(token);
      await expect(s.docker.getContainer(`clawdspace-${name}`).inspect()).rejects.toMatchObject({ statusCode: 404 });
      await expect(s.docker.getVolume(`clawdspace-vol-${name}`).inspect()).rejects.toMatchObject({ statusCode: 404 });
    }
  });

  it("is refused for network none before anything is made", async () => {
    const name = s.spaceName("none");
    const res = await s.post("/api/spaces", { name, template: "offline", repoUrl: `${base}/public/app.git` });
    expect(res.status).toBe(400);
    await expect(s.docker.getContainer(`clawdspace-${name}`).inspect()).rejects.toMatchObject({ statusCode: 404 });
  });
});
