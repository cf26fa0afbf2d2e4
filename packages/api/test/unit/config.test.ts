import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

const base = { HOME: "/home/tester" };

function problem(env: Record<string, string>): ConfigError {
  try {
    loadConfig({ ...base, ...env });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe("loadConfig", () => {
  it("has the documented defaults", () => {
    const cfg = loadConfig({ ...base });
    expect(cfg.port).toBe(7777);
    expect(cfg.host).toBe("127.0.0.1");
    expect(cfg.image).toBe("clawdspace:latest");
    expect(cfg.authDisabled).toBe(false);
    expect(cfg.apiKey).toBeUndefined();
    expect(cfg.logLevel).toBe("info");
    expect(cfg.docker).toEqual({ socketPath: "/var/run/docker.sock" });
    expect(cfg.defaultMemory).toBe(2 * 1024 ** 3);
    expect(cfg.defaultCpus).toBe(1);
    expect(cfg.dataDir).toBe("/home/tester/.local/share/clawdspace");
    expect(cfg.extraLabels).toEqual({});
  });

  it("reads the variables it is given", () => {
    const cfg = loadConfig({ ...base, PORT: "8080", HOST: "127.0.0.1", API_KEY: "k", CLAWDSPACE_IMAGE: "mine:2", LOG_LEVEL: "debug", DEFAULT_MEMORY: "512m", CLAWDSPACE_LABELS: "team=blue, env=dev" });
    expect(cfg.port).toBe(8080);
    expect(cfg.host).toBe("127.0.0.1");
    expect(cfg.apiKey).toBe("k");
    expect(cfg.image).toBe("mine:2");
    expect(cfg.logLevel).toBe("debug");
    expect(cfg.defaultMemory).toBe(512 * 1024 ** 2);
    expect(cfg.extraLabels).toEqual({ team: "blue", env: "dev" });
  });

  it("an empty API_KEY is no key", () => {
    expect(loadConfig({ ...base, API_KEY: "  " }).apiKey).toBeUndefined();
  });

  it.each([["abc"], ["70000"], ["-1"], ["1.5"]])("PORT=%s is a ConfigError naming PORT", (v) => {
    const e = problem({ PORT: v });
    expect(e.message).toContain("PORT");
    expect(e.problems.some((p) => p.startsWith("PORT"))).toBe(true);
  });

  it("CLAWDSPACE_AUTH_DISABLED=true on 0.0.0.0 is refused", () => {
    const e = problem({ CLAWDSPACE_AUTH_DISABLED: "true", HOST: "0.0.0.0" });
    expect(e.message).toContain("CLAWDSPACE_AUTH_DISABLED");
  });

  it("CLAWDSPACE_AUTH_DISABLED=true is allowed on the default HOST, which is loopback", () => {
    expect(loadConfig({ CLAWDSPACE_AUTH_DISABLED: "true" }).authDisabled).toBe(true);
  });

  it.each([["127.0.0.1"], ["localhost"], ["::1"]])("CLAWDSPACE_AUTH_DISABLED=true on %s is allowed", (host) => {
    const cfg = loadConfig({ ...base, CLAWDSPACE_AUTH_DISABLED: "true", HOST: host });
    expect(cfg.authDisabled).toBe(true);
    expect(cfg.host).toBe(host);
  });

  it("CLAWDSPACE_AUTH_DISABLED=maybe names the variable", () => {
    expect(problem({ CLAWDSPACE_AUTH_DISABLED: "maybe", HOST: "127.0.0.1" }).message).toContain("CLAWDSPACE_AUTH_DISABLED");
  });

  it("parses DOCKER_HOST tcp:// and unix://", () => {
    expect(loadConfig({ ...base, DOCKER_HOST: "tcp://h:2375" }).docker).toEqual({ host: "h", port: 2375, protocol: "http" });
    expect(loadConfig({ ...base, DOCKER_HOST: "https://docker.example:2376" }).docker).toEqual({ host: "docker.example", port: 2376, protocol: "https" });
    expect(loadConfig({ ...base, DOCKER_HOST: "unix:///x" }).docker).toEqual({ socketPath: "/x" });
  });

  it.each([["bogus"], ["tcp://nohost"], ["ssh://me@h"]])("DOCKER_HOST=%s names DOCKER_HOST", (v) => {
    expect(problem({ DOCKER_HOST: v }).message).toContain("DOCKER_HOST");
  });

  it("LOG_LEVEL=loud names LOG_LEVEL", () => {
    expect(problem({ LOG_LEVEL: "loud" }).message).toContain("LOG_LEVEL");
  });

  it("a relative CLAWDSPACE_DATA_DIR is refused", () => {
    expect(problem({ CLAWDSPACE_DATA_DIR: "data/here" }).message).toContain("CLAWDSPACE_DATA_DIR");
    expect(loadConfig({ ...base, CLAWDSPACE_DATA_DIR: "/srv/cs" }).dataDir).toBe("/srv/cs");
  });

  it("uses an absolute XDG_DATA_HOME, ignores a relative one", () => {
    expect(loadConfig({ ...base, XDG_DATA_HOME: "/xdg" }).dataDir).toBe("/xdg/clawdspace");
    expect(loadConfig({ ...base, XDG_DATA_HOME: "rel" }).dataDir).toBe("/home/tester/.local/share/clawdspace");
  });

  it.each([
    ["DEFAULT_MEMORY", "lots"],
    ["DEFAULT_CPUS", "0"],
    ["CLAWDSPACE_IMAGE", "bad image"],
    ["CLAWDSPACE_LABELS", "novalue"],
    ["CLAWDSPACE_LABELS", "clawdspace.kind=x"],
    ["BODY_LIMIT_BYTES", "10"],
  ])("%s=%s is a ConfigError naming it", (name, v) => {
    expect(problem({ [name]: v }).message).toContain(name);
  });

  it("lists every bad variable at once", () => {
    const e = problem({ PORT: "abc", LOG_LEVEL: "loud" });
    expect(e.message).toContain("PORT");
    expect(e.message).toContain("LOG_LEVEL");
  });
});

describe("CLAWDSPACE_PUBLIC_URL", () => {
  it("keeps the URL's origin and refuses what is not an http(s) URL", () => {
    expect(loadConfig({ CLAWDSPACE_PUBLIC_URL: "https://dash.example:8443/some/path" }).terminal.publicOrigin).toBe("https://dash.example:8443");
    expect(() => loadConfig({ CLAWDSPACE_PUBLIC_URL: "ftp://x" })).toThrow(/CLAWDSPACE_PUBLIC_URL/);
  });
});
