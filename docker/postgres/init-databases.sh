#!/bin/bash
# First start of the PostgreSQL container (empty volume): one database per service, each
# owned by its own login role, so a service can neither read nor change another's data. The
# services create their tables themselves (migrations at start).
#
# Passwords come from the environment (docker/.env) and are passed to psql as variables,
# quoted by psql itself (:'password'), never pasted into SQL text.
set -euo pipefail

create_database() {
  local name="$1" password="$2"
  if [ -z "$password" ]; then
    echo "init-databases: no password for $name" >&2
    exit 1
  fi
  psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" --dbname postgres -v name="$name" -v password="$password" <<'SQL'
CREATE ROLE :"name" LOGIN PASSWORD :'password';
CREATE DATABASE :"name" OWNER :"name";
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
  echo "init-databases: created database and role $name"
}

create_database "${DB_PREFIX:-portcullis}_auth" "${AUTH_DB_PASSWORD:-}"
create_database "${DB_PREFIX:-portcullis}_audit" "${AUDIT_DB_PASSWORD:-}"
create_database "${DB_PREFIX:-portcullis}_mcp" "${MCP_DB_PASSWORD:-}"
create_database "${DB_PREFIX:-portcullis}_gateway" "${GATEWAY_DB_PASSWORD:-}"
