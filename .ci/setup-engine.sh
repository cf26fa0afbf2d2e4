#!/usr/bin/env bash
# Make a fresh Debian machine (running as root) ready for Clawdspace:
#   1. a working Docker engine (installs docker.io and starts dockerd if needed),
#   2. a Debian bookworm base image (debian:bookworm-slim if it can be pulled,
#      otherwise clawdspace/debian-base:bookworm built offline with debootstrap),
#   3. chromium at /usr/bin/chromium for browser tests,
#   4. tmux (drives `clawdspace shell` in the CLI tests) and systemd-analyze (verifies the unit).
# Idempotent: every step is skipped when already satisfied. Works from any cwd.
#
# Environment:
#   DOCKERD_LOG               dockerd output (default /var/log/clawdspace-dockerd.log)
#   DOCKERD_WAIT_SECONDS      how long to wait for the engine (default 60)
#   CLAWDSPACE_SKIP_CHROMIUM  set to 1 to skip the chromium step
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
apt_install() {
  is_root || die "need root to apt-get install $*"
  command -v apt-get >/dev/null 2>&1 || die "apt-get not available; install $* manually"
  if [[ "$APT_UPDATED" -eq 0 ]]; then
    log "apt-get update"
    apt-get update -qq >&2
    APT_UPDATED=1
  fi
  log "apt-get install -y $*"
  apt-get install -y -qq "$@" >&2
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

# --- 3. Chromium for browser tests --------------------------------------------
if [[ "${CLAWDSPACE_SKIP_CHROMIUM:-0}" == "1" ]]; then
  log "skipping chromium (CLAWDSPACE_SKIP_CHROMIUM=1)"
elif [[ -x /usr/bin/chromium ]]; then
  log "chromium present ($(/usr/bin/chromium --version 2>/dev/null || echo '?'))"
else
  apt_install chromium
  [[ -x /usr/bin/chromium ]] || die "chromium installed but /usr/bin/chromium is missing"
  log "chromium installed ($(/usr/bin/chromium --version 2>/dev/null || echo '?'))"
fi

# --- 4. tmux and systemd-analyze ----------------------------------------------------
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

log "engine ready"
