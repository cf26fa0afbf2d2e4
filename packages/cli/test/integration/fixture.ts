import { afterAll, beforeAll, expect } from "vitest";
import { cli, cliEnv, spaceName, startServer, type CliEnv, type CliResult, type ServerProcess } from "./support.js";

export interface CliFixture {
  /** The real server binary; there only inside the describe's hooks and tests. */
  readonly server: ServerProcess;
  /** A home folder of the fixture's own for the CLI. */
  readonly e: CliEnv;
  /** The describe's space name, unique to this run; destroyed with its volume at the end, whatever the tests did. */
  readonly name: string;
  /** Runs the built CLI in the fixture's home. */
  cli(args: string[], opts?: { input?: string; env?: Record<string, string> }): Promise<CliResult>;
}

export interface CliFixtureOptions {
  /** Configure the CLI for the server and create the space before the first test, with these create flags. */
  create?: string[];
  /** More of the server's configuration (its environment), e.g. AGENT_CREDENTIALS_FILE. */
  serverEnv?: Record<string, string>;
}

/** A server and a CLI home for the enclosing describe, with a space name of its own (made when `create` is given). */
export function useCliServer(prefix: string, opts: CliFixtureOptions = {}): CliFixture {
  let server: ServerProcess | undefined;
  let e: CliEnv | undefined;
  const started = <T>(v: T | undefined): T => {
    if (!v) throw new Error("the fixture's server runs only inside its hooks and tests");
    return v;
  };
  const fixture: CliFixture = {
    get server() {
      return started(server);
    },
    get e() {
      return started(e);
    },
    name: spaceName(prefix),
    cli: (args, o) => cli(started(e), args, o),
  };
  beforeAll(async () => {
    server = await startServer(opts.serverEnv);
    e = await cliEnv();
    if (!opts.create) return;
    expect((await fixture.cli(["config", server.url, server.key])).code).toBe(0);
    expect((await fixture.cli(["create", fixture.name, ...opts.create])).code).toBe(0);
  });
  afterAll(async () => {
    if (e) await cli(e, ["destroy", "-f", "--volume", fixture.name]).catch(() => undefined);
    await server?.stop();
  });
  return fixture;
}
