#!/usr/bin/env bash
# Local Redis Cluster for development and tests: 3 masters + 3 replicas.
#
#   scripts/redis-cluster.sh start  [--base-port N]
#   scripts/redis-cluster.sh stop   [--base-port N] [--purge]
#   scripts/redis-cluster.sh status [--base-port N]
#
# Nodes listen on 127.0.0.1 ports N..N+5 (default N=7000); the cluster bus uses
# port+10000. Everything a cluster owns (node configs, append-only files, logs,
# pid files) lives in ${OPENCLAW_DATA_DIR:-<repo>/.data}/redis-cluster-N/, one
# sub-directory per port. Because the nodes run with appendonly, `stop` followed
# by `start` on the same base port brings back the same cluster with its keys;
# `--cluster create` runs only when the nodes have never been joined.
#
# The script only ever signals processes recorded in its own pid files and
# refuses to start if one of its ports is held by anything else.
#
# Exit codes: 0 ok; 1 error (start failed, refused, or `status` found the
# cluster degraded); 3 `status` found none of the nodes running.
#
# Environment: OPENCLAW_DATA_DIR (data root), OPENCLAW_REDIS_WAIT_SECONDS
# (how long `start` waits for a healthy cluster, default 30).
set -euo pipefail

readonly NODES=6
readonly SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly REPO_DIR="$(cd "${SCRIPT_DIR}/.." && pwd)"
readonly WAIT_SECONDS="${OPENCLAW_REDIS_WAIT_SECONDS:-30}"

usage() {
  cat >&2 <<EOF
usage: $(basename "$0") start|stop|status [--base-port N] [--purge]
  start    start (or restart) the 6-node cluster and wait until it is healthy
  stop     stop the nodes this script started; --purge also deletes their data
  status   print each node's port and role and the cluster state
EOF
  exit 1
}

die() { echo "redis-cluster: $*" >&2; exit 1; }
log() { echo "redis-cluster: $*"; }

# ---------------------------------------------------------------- arguments
[[ $# -ge 1 ]] || usage
CMD="$1"; shift
BASE=7000
PURGE=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --base-port)   [[ $# -ge 2 ]] || usage; BASE="$2"; shift 2 ;;
    --base-port=*) BASE="${1#*=}"; shift ;;
    --purge)       PURGE=1; shift ;;
    -h|--help)     usage ;;
    *)             echo "redis-cluster: unknown argument: $1" >&2; usage ;;
  esac
done
case "$CMD" in start|stop|status) ;; -h|--help) usage ;; *) echo "redis-cluster: unknown command: $CMD" >&2; usage ;; esac
[[ "$BASE" =~ ^[0-9]+$ ]] || die "--base-port must be a number, got '$BASE'"
BASE=$((10#$BASE))
(( BASE >= 1024 && BASE + NODES - 1 + 10000 <= 65535 )) \
  || die "--base-port must be between 1024 and $((65535 - 10000 - NODES + 1))"
[[ $PURGE -eq 0 || "$CMD" == stop ]] || die "--purge is only valid with stop"

if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
  cat >&2 <<EOF
redis-cluster: redis-server and redis-cli are required but were not found.
Install them (Debian/Ubuntu, Redis 7) with:
    apt-get install -y redis-server
(installing the package does not need its system service to run).
EOF
  exit 1
fi

DATA_ROOT="${OPENCLAW_DATA_DIR:-${REPO_DIR}/.data}"
CLUSTER_DIR="${DATA_ROOT}/redis-cluster-${BASE}"
PORTS=()
for ((i = 0; i < NODES; i++)); do PORTS+=($((BASE + i))); done

node_dir() { echo "${CLUSTER_DIR}/$1"; }
pid_file() { echo "${CLUSTER_DIR}/$1/redis.pid"; }
cli() { local port="$1"; shift; redis-cli -h 127.0.0.1 -p "$port" "$@"; }

# ---------------------------------------------------------------- ownership
# Print the pid of our node on PORT if the pid file names a live redis-server
# that serves that port from our node directory; otherwise print nothing.
own_pid() {
  local port="$1" pf pid cmd cwd
  pf="$(pid_file "$port")"
  [[ -f "$pf" ]] || return 0
  pid="$(tr -dc '0-9' <"$pf" 2>/dev/null || true)"
  [[ -n "$pid" ]] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  cmd="$(tr '\0' ' ' <"/proc/${pid}/cmdline" 2>/dev/null || true)"
  [[ "$cmd" == *redis-server* && "$cmd" == *":${port}"* ]] || return 0
  cwd="$(readlink "/proc/${pid}/cwd" 2>/dev/null || true)"
  if [[ -n "$cwd" && "$cwd" != "$(cd "$(node_dir "$port")" 2>/dev/null && pwd -P)" ]]; then
    return 0
  fi
  echo "$pid"
}

# True if something accepts TCP connections on 127.0.0.1:PORT.
port_in_use() {
  local port="$1"
  if command -v ss >/dev/null 2>&1; then
    ss -Hltn "sport = :${port}" 2>/dev/null | grep -q . && return 0
  fi
  timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/${port}" 2>/dev/null
}

# Value of FIELD in the INFO-style output of COMMAND on PORT ("" if unreachable).
info_field() {
  local port="$1" field="$2"; shift 2
  timeout 3 redis-cli -h 127.0.0.1 -p "$port" "$@" 2>/dev/null \
    | tr -d '\r' | awk -F: -v f="$field" '$1 == f { print $2; exit }' || true
}

running_count() {
  local n=0 port
  for port in "${PORTS[@]}"; do [[ -n "$(own_pid "$port")" ]] && n=$((n + 1)); done
  echo "$n"
}

# True when all six nodes are ours, report cluster_state:ok, and every replica
# has its replication link up. With "verbose", says what is still missing.
healthy() {
  local verbose="${1:-}" port role link state
  for port in "${PORTS[@]}"; do
    if [[ -z "$(own_pid "$port")" ]]; then
      [[ -z "$verbose" ]] || echo "node ${port} is not running"; return 1
    fi
    state="$(info_field "$port" cluster_state cluster info)"
    if [[ "$state" != ok ]]; then
      [[ -z "$verbose" ]] || echo "node ${port}: cluster_state:${state:-unreachable}"; return 1
    fi
    role="$(info_field "$port" role info replication)"
    if [[ "$role" == slave ]]; then
      link="$(info_field "$port" master_link_status info replication)"
      if [[ "$link" != up ]]; then
        [[ -z "$verbose" ]] || echo "replica ${port}: master_link_status:${link:-unknown}"; return 1
      fi
    elif [[ "$role" != master ]]; then
      [[ -z "$verbose" ]] || echo "node ${port}: role unknown"; return 1
    fi
  done
  return 0
}

# ---------------------------------------------------------------- locking
# Serialise start/stop of one cluster so that two callers cannot race.
take_lock() {
  mkdir -p "$CLUSTER_DIR"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"${CLUSTER_DIR}/.lock"
    flock -w 120 9 || die "another start/stop of ${CLUSTER_DIR} is still running"
  fi
}

# ---------------------------------------------------------------- start
start_node() {
  local port="$1" dir
  dir="$(node_dir "$port")"
  mkdir -p "$dir"
  rm -f "$(pid_file "$port")"
  redis-server \
    --port "$port" --bind 127.0.0.1 --protected-mode no \
    --cluster-enabled yes --cluster-config-file "nodes-${port}.conf" \
    --cluster-node-timeout 5000 \
    --repl-diskless-sync-delay 0 \
    --appendonly yes --save "" \
    --dir "$dir" --pidfile "$(pid_file "$port")" --logfile "${dir}/redis.log" \
    --daemonize yes 9>&- \
    || die "redis-server on port ${port} failed to start; see ${dir}/redis.log"
}

wait_for_ping() {
  local port="$1" deadline=$((SECONDS + WAIT_SECONDS))
  until [[ "$(timeout 2 redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null || true)" == PONG ]]; do
    if ((SECONDS >= deadline)); then
      die "node ${port} did not answer PING within ${WAIT_SECONDS}s; see $(node_dir "$port")/redis.log"
    fi
    sleep 0.1
  done
  # The pid file is written right after the fork; make sure it is there.
  until [[ -n "$(own_pid "$port")" ]]; do
    ((SECONDS < deadline)) || die "node ${port} answers but has no valid pid file $(pid_file "$port")"
    sleep 0.1
  done
}

cmd_start() {
  take_lock
  local port pid foreign=() started=0
  for port in "${PORTS[@]}"; do
    pid="$(own_pid "$port")"
    [[ -n "$pid" ]] && continue
    if port_in_use "$port" || port_in_use $((port + 10000)); then
      foreign+=("$port")
    fi
  done
  if ((${#foreign[@]} > 0)); then
    die "refusing to start: port(s) ${foreign[*]} (or their bus port +10000) are in use by a process this script did not start; pick another --base-port"
  fi

  if [[ "$(running_count)" -eq $NODES ]] && healthy; then
    log "cluster on ports ${BASE}-$((BASE + NODES - 1)) already running and healthy"
    return 0
  fi

  for port in "${PORTS[@]}"; do
    if [[ -z "$(own_pid "$port")" ]]; then
      start_node "$port"
      started=$((started + 1))
    fi
  done
  for port in "${PORTS[@]}"; do wait_for_ping "$port"; done
  ((started == 0)) || log "started ${started} node(s) in ${CLUSTER_DIR}"

  # A node that was never joined knows only itself and owns no slots. Nodes
  # that come back from their nodes-<port>.conf already know all six.
  local fresh=0 joined=0 known assigned
  for port in "${PORTS[@]}"; do
    known="$(info_field "$port" cluster_known_nodes cluster info)"
    assigned="$(info_field "$port" cluster_slots_assigned cluster info)"
    if [[ "$known" == 1 && "$assigned" == 0 ]]; then
      fresh=$((fresh + 1))
    else
      joined=$((joined + 1))
    fi
  done
  if ((fresh == NODES)); then
    log "creating cluster (3 masters, 3 replicas)"
    local addrs=()
    for port in "${PORTS[@]}"; do addrs+=("127.0.0.1:${port}"); done
    redis-cli --cluster create "${addrs[@]}" --cluster-replicas 1 --cluster-yes >"${CLUSTER_DIR}/create.log" 2>&1 \
      || { cat "${CLUSTER_DIR}/create.log" >&2; die "redis-cli --cluster create failed"; }
  elif ((fresh > 0)); then
    die "inconsistent data in ${CLUSTER_DIR}: ${joined} node(s) belong to a cluster, ${fresh} do not; run 'stop --purge' and start again"
  else
    log "reusing existing cluster configuration (nodes-*.conf) in ${CLUSTER_DIR}"
  fi

  local deadline=$((SECONDS + WAIT_SECONDS)) why=""
  until healthy; do
    if ((SECONDS >= deadline)); then
      why="$(healthy verbose || true)"
      die "cluster not healthy after ${WAIT_SECONDS}s (${why}); logs in ${CLUSTER_DIR}/*/redis.log"
    fi
    sleep 0.2
  done
  log "cluster on ports ${BASE}-$((BASE + NODES - 1)) is ok (data in ${CLUSTER_DIR})"
}

# ---------------------------------------------------------------- stop
cmd_stop() {
  if [[ ! -d "$CLUSTER_DIR" ]]; then
    log "nothing to stop: ${CLUSTER_DIR} does not exist"
    return 0
  fi
  take_lock
  local port pid pids=() ports=()
  for port in "${PORTS[@]}"; do
    pid="$(own_pid "$port")"
    if [[ -n "$pid" ]]; then pids+=("$pid"); ports+=("$port"); fi
  done
  # Signal all nodes together so that no replica sees its master vanish for
  # longer than the node timeout and starts a failover during shutdown.
  # SIGTERM makes Redis flush its append-only file and exit cleanly.
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  local deadline=$((SECONDS + WAIT_SECONDS)) alive
  while :; do
    alive=()
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive+=("$pid"); done
    ((${#alive[@]} == 0)) && break
    if ((SECONDS >= deadline)); then
      echo "redis-cluster: pid(s) ${alive[*]} still running after ${WAIT_SECONDS}s; sending SIGKILL" >&2
      for pid in "${alive[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
      sleep 0.5
      break
    fi
    sleep 0.1
  done
  for port in "${PORTS[@]}"; do rm -f "$(pid_file "$port")"; done
  if ((${#ports[@]} > 0)); then
    log "stopped node(s) ${ports[*]}"
  else
    log "no node of ${CLUSTER_DIR} was running"
  fi
  if ((PURGE)); then
    # Guard against ever deleting anything but this cluster's own directory.
    [[ "$(basename "$CLUSTER_DIR")" == "redis-cluster-${BASE}" ]] || die "unexpected data dir ${CLUSTER_DIR}"
    rm -rf -- "$CLUSTER_DIR"
    log "purged ${CLUSTER_DIR}"
  fi
}

# ---------------------------------------------------------------- status
cmd_status() {
  local port pid role link state up=0 bad=0 extra
  printf '%-6s %-8s %-9s %-8s %s\n' PORT PID ROLE CLUSTER DETAIL
  for port in "${PORTS[@]}"; do
    pid="$(own_pid "$port")"
    if [[ -z "$pid" ]]; then
      printf '%-6s %-8s %-9s %-8s %s\n' "$port" - down - ""
      bad=$((bad + 1))
      continue
    fi
    up=$((up + 1))
    role="$(info_field "$port" role info replication)"
    state="$(info_field "$port" cluster_state cluster info)"
    extra=""
    if [[ "$role" == slave ]]; then
      role=replica
      link="$(info_field "$port" master_link_status info replication)"
      extra="master $(info_field "$port" master_port info replication) link ${link:-?}"
      [[ "$link" == up ]] || bad=$((bad + 1))
    elif [[ "$role" == master ]]; then
      extra="replicas $(info_field "$port" connected_slaves info replication)"
    else
      role="${role:-unknown}"
      bad=$((bad + 1))
    fi
    [[ "$state" == ok ]] || bad=$((bad + 1))
    printf '%-6s %-8s %-9s %-8s %s\n' "$port" "$pid" "$role" "${state:-?}" "$extra"
  done
  if ((up == 0)); then
    echo "cluster: not running (data dir ${CLUSTER_DIR})"
    return 3
  fi
  if ((bad > 0)); then
    echo "cluster: degraded"
    return 1
  fi
  echo "cluster: ok"
}

case "$CMD" in
  start)  cmd_start ;;
  stop)   cmd_stop ;;
  status) cmd_status ;;
esac
