#!/usr/bin/env bash
# Self-test of the token-bucket Lua scripts (decide.lua, charge.lua) against a
# running Redis Cluster, e.g. one started with scripts/redis-cluster.sh.
#
#   scripts/lua-selftest.sh BASEPORT
#
# Every check prints PASS or FAIL; the exit code is non-zero if any failed.
# Keys get a random suffix and are deleted at the end. Expected values are
# computed here with 64-bit shell arithmetic, independently of the scripts.
set -euo pipefail

[[ $# -eq 1 && "$1" =~ ^[0-9]+$ ]] || { echo "usage: $(basename "$0") BASEPORT" >&2; exit 2; }
readonly PORT="$1"
readonly SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly LUA_DIR="${SCRIPT_DIR}/../src/main/resources/lua"
readonly M=1000000
readonly SUFFIX="$$-${RANDOM}${RANDOM}"

command -v redis-cli >/dev/null 2>&1 || { echo "redis-cli not found (apt-get install -y redis-server)" >&2; exit 2; }
[[ "$(redis-cli -p "$PORT" cluster info 2>/dev/null | tr -d '\r' | grep '^cluster_state:' || true)" == cluster_state:ok ]] \
  || { echo "no healthy Redis Cluster on 127.0.0.1:${PORT}" >&2; exit 2; }

rc() { redis-cli -c -h 127.0.0.1 -p "$PORT" "$@" | tr -d '\r'; }

KEYS_USED=()
cleanup() {
  local k
  for k in "${KEYS_USED[@]}"; do rc del "$k" >/dev/null 2>&1 || true; done
}
trap cleanup EXIT

# A fresh bucket key and its marker key (same hash tag).
new_key() {
  local tag="selftest-$1-${SUFFIX}"
  KEY="openclaw:tb:{default:${tag}}"
  MARKER="openclaw:tb:{default:${tag}}:charged"
  KEYS_USED+=("$KEY" "$MARKER")
}

# Load both scripts on every master, so that EVALSHA is what gets tested.
declare -A SHA
for name in decide charge; do
  for p in $(rc cluster nodes | awk '$3 ~ /master/ && $3 !~ /fail/ { split($2, a, "[:@]"); print a[2] }'); do
    SHA[$name]="$(redis-cli -h 127.0.0.1 -p "$p" script load "$(cat "${LUA_DIR}/${name}.lua")" | tr -d '\r')"
  done
done

# run NAME NKEYS KEY... ARG...: result lines joined by spaces into R.
# Falls back to EVAL on NOSCRIPT, as the service does.
run() {
  local name="$1"; shift
  R="$(rc evalsha "${SHA[$name]}" "$@" 2>&1 | tr '\n' ' ' | sed 's/ $//' || true)"
  if [[ "$R" == NOSCRIPT* ]]; then
    R="$(rc eval "$(cat "${LUA_DIR}/${name}.lua")" "$@" 2>&1 | tr '\n' ' ' | sed 's/ $//' || true)"
  fi
}

now_us() { local a; a=($(rc time)); echo $((a[0] * M + 10#${a[1]})); }

FAILED=0; PASSED=0
check() { # check NAME EXPECTED ACTUAL
  if [[ "$2" == "$3" ]]; then
    printf 'PASS  %s\n' "$1"; PASSED=$((PASSED + 1))
  else
    printf 'FAIL  %s\n      expected: %s\n      actual:   %s\n' "$1" "$2" "$3"; FAILED=$((FAILED + 1))
  fi
}

# Reference refill in 64-bit integers: sets EL EC for state l t c at time now.
ref_refill() { # l t c now cap num den
  local l=$1 t=$2 c=$3 now=$4 cap=$5 num=$6 den=$7 elapsed deficit fill gained
  EL=$l; EC=$c
  ((num == 0)) && return 0
  elapsed=$((now > t ? now - t : 0))
  deficit=$(((cap - l) * den - c))
  ((deficit <= 0)) && return 0
  fill=$(((deficit + num - 1) / num))
  if ((elapsed >= fill)); then EL=$cap; EC=0; return 0; fi
  gained=$((elapsed * num + c))
  EL=$((l + gained / den)); EC=$((gained % den))
}

# ---------------------------------------------------------------- decide.lua
new_key fixed
run decide 1 "$KEY" $((10 * M)) 0 0 1 60000 1 1 1 1 1 1 1 1 1 1 1
read -r -a r <<<"$R"
allowed=""; levels=""
for ((i = 2; i < ${#r[@]}; i += 2)); do allowed+="${r[i]} "; levels+="${r[i + 1]} "; done
check "fresh bucket CAP=10 NUM=0: 11 one-token requests -> 10 allowed, 1 denied" \
  "1 1 1 1 1 1 1 1 1 1 0 " "$allowed"
check "levels after each request (micro-tokens)" \
  "9000000 8000000 7000000 6000000 5000000 4000000 3000000 2000000 1000000 0 0 " "$levels"
check "stored state l/t/c matches the reply" "0 ${r[0]} 0" "$(rc hmget "$KEY" l t c | tr '\n' ' ' | sed 's/ $//')"
pttl="$(rc pttl "$KEY")"
check "TTL_MS applied to the bucket (0 < PTTL <= 60000)" yes "$( ((pttl > 0 && pttl <= 60000)) && echo yes || echo "no ($pttl)")"

new_key half
t0=$(($(now_us) - 2 * M))
rc hset "$KEY" l 0 t "$t0" c 0 >/dev/null
run decide 1 "$KEY" $((10 * M)) 0 1 2 0 1
read -r -a r <<<"$R"; ref_refill 0 "$t0" 0 "${r[0]}" $((10 * M)) 1 2
check "0.5 token/s, empty bucket, 2 s later: 1-token request allowed" 1 "${r[2]}"
check "0.5 token/s: level and carry exact (elapsed $((r[0] - t0)) us)" "$((EL - M)) $EC" "${r[3]} ${r[1]}"

new_key half-short
t0=$(($(now_us) - 1500000))
rc hset "$KEY" l 0 t "$t0" c 1 >/dev/null
run decide 1 "$KEY" $((10 * M)) 0 1 2 0 1
read -r -a r <<<"$R"; ref_refill 0 "$t0" 1 "${r[0]}" $((10 * M)) 1 2
check "0.5 token/s, 1.5 s later: 1-token request denied, level unchanged by the denial" "0 $EL $EC" "${r[2]} ${r[3]} ${r[1]}"

new_key year
t0=$(($(now_us) - 365 * 86400 * M))
rc hset "$KEY" l $((-1000 * M)) t "$t0" c 0 >/dev/null
run decide 1 "$KEY" $((10000 * M)) $((1000 * M)) 2000 1 0 0
read -r -a r <<<"$R"
check "idle one year at -GRACE, 2000 token/s: refills to exactly CAP, carry 0" "$((10000 * M)) 0 1" "${r[3]} ${r[1]} ${r[2]}"

new_key year-slow
t0=$(($(now_us) - 365 * 86400 * M))
rc hset "$KEY" l 0 t "$t0" c 999999 >/dev/null
run decide 1 "$KEY" $((10 * M)) 0 1 1000000 0 0
read -r -a r <<<"$R"
check "idle one year, 0.000001 token/s, CAP=10: exactly CAP" "$((10 * M)) 0" "${r[3]} ${r[1]}"

new_key year-big
t0=$(($(now_us) - 365 * 86400 * M))
l0=$((-100 * M))
rc hset "$KEY" l "$l0" t "$t0" c 0 >/dev/null
run decide 1 "$KEY" 4000000000000000 $((100 * M)) 1 1 0 0
read -r -a r <<<"$R"; ref_refill "$l0" "$t0" 0 "${r[0]}" 4000000000000000 1 1
check "idle one year, CAP=4e9 tokens at 1 token/s: partial refill exact ($EL)" "$EL $EC" "${r[3]} ${r[1]}"

# Large intermediate values (elapsed*NUM + c close to 2^52), random rates
# whose DEN divides 10^6: compare with the 64-bit reference.
dens=(1 2 4 5 8 16 25 64 125 625 15625 1000000)
bad=0; n=0
for ((k = 0; k < 12; k++)); do
  new_key "big-$k"
  den=${dens[k]}
  num=$(( (RANDOM * 32768 + RANDOM) % (3 * den) + 1 ))
  cap=$(( (4400000000000000 / den) / M * M )); grace=$(( (100000000000000 / den) / M * M ))
  l0=$(( -grace + (RANDOM * 32768 + RANDOM) % 1000 * M ))
  c0=$(( (RANDOM * 32768 + RANDOM) % den ))
  # elapsed about 98% of the time to fill, so the bucket is not yet full
  deficit=$(((cap - l0) * den - c0))
  t0=$(($(now_us) - deficit / num * 98 / 100))
  rc hset "$KEY" l "$l0" t "$t0" c "$c0" >/dev/null
  run decide 1 "$KEY" "$cap" "$grace" "$num" "$den" 0 0
  read -r -a r <<<"$R"; ref_refill "$l0" "$t0" "$c0" "${r[0]}" "$cap" "$num" "$den"
  n=$((n + 1))
  if [[ "$EL $EC" != "${r[3]} ${r[1]}" ]]; then
    bad=$((bad + 1)); echo "      mismatch: den=$den num=$num l0=$l0 c0=$c0 t0=$t0 now=${r[0]}: expected $EL $EC, got ${r[3]} ${r[1]}"
  fi
done
check "refill exact near 2^52 for $n random rates (mismatches)" 0 "$bad"

new_key grace
run decide 1 "$KEY" $((10 * M)) $((2 * M)) 0 1 0 10 1 1 1 0
check "GRACE=2: level may reach -GRACE, not below; 0 tokens still allowed there" \
  "1 0 1 -1000000 1 -2000000 0 -2000000 1 -2000000" "$(cut -d' ' -f3- <<<"$R")"
run decide 1 "$KEY" $((10 * M)) $((2 * M)) 0 1 0 1
check "GRACE=2: next batch at -GRACE is denied" "0 -2000000" "$(cut -d' ' -f3- <<<"$R")"

new_key grace-frac
run decide 1 "$KEY" $((10 * M)) 1500000 0 1 0 10 1 1
check "GRACE=1.5 tokens: second overdraft token denied" "1 0 1 -1000000 0 -1000000" "$(cut -d' ' -f3- <<<"$R")"

new_key clock-back
t0=$(($(now_us) + 10 * M))
rc hset "$KEY" l $((3 * M)) t "$t0" c 1 >/dev/null
run decide 1 "$KEY" $((10 * M)) 0 1 2 0 0
check "clock behind stored t: no refill, t kept" "$t0 1 1 $((3 * M))" "$R"
check "clock behind stored t: stored t not moved back" "$t0" "$(rc hget "$KEY" t)"

new_key badarg
run decide 1 "$KEY" 10x 0 0 1 0 1
check "malformed argument is rejected with an error" "ERR openclaw: bad CAP" "$(cut -c1-21 <<<"$R")"
check "malformed argument creates no key" 0 "$(rc exists "$KEY")"

# ---------------------------------------------------------------- charge.lua
new_key charge
#                      id       CHARGE   CAP        GRACE NUM DEN TTL   FLOOR         MARKER_TTL
run charge 2 "$KEY" "$MARKER" batch-a $((3 * M)) $((10 * M)) 0 0 1 60000 $((-10 * M)) 120000
read -r -a r <<<"$R"
check "charge 3 tokens to a fresh bucket: applied, level 7" "1 $((7 * M)) 0" "${r[0]} ${r[1]} ${r[2]}"
run charge 2 "$KEY" "$MARKER" batch-a $((3 * M)) $((10 * M)) 0 0 1 60000 $((-10 * M)) 120000
check "same batch id again: not applied, level still 7" "0 $((7 * M))" "$R"
check "stored level after the repeated charge" "$((7 * M))" "$(rc hget "$KEY" l)"
mttl="$(rc pttl "$MARKER")"
check "marker has MARKER_TTL_MS (0 < PTTL <= 120000)" yes "$( ((mttl > 0 && mttl <= 120000)) && echo yes || echo "no ($mttl)")"
run charge 2 "$KEY" "$MARKER" batch-b $((100 * M)) $((10 * M)) 0 0 1 60000 $((-10 * M)) 120000
check "a large charge stops at FLOOR" "1 $((-10 * M))" "$(cut -d' ' -f1-2 <<<"$R")"
rc hset "$KEY" l $((-20 * M)) >/dev/null
run charge 2 "$KEY" "$MARKER" batch-c $((1 * M)) $((10 * M)) 0 0 1 60000 $((-10 * M)) 120000
check "bucket already below FLOOR: charge never raises it" "1 $((-20 * M))" "$(cut -d' ' -f1-2 <<<"$R")"

new_key charge-refill
t0=$(($(now_us) - 3 * M))
rc hset "$KEY" l 0 t "$t0" c 0 >/dev/null
run charge 2 "$KEY" "$MARKER" batch-r $((1 * M)) $((10 * M)) 0 1 1 0 $((-10 * M)) 0
read -r -a r <<<"$R"; ref_refill 0 "$t0" 0 "${r[3]}" $((10 * M)) 1 1
check "charge refills first (1 token/s, 3 s idle), then charges 1 token" "1 $((EL - M)) $EC" "${r[0]} ${r[1]} ${r[2]}"
check "decide then sees the charged level" "$((EL - M))" "$(rc hget "$KEY" l)"

echo "----"
echo "passed: ${PASSED}, failed: ${FAILED}"
((FAILED == 0))
