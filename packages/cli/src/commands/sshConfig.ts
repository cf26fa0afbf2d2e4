import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Context } from "../context.js";
import { prepareSsh } from "../ssh/prepare.js";
import { renderBlock, upsertBlock, userSshConfig } from "../ssh/sshFiles.js";

interface SshConfigOpts {
  identity?: string;
  multiplex?: boolean;
}

/** Writes (or rewrites) the space's marked block in ~/.ssh/config: then ssh, scp, sftp, rsync and IDEs reach `clawdspace-NAME`. */
export async function run(ctx: Context, [name]: string[], opts: SshConfigOpts): Promise<void> {
  const target = await prepareSsh(ctx, name!, opts);
  const file = userSshConfig();
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const before = existsSync(file) ? readFileSync(file, "utf8") : "";
  const after = upsertBlock(before, name!, renderBlock(name!, target.options));
  if (after !== before) {
    // Written aside and renamed: a crash never leaves the user's ssh config half-written.
    writeFileSync(`${file}.clawdspace-tmp`, after, { mode: 0o600 });
    renameSync(`${file}.clawdspace-tmp`, file);
  }
  if (ctx.json) ctx.out.write(JSON.stringify({ host: target.alias, user: target.user, file, changed: after !== before }) + "\n");
  else ctx.out.write(`${target.alias} is in ${file}: ssh ${target.alias}, scp, sftp, rsync -e ssh, or Remote-SSH to it\n`);
}
