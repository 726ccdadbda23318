#!/usr/bin/env bash
# Larder's REST API next to its RESP port, in one run: GET and SET of 100-byte values on 100k random keys,
# and a 10-command pipeline (REST /pipeline of ten SETs against redis-benchmark -P 10), at the same
# concurrency (50 keep-alive connections) for throughput, and over one connection for the round trip
# a single request costs (at 50 connections the p50 is mostly queueing: about 50 / throughput). REST
# load comes from wrk (one thread) with the headers @upstash/redis sends; RESP load from redis-benchmark
# (one thread). Both authenticate with the default database's token. Prints requests/s and p50 latency
# of each, and the ratios REST / RESP; redis-server's RESP figures are printed alongside for reference.
# Median of LARDER_BENCH_ROUNDS (3) runs per cell.
# Goals (issue 6): a single-command REST request costs <= 2x a RESP round trip at p50; REST GET
# throughput >= 0.5x RESP GET (-P 1) at the same concurrency.
# Usage: bench/rest-benchmark.sh [seconds per REST run]   (build first: mvn -B install -DskipTests)
set -euo pipefail

SECONDS_PER_RUN=${1:-10}
command -v wrk >/dev/null || { echo "installing wrk (apt-get install wrk)"; apt-get install -y wrk >/dev/null; }
export LARDER_DEFAULT_TOKEN=larder-bench-token
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
start_servers
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# redis-benchmark's requests/s and p50 (ms): port requests pipeline test
resp_once() {
  wait_idle
  redis-benchmark -h 127.0.0.1 -p "$1" -a "$LARDER_DEFAULT_TOKEN" -c "${CONNECTIONS:-50}" -n "$2" -P "$3" -d 100 -r 100000 -t "$4" --csv -q 2>/dev/null \
    | awk -F'","' 'NR==2 {gsub(/"/, "", $2); gsub(/"/, "", $5); print $2, $5}'
}
# wrk's requests/s and p50 (ms): mode
rest_once() {
  wait_idle
  local out
  out=$(MODE=$1 TOKEN=$LARDER_DEFAULT_TOKEN wrk -t 1 -c "${CONNECTIONS:-50}" -d "${SECONDS_PER_RUN}s" -s "$BENCH_DIR/rest-benchmark.lua" \
    "http://127.0.0.1:$LARDER_REST_PORT/")
  local result
  result=$(grep '^RESULT' <<<"$out")
  [[ $(awk '{print $4}' <<<"$result") == 0 ]] || { echo "wrk saw errors: $out" >&2; exit 1; }
  awk '{print $2, $3}' <<<"$result"
}
# the median of ROUNDS runs, column by column: function arguments...
median2() {
  local runs
  runs=$(for ((round = 0; round < ROUNDS; round++)); do "$@"; done)
  echo "$(awk '{print $1}' <<<"$runs" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')" \
       "$(awk '{print $2}' <<<"$runs" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')"
}

redis-cli -p $REDIS_PORT config set requirepass "$LARDER_DEFAULT_TOKEN" >/dev/null
echo "Filling 100k keys in each and warming up Larder's JIT"
resp_once $LARDER_PORT 400000 16 set >/dev/null
resp_once $REDIS_PORT 400000 16 set >/dev/null
SECONDS_PER_RUN=5 rest_once get >/dev/null
SECONDS_PER_RUN=5 rest_once set >/dev/null

REQUESTS=$(( SECONDS_PER_RUN * 40000 ))
printf '\n50 connections%32s %10s\n' "requests/s" "p50 ms"
row() { printf '%-46s %12s %10s\n' "$1" $2; }
declare -A R
for test in get set; do
  R[redis_$test]=$(median2 resp_once $REDIS_PORT $REQUESTS 1 $test)
  R[resp_$test]=$(median2 resp_once $LARDER_PORT $REQUESTS 1 $test)
  R[rest_$test]=$(median2 rest_once $test)
  row "redis-server RESP $test" "${R[redis_$test]}"
  row "Larder RESP $test" "${R[resp_$test]}"
  row "Larder REST $test" "${R[rest_$test]}"
done
R[redis_pipe]=$(median2 resp_once $REDIS_PORT $(( REQUESTS * 5 )) 10 set)
R[resp_pipe]=$(median2 resp_once $LARDER_PORT $(( REQUESTS * 5 )) 10 set)
R[rest_pipe]=$(median2 rest_once pipeline)
row "redis-server RESP -P 10 SET (commands/s)" "${R[redis_pipe]}"
row "Larder RESP -P 10 SET (commands/s)" "${R[resp_pipe]}"
read -r rps p50 <<<"${R[rest_pipe]}"
row "Larder REST /pipeline of 10 SET (commands/s)" "$(( ${rps%.*} * 10 )) $p50"

printf '\n1 connection (round trip)%21s %10s\n' "requests/s" "p50 ms"
for test in get set; do
  R[resp1_$test]=$(CONNECTIONS=1 median2 resp_once $LARDER_PORT $(( SECONDS_PER_RUN * 4000 )) 1 $test)
  R[rest1_$test]=$(CONNECTIONS=1 median2 rest_once $test)
  row "Larder RESP $test" "${R[resp1_$test]}"
  row "Larder REST $test" "${R[rest1_$test]}"
done

first() { awk '{print $1}' <<<"$1"; }
second() { awk '{print $2}' <<<"$1"; }
echo
printf '%-10s %26s %26s %26s\n' "REST/RESP" "throughput, 50 connections" "p50, 1 connection" "p50, 50 connections"
for test in get set; do
  printf '%-10s %26.2f %26.2f %26.2f\n' "$test" "$(ratio "$(first "${R[rest_$test]}")" "$(first "${R[resp_$test]}")")" \
    "$(ratio "$(second "${R[rest1_$test]}")" "$(second "${R[resp1_$test]}")")" \
    "$(ratio "$(second "${R[rest_$test]}")" "$(second "${R[resp_$test]}")")"
done
printf '%-10s %26.2f %26s %26.2f\n' "pipeline" "$(ratio "$(( $(first "${R[rest_pipe]}" | cut -d. -f1) * 10 ))" "$(first "${R[resp_pipe]}")")" "" \
  "$(ratio "$(second "${R[rest_pipe]}")" "$(second "${R[resp_pipe]}")")"
