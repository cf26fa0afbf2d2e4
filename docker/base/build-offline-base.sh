#!/usr/bin/env bash
# Build a Debian bookworm base image without any container registry.
#
#   docker/base/build-offline-base.sh [--force] [TAG]
#
# Uses debootstrap (minbase) against the Debian mirror over plain http and
# imports the resulting root filesystem with `docker import`. Default TAG is
# clawdspace/debian-base:bookworm. If TAG already exists the script exits 0
# without doing anything unless --force is given.
#
# Environment overrides:
#   DEBIAN_MIRROR   (default http://deb.debian.org/debian)
#   DEBIAN_SECURITY (default http://deb.debian.org/debian-security)
#   SUITE           (default bookworm)
#   WORK_PARENT     (dir for the temporary rootfs, default ${TMPDIR:-/var/tmp})
set -euo pipefail

log() { printf '[build-offline-base] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

FORCE=0
TAG=""
for arg in "$@"; do
  case "$arg" in
    --force|-f) FORCE=1 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
    -*) die "unknown option: $arg" ;;
    *) [[ -z "$TAG" ]] || die "only one TAG argument allowed"; TAG="$arg" ;;
  esac
done
TAG="${TAG:-clawdspace/debian-base:bookworm}"
SUITE="${SUITE:-bookworm}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SECURITY="${DEBIAN_SECURITY:-http://deb.debian.org/debian-security}"
WORK_PARENT="${WORK_PARENT:-${TMPDIR:-/var/tmp}}"

command -v docker >/dev/null 2>&1 || die "docker CLI not found"
docker info >/dev/null 2>&1 || die "docker engine not reachable (docker info failed)"

if docker image inspect "$TAG" >/dev/null 2>&1; then
  if [[ "$FORCE" -eq 0 ]]; then
    log "image $TAG already exists; nothing to do (use --force to rebuild)"
    exit 0
  fi
  log "image $TAG exists; rebuilding because of --force"
fi

if [[ "$(id -u)" -ne 0 ]]; then
  die "must run as root (debootstrap needs root to create the rootfs)"
fi

if ! command -v debootstrap >/dev/null 2>&1; then
  log "debootstrap not found; installing it with apt-get"
  command -v apt-get >/dev/null 2>&1 || die "apt-get not available; install debootstrap manually"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >&2
fi

mkdir -p "$WORK_PARENT"
WORK="$(mktemp -d "$WORK_PARENT/clawdspace-base.XXXXXX")"
ROOTFS="$WORK/rootfs"

DEB_PID=""
cleanup() {
  local rc=$?
  # On INT/TERM debootstrap may still be running in its own process group.
  if [[ -n "$DEB_PID" ]] && kill -0 "$DEB_PID" 2>/dev/null; then
    log "stopping debootstrap (pid $DEB_PID)"
    kill -TERM -- "-$DEB_PID" 2>/dev/null || true
    wait "$DEB_PID" 2>/dev/null || true
  fi
  # debootstrap mounts proc/sys inside the target; if it died midway they may
  # still be mounted. Unmount (deepest first) before removing anything.
  if [[ -d "$ROOTFS" ]]; then
    local m
    while read -r m; do
      umount -l "$m" 2>/dev/null || true
    done < <(awk -v p="$ROOTFS" 'index($2, p) == 1 { print $2 }' /proc/mounts | sort -r)
  fi
  rm -rf --one-file-system "$WORK" 2>/dev/null || true
  if [[ $rc -ne 0 ]]; then log "failed (exit $rc); temp dir removed"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

START=$(date +%s)
log "debootstrap --variant=minbase $SUITE into $ROOTFS from $MIRROR (takes a minute or two)"
DEB_LOG="$WORK/debootstrap.log"
# Own process group + `wait` so INT/TERM reach our trap promptly and we can
# stop the whole debootstrap tree before cleaning up.
setsid debootstrap --variant=minbase "$SUITE" "$ROOTFS" "$MIRROR" </dev/null >"$DEB_LOG" 2>&1 &
DEB_PID=$!
if ! wait "$DEB_PID"; then
  DEB_PID=""
  log "debootstrap failed; last lines of its output:"
  tail -n 30 "$DEB_LOG" >&2 || true
  [[ -f "$ROOTFS/debootstrap/debootstrap.log" ]] && tail -n 30 "$ROOTFS/debootstrap/debootstrap.log" >&2
  exit 1
fi
DEB_PID=""
log "debootstrap finished in $(( $(date +%s) - START ))s"

log "configuring apt sources and image-friendly defaults"
cat >"$ROOTFS/etc/apt/sources.list" <<SOURCES
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY $SUITE-security main
SOURCES

# Same spirit as the official debian:*-slim images: keep docs/man/locales out.
mkdir -p "$ROOTFS/etc/dpkg/dpkg.cfg.d" "$ROOTFS/etc/apt/apt.conf.d"
cat >"$ROOTFS/etc/dpkg/dpkg.cfg.d/docker-slim" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/locale/*
DPKG
cat >"$ROOTFS/etc/apt/apt.conf.d/docker-clean" <<'APT'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT
cat >"$ROOTFS/etc/apt/apt.conf.d/docker-no-languages" <<'APT'
Acquire::Languages "none";
APT
# Services must not start inside image builds.
printf '#!/bin/sh\nexit 101\n' >"$ROOTFS/usr/sbin/policy-rc.d"
chmod 0755 "$ROOTFS/usr/sbin/policy-rc.d"

# Trim what a container does not need.
rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/cache/apt/*.bin \
       "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/log/*.log \
       "$ROOTFS"/usr/share/doc/* "$ROOTFS"/usr/share/man/* \
       "$ROOTFS"/usr/share/info/* "$ROOTFS"/usr/share/locale/* \
       "$ROOTFS"/debootstrap
: >"$ROOTFS/etc/machine-id"
# Empty pseudo-filesystem mount points; the engine provides them at runtime.
for d in dev proc sys run tmp; do
  rm -rf --one-file-system "${ROOTFS:?}/$d"
  mkdir -p "$ROOTFS/$d"
done
chmod 1777 "$ROOTFS/tmp"
chmod 0755 "$ROOTFS/dev" "$ROOTFS/proc" "$ROOTFS/sys" "$ROOTFS/run"

log "importing rootfs as $TAG"
IMPORT_START=$(date +%s)
IMAGE_ID="$(tar --numeric-owner --xattrs -C "$ROOTFS" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'CMD ["bash"]' \
  --message "debootstrap --variant=minbase $SUITE $MIRROR" \
  - "$TAG")"
log "import finished in $(( $(date +%s) - IMPORT_START ))s"

SIZE="$(docker image inspect -f '{{.Size}}' "$TAG")"
log "built $TAG ($IMAGE_ID, $(( SIZE / 1024 / 1024 )) MiB) in $(( $(date +%s) - START ))s total"
