#!/usr/bin/env bash
# Throughput and latency of POST /v1/rate beside a bare Vert.x route answering the same JSON size,
# measured in the same run with the same load settings. Prints requests/s, p50 and p99 per run, the
# medians over the rounds and the ratios of the medians.
#
#   scripts/bench.sh [standalone|global] [--duration SECONDS] [--connections N] [--threads N]
#                    [--rounds N] [--redis-base-port N] [--metrics on|off] [--edge-only]
#
# standalone  a node with sync disabled (buckets in memory) against the bare route.
# global      starts its own Redis Cluster (scripts/redis-cluster.sh, ports N..N+5, default 7600, data in a
#             temporary directory, stopped and purged on exit), a node in global mode against it and the
#             peer: the same HTTP front deciding with Bucket4j's Lettuce-based Redis bucket on the same
#             cluster (built from the test class path, never part of the product jar), once as it comes
#             (bucket4j) and once with Bucket4j's own batching of concurrent requests for one bucket
#             (bucket4j-batching). Same capacity and refill (10000 tokens, 2000/s, no grace) for all.
# --metrics off runs the node with metrics.enabled false (the bare route and the peer have none).
# --edge-only (standalone) adds a third server: the node's HTTP edge (same parser, bucket map, answer
#             rendering and, unless --metrics off, the same metrics) deciding on its own event loop, with no
#             event-bus hop (src/test/java/io/openclaw/http/EdgeOnlyServer.java, test class path). It is not a
#             rate limiter (each event loop has its own buckets); it bounds what the node can reach over the
#             bare route.
#
# Besides requests/s and latency, each run prints the server's CPU time per request (user + system time of its
# JVM during the measured run, divided by the requests answered): it moves less than throughput when other work
# shares the machine. Against Redis, each run also prints the CPU time the six Redis servers used per decision.
#
# Two loads: distinct-clients (a new client id per request) and hot-client (one client id). Each round
# runs every server once with the same wrk settings, one after the other, after a 3 s warm-up of each.
# Uses wrk (Debian package wrk, installed with apt-get when missing and run as root). Everything runs on this
# machine, on loopback.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

usage() {
  echo "usage: scripts/bench.sh [standalone|global] [--duration S] [--connections N] [--threads N]" \
    "[--rounds N] [--redis-base-port N] [--metrics on|off] [--edge-only]" >&2
  exit 1
}

scenario="standalone"
duration=15
connections=64
threads=2
rounds=1
redis_base=7600
metrics=on
edge_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    standalone|global) scenario="$1"; shift ;;
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --redis-base-port) redis_base="$2"; shift 2 ;;
    --metrics) metrics="$2"; shift 2 ;;
    --edge-only) edge_only=1; shift ;;
    *) usage ;;
  esac
done
case "$metrics" in on|off) ;; *) usage ;; esac

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" != "0" ]; then
    echo "bench: wrk is missing; install it with: sudo apt-get install -y wrk" >&2
    exit 1
  fi
  echo "bench: installing wrk" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
jar="$repo/target/openclaw.jar"
if [ ! -f "$jar" ] || [ ! -d target/test-classes ] \
    || [ -n "$(find pom.xml src -newer "$jar" -print -quit)" ]; then
  mvn -q -B -DskipTests package
fi

work="$(mktemp -d -t openclaw-bench-XXXXXX)"
pids=()
declare -A pid_of_port=()
redis_started=0
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$redis_started" = 1 ]; then
    OPENCLAW_DATA_DIR="$work/data" scripts/redis-cluster.sh stop --base-port "$redis_base" --purge >/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

java_opts=(-Xms512m -Xmx512m -XX:+UseParallelGC)
baseline_port=18099
peer_port=18098
peer_batching_port=18097
edge_port=18096
clock_ticks="$(getconf CLK_TCK)"
node_port=18080

wait_port() {
  for _ in $(seq 1 150); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "bench: nothing listens on port $1; see $work/*.log" >&2
  exit 1
}

start_baseline() {
  java "${java_opts[@]}" -cp "$jar" io.openclaw.bench.BaselineServer "$baseline_port" >"$work/baseline.log" 2>&1 &
  pids+=($!)
  pid_of_port[$baseline_port]=$!
  wait_port "$baseline_port"
}

start_node() {
  local config="$1"
  OPENCLAW_HTTP_PORT="$node_port" java "${java_opts[@]}" -jar "$jar" run --config "$config" \
    >"$work/node.log" 2>&1 &
  pids+=($!)
  pid_of_port[$node_port]=$!
  wait_port "$node_port"
}

# The peer runs from the test class path, so Bucket4j and Lettuce never enter the product jar.
# start_peer PORT [batching]
start_peer() {
  local port="$1" option="${2:-}"
  [ -f "$work/test.classpath" ] || build_test_classpath
  java "${java_opts[@]}" -cp "target/test-classes:target/classes:$(cat "$work/test.classpath")" \
    io.openclaw.bench.Bucket4jServer "$port" "$(redis_nodes)" 10000 2000 $option >"$work/peer-$port.log" 2>&1 &
  pids+=($!)
  pid_of_port[$port]=$!
  wait_port "$port"
}

# The edge-only probe also runs from the test class path. start_edge CONFIG
start_edge() {
  local config="$1"
  [ -f "$work/test.classpath" ] || build_test_classpath
  java "${java_opts[@]}" -cp "target/test-classes:target/classes:$(cat "$work/test.classpath")" \
    io.openclaw.http.EdgeOnlyServer "$edge_port" "$config" >"$work/edge.log" 2>&1 &
  pids+=($!)
  pid_of_port[$edge_port]=$!
  wait_port "$edge_port"
}

build_test_classpath() {
  mvn -q -B -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/test.classpath" \
    >"$work/classpath.log" 2>&1 \
    || mvn -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/test.classpath" \
    >"$work/classpath.log" 2>&1
}

redis_nodes() {
  echo "127.0.0.1:$redis_base,127.0.0.1:$((redis_base + 1)),127.0.0.1:$((redis_base + 2))"
}

start_redis() {
  redis_started=1
  OPENCLAW_DATA_DIR="$work/data" scripts/redis-cluster.sh start --base-port "$redis_base" >"$work/redis.log" 2>&1 \
    || { cat "$work/redis.log" >&2; exit 1; }
}

# Redis commands the masters ran since the last reset: "calls usec" summed over the scripting and read
# commands a decision can use (EVALSHA, EVAL, GET).
reset_redis_stats() {
  local port
  for port in "$redis_base" $((redis_base + 1)) $((redis_base + 2)); do
    redis-cli -h 127.0.0.1 -p "$port" config resetstat >/dev/null
  done
}

redis_stats() {
  local port
  for port in "$redis_base" $((redis_base + 1)) $((redis_base + 2)); do
    redis-cli -h 127.0.0.1 -p "$port" info commandstats
  done | tr -d '\r' | awk -F'[:,=]' '/^cmdstat_(evalsha|eval|get):/ { calls += $3; usec += $5 }
    END { printf "%d %d\n", calls, usec }'
}

# redis_cpu_ticks: user + system clock ticks the six Redis servers of the benchmark's cluster have used so far
redis_cpu_ticks() {
  local file total=0
  for file in "$work"/data/redis-cluster-"$redis_base"/*/redis.pid; do
    total=$((total + $(awk '{ print $14 + $15 }' "/proc/$(cat "$file")/stat")))
  done
  echo "$total"
}

# cpu_ticks PORT: user + system clock ticks the JVM serving PORT has used so far
cpu_ticks() {
  awk '{ print $14 + $15 }' "/proc/${pid_of_port[$1]}/stat"
}

# run_wrk NAME PORT SCRIPT ROUND: a warm-up (longer in the first round, while the JITs compile), then the
# measured run; prints "NAME requests/s p50_ms p99_ms non2xx redis_calls redis_usec cpu_ticks redis_cpu_ticks"
run_wrk() {
  local name="$1" port="$2" script="$3" round="$4" warmup=3 stats="- -" ticks_before ticks_after
  local redis_ticks="-" redis_before=0
  [ "$round" = 1 ] && warmup=10
  wrk -t"$threads" -c"$connections" -d"${warmup}s" -s "$script" "http://127.0.0.1:$port" >/dev/null
  [ "$redis_started" = 1 ] && reset_redis_stats && redis_before="$(redis_cpu_ticks)"
  ticks_before="$(cpu_ticks "$port")"
  wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -s "$script" "http://127.0.0.1:$port" \
    >"$work/$name-$round.wrk"
  ticks_after="$(cpu_ticks "$port")"
  if [ "$redis_started" = 1 ] && [ "$name" != baseline-route ]; then
    stats="$(redis_stats)"
    redis_ticks=$(($(redis_cpu_ticks) - redis_before))
  fi
  awk -v name="$name" -v stats="$stats" -v ticks="$((ticks_after - ticks_before))" -v rticks="$redis_ticks" '
    function ms(v) {
      if (v ~ /us$/) return v / 1000
      if (v ~ /ms$/) return v + 0
      if (v ~ /s$/) return v * 1000
      return v
    }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    /^Requests\/sec:/ { rps = $2 }
    /Non-2xx or 3xx responses/ { non2xx = $5 }
    /Socket errors/ { errors = $0 }
    END {
      printf "%s %.0f %.3f %.3f %d %s %d %s\n", name, rps, p50, p99, non2xx, stats, ticks, rticks
      if (errors != "") print name ": " errors > "/dev/stderr"
    }
  ' "$work/$name-$round.wrk"
}

# measure LOAD SCRIPT ROUND NAME PORT: one run; against Redis also the Lua and read calls per decision
measure() {
  local load="$1" script="$2" round="$3" name="$4" port="$5" row
  row="$(run_wrk "$name" "$port" "$script" "$round")"
  echo "$row" >>"$work/$load.rows"
  echo "$round $row" | awk -v d="$duration" -v hz="$clock_ticks" '{
    extra = ""
    if ($7 != "-" && $3 > 0) {
      extra = sprintf("  redis calls/decision %.3f, usec/call %.1f, redis cpu us/decision %.1f", $7 / ($3 * d),
        ($7 ? $8 / $7 : 0), $10 * 1e6 / hz / ($3 * d))
    }
    printf "  %-3s %-22s %12.0f %10.3f %10.3f %9d %11.1f%s\n", $1, $2, $3, $4, $5, $6,
      ($3 > 0 ? $9 * 1e6 / hz / ($3 * d) : 0), extra }'
}

# compare LOAD SCRIPT NAME:PORT...: the same wrk load against each server, round after round
compare() {
  local load="$1" script="$2" round target
  shift 2
  : >"$work/$load.rows"
  printf "%-28s %12s %10s %10s %9s %11s\n" "$load" "requests/s" "p50 ms" "p99 ms" "non-2xx" "cpu us/req"
  for round in $(seq 1 "$rounds"); do
    for target in "$@"; do
      measure "$load" "$script" "$round" "${target%%:*}" "${target##*:}"
    done
  done
  summarize "$load"
}

# Medians per server over the rounds, then each server's median throughput against the baseline route's.
summarize() {
  local load="$1"
  sort -k1,1 -k2,2n "$work/$load.rows" | awk -v what="$load" -v d="$duration" -v hz="$clock_ticks" '
    { name[NR] = $1; rps[$1, ++n[$1]] = $2; p50[$1, n[$1]] = $3; p99[$1, n[$1]] = $4
      cpu[$1, n[$1]] = $2 > 0 ? $8 * 1e6 / hz / ($2 * d) : 0; if (!seen[$1]++) order[++k] = $1 }
    function med(arr, who, m,   i, j, t, v) {
      for (i = 1; i <= m; i++) v[i] = arr[who, i]
      for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
      return m % 2 ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
    }
    END {
      for (i = 1; i <= k; i++) {
        who = order[i]; r[who] = med(rps, who, n[who])
        printf "  med %-22s %12.0f %10.3f %10.3f %9s %11.1f\n", who, r[who], med(p50, who, n[who]),
          med(p99, who, n[who]), "", med(cpu, who, n[who])
      }
      for (i = 1; i <= k; i++) {
        who = order[i]
        if (who == "baseline-route") continue
        printf "ratio %-16s %-16s %.2f of the baseline route\n", what, who, r[who] / r["baseline-route"]
      }
      for (i = 1; i <= k; i++) {
        who = order[i]
        if (!r["rate-global"] || who !~ /^bucket4j/) continue
        printf "ratio %-16s rate-global %.2f x %s\n", what, r["rate-global"] / r[who], who
      }
      print ""
    }'
}

metrics_setting() {
  [ "$metrics" = off ] && echo "metrics: {enabled: false}"
  return 0
}

machine() {
  echo "machine: $(nproc) cores, $(free -g | awk '/^Mem:/ { print $2 }') GiB, $(java -version 2>&1 | head -1);" \
    "wrk -t$threads -c$connections -d${duration}s, $rounds round(s), node metrics $metrics"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
}

standalone() {
  cat >"$work/standalone.yaml" <<YAML
region: bench
http: {host: 127.0.0.1, port: $node_port}
sync: {enabled: false}
bucket: {capacity: 10000, refill_rate: 2000}
logging: {level: warn}
$(metrics_setting)
YAML
  start_baseline
  start_node "$work/standalone.yaml"
  local servers=("baseline-route:$baseline_port" "rate:$node_port")
  if [ "$edge_only" = 1 ]; then
    start_edge "$work/standalone.yaml"
    servers+=("edge-only:$edge_port")
  fi
  machine
  compare "distinct-clients" scripts/bench/distinct.lua "${servers[@]}"
  compare "hot-client" scripts/bench/hot.lua "${servers[@]}"
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
}

global() {
  start_redis
  cat >"$work/global.yaml" <<YAML
region: bench
http: {host: 127.0.0.1, port: $node_port}
sync: {enabled: true, cluster_nodes: [$(redis_nodes)], timeout_ms: 1000}
bucket: {capacity: 10000, refill_rate: 2000, burst_grace_ratio: 0}
logging: {level: warn}
$(metrics_setting)
YAML
  start_baseline
  start_node "$work/global.yaml"
  start_peer "$peer_port"
  start_peer "$peer_batching_port" batching
  machine
  local servers=("baseline-route:$baseline_port" "rate-global:$node_port" "bucket4j:$peer_port"
    "bucket4j-batching:$peer_batching_port")
  compare "distinct-clients" scripts/bench/distinct.lua "${servers[@]}"
  compare "hot-client" scripts/bench/hot.lua "${servers[@]}"
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  decisions_by_mode
}

# Every decision of the node should have been taken in Redis: its decision counters by mode prove it.
decisions_by_mode() {
  curl -s "http://127.0.0.1:$node_port/metrics" | awk '/^openclaw_decisions_total/ && $NF > 0 {
    match($0, /decision="[a-z]+"/); d = substr($0, RSTART, RLENGTH)
    match($0, /mode="[a-z]+"/); m = substr($0, RSTART, RLENGTH)
    printf "node decisions %s %s: %d\n", d, m, $NF }'
}

"$scenario"
