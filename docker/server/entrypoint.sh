#!/bin/sh
# Fails early, and says how to fix it, when the Docker socket is there but not ours to use.
set -eu
host="${DOCKER_HOST:-unix:///var/run/docker.sock}"
case "$host" in
  unix://*)
    sock="${host#unix://}"
    if [ ! -S "$sock" ]; then
      echo "clawdspace: no Docker socket at $sock: mount it (-v /var/run/docker.sock:/var/run/docker.sock)" >&2
    elif [ ! -r "$sock" ] || [ ! -w "$sock" ]; then
      gid="$(stat -c %g "$sock")"
      echo "clawdspace: uid $(id -u) cannot use $sock (group $gid): run with --group-add $gid (compose: DOCKER_GID=$gid)" >&2
      exit 1
    fi
    ;;
esac
exec "$@"
