#!/usr/bin/env bash
# Builds local stand-ins for the official base images compose.yaml and the Dockerfile use, from
# Debian packages only: for an engine that cannot pull from Docker Hub (air-gapped, or only a
# Debian mirror and an npm registry reachable). See docker/README.md, "Without Docker Hub".
#
#   docker/standin/build.sh            # builds what is missing, prints the *_IMAGE settings
#   STANDIN_REBUILD=1 docker/standin/build.sh
#
# The Debian root file system comes from `debootstrap bookworm` (the machine's configured
# mirror, DEBIAN_MIRROR to override) and is imported once as portcullis-standin/debian:bookworm;
# the four images are built on it. Needs root (debootstrap), docker, and Node.js >= 20.19 on
# the build machine (copied into the node stand-in). Prints `NAME=image` lines on stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
docker=${DOCKER:-docker}
mirror=${DEBIAN_MIRROR:-$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p;s/^deb \(http[^ ]*debian\) bookworm .*/\1/p' /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | head -n1 || true)}
mirror=${mirror:-http://deb.debian.org/debian}
cache=${STANDIN_CACHE:-/var/tmp/portcullis-standin}
debian=portcullis-standin/debian:bookworm
log() { echo "standin: $*" >&2; }
exists() { [ -z "${STANDIN_REBUILD:-}" ] && "$docker" image inspect "$1" >/dev/null 2>&1; }

mapfile -t add_hosts < <("$here/add-hosts.sh")
# BuildKit where this client has it; these small contexts build with the classic builder too.
buildkit=$(DOCKER="$docker" "$here/buildkit.sh" 2>/dev/null || echo 0)

if ! exists "$debian"; then
  mkdir -p "$cache"
  if [ ! -f "$cache/bookworm.tar" ]; then
    # A finished debootstrap removes its own /debootstrap directory: anything else is redone.
    if [ ! -f "$cache/rootfs/etc/debian_version" ] || [ -d "$cache/rootfs/debootstrap" ]; then
      log "debootstrap bookworm from $mirror (a few minutes)"
      rm -rf "$cache/rootfs"
      debootstrap --variant=minbase bookworm "$cache/rootfs" "$mirror" >"$cache/debootstrap.log" 2>&1 \
        || { tail -n 20 "$cache/debootstrap.log" >&2; exit 1; }
    fi
    # Apt inside the images uses the same mirror; no package caches in the image.
    echo "deb $mirror bookworm main" >"$cache/rootfs/etc/apt/sources.list"
    rm -rf "$cache/rootfs/var/cache/apt/archives/"*.deb "$cache/rootfs/var/lib/apt/lists/"*
    tar -C "$cache/rootfs" --numeric-owner -cf "$cache/bookworm.tar" .
    rm -rf "$cache/rootfs"
  fi
  log "importing $debian"
  "$docker" import "$cache/bookworm.tar" "$debian" >/dev/null
fi

build() {
  local name="$1" tag="$2" context="$3"
  if exists "$tag"; then log "$tag: present"; return; fi
  log "building $tag"
  DOCKER_BUILDKIT=$buildkit "$docker" build -q "${add_hosts[@]}" --build-arg "DEBIAN_IMAGE=$debian" -t "$tag" "$context" >/dev/null
}

# The node stand-in's context: this machine's node, npm and headers, and its extra CAs.
node_tag=portcullis-standin/node:20-bookworm
if ! exists "$node_tag"; then
  node_bin=$(command -v node)
  major=$("$node_bin" -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge 20 ] || { log "Node.js >= 20.19 needed on this machine (found $("$node_bin" --version))"; exit 1; }
  prefix=$(dirname "$(dirname "$(readlink -f "$node_bin")")")
  ctx=$(mktemp -d)
  trap 'rm -rf "$ctx"' EXIT
  cp "$(readlink -f "$node_bin")" "$ctx/node"
  cp -a "$prefix/lib/node_modules/npm" "$ctx/npm"
  cp -a "$prefix/include/node" "$ctx/include"
  cat /usr/local/share/ca-certificates/*.crt >"$ctx/extra-ca.pem" 2>/dev/null || : >"$ctx/extra-ca.pem"
  cp "$here/node/Dockerfile" "$ctx/Dockerfile"
  build node "$node_tag" "$ctx"
fi
build postgres portcullis-standin/postgres:15-bookworm "$here/postgres"
build rabbitmq portcullis-standin/rabbitmq:3.10-bookworm "$here/rabbitmq"
build haproxy portcullis-standin/haproxy:2.6-bookworm "$here/haproxy"

echo "NODE_IMAGE=$node_tag"
echo "POSTGRES_IMAGE=portcullis-standin/postgres:15-bookworm"
echo "RABBITMQ_IMAGE=portcullis-standin/rabbitmq:3.10-bookworm"
echo "LB_IMAGE=portcullis-standin/haproxy:2.6-bookworm"
