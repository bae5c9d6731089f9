#!/usr/bin/env bash
# Runs the three-region demo on this machine: one OpenClaw node per region, in global mode, all sharing the
# local Redis Cluster (start it first with scripts/redis-cluster.sh start).
#
#   scripts/regions.sh start
#   scripts/regions.sh status
#   scripts/regions.sh stop
#
# Region R runs with conf/regions/R.yaml: us-east on HTTP 8081, eu-west on 8082, ap-southeast on 8083,
# against Redis Cluster 127.0.0.1:7000-7005. Pid files and logs go to ${OPENCLAW_DATA_DIR:-.data}/regions/.
# `start` returns once every node's /health is UP in global mode; `stop` stops only the processes whose pids
# it recorded. Exit codes: 0 ok; 1 error (Redis Cluster not running, port taken, a node failed to start,
# `status` found a node down); 2 bad command line.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

readonly REGIONS=(us-east eu-west ap-southeast)
readonly REDIS_HOST=127.0.0.1
readonly REDIS_PORT=7000
state="${OPENCLAW_DATA_DIR:-$repo/.data}/regions"
start_timeout="${REGIONS_START_TIMEOUT:-90}"

usage() {
  sed -n '5,7p' "${BASH_SOURCE[0]}" | sed 's/^#   /usage: /' >&2
  exit 2
}

die() { echo "regions: $*" >&2; exit 1; }

command="${1:-}"
[ $# -eq 1 ] || usage

config_of() { echo "conf/regions/$1.yaml"; }

# The HTTP port of region R, from its config.
http_port() {
  awk '/^http:/ { in_http = 1; next } /^[^ ]/ { in_http = 0 } in_http && $1 == "port:" { print $2; exit }' \
    "$(config_of "$1")"
}

# The pid recorded for region R, if that process is still the OpenClaw node this script started.
live_pid() {
  local file="$state/$1.pid" pid
  [ -f "$file" ] || return 1
  pid="$(cat "$file")"
  ps -p "$pid" -o args= 2>/dev/null | grep -q "openclaw.jar run --config $(config_of "$1")" || return 1
  echo "$pid"
}

# True while the process started for region R runs: right after the start it may still be the wrapper
# script building the jar, before it becomes the java process that live_pid recognises.
still_running() {
  kill -0 "$(cat "$state/$1.pid" 2>/dev/null)" 2>/dev/null
}

health() {
  curl -s -m 2 "http://127.0.0.1:$1/health" || true
}

json_field() {
  grep -o "\"$2\":[^,}]*" <<<"$1" | head -1 | cut -d: -f2 | tr -d '"'
}

port_in_use() {
  timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

require_redis_cluster() {
  command -v redis-cli >/dev/null 2>&1 || die "redis-cli not found; install Redis with: apt-get install -y redis-server"
  local cluster_state
  cluster_state="$(timeout 3 redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" cluster info 2>/dev/null \
    | tr -d '\r' | awk -F: '$1 == "cluster_state" { print $2 }' || true)"
  if [ "$cluster_state" != "ok" ]; then
    die "no healthy Redis Cluster on $REDIS_HOST:$REDIS_PORT (cluster_state: ${cluster_state:-no answer});" \
      "start it with: scripts/redis-cluster.sh start"
  fi
}

start_region() {
  local region="$1" port pid
  port="$(http_port "$region")"
  if pid="$(live_pid "$region")"; then
    echo "$region already running (pid $pid, http $port)"
    return
  fi
  port_in_use "$port" && die "port $port (region $region) is in use by a process this script did not start"
  nohup scripts/openclaw run --config "$(config_of "$region")" >"$state/$region.log" 2>&1 </dev/null &
  echo $! >"$state/$region.pid"
  echo "$region starting: pid $!, http 127.0.0.1:$port, log $state/$region.log"
}

# True when every region's node answers /health UP in global mode; fails when a node process died.
all_up() {
  local region body
  for region in "${REGIONS[@]}"; do
    if ! still_running "$region"; then
      echo "regions: $region exited; last lines of its log:" >&2
      tail -20 "$state/$region.log" >&2
      exit 1
    fi
    body="$(health "$(http_port "$region")")"
    [ "$(json_field "$body" status)" = "UP" ] && [ "$(json_field "$body" mode)" = "global" ] || return 1
  done
}

start() {
  require_redis_cluster
  mkdir -p "$state"
  scripts/openclaw --version >/dev/null
  local region
  for region in "${REGIONS[@]}"; do
    if ! live_pid "$region" >/dev/null && port_in_use "$(http_port "$region")"; then
      die "port $(http_port "$region") (region $region) is in use by a process this script did not start"
    fi
  done
  for region in "${REGIONS[@]}"; do
    start_region "$region"
  done
  local deadline=$((SECONDS + start_timeout))
  until all_up; do
    [ $SECONDS -lt $deadline ] || die "regions not all UP in global mode after $start_timeout s; logs in $state/"
    sleep 1
  done
  echo "regions up: ${REGIONS[*]}"
  status
}

status() {
  local region pid body port down=0
  for region in "${REGIONS[@]}"; do
    port="$(http_port "$region")"
    if pid="$(live_pid "$region")"; then
      body="$(health "$port")"
      printf '%-13s pid %-7s http %s: %s, mode %s, redis cluster_state %s\n' "$region" "$pid" "$port" \
        "$(json_field "$body" status)" "$(json_field "$body" mode)" "$(json_field "$body" cluster_state)"
    else
      printf '%-13s not running\n' "$region"
      down=$((down + 1))
    fi
  done
  [ "$down" -eq 0 ]
}

stop() {
  local region pid pids=()
  for region in "${REGIONS[@]}"; do
    if pid="$(live_pid "$region")"; then
      kill -TERM "$pid"
      pids+=("$pid")
      echo "$region stopping (pid $pid)"
    fi
    rm -f "$state/$region.pid"
  done
  local deadline=$((SECONDS + 20))
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "regions: pid $pid did not stop in time, killing it" >&2
      kill -KILL "$pid"
    fi
  done
  echo "regions stopped"
}

case "$command" in
  start) start ;;
  status) status ;;
  stop) stop ;;
  *) usage ;;
esac
