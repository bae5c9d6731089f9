#!/usr/bin/env bash
# The test command: installs what the tests need when it is missing, starts a Redis Cluster of its own
# for the integration tests, runs every test (unit, integration, Prometheus rules) and stops the cluster.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

redis_base_port="${OPENCLAW_TEST_REDIS_BASE_PORT:-7100}"
apt_updated=""

install_packages() {
  if [ "$(id -u)" != "0" ]; then
    echo "test.sh: missing $*; install them with: sudo apt-get install -y $*" >&2
    exit 1
  fi
  if [ -z "$apt_updated" ]; then
    apt-get update -qq
    apt_updated=yes
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

need() {
  local command="$1" package="$2"
  if ! command -v "$command" >/dev/null 2>&1; then
    echo "test.sh: installing $package (for $command)" >&2
    install_packages "$package"
  fi
}

need java openjdk-17-jdk-headless
need mvn maven
need redis-server redis-server
need redis-cli redis-tools
need promtool prometheus
need python3 python3
need wrk wrk

echo "== Prometheus rules, scrape config and dashboard"
scripts/check-prometheus.sh

echo "== Redis Cluster for the integration tests (base port $redis_base_port)"
export OPENCLAW_DATA_DIR="${OPENCLAW_DATA_DIR:-$(mktemp -d -t openclaw-test-XXXXXX)}"
cleanup() {
  scripts/redis-cluster.sh stop --purge --base-port "$redis_base_port" >/dev/null 2>&1 || true
  # FailoverIT runs a cluster of its own on base port + 50, with its data in $OPENCLAW_DATA_DIR/failover-it-*;
  # it stops that cluster itself, but not if its JVM dies.
  local own
  for own in "$OPENCLAW_DATA_DIR"/failover-it-*; do
    [ -d "$own" ] || continue
    OPENCLAW_DATA_DIR="$own" scripts/redis-cluster.sh stop --purge --base-port "$((redis_base_port + 50))" \
      >/dev/null 2>&1 || true
    rm -rf -- "$own"
  done
}
trap cleanup EXIT
scripts/redis-cluster.sh start --base-port "$redis_base_port"
nodes=""
for i in 0 1 2 3 4 5; do
  nodes="${nodes:+$nodes,}127.0.0.1:$((redis_base_port + i))"
done
export OPENCLAW_TEST_REDIS_NODES="$nodes"
export OPENCLAW_TEST_REDIS_BASE_PORT="$redis_base_port"

echo "== Unit and integration tests"
mvn -B -ntp verify "$@"
