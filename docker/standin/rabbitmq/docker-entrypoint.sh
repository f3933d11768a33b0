#!/bin/bash
# The default user from the environment, as the official rabbitmq image takes it (see Dockerfile).
set -euo pipefail
{
  echo "loopback_users = none"
  if [ -n "${RABBITMQ_DEFAULT_USER:-}" ]; then
    echo "default_user = ${RABBITMQ_DEFAULT_USER}"
    echo "default_pass = ${RABBITMQ_DEFAULT_PASS:?RABBITMQ_DEFAULT_PASS is required with RABBITMQ_DEFAULT_USER}"
  fi
} > /etc/rabbitmq/rabbitmq.conf
# The server itself, not Debian's /usr/sbin wrapper, which sends the output to startup_log.
exec /usr/lib/rabbitmq/bin/rabbitmq-server
