import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Context } from "../context.js";
import { CliError } from "../errors.js";
import { EXIT } from "../exitCodes.js";
import { configPath, hostAlias, shellWord, sshStateDir, upsertKnownHosts } from "./sshFiles.js";

export interface SshTarget {
  alias: string;
  user: string;
  identity: string;
  knownHosts: string;
  /** `ssh -o` options, in ssh_config's words, shared by `clawdspace ssh` and the ~/.ssh/config block. */
  options: Array<[string, string]>;
}

/** The CLI's own key pair (ed25519, no passphrase, 0600), made on first use; `identity` names another private key. */
export function ensureKeyPair(identity?: string): { privateKey: string; publicKey: string } {
  const privateKey = identity ?? join(sshStateDir(), "id_ed25519");
  if (!existsSync(`${privateKey}.pub`)) {
    if (identity) throw new CliError(`no public key next to ${identity} (${identity}.pub)`, "NOT_FOUND", EXIT.NOT_FOUND);
    mkdirSync(dirname(privateKey), { recursive: true, mode: 0o700 });
    const r = spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "clawdspace", "-f", privateKey], { stdio: ["ignore", "ignore", "pipe"] });
    if (r.error || r.status !== 0) {
      throw new CliError(`could not make an SSH key with ssh-keygen (${r.error?.message ?? r.stderr.toString().trim()}); is OpenSSH installed?`, "SSH_KEYGEN_FAILED");
    }
  }
  return { privateKey, publicKey: readFileSync(`${privateKey}.pub`, "utf8").trim() };
}

/** How ssh starts this CLI as its ProxyCommand: the same node and script, the same server URL (the key comes from the environment or ~/.clawdspace). */
export function proxyCommand(ctx: Context, space: string): string {
  const self = [process.execPath, process.argv[1] ?? "clawdspace"].map(shellWord).join(" ");
  return `${self} --url ${shellWord(ctx.settings.url)} ssh-proxy ${shellWord(space)}`;
}

/** Puts the public key in the space, writes its host key to the CLI's known_hosts, and says how to reach it. */
export async function prepareSsh(ctx: Context, space: string, opts: { identity?: string; multiplex?: boolean } = {}): Promise<SshTarget> {
  const { privateKey, publicKey } = ensureKeyPair(opts.identity);
  const answer = await ctx.client.tunnels.installKey(space, publicKey);
  const alias = hostAlias(space);
  const knownHosts = join(sshStateDir(), "known_hosts");
  mkdirSync(dirname(knownHosts), { recursive: true, mode: 0o700 });
  const before = existsSync(knownHosts) ? readFileSync(knownHosts, "utf8") : "";
  writeFileSync(knownHosts, upsertKnownHosts(before, alias, answer.hostKeys), { mode: 0o600 });
  const options: Array<[string, string]> = [
    ["HostName", alias],
    ["User", answer.user],
    ["IdentityFile", configPath(privateKey)],
    ["IdentitiesOnly", "yes"],
    ["UserKnownHostsFile", configPath(knownHosts)],
    ["HostKeyAlias", alias],
    ["StrictHostKeyChecking", "yes"],
    ["ProxyCommand", proxyCommand(ctx, space)],
  ];
  if (opts.multiplex) {
    // One tunnel for many commands: later ssh, scp and rsync calls ride the first connection.
    options.push(["ControlMaster", "auto"], ["ControlPath", configPath(`${sshStateDir().replace(/%/g, "%%")}/cm-%C`, true)], ["ControlPersist", "10m"]);
  }
  return { alias, user: answer.user, identity: privateKey, knownHosts, options };
}
