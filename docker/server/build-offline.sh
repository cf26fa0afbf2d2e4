#!/usr/bin/env bash
# Builds the server image where no registry can be reached: the Dockerfile's base becomes the
# offline Debian base (docker/base), and the context is this checkout already built, with
# production dependencies only and this machine's node binary (same Debian, same glibc).
#   docker/server/build-offline.sh [tag]      (default clawdspace-server:offline)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tag="${1:-clawdspace-server:offline}"
base="${CLAWDSPACE_OFFLINE_BASE:-clawdspace/debian-base:bookworm}"
docker image inspect "$base" >/dev/null 2>&1 || "$repo/docker/base/build-offline-base.sh" "$base"

(cd "$repo" && npm run build --silent)
ctx="$(mktemp -d)"
trap 'rm -rf "$ctx"' EXIT
cd "$repo"
# What the image needs: manifests, built output, the space image's Dockerfile, the server's scripts.
tar -cf - --exclude='*.map' --exclude=node_modules/.cache \
  package.json package-lock.json docker packages/*/package.json packages/*/dist node_modules | tar -xf - -C "$ctx"
(cd "$ctx" && npm prune --omit=dev --offline --no-audit --no-fund --ignore-scripts >/dev/null)
install -m 0755 "$(command -v node)" "$ctx/.prebuilt-node"
touch "$ctx/.prebuilt"
echo "context: $(du -sh "$ctx" | cut -f1); building $tag from $base" >&2
docker build -f "$ctx/docker/server/Dockerfile" --build-arg NODE_IMAGE="$base" -t "$tag" "$ctx"
