#!/usr/bin/env bash
# Checks the monitoring files: alert rules (syntax and unit tests), the sample
# Prometheus configuration, and the Grafana dashboard (valid JSON, PromQL that
# parses, only metric names the service exports).
#
#   scripts/check-prometheus.sh
#
# Installs Debian's prometheus package for promtool when it is missing and we
# are root. Runs every check, then exits 1 if any of them failed.
set -uo pipefail

cd "$(dirname "$0")/.."

RULES=conf/prometheus/openclaw-alerts.yml
RULE_TESTS=conf/prometheus/openclaw-alerts.test.yml
CONFIG=conf/prometheus/prometheus.yml
DASHBOARD=conf/grafana/openclaw-dashboard.json

# Metric names the service exports (DESIGN.md, Metrics) and that the dashboard
# and alerts may query.
EXPORTED_METRICS="
openclaw_bucket_utilization
openclaw_decisions_total
openclaw_replication_lag_seconds
openclaw_shards_owned
openclaw_sync_failures_total
openclaw_sync_mode
sync_latency_seconds_bucket
sync_latency_seconds_count
sync_latency_seconds_sum
vertx_http_server_requests_total
vertx_http_server_response_time_seconds_bucket
vertx_http_server_response_time_seconds_count
vertx_http_server_response_time_seconds_sum
jvm_memory_used_bytes
process_cpu_usage
"

failures=0

step() {
  echo "== $*"
}

fail() {
  echo "FAILED: $*" >&2
  failures=$((failures + 1))
}

ensure_promtool() {
  if command -v promtool >/dev/null 2>&1; then
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "promtool is not installed. Install it with:" >&2
    echo "  sudo apt-get update -qq && sudo apt-get install -y -qq prometheus" >&2
    echo "or put promtool from a Prometheus release (https://prometheus.io/download/) on the PATH." >&2
    exit 1
  fi
  step "promtool missing, installing Debian's prometheus package"
  if ! { apt-get -o DPkg::Lock::Timeout=300 update -qq &&
         DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq prometheus; }; then
    echo "Could not install the prometheus package; install promtool by hand." >&2
    exit 1
  fi
  command -v promtool >/dev/null 2>&1 || { echo "prometheus installed but promtool not on the PATH." >&2; exit 1; }
}

check_dashboard_queries() {
  local exprs rules
  exprs=$(python3 scripts/dashboard-metrics.py --exprs) || return 1
  rules=$(mktemp --suffix=.yml) || return 1
  python3 -c '
import json, sys
print("groups:\n  - name: dashboard-queries\n    rules:")
for i, line in enumerate(l for l in sys.stdin.read().splitlines() if l.strip()):
    print("      - record: dashboard:query_%d" % i)
    print("        expr: %s" % json.dumps(line))
' <<<"$exprs" >"$rules"
  promtool check rules "$rules"
  local status=$?
  rm -f "$rules"
  return $status
}

check_dashboard_metric_names() {
  local names unknown
  names=$(python3 scripts/dashboard-metrics.py) || return 1
  echo "$names" | sed 's/^/  /'
  unknown=$(comm -23 <(echo "$names" | sort -u) <(echo "$EXPORTED_METRICS" | sed '/^$/d' | sort -u))
  if [ -n "$unknown" ]; then
    echo "Not exported by the service:" >&2
    echo "$unknown" | sed 's/^/  /' >&2
    return 1
  fi
}

ensure_promtool
promtool --version | head -n 1

step "promtool check rules $RULES"
promtool check rules "$RULES" || fail "alert rules"

step "promtool test rules $RULE_TESTS"
promtool test rules "$RULE_TESTS" || fail "alert rule unit tests"

step "promtool check config $CONFIG"
promtool check config "$CONFIG" || fail "prometheus configuration"

step "dashboard JSON $DASHBOARD"
if python3 -m json.tool "$DASHBOARD" >/dev/null; then
  echo "  SUCCESS: valid JSON"
else
  fail "dashboard JSON"
fi

step "dashboard and alert queries parse"
check_dashboard_queries || fail "dashboard queries"

step "metric names queried by the dashboard and alerts"
check_dashboard_metric_names || fail "dashboard metric names"

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed." >&2
  exit 1
fi
echo "All Prometheus and Grafana checks passed."
