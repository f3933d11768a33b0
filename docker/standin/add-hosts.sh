#!/usr/bin/env bash
# The Debian mirror's and the npm registry's /etc/hosts entries as `docker build` arguments
# (--add-host, one word a line): a build container has its own /etc/hosts, so a machine that
# reaches them through names of its own /etc/hosts must pass them on. Nothing when DNS does.
set -euo pipefail
registry=$(npm config get registry 2>/dev/null || echo https://registry.npmjs.org/)
for host in deb.debian.org "$(node -p 'new URL(process.argv[1]).hostname' "$registry")"; do
  ip=$(awk -v h="$host" '$1 !~ /^#/ { for (i = 2; i <= NF; i++) if ($i == h) { print $1; exit } }' /etc/hosts)
  if [ -n "$ip" ]; then printf '%s\n' --add-host "$host:$ip"; fi
done
