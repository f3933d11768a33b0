#!/usr/bin/env bash
# Prints the DOCKER_BUILDKIT value this docker client builds docker/Dockerfile with, or fails
# saying why. BuildKit is required, not preferred: only it reads docker/Dockerfile.dockerignore,
# and the classic builder would send the whole repository (node_modules included) as context.
#
# A client of Docker 23 or later builds with BuildKit only through the buildx plugin (without
# it, DOCKER_BUILDKIT=1 fails with "the buildx component is missing"); a 20.10 client, such as
# Debian bookworm's docker.io, has BuildKit built in. An explicit DOCKER_BUILDKIT is respected.
set -euo pipefail
docker=${DOCKER:-docker}
if [ -n "${DOCKER_BUILDKIT:-}" ]; then echo "$DOCKER_BUILDKIT"; exit 0; fi
if "$docker" buildx version >/dev/null 2>&1; then echo 1; exit 0; fi
client=$("$docker" version -f '{{.Client.Version}}' 2>/dev/null || true)
if [ -n "$client" ] && [ "${client%%.*}" -lt 23 ]; then echo 1; exit 0; fi
echo "buildkit.sh: the docker client '$docker' (${client:-unknown version}) has no buildx plugin, and from Docker 23 on that leaves only the classic builder, which ignores docker/Dockerfile.dockerignore. Install buildx, or point DOCKER at a 20.10 client (Debian's docker.io: DOCKER=/usr/bin/docker)." >&2
exit 1
