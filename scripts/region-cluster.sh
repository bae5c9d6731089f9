#!/usr/bin/env bash
# Runs a region of N clustered OpenClaw nodes on this machine, for trying out shard ownership.
#
#   scripts/region-cluster.sh start N [--region R] [--base-port P] [--hazelcast-port H] [--config F]
#   scripts/region-cluster.sh status [N] [--region R]
#   scripts/region-cluster.sh stop [N] [--region R]
#
# Node i (0-based) serves HTTP on P+i (default 8091) and joins Hazelcast on H+i (default 5701); every
# node lists all N Hazelcast addresses as members. The config (default conf/region-cluster.yaml, which
# must have cluster.enabled: true) is shared; the per-node values come from the environment. Logs, pids
# and ports go to .data/region-R/. `start` returns once every node's /health is UP and the shards owned add
# up to the total; `stop` stops only the processes whose pids it recorded.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

usage() {
  sed -n '4,6p' "${BASH_SOURCE[0]}" | sed 's/^#   /usage: /' >&2
  exit 2
}

command="${1:-}"
[ -n "$command" ] || usage
shift
count=""
if [ $# -gt 0 ] && [[ "$1" =~ ^[0-9]+$ ]]; then
  count="$1"
  shift
fi
region="local"
base_port=8091
hazelcast_port=5701
config="conf/region-cluster.yaml"
while [ $# -gt 0 ]; do
  case "$1" in
    --region|--base-port|--hazelcast-port|--config)
      [ $# -ge 2 ] || { echo "region-cluster: $1 needs a value" >&2; usage; } ;;
  esac
  case "$1" in
    --region) region="$2"; shift 2 ;;
    --base-port) base_port="$2"; shift 2 ;;
    --hazelcast-port) hazelcast_port="$2"; shift 2 ;;
    --config) config="$2"; shift 2 ;;
    *) echo "region-cluster: unknown option $1" >&2; usage ;;
  esac
done
[[ "$region" =~ ^[A-Za-z0-9_-]{1,64}$ ]] || { echo "region-cluster: bad region name '$region'" >&2; exit 2; }
state="$repo/.data/region-$region"
start_timeout="${REGION_START_TIMEOUT:-120}"

# The pid recorded for node i, if that process is still an OpenClaw node.
live_pid() {
  local file="$state/node-$1.pid" pid
  [ -f "$file" ] || return 1
  pid="$(cat "$file")"
  ps -p "$pid" -o args= 2>/dev/null | grep -q 'openclaw.jar' || return 1
  echo "$pid"
}

# True while the process started for node I runs: right after the start it may still be the wrapper
# script building the jar, before it becomes the java process that live_pid recognises.
still_running() {
  kill -0 "$(cat "$state/node-$1.pid" 2>/dev/null)" 2>/dev/null
}

recorded_nodes() {
  if [ -n "$count" ]; then
    seq 0 $((count - 1))
  else
    for file in "$state"/node-*.pid; do
      [ -e "$file" ] || continue
      basename "$file" .pid | sed 's/^node-//'
    done | sort -n
  fi
}

# The HTTP port node i was started with.
http_port() {
  cat "$state/node-$1.port" 2>/dev/null || echo $((base_port + $1))
}

health() {
  curl -s -m 2 "http://127.0.0.1:$1/health" || true
}

json_field() {
  grep -o "\"$2\":[^,}]*" <<<"$1" | head -1 | cut -d: -f2 | tr -d '"'
}

members() {
  local list="" i
  for i in $(seq 0 $((count - 1))); do
    list="$list${list:+,}127.0.0.1:$((hazelcast_port + i))"
  done
  echo "$list"
}

start_node() {
  local i="$1"
  if pid="$(live_pid "$i")"; then
    echo "node $i already running (pid $pid)"
    return
  fi
  OPENCLAW_REGION="$region" \
  OPENCLAW_HTTP_PORT=$((base_port + i)) \
  OPENCLAW_CLUSTER_PORT=$((hazelcast_port + i)) \
  OPENCLAW_CLUSTER_MEMBERS="$(members)" \
    nohup scripts/openclaw run --config "$config" >"$state/node-$i.log" 2>&1 </dev/null &
  echo $! >"$state/node-$i.pid"
  echo $((base_port + i)) >"$state/node-$i.port"
  echo "node $i starting: pid $!, http 127.0.0.1:$((base_port + i)), hazelcast $((hazelcast_port + i))," \
    "log .data/region-$region/node-$i.log"
}

# Prints "owned total degraded" once every node answers /health as UP or DEGRADED (serving, in local mode while
# Redis is unreachable; degraded counts those), nothing before; fails when a node process died.
region_state() {
  local owned=0 total="" i body degraded=0
  for i in $(seq 0 $((count - 1))); do
    if ! still_running "$i"; then
      echo "region-cluster: node $i exited; last lines of its log:" >&2
      tail -20 "$state/node-$i.log" >&2
      return 1
    fi
    body="$(health "$(http_port "$i")")"
    case "$(json_field "$body" status)" in
      UP) ;;
      DEGRADED) degraded=$((degraded + 1)) ;;
      *) return 0 ;;
    esac
    owned=$((owned + $(json_field "$body" shards_owned)))
    total="$(json_field "$body" total)"
  done
  echo "$owned $total $degraded"
}

start() {
  [ -n "$count" ] && [ "$count" -ge 1 ] || usage
  mkdir -p "$state"
  scripts/openclaw --version >/dev/null
  for i in $(seq 0 $((count - 1))); do
    start_node "$i"
  done
  local deadline=$((SECONDS + start_timeout)) now owned total degraded
  while [ $SECONDS -lt $deadline ]; do
    now="$(region_state)" || exit 1
    read -r owned total degraded <<<"${now:-- - 0}"
    if [ -n "$now" ] && [ "$owned" = "$total" ]; then
      echo "region $region is up: $count nodes own $owned of $total shards"
      if [ "$degraded" -gt 0 ]; then
        echo "region-cluster: $degraded node(s) DEGRADED: deciding locally until Redis answers" >&2
        status || true
        return 0
      fi
      status
      return
    fi
    sleep 1
  done
  echo "region-cluster: region $region not settled after $start_timeout s (shards owned/total: ${now:+$owned/$total}${now:-none})" >&2
  exit 1
}

# Exits 1 when a recorded node is not running or not UP, so scripts can rely on it.
status() {
  local i pid body down=0
  for i in $(recorded_nodes); do
    if pid="$(live_pid "$i")"; then
      body="$(health "$(http_port "$i")")"
      printf 'node %s pid %s http %s: %s, shards %s\n' "$i" "$pid" "$(http_port "$i")" \
        "$(json_field "$body" status)" "$(grep -o '"shards":\[[0-9,]*\]' <<<"$body" | cut -d: -f2)"
      [ "$(json_field "$body" status)" = "UP" ] || down=$((down + 1))
    else
      printf 'node %s: not running\n' "$i"
      down=$((down + 1))
    fi
  done
  [ "$down" -eq 0 ]
}

stop() {
  local i pid pids=()
  for i in $(recorded_nodes); do
    if pid="$(live_pid "$i")"; then
      kill -TERM "$pid"
      pids+=("$pid")
      echo "node $i stopping (pid $pid)"
    fi
    rm -f "$state/node-$i.pid" "$state/node-$i.port"
  done
  local deadline=$((SECONDS + 20))
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "region-cluster: pid $pid did not stop in time, killing it" >&2
      kill -KILL "$pid"
    fi
  done
  echo "region $region stopped"
}

case "$command" in
  start) start ;;
  status) status ;;
  stop) stop ;;
  *) usage ;;
esac
