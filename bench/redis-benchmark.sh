#!/usr/bin/env bash
# Larder against redis-server 7, side by side in one run: redis-benchmark (-c 50 -d 100) for SET, GET,
# INCR and MSET at -P 1 and -P 16 against each in turn, a ratio table (Larder / Redis, higher is better),
# then resident memory after loading 1M 100-byte keys into each.
# Durability is matched: Larder's default (changes in its log within 100 ms, fsynced every second, in
# the grid once a minute or per 256 MB of log) against Redis with its append-only file and appendfsync everysec;
# LARDER_DURABILITY=OFF compares memory-only Larder with Redis without persistence;
# LARDER_DURABILITY=ALWAYS (reply after fsync) compares with appendfsync always.
# Runs: -P 1 600k requests, -P 16 3M (MSET a fifth); before each run the script waits until Larder is
# idle, so its deferred work is never measured as Redis's. A last, sustained SET run of 4M requests
# (about a minute) includes Larder's grid writes, whatever the short runs left out.
# Both servers run on this machine on ports of their own on 127.0.0.1; everything stops by itself.
# Usage: bench/redis-benchmark.sh [requests at -P 1]    (build first: mvn -B install -DskipTests)
set -euo pipefail

REQUESTS=${1:-600000}
KEYS=${LARDER_BENCH_KEYS:-1000000}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
start_servers

rps_once() { # port test pipeline
  local requests=$(( $3 == 1 ? REQUESTS : REQUESTS * 5 ))
  [[ $2 == mset ]] && requests=$(( requests / 5 )) # ten keys a request
  benchmark_once "$1" "$requests" "$3" -d 100 -r 100000 -t "$2"
}
rps() { median rps_once "$@"; }

echo "Warming up Larder's JIT"
REQUESTS=200000 rps_once $LARDER_PORT set,get 16 >/dev/null
REQUESTS=200000 rps_once $LARDER_PORT set,get 1 >/dev/null

printf '\n%-6s %4s %14s %14s %8s\n' test "-P" "redis rps" "larder rps" ratio
for pipeline in 1 16; do
  for test in set get incr mset; do
    redis=$(rps $REDIS_PORT $test $pipeline)
    larder=$(rps $LARDER_PORT $test $pipeline)
    printf '%-6s %4s %14s %14s %8.2f\n' "$test" "$pipeline" "$redis" "$larder" "$(echo "$larder / $redis" | bc -l)"
  done
done

# memory: the same KEYS 100-byte values into a flushed keyspace of each
sustained=$(( REQUESTS * 20 / 3 ))
wait_idle; redis=$(ROUNDS=1 REQUESTS=$sustained rps $REDIS_PORT set 1)
wait_idle; larder=$(ROUNDS=1 REQUESTS=$sustained rps $LARDER_PORT set 1)
printf '%-6s %4s %14s %14s %8.2f   (sustained: %s requests each)\n' set 1 "$redis" "$larder" "$(echo "$larder / $redis" | bc -l)" "$sustained"

load_keys() { # port
  redis-cli -p "$1" flushall >/dev/null
  awk -v n="$KEYS" 'BEGIN { v = sprintf("%0100d", 0); for (i = 0; i < n; i++) printf "*3\r\n$3\r\nSET\r\n$%d\r\nkey:%d\r\n$100\r\n%s\r\n", length("key:" i), i, v }' \
    | redis-cli -p "$1" --pipe >/dev/null
}
echo
echo "Loading $KEYS keys of 100 bytes into each"
load_keys $REDIS_PORT
load_keys $LARDER_PORT
sleep 2
printf '%-8s %10s %10s\n' server keys "RSS MiB"
printf '%-8s %10s %10s\n' redis "$(redis-cli -p $REDIS_PORT dbsize)" "$(rss_mib $REDIS_PID)"
printf '%-8s %10s %10s\n' larder "$(redis-cli -p $LARDER_PORT dbsize)" "$(rss_mib $LARDER_PID)"
