import { InvalidInputError, SetupFailedError } from "../core/errors.js";
import type { ExecPort } from "../engine/ports/exec.js";
import { OutputCollector } from "../exec/outputCollector.js";
import { inWorkspace } from "../templates/effective.js";

import { SPACE_USER } from "../engine/naming.js";

const TOKEN_ENV = "CLAWDSPACE_GIT_TOKEN";
// git runs "!..." helpers through sh; the script is fixed and reads the token from the exec's own
// environment, so the token never reaches argv, .git/config, the container's config or a log.
// It answers only for the clone URL's own scheme and host (a redirect or a submodule elsewhere gets nothing).
const HOST_ENV = "CLAWDSPACE_GIT_HOST";
const PROTO_ENV = "CLAWDSPACE_GIT_PROTOCOL";
const CREDENTIAL_HELPER = `!f() { test "$1" = get || exit 0; p= h=; while IFS= read -r l && [ -n "$l" ]; do case "$l" in protocol=*) p=\${l#protocol=};; host=*) h=\${l#host=};; esac; done; [ "$p" = "$${PROTO_ENV}" ] && [ "$h" = "$${HOST_ENV}" ] || exit 0; echo username=x-access-token; echo "password=$${TOKEN_ENV}"; }; f`;
// The path is $1, never spliced into the script.
const WRITE_PRIVATE_FILE = 'umask 077 && mkdir -p -- "$(dirname -- "$1")" && cat > "$1" && chmod 600 -- "$1"';

export interface RepoRequest {
  url: string;
  branch?: string;
  dest: string;
  token?: string;
}

/** Steps run in a new space after it starts; any failure fails the create (which then removes what it made). */
export class SpaceSetup {
  constructor(private readonly exec: ExecPort) {}

  /** Adds the mounted operator CA to the space's system store (which NODE_EXTRA_CA_CERTS, pip, git and curl read). */
  async trustExtraCa(space: string): Promise<void> {
    const out = await this.run(space, ["/usr/sbin/update-ca-certificates"], { user: "0:0" });
    if (out.exitCode !== 0) throw new Error(`update-ca-certificates failed in ${space}: ${out.stderr.slice(0, 500)}`);
  }

  /** Writes bytes into /workspace as the space's user with mode 0600. */
  async writePrivateFile(space: string, path: string, bytes: Uint8Array): Promise<string> {
    const full = inWorkspace(path);
    const out = await this.run(space, ["/bin/sh", "-c", WRITE_PRIVATE_FILE, "sh", full], { user: SPACE_USER, stdin: Buffer.from(bytes) });
    if (out.exitCode !== 0) {
      throw new InvalidInputError(`Invalid request body: envFile: cannot write ${full}`, [{ path: "envFile.path", message: out.stderr.trim().slice(0, 300) || `exit ${out.exitCode}` }]);
    }
    return full;
  }

  /** git clone with argv as the space's user; a token is offered once by a credential helper and kept nowhere. */
  async clone(space: string, repo: RepoRequest): Promise<void> {
    const argv = ["/usr/bin/timeout", "-k", "5", "600", "/usr/bin/git", "-c", "credential.helper="];
    const url = new URL(repo.url);
    if (repo.token) argv.push("-c", `credential.${url.protocol}//${url.host}.helper=${CREDENTIAL_HELPER}`);
    argv.push("clone", "--quiet");
    if (repo.branch) argv.push("--branch", repo.branch);
    argv.push("--", repo.url, repo.dest);
    const env: Record<string, string> = { GIT_TERMINAL_PROMPT: "0" };
    if (repo.token) Object.assign(env, { [TOKEN_ENV]: repo.token, [HOST_ENV]: url.host, [PROTO_ENV]: url.protocol.replace(/:$/, "") });
    const out = await this.run(space, argv, { user: SPACE_USER, env });
    if (out.exitCode !== 0) {
      const why = scrub(out.stderr, repo.token).trim().split("\n").slice(-3).join(" ").slice(0, 500);
      throw new SetupFailedError(`Cloning ${repo.url} failed: ${why || `git exited with ${out.exitCode}`}`, {
        exitCode: out.exitCode,
      });
    }
  }

  private async run(space: string, argv: string[], opts: { user: string; env?: Record<string, string>; stdin?: Buffer; cwd?: string }) {
    const out = new OutputCollector(64 * 1024);
    const { exitCode } = await this.exec.run(
      space,
      { argv, user: opts.user, env: opts.env, stdin: opts.stdin, cwd: opts.cwd ?? "/workspace" },
      out.sink,
    );
    return { exitCode, stdout: out.text("stdout"), stderr: out.text("stderr") };
  }
}

function scrub(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join("***") : text;
}
