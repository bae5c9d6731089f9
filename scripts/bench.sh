#!/usr/bin/env bash
# Throughput and latency of POST /v1/rate beside a bare Vert.x route answering the same JSON size,
# measured in the same run with the same load settings. Prints requests/s, p50 and p99 and the ratios.
#
#   scripts/bench.sh [standalone] [--duration SECONDS] [--connections N] [--threads N]
#
# Uses wrk (Debian package wrk). Everything runs on this machine, on loopback.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

scenario="standalone"
duration=15
connections=64
threads=2
while [ $# -gt 0 ]; do
  case "$1" in
    standalone) scenario="$1"; shift ;;
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    *) echo "usage: scripts/bench.sh [standalone] [--duration S] [--connections N] [--threads N]" >&2; exit 1 ;;
  esac
done

command -v wrk >/dev/null || { echo "bench: wrk is missing; install it with: apt-get install -y wrk" >&2; exit 1; }
jar="$repo/target/openclaw.jar"
if [ ! -f "$jar" ] || [ -n "$(find pom.xml src/main -newer "$jar" -print -quit)" ]; then
  mvn -q -B -DskipTests package
fi

work="$(mktemp -d -t openclaw-bench-XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

java_opts=(-Xms512m -Xmx512m -XX:+UseParallelGC)
baseline_port=18099
node_port=18080

wait_port() {
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "bench: nothing listens on port $1; see $work/*.log" >&2
  exit 1
}

start_baseline() {
  java "${java_opts[@]}" -cp "$jar" io.openclaw.bench.BaselineServer "$baseline_port" >"$work/baseline.log" 2>&1 &
  pids+=($!)
  wait_port "$baseline_port"
}

start_node() {
  local config="$1"
  OPENCLAW_HTTP_PORT="$node_port" java "${java_opts[@]}" -jar "$jar" run --config "$config" \
    >"$work/node.log" 2>&1 &
  pids+=($!)
  wait_port "$node_port"
}

# run_wrk NAME PORT SCRIPT: prints "NAME requests/s p50_ms p99_ms"
run_wrk() {
  local name="$1" port="$2" script="$3"
  wrk -t"$threads" -c"$connections" -d3s -s "$script" "http://127.0.0.1:$port" >/dev/null
  wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -s "$script" "http://127.0.0.1:$port" \
    >"$work/$name.wrk"
  awk -v name="$name" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    /^Requests\/sec:/ { rps = $2 }
    /Non-2xx or 3xx responses/ { non2xx = $5 }
    END { printf "  %-26s %12.0f %10.3f %10.3f\n", name, rps, p50, p99 }
  ' "$work/$name.wrk"
}

standalone() {
  cat >"$work/standalone.yaml" <<YAML
region: bench
http: {host: 127.0.0.1, port: $node_port}
sync: {enabled: false}
bucket: {capacity: 10000, refill_rate: 2000}
logging: {level: warn}
YAML
  start_baseline
  start_node "$work/standalone.yaml"
  echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1); wrk -t$threads -c$connections -d${duration}s"
  compare "distinct-clients" scripts/bench/distinct.lua
  compare "hot-client" scripts/bench/hot.lua
}

# compare LOAD SCRIPT: the same wrk load against the baseline route, then against /v1/rate
compare() {
  local load="$1" script="$2"
  printf "%-28s %12s %10s %10s\n" "$load" "requests/s" "p50 ms" "p99 ms"
  run_wrk "baseline-route" "$baseline_port" "$script" | tee "$work/baseline-$load.row"
  run_wrk "rate" "$node_port" "$script" | tee "$work/rate-$load.row"
  paste "$work/baseline-$load.row" "$work/rate-$load.row" \
    | awk -v what="$load" '{ printf "ratio %-22s %.2f of the baseline route\n\n", what, $6 / $2 }'
}

"$scenario"
