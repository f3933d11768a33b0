#!/usr/bin/env bash
# The compose stack on a real Docker engine, end to end (docker/README.md, "Smoke test"):
#
#   docker/test/compose-smoke.sh
#
# 1. Base images: the official ones when present or pullable, else local stand-ins built from
#    Debian packages (docker/standin/build.sh; SMOKE_STANDINS=always forces them).
# 2. Builds the four service images (docker/Dockerfile), and reports their sizes. Or, with
#    SMOKE_BUILD=host, runs this checkout's own build (`npm run build`: dist/ and node_modules,
#    bind-mounted read-only into the Node base image) and skips the image checks: for a machine
#    too loaded to build the images in the time it has. The stack and the checks are the same.
# 3. `up --scale mcp-server=3` as its own compose project (portcullis-smoke) on its own host
#    ports (SMOKE_PORT_BASE, default 17000: auth +9000 → 17000+…, see below), with fresh secrets.
# 4. Checks: a client_credentials token; tool calls through mcp-lb spread over the 3 replicas;
#    the calls' audit rows; a RabbitMQ restart and then a replica killed (SIGTERM: it drains)
#    under steady load, with no failed request and every call audited.
# 5. Tears the project down (volumes included) unless SMOKE_KEEP=1.
#
# Needs: a running Docker engine, `docker compose` or `docker-compose` (1.29 works), node, curl,
# openssl; root for the stand-ins (debootstrap). Not part of `npm test`.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
docker=${DOCKER:-docker}
project=${SMOKE_PROJECT:-portcullis-smoke}
base=${SMOKE_PORT_BASE:-17000}
work=$(mktemp -d)
t0=$(date +%s)
log() { printf '[smoke %4ss] %s\n' "$(( $(date +%s) - t0 ))" "$*" >&2; }
fail() { log "FAILED: $*"; exit 1; }

if "$docker" compose version >/dev/null 2>&1; then compose=("$docker" compose); else compose=(docker-compose); fi
"${compose[@]}" version >/dev/null 2>&1 || fail "neither 'docker compose' nor 'docker-compose' works"
"$docker" info >/dev/null 2>&1 || fail "no Docker engine answers ($docker info)"
log "engine $("$docker" version -f '{{.Server.Version}}'), $("${compose[@]}" version --short 2>/dev/null || "${compose[@]}" version | sed -n 1p)"

# --- 1. base images -------------------------------------------------------------------------
declare -A official=([NODE_IMAGE]=node:20-bookworm-slim [POSTGRES_IMAGE]=postgres:17-bookworm [RABBITMQ_IMAGE]=rabbitmq:4.1-management [LB_IMAGE]=haproxy:2.6-alpine)
need_standins=${SMOKE_STANDINS:-auto}
if [ "$need_standins" = auto ]; then
  need_standins=never
  for name in "${!official[@]}"; do
    image=${official[$name]}
    "$docker" image inspect "$image" >/dev/null 2>&1 && continue
    if ! timeout 120 "$docker" pull -q "$image" >/dev/null 2>&1; then
      log "cannot pull $image: using local stand-ins"
      need_standins=always
      break
    fi
  done
fi
declare -A images
for name in "${!official[@]}"; do images[$name]=${official[$name]}; done
if [ "$need_standins" = always ]; then
  log "building stand-in base images (docker/standin/build.sh)"
  while IFS='=' read -r name image; do images[$name]=$image; done < <(DOCKER="$docker" "$repo/docker/standin/build.sh")
fi
for name in "${!images[@]}"; do export "$name=${images[$name]}"; done
log "base images: ${images[*]}"

# --- 2. the service images ------------------------------------------------------------------
mapfile -t add_hosts < <("$repo/docker/standin/add-hosts.sh")
export IMAGE_REPOSITORY=portcullis-smoke IMAGE_TAG=local
apps=(auth-server audit-service mcp-server mcp-gateway)
overrides=()
if [ "${SMOKE_BUILD:-dockerfile}" = host ]; then
  declare -A ports=([auth-server]=9000 [audit-service]=3100 [mcp-server]=3000 [mcp-gateway]=3300)
  {
    echo "services:"
    for app in "${apps[@]}"; do
      [ -f "$repo/dist/apps/$app/main.js" ] || fail "SMOKE_BUILD=host: dist/apps/$app/main.js is missing (npm run build)"
      cat <<YAML
  $app:
    image: $NODE_IMAGE
    user: node
    working_dir: /app
    command: ["node", "dist/apps/$app/main.js"]
    environment: { NODE_ENV: production, PORT: "${ports[$app]}", HEALTHCHECK_TIMEOUT_MS: "5000" }
    volumes:
      - $repo/dist:/app/dist:ro
      - $repo/node_modules:/app/node_modules:ro
      - $repo/docker/healthcheck.cjs:/app/healthcheck.cjs:ro
    healthcheck: { test: ["CMD", "node", "healthcheck.cjs"], interval: 10s, timeout: 5s, retries: 3, start_period: 30s }
YAML
    done
  } >"$work/host-build.yaml"
  overrides=(-f "$work/host-build.yaml")
  apps=()
  log "SMOKE_BUILD=host: running this checkout's dist/ in $NODE_IMAGE (no image build)"
fi
# Every health check starts a process (RabbitMQ's CLI is an Erlang VM of its own, the services'
# a Node): on a heavily loaded machine that alone can outlast compose's 5-10 s timeouts.
# SMOKE_HEALTHCHECK_TIMEOUT=60s allows them more; the services' probe (healthcheck.cjs) is told
# the same deadline through HEALTHCHECK_TIMEOUT_MS.
if [ -n "${SMOKE_HEALTHCHECK_TIMEOUT:-}" ]; then
  [[ $SMOKE_HEALTHCHECK_TIMEOUT =~ ^([0-9]+)s$ ]] || fail "SMOKE_HEALTHCHECK_TIMEOUT: whole seconds, as 60s"
  timeout_ms=$(( BASH_REMATCH[1] * 1000 ))
  {
    echo "services:"
    for service in postgres rabbitmq mcp-lb gateway-lb; do
      printf '  %s:\n    healthcheck: { timeout: %s }\n' "$service" "$SMOKE_HEALTHCHECK_TIMEOUT"
    done
    for service in auth-server audit-service mcp-server mcp-gateway; do
      printf '  %s:\n    healthcheck: { timeout: %s }\n    environment: { HEALTHCHECK_TIMEOUT_MS: "%s" }\n' "$service" "$SMOKE_HEALTHCHECK_TIMEOUT" "$timeout_ms"
    done
  } >"$work/slow-machine.yaml"
  overrides+=(-f "$work/slow-machine.yaml")
fi
build_start=$(date +%s)
if [ ${#apps[@]} -gt 0 ]; then
  buildkit=$(DOCKER="$docker" "$repo/docker/standin/buildkit.sh") || fail "no BuildKit with this docker client"
fi
for target in "${apps[@]}"; do
  log "building $IMAGE_REPOSITORY/$target:$IMAGE_TAG"
  DOCKER_BUILDKIT=$buildkit "$docker" build -q "${add_hosts[@]}" -f "$repo/docker/Dockerfile" --target "$target" \
    --build-arg "NODE_IMAGE=$NODE_IMAGE" -t "$IMAGE_REPOSITORY/$target:$IMAGE_TAG" "$repo" >/dev/null
done
if [ ${#apps[@]} -gt 0 ]; then
  log "images built in $(( $(date +%s) - build_start )) s"
  "$docker" image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E "^($IMAGE_REPOSITORY|portcullis-standin)/" | sed 's/^/  /' >&2
  # The build leftovers the Dockerfile removes must not be in the runtime image.
  leftovers=$("$docker" run --rm --entrypoint sh "$IMAGE_REPOSITORY/mcp-server:$IMAGE_TAG" -c \
    'cd node_modules/better-sqlite3 && ls -d deps src build/Release/obj.target build/Release/obj 2>/dev/null; ls /usr/local/bin | grep -E "^(npm|npx|yarn)$"; true')
  [ -z "$leftovers" ] || fail "build leftovers in the runtime image: $leftovers"
fi

# --- 3. up, scaled --------------------------------------------------------------------------
secret() { openssl rand -hex 24; }
export COMPOSE_PROJECT_NAME=$project
export POSTGRES_PASSWORD=$(secret) AUTH_DB_PASSWORD=$(secret) AUDIT_DB_PASSWORD=$(secret) MCP_DB_PASSWORD=$(secret) GATEWAY_DB_PASSWORD=$(secret)
export RABBITMQ_PASSWORD=$(secret) REGISTRATION_INITIAL_ACCESS_TOKEN=$(secret)
export AUTH_SERVER_INGEST_SECRET=$(secret) MCP_SERVER_INGEST_SECRET=$(secret) MCP_GATEWAY_INGEST_SECRET=$(secret)
export AUTH_PUBLISHED_PORT=$base MCP_PUBLISHED_PORT=$((base + 1)) AUDIT_PUBLISHED_PORT=$((base + 2)) GATEWAY_PUBLISHED_PORT=$((base + 3)) RABBITMQ_MANAGEMENT_PORT=$((base + 4))
export ISSUER_URL=http://localhost:$AUTH_PUBLISHED_PORT MCP_RESOURCE_URL=http://localhost:$MCP_PUBLISHED_PORT/mcp AUDIT_RESOURCE_URL=http://localhost:$AUDIT_PUBLISHED_PORT/audit
export ACCESS_TOKEN_TTL=3600
# Everything comes from this environment; an operator's docker/.env is not read.
: >"$work/empty.env"
dc() { "${compose[@]}" --env-file "$work/empty.env" -p "$project" -f "$repo/docker/compose.yaml" "${overrides[@]}" "$@"; }

# The file secrets compose mounts (docker/README.md, step 1): made for this run when absent, and
# removed again at the end; an operator's own files are used as they are.
secrets_dir=$repo/docker/secrets
made_files=()
make_secret() { # <file> <command writing the secret to stdout>
  local file=$secrets_dir/$1
  shift
  [ -f "$file" ] && return
  mkdir -p "$secrets_dir"
  "$@" >"$file" 2>/dev/null && chmod 644 "$file"
  made_files+=("$file")
}
make_secret gateway-identity.pem openssl genpkey -algorithm ed25519
make_secret keys-encryption-key sh -c 'openssl rand 32 | basenc --base64url'
make_secret metrics-token openssl rand -hex 32
METRICS_TOKEN=$(cat "$secrets_dir/metrics-token")
loader=
cleanup() {
  local status=$?
  # A load client still running (a check failed under load) would call the next run's stack.
  if [ -n "$loader" ]; then kill "$loader" 2>/dev/null || true; fi
  if [ $status -ne 0 ]; then
    log "service states and the last log lines:"
    dc ps >&2 || true
    dc logs --tail 30 >&2 || true
  fi
  if [ -z "${SMOKE_KEEP:-}" ]; then dc down -v --remove-orphans >/dev/null 2>&1 || true; fi
  [ ${#made_files[@]} -eq 0 ] || rm -f "${made_files[@]}"
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT

dc down -v --remove-orphans >/dev/null 2>&1 || true
up_start=$(date +%s)
log "up --scale mcp-server=3"
dc up -d --no-build --scale mcp-server=3 >/dev/null 2>"$work/up.log" || { cat "$work/up.log" >&2; fail "compose up"; }

containers() { dc ps -q "$@"; }
wait_healthy() {
  local deadline=$(( $(date +%s) + ${1:-300} )) unhealthy
  while :; do
    unhealthy=$(for id in $(containers); do "$docker" inspect -f '{{.Name}} {{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$id"; done | grep -v -E ' (healthy)$' || true)
    [ -z "$unhealthy" ] && return 0
    [ "$(date +%s)" -lt "$deadline" ] || fail "not healthy: $unhealthy"
    sleep 2
  done
}
wait_healthy 300
[ "$(containers mcp-server | wc -l)" -eq 3 ] || fail "expected 3 mcp-server replicas"
log "all $(containers | wc -l) containers healthy in $(( $(date +%s) - up_start )) s (3 mcp-server replicas)"

# --- 4. the checks --------------------------------------------------------------------------
export AUTH_URL=$ISSUER_URL MCP_URL=$MCP_RESOURCE_URL AUDIT_URL=$AUDIT_RESOURCE_URL INITIAL_ACCESS_TOKEN=$REGISTRATION_INITIAL_ACCESS_TOKEN
client() { node "$repo/docker/test/smoke/client.mjs" "$@"; }
json() { node -p "JSON.parse(process.argv[1])$2" "$1"; }

# /metrics answers only the scraper's token (the metrics_token secret), on every published service.
status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
for url in "$ISSUER_URL/metrics" "${MCP_RESOURCE_URL%/mcp}/metrics" "${AUDIT_RESOURCE_URL%/audit}/metrics"; do
  [ "$(status "$url")" = 401 ] || fail "$url answered without the metrics token"
  [ "$(status -H "authorization: Bearer $METRICS_TOKEN" "$url")" = 200 ] || fail "$url refused the metrics token"
done
log "/metrics: 401 without the token, 200 with it (auth-server, mcp-lb, audit-service)"

registered=$(client register)
export CLIENT_ID=$(json "$registered" .client_id) CLIENT_SECRET=$(json "$registered" .client_secret)
log "registered client $CLIENT_ID (client_credentials)"

# Which replica served each request, from the replicas' own logs (one JSON request line per
# request, docker/test/smoke/mcp-requests.mjs): independent of the load balancer's log format.
served_since() {
  local since=$1 counts=() id
  for id in $(containers mcp-server); do
    counts+=("$("$docker" logs --since "$since" "$id" 2>&1 | node "$repo/docker/test/smoke/mcp-requests.mjs")")
  done
  echo "${counts[*]}"
}

# One second back: `docker logs --since` has whole-second resolution here, and no replica has
# served a POST /mcp before this point (only health checks).
mark=$(( $(date +%s) - 1 ))
result=$(client calls 150 4)
[ "$(json "$result" .failed)" -eq 0 ] || fail "tool calls failed: $result"
read -r -a per_replica <<<"$(served_since "$mark")"
log "150 tool calls through mcp-lb: all ok; served per replica (their own request logs): ${per_replica[*]}"
for n in "${per_replica[@]}"; do [ "$n" -gt 0 ] || fail "a replica served no request (${per_replica[*]})"; done
served=0; for n in "${per_replica[@]}"; do served=$(( served + n )); done
[ "$served" -eq 150 ] || fail "the replicas logged $served POST /mcp requests for 150 calls (${per_replica[*]})"

audited=$(client audit 150)
[ "$(json "$audited" .toolCalls)" -ge 150 ] || fail "audit rows missing: $audited"
log "audit: $(json "$audited" .toolCalls) mcp.tool.called rows for the client"

under_load() {
  local what=$1; shift
  rm -f "$work/stop"
  # node itself in the background (not the client function's subshell): $! is then the process
  # to stop if the run ends early.
  node "$repo/docker/test/smoke/client.mjs" load "$work/stop" >"$work/load.json" &
  loader=$!
  sleep 3
  "$@"
  sleep 3
  touch "$work/stop"
  wait "$loader" || fail "load client"
  loader=
  local outcome; outcome=$(cat "$work/load.json")
  [ "$(json "$outcome" .failed)" -eq 0 ] || fail "$what: failed requests: $outcome"
  log "$what: $(json "$outcome" .ok) tool calls, none failed"
  total_calls=$(( total_calls + $(json "$outcome" .ok) ))
}
total_calls=150

broker_restart() {
  local t=$(date +%s)
  dc restart rabbitmq >/dev/null 2>&1
  wait_healthy 180
  log "rabbitmq restarted and healthy again in $(( $(date +%s) - t )) s"
}
under_load "broker restart" broker_restart

kill_replica() {
  # Not `| head -n1`: under pipefail, compose killed by SIGPIPE after head exits fails the run.
  local replicas victim
  mapfile -t replicas < <(containers mcp-server)
  victim=${replicas[0]}
  # SIGTERM, as `docker stop`, a rolling update or a scale-down send it: the replica drains.
  "$docker" kill -s TERM "$victim" >/dev/null
  local deadline=$(( $(date +%s) + 60 ))
  while [ "$("$docker" inspect -f '{{.State.Running}}' "$victim")" = true ] && [ "$(date +%s)" -lt "$deadline" ]; do sleep 1; done
  log "replica ${victim:0:12} stopped (exit $("$docker" inspect -f '{{.State.ExitCode}}' "$victim"))"
}
under_load "replica killed" kill_replica

audited=$(client audit "$total_calls")
[ "$(json "$audited" .toolCalls)" -ge "$total_calls" ] || fail "audit rows missing after the broker restart and the kill: $audited, expected $total_calls"
log "audit: every one of the $total_calls tool calls has its row ($(json "$audited" .toolCalls))"
log "PASSED in $(( $(date +%s) - t0 )) s"
