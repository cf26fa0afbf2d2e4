import { describe, expect, it } from "vitest";
import { MASK, isSecretName, maskArgv, maskDeep, maskString } from "../../src/core/mask.js";

const gh = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";

describe("maskString: token formats", () => {
  const cases: Array<[string, string]> = [
    ["github classic", gh],
    ["github oauth", "gho_16C7e42F292c6912E7710c838347Ae178B4a"],
    ["github user-to-server", "ghu_16C7e42F292c6912E7710c838347Ae178B4a"],
    ["github server", "ghs_16C7e42F292c6912E7710c838347Ae178B4a"],
    ["github refresh", "ghr_16C7e42F292c6912E7710c838347Ae178B4a"],
    ["github fine-grained", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789"],
    ["openai", "sk-abcdefghijklmnopqrstuvwxyz012345"],
    ["openai project", "sk-proj-abcdefghijklmnopqrstuvwxyz_0123-45"],
    ["anthropic", "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789"],
    ["aws", "AKIAIOSFODNN7EXAMPLE"],
    ["aws session", "ASIAIOSFODNN7EXAMPLE"],
    ["slack", "xoxb-123456789012-1234567890123-abcdefghij"],
    ["google", "AIzaSyA-abcdefghijklmnopqrstuvwxyz012345"],
    ["jwt", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"],
  ];
  for (const [label, token] of cases) {
    it(`masks a ${label} token anywhere in a command`, () => {
      const out = maskString(`curl -s https://x.test/api?q=1 "${token}" && echo done`);
      expect(out).not.toContain(token);
      expect(out).toContain(MASK);
      expect(out).toContain("echo done");
    });
  }

  it("masks bearer and basic credentials but keeps the scheme word", () => {
    expect(maskString("curl -H 'Authorization: Bearer abc.def-ghi'")).not.toContain("abc.def-ghi");
    expect(maskString("Bearer abc.def-ghi")).toBe(`Bearer ${MASK}`);
    expect(maskString("Basic dXNlcjpwYXNz")).toBe(`Basic ${MASK}`);
  });

  it("masks URL passwords and keeps the user and host", () => {
    const out = maskString("git clone https://alice:hunter2@example.test/repo.git");
    expect(out).toBe(`git clone https://alice:${MASK}@example.test/repo.git`);
  });

  it("leaves URLs without userinfo alone", () => {
    expect(maskString("curl http://deb.debian.org:80/debian")).toBe("curl http://deb.debian.org:80/debian");
  });
});

describe("maskString: named values", () => {
  it.each([
    ["TOKEN=abc123", `TOKEN=${MASK}`],
    ["export GITHUB_TOKEN=abc123; make", `export GITHUB_TOKEN=${MASK}; make`],
    ["MY_SECRET='two words' run", `MY_SECRET=${MASK} run`],
    ['DB_PASSWORD="p a s s" run', `DB_PASSWORD=${MASK} run`],
    ["passwd=x", `passwd=${MASK}`],
    ["AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG", `AWS_SECRET_ACCESS_KEY=${MASK}`],
    ["api_key=1 && ls", `api_key=${MASK} && ls`],
    ["GOOGLE_APPLICATION_CREDENTIALS=x", `GOOGLE_APPLICATION_CREDENTIALS=${MASK}`],
    ["NPM_AUTH=x", `NPM_AUTH=${MASK}`],
    ["tool --token abc123 --verbose", `tool --token ${MASK} --verbose`],
    ["tool --api-key=abc123", `tool --api-key=${MASK}`],
    ["tool --password hunter2", `tool --password ${MASK}`],
    ["password: hunter2", `password: ${MASK}`],
    ['{"apiKey": "abc"}', `{"apiKey": ${MASK}}`],
    ["X-Api-Key: abc", `X-Api-Key: ${MASK}`],
  ])("%s", (input, expected) => {
    expect(maskString(input)).toBe(expected);
  });

  it("is case-insensitive in names", () => {
    expect(maskString("Token=abc")).toBe(`Token=${MASK}`);
    expect(maskString("db_Password=abc")).toBe(`db_Password=${MASK}`);
  });

  it("leaves ordinary commands untouched", () => {
    for (const cmd of ["ls -la /workspace", "echo hello world", "npm install left-pad", "git status", "python3 -c 'print(1+1)'", "A=1 B=2 env"]) {
      expect(maskString(cmd)).toBe(cmd);
    }
  });

  it("is idempotent", () => {
    const once = maskString(`TOKEN=${gh} curl -H "Authorization: Bearer ${gh}"`);
    expect(maskString(once)).toBe(once);
    expect(once).not.toContain(gh);
  });
});

describe("maskArgv", () => {
  it("masks the word after a secret flag", () => {
    expect(maskArgv(["gh", "auth", "login", "--with-token", "abc"])).toEqual(["gh", "auth", "login", "--with-token", MASK]);
    expect(maskArgv(["mysql", "--password", "hunter2", "db"])).toEqual(["mysql", "--password", MASK, "db"]);
  });
  it("leaves flags that are followed by another flag", () => {
    expect(maskArgv(["tool", "--token", "--verbose"])).toEqual(["tool", "--token", "--verbose"]);
  });
  it("masks each word as a string too", () => {
    expect(maskArgv(["env", `GH_TOKEN=${gh}`, "bash", "-lc", `echo ${gh}`])).toEqual(["env", `GH_TOKEN=${MASK}`, "bash", "-lc", `echo ${MASK}`]);
  });
});

describe("maskDeep", () => {
  it("walks objects and arrays, masking strings and secret-named keys, without touching the input", () => {
    const input = { command: `TOKEN=abc ${gh}`, nested: { list: [{ password: "hunter2" }, 3, null] }, apiKey: "plain", requestId: "r-1", size: 10 };
    const out = maskDeep(input);
    expect(out).toEqual({ command: `TOKEN=${MASK} ${MASK}`, nested: { list: [{ password: MASK }, 3, null] }, apiKey: MASK, requestId: "r-1", size: 10 });
    expect(input.command).toContain(gh);
  });
  it("masks an error's message and stack", () => {
    const e = maskDeep(new Error(`failed with ${gh}`));
    expect(e.message).not.toContain(gh);
    expect(e.stack).not.toContain(gh);
  });
});

describe("isSecretName", () => {
  it.each(["GITHUB_TOKEN", "password", "--api-key", "AWS_SECRET_ACCESS_KEY", "Authorization", "x-auth"])("%s is secret", (n) => expect(isSecretName(n)).toBe(true));
  it.each(["PATH", "HOME", "LANG", "cwd", "exitCode"])("%s is not", (n) => expect(isSecretName(n)).toBe(false));
});
