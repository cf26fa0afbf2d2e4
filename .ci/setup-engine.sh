#!/usr/bin/env bash
# Make a fresh Debian machine (running as root) ready for Clawdspace:
#   1. a working Docker engine (installs docker.io and starts dockerd if needed),
#   2. a Debian bookworm base image (debian:bookworm-slim if it can be pulled,
#      otherwise clawdspace/debian-base:bookworm built offline with debootstrap),
#   3. gVisor (runsc) registered with the engine as runtime "runsc" (--network=host),
#   4. chromium at /usr/bin/chromium for browser tests,
#   5. tmux (drives `clawdspace shell` in the CLI tests) and systemd-analyze (verifies the unit),
#   6. openssh-client, rsync and curl (the SSH and port-forward tests run the real tools).
# Idempotent: every step is skipped when already satisfied. Works from any cwd.
#
# Environment:
#   DOCKERD_LOG               dockerd output (default /var/log/clawdspace-dockerd.log)
#   DOCKERD_WAIT_SECONDS      how long to wait for the engine (default 60)
#   CLAWDSPACE_SKIP_CHROMIUM  set to 1 to skip the chromium step
#   CLAWDSPACE_SKIP_GVISOR    set to 1 to skip the gVisor step
#   DOCKER_DAEMON_JSON        the engine's config file (default /etc/docker/daemon.json)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO_ROOT="$(pwd)"

log() { printf '[setup-engine] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

DOCKERD_LOG="${DOCKERD_LOG:-/var/log/clawdspace-dockerd.log}"
DOCKERD_WAIT_SECONDS="${DOCKERD_WAIT_SECONDS:-60}"
export DEBIAN_FRONTEND=noninteractive
# Never let needrestart bounce services (e.g. a running dockerd) during installs.
export NEEDRESTART_SUSPEND=1 NEEDRESTART_MODE=l

is_root() { [[ "$(id -u)" -eq 0 ]]; }

APT_UPDATED=0
# A mirror that drops one request must not fail the run: three tries, 5 s apart.
retry() {
  local n
  for n in 1 2 3; do
    "$@" && return 0
    [[ $n -lt 3 ]] && { log "retrying ($n failed): $*"; sleep 5; }
  done
  return 1
}

apt_install() {
  is_root || die "need root to apt-get install $*"
  command -v apt-get >/dev/null 2>&1 || die "apt-get not available; install $* manually"
  if [[ "$APT_UPDATED" -eq 0 ]]; then
    log "apt-get update"
    retry apt-get update -qq >&2
    APT_UPDATED=1
  fi
  log "apt-get install -y $*"
  retry apt-get install -y -qq "$@" >&2
}

engine_ok() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }

# --- 1. Docker engine -------------------------------------------------------
if engine_ok; then
  log "docker engine is up ($(docker version -f '{{.Server.Version}}' 2>/dev/null || echo '?'))"
else
  if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
    apt_install docker.io
  fi
  if pgrep -x dockerd >/dev/null 2>&1; then
    log "dockerd is already running but not answering yet; waiting for it"
  else
    is_root || die "docker info fails and dockerd is not running; need root to start it"
    mkdir -p "$(dirname "$DOCKERD_LOG")"
    log "starting dockerd in the background (log: $DOCKERD_LOG)"
    printf '\n==== %s setup-engine starting dockerd ====\n' "$(date -Is)" >>"$DOCKERD_LOG"
    setsid dockerd </dev/null >>"$DOCKERD_LOG" 2>&1 &
    DOCKERD_PID=$!
    disown || true
  fi
  deadline=$(( $(date +%s) + DOCKERD_WAIT_SECONDS ))
  until engine_ok; do
    if [[ -n "${DOCKERD_PID:-}" ]] && ! kill -0 "$DOCKERD_PID" 2>/dev/null; then
      log "dockerd (pid $DOCKERD_PID) exited during startup; last lines of $DOCKERD_LOG:"
      tail -n 40 "$DOCKERD_LOG" >&2 2>/dev/null || true
      die "docker engine not available"
    fi
    if (( $(date +%s) >= deadline )); then
      log "docker engine did not come up within ${DOCKERD_WAIT_SECONDS}s; last lines of $DOCKERD_LOG:"
      tail -n 40 "$DOCKERD_LOG" >&2 2>/dev/null || true
      die "docker engine not available"
    fi
    sleep 1
  done
  log "docker engine is up ($(docker version -f '{{.Server.Version}}' 2>/dev/null || echo '?'))"
fi

# --- 2. Base image ------------------------------------------------------------
have_image() { docker image inspect "$1" >/dev/null 2>&1; }

if have_image debian:bookworm-slim; then
  log "base image debian:bookworm-slim present"
elif have_image clawdspace/debian-base:bookworm; then
  log "base image clawdspace/debian-base:bookworm present"
else
  log "trying: docker pull debian:bookworm-slim (30 s limit)"
  if timeout 30 docker pull -q debian:bookworm-slim >/dev/null 2>&1 && have_image debian:bookworm-slim; then
    log "pulled debian:bookworm-slim"
  else
    log "pull failed (no registry?); building clawdspace/debian-base:bookworm offline"
    "$REPO_ROOT/docker/base/build-offline-base.sh" clawdspace/debian-base:bookworm
  fi
fi

# --- 3. gVisor ------------------------------------------------------------------
# runsc's own network stack fails on these machines; --network=host makes it use the
# container's network namespace (which Docker still sets up per container).
DOCKER_DAEMON_JSON="${DOCKER_DAEMON_JSON:-/etc/docker/daemon.json}"
engine_has_runsc() { docker info --format '{{json .Runtimes}}' 2>/dev/null | grep -q '"runsc"'; }

if [[ "${CLAWDSPACE_SKIP_GVISOR:-0}" == "1" ]]; then
  log "skipping gVisor (CLAWDSPACE_SKIP_GVISOR=1)"
elif engine_has_runsc; then
  log "gVisor: the engine has runtime runsc"
else
  command -v runsc >/dev/null 2>&1 || apt_install runsc
  RUNSC_PATH="$(command -v runsc)"
  is_root || die "need root to register runsc in $DOCKER_DAEMON_JSON"
  mkdir -p "$(dirname "$DOCKER_DAEMON_JSON")"
  RUNSC_ENTRY="{\"path\": \"$RUNSC_PATH\", \"runtimeArgs\": [\"--network=host\"]}"
  if [[ ! -s "$DOCKER_DAEMON_JSON" ]]; then
    printf '{\n  "runtimes": {\n    "runsc": %s\n  }\n}\n' "$RUNSC_ENTRY" >"$DOCKER_DAEMON_JSON"
  else
    # Merge, never overwrite: an operator's other settings stay as they are.
    MERGE='
      const fs = require("fs"); const file = process.env.DAEMON_JSON;
      const cfg = JSON.parse(fs.readFileSync(file, "utf8"));
      cfg.runtimes = { ...(cfg.runtimes || {}), runsc: JSON.parse(process.env.RUNSC_ENTRY) };
      fs.writeFileSync(file + ".tmp", JSON.stringify(cfg, null, 2) + "\n"); fs.renameSync(file + ".tmp", file);'
    MERGE_PY='
import json, os
f = os.environ["DAEMON_JSON"]; cfg = json.load(open(f))
cfg.setdefault("runtimes", {})["runsc"] = json.loads(os.environ["RUNSC_ENTRY"])
open(f + ".tmp", "w").write(json.dumps(cfg, indent=2) + "\n"); os.replace(f + ".tmp", f)'
    if command -v node >/dev/null 2>&1; then DAEMON_JSON="$DOCKER_DAEMON_JSON" RUNSC_ENTRY="$RUNSC_ENTRY" node -e "$MERGE"
    elif command -v python3 >/dev/null 2>&1; then DAEMON_JSON="$DOCKER_DAEMON_JSON" RUNSC_ENTRY="$RUNSC_ENTRY" python3 -c "$MERGE_PY"
    else die "need node or python3 to merge runsc into $DOCKER_DAEMON_JSON (or add it by hand, see docs/TEMPLATES.md)"
    fi
  fi
  log "registered runsc in $DOCKER_DAEMON_JSON; reloading the engine with SIGHUP (running containers are untouched)"
  kill -HUP "$(pidof dockerd)"
  for _ in $(seq 1 20); do engine_has_runsc && break; sleep 0.5; done
  if ! engine_has_runsc && [[ -n "${DOCKERD_PID:-}" ]]; then
    # Only a dockerd this script started (so nothing else runs on it yet) may be restarted.
    log "SIGHUP did not load runsc; restarting the dockerd this script started"
    kill "$DOCKERD_PID"; while kill -0 "$DOCKERD_PID" 2>/dev/null; do sleep 0.5; done
    setsid dockerd </dev/null >>"$DOCKERD_LOG" 2>&1 &
    DOCKERD_PID=$!; disown || true
    for _ in $(seq 1 "$DOCKERD_WAIT_SECONDS"); do engine_has_runsc && break; sleep 1; done
  fi
  engine_has_runsc || die "runsc is registered in $DOCKER_DAEMON_JSON but the engine does not report it; reload dockerd (kill -HUP)"
  log "gVisor: the engine has runtime runsc ($RUNSC_PATH)"
fi

# --- 4. Chromium for browser tests --------------------------------------------
if [[ "${CLAWDSPACE_SKIP_CHROMIUM:-0}" == "1" ]]; then
  log "skipping chromium (CLAWDSPACE_SKIP_CHROMIUM=1)"
elif [[ -x /usr/bin/chromium ]]; then
  log "chromium present ($(/usr/bin/chromium --version 2>/dev/null || echo '?'))"
else
  apt_install chromium
  [[ -x /usr/bin/chromium ]] || die "chromium installed but /usr/bin/chromium is missing"
  log "chromium installed ($(/usr/bin/chromium --version 2>/dev/null || echo '?'))"
fi

# --- 5. tmux and systemd-analyze ----------------------------------------------------
# Installed only when missing: installing the systemd package needs no running systemd.
if command -v tmux >/dev/null 2>&1; then
  log "tmux present ($(tmux -V))"
else
  apt_install tmux
  command -v tmux >/dev/null 2>&1 || die "tmux installed but not on PATH"
fi
if command -v systemd-analyze >/dev/null 2>&1; then
  log "systemd-analyze present ($(systemd-analyze --version | head -n 1))"
else
  apt_install systemd
  command -v systemd-analyze >/dev/null 2>&1 || die "systemd installed but systemd-analyze is not on PATH"
fi

# --- 6. OpenSSH client, rsync and curl (the SSH and forward tests drive the real tools) ---------
for tool in ssh:openssh-client scp:openssh-client sftp:openssh-client ssh-keygen:openssh-client rsync:rsync curl:curl; do
  if command -v "${tool%%:*}" >/dev/null 2>&1; then
    log "${tool%%:*} present"
  else
    apt_install "${tool#*:}"
    command -v "${tool%%:*}" >/dev/null 2>&1 || die "${tool#*:} installed but ${tool%%:*} is not on PATH"
  fi
done

log "engine ready"
