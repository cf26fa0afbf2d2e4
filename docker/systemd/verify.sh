#!/usr/bin/env bash
# Checks clawdspace.service with `systemd-analyze verify`, failing on any warning.
# verify insists that ExecStart's program exists, and node is not at /usr/bin/node on every
# machine: a copy of the unit pointing at this machine's node (and this checkout) is verified.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
command -v systemd-analyze >/dev/null || { echo "verify.sh: systemd-analyze is missing (apt-get install systemd)" >&2; exit 1; }
node_bin="$(command -v node)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
sed -e "s#^ExecStart=/usr/bin/node /opt/clawdspace/#ExecStart=${node_bin} ${repo}/#" \
    -e "s#^WorkingDirectory=/opt/clawdspace#WorkingDirectory=${repo}#" \
    "$here/clawdspace.service" >"$tmp/clawdspace.service"
grep -q "^ExecStart=${node_bin} " "$tmp/clawdspace.service" || { echo "verify.sh: ExecStart was not rewritten" >&2; exit 1; }
out="$(systemd-analyze verify --man=no "$tmp/clawdspace.service" 2>&1)" || { echo "$out" >&2; echo "verify.sh: systemd-analyze verify FAILED" >&2; exit 1; }
# verify exits 0 on some problems it only prints (unknown settings, bad values): those fail too.
if [[ -n "$out" ]]; then
  echo "$out" >&2
  echo "verify.sh: systemd-analyze verify printed warnings: FAILED" >&2
  exit 1
fi
echo "verify.sh: clawdspace.service passes systemd-analyze verify (ExecStart=${node_bin})"
