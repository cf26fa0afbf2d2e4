import { WORKSPACE } from "../engine/naming.js";

/** The space's SSH state lives on its volume, so the host key survives a re-create and stays the one the CLI trusts. */
export const SSH_DIR = `${WORKSPACE}/.clawdspace/ssh`;
export const HOST_KEY = `${SSH_DIR}/ssh_host_ed25519_key`;
export const AUTHORIZED_KEYS = `${SSH_DIR}/authorized_keys`;

/** Makes the folder and the host key once (umask 077: sshd's StrictModes wants them private to the user). */
const ENSURE = [
  "set -e",
  "umask 077",
  `mkdir -p ${SSH_DIR}`,
  `chmod 700 ${SSH_DIR}`,
  `[ -s ${HOST_KEY} ] || ssh-keygen -q -t ed25519 -N '' -C clawdspace-host -f ${HOST_KEY} </dev/null >/dev/null`,
].join("\n");

/**
 * Adds the key on stdin to authorized_keys unless it is there, then prints `added` or `present`, the user's
 * name and the host's public key: the CLI writes it to known_hosts, so the first connection asks nothing.
 */
export function installKeyArgv(): string[] {
  const script = [
    ENSURE,
    "k=$(head -c 17000)",
    `touch ${AUTHORIZED_KEYS}`,
    `if grep -qxF -- "$k" ${AUTHORIZED_KEYS}; then echo present; else printf '%s\\n' "$k" >> ${AUTHORIZED_KEYS}; echo added; fi`,
    "id -un",
    `cat ${HOST_KEY}.pub`,
  ].join("\n");
  return ["/bin/bash", "-c", script];
}

/** The options that make sshd key-only and keep everything it needs on the volume; no config file of the image's is read. */
export const SSHD_OPTIONS = [
  `AuthorizedKeysFile=${AUTHORIZED_KEYS}`,
  "PubkeyAuthentication=yes",
  "PasswordAuthentication=no",
  "KbdInteractiveAuthentication=no",
  "PermitRootLogin=no",
  "UsePAM=no",
  // Non-root sshd cannot chroot or change users; the files are the user's own, so the usual checks hold.
  "StrictModes=yes",
  "Subsystem=sftp internal-sftp",
  "PidFile=none",
  "PrintMotd=no",
  "LogLevel=ERROR",
];

/** sshd in inetd mode (-i): it speaks SSH on stdin and stdout, logs to stderr (-e), and ends with the connection. */
export function sshdArgv(): string[] {
  const opts = SSHD_OPTIONS.map((o) => `-o '${o}'`).join(" ");
  return ["/bin/bash", "-c", `${ENSURE}\nexec /usr/sbin/sshd -i -e -f /dev/null -h ${HOST_KEY} ${opts}`];
}

/** Reads installKeyArgv's answer. */
export function parseKeyAnswer(stdout: string): { added: boolean; user: string; hostKeys: string[] } | null {
  const [state, user, ...keys] = stdout.split("\n").map((l) => l.trim()).filter(Boolean);
  if ((state !== "added" && state !== "present") || !user) return null;
  const hostKeys = keys.filter((k) => /^ssh-ed25519 [A-Za-z0-9+/=]+/.test(k)).map((k) => k.split(" ").slice(0, 2).join(" "));
  return hostKeys.length ? { added: state === "added", user, hostKeys } : null;
}
