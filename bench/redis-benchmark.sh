#!/usr/bin/env bash
# Larder against redis-server 7, side by side in one run: redis-benchmark (-c 50 -d 100) for SET, GET,
# INCR and MSET at -P 1 and -P 16 against each in turn, a ratio table (Larder / Redis, higher is better),
# then resident memory at rest holding 1M 100-byte keys, and a hash, sorted set, set and list of 1M members,
# then a data set larger than memory: 250k keys of 1 KB with Larder's hot-set budget a quarter of them, skewed
# and uniform reads and writes (bench/SkewedLoad.java) against the same all in memory and against Redis.
# Durability is matched: Larder's default (changes in its log within 100 ms, fsynced every second, in
# the grid once a minute or per 256 MB of log) against Redis with its append-only file and appendfsync everysec;
# LARDER_DURABILITY=OFF compares memory-only Larder with Redis without persistence;
# LARDER_DURABILITY=ALWAYS (reply after fsync) compares with appendfsync always.
# Runs: -P 1 600k requests, -P 16 3M (MSET a fifth); before each run the script waits until Larder is
# idle, so its deferred work is never measured as Redis's. A last, sustained SET run of 4M requests
# (about a minute) includes Larder's grid writes, whatever the short runs left out.
# Both servers run on this machine on ports of their own on 127.0.0.1; everything stops by itself.
# Usage: bench/redis-benchmark.sh [requests at -P 1]    (build first: mvn -B install -DskipTests)
# LARDER_BENCH_MEMORY_ONLY=1 runs the memory parts alone; LARDER_BENCH_KEYS (1M) and LARDER_BENCH_BIG_KEYS (250k) set their sizes.
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

if [[ ${LARDER_BENCH_MEMORY_ONLY:-0} != 1 ]]; then
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

# a sustained run, long enough to include Larder's grid writes
sustained=$(( REQUESTS * 20 / 3 ))
wait_idle; redis=$(ROUNDS=1 REQUESTS=$sustained rps $REDIS_PORT set 1)
wait_idle; larder=$(ROUNDS=1 REQUESTS=$sustained rps $LARDER_PORT set 1)
printf '%-6s %4s %14s %14s %8.2f   (sustained: %s requests each)\n' set 1 "$redis" "$larder" "$(echo "$larder / $redis" | bc -l)" "$sustained"
fi

# memory: each data set into a flushed keyspace of each server, measured at rest (Larder's grid written,
# its heap shrunk after 30 s idle, as a server at rest does by itself): the resident set, and what the data
# added to the empty server's
load() { # port kind: KEYS keys of 100 bytes, or one collection of KEYS members sent 100 to a command
  awk -v n="$KEYS" -v kind="$2" 'BEGIN {
    if (kind == "strings") {
      v = sprintf("%0100d", 0)
      for (i = 0; i < n; i++) printf "*3\r\n$3\r\nSET\r\n$%d\r\nkey:%d\r\n$100\r\n%s\r\n", length("key:" i), i, v
      exit
    }
    cmd["hash"] = "HSET"; cmd["zset"] = "ZADD"; cmd["set"] = "SADD"; cmd["list"] = "RPUSH"
    per = (kind == "hash" || kind == "zset") ? 2 : 1
    for (i = 0; i < n; i += 100) {
      m = (n - i < 100) ? n - i : 100
      printf "*%d\r\n$%d\r\n%s\r\n$3\r\nbig\r\n", 2 + m * per, length(cmd[kind]), cmd[kind]
      for (j = i; j < i + m; j++) {
        member = sprintf("m%012d", j)
        if (kind == "zset") { s = sprintf("%d", j); printf "$%d\r\n%s\r\n", length(s), s }
        printf "$%d\r\n%s\r\n", length(member), member
        if (kind == "hash") printf "$1\r\nv\r\n"
      }
    }
  }' | redis-cli -p "$1" --pipe >/dev/null
}
at_rest() { # RSS MiB of each server once Larder wrote the grid and its heap had 35 idle seconds to shrink
  redis-cli -p $LARDER_PORT save >/dev/null
  wait_idle; sleep 35; wait_idle
  echo "$(rss_mib $REDIS_PID) $(rss_mib $LARDER_PID)"
}
echo
echo "Resident memory at rest, MiB ($KEYS keys of 100 bytes, or one collection of $KEYS members; fresh servers for each)"
restart_servers
read -r redis_empty larder_empty <<<"$(at_rest)"
printf '%-8s %10s %10s %8s %14s %14s %8s\n' data redis larder ratio "redis added" "larder added" ratio
printf '%-8s %10s %10s %8.2f\n' empty "$redis_empty" "$larder_empty" "$(ratio "$larder_empty" "$redis_empty")"
for kind in strings hash zset set list; do
  restart_servers
  load $REDIS_PORT $kind; load $LARDER_PORT $kind
  read -r redis_rss larder_rss <<<"$(at_rest)"
  printf '%-8s %10s %10s %8.2f %14s %14s %8.2f\n' "$kind" "$redis_rss" "$larder_rss" "$(ratio "$larder_rss" "$redis_rss")" \
    $((redis_rss - redis_empty)) $((larder_rss - larder_empty)) "$(ratio $((larder_rss - larder_empty)) $((redis_rss - redis_empty)))"
done

# larger than memory: BIG_KEYS keys of 1000 bytes, then the same with a hot-set budget (maxmemory, no eviction
# policy) of a quarter of what they take; 8 clients of bench/SkewedLoad.java, 90% GET and 10% SET, keys chosen
# skewed (90% of requests to 10% of the keys) or uniformly, 20 s each after 10 s of warm-up
BIG_KEYS=${LARDER_BENCH_BIG_KEYS:-250000}
load_big() { # port
  awk -v n="$BIG_KEYS" 'BEGIN { v = sprintf("%01000d", 0); for (i = 0; i < n; i++) printf "*3\r\n$3\r\nSET\r\n$16\r\nkey:%012d\r\n$1000\r\n%s\r\n", i, v }' \
    | redis-cli -p "$1" --pipe >/dev/null
}
access() { # port pattern seconds: "rps p50_us p99_us errors"
  case $2 in
    skewed) java "$ROOT/bench/SkewedLoad.java" "$1" "$BIG_KEYS" 1000 "$3" 8 0.1 0.9 0.1 ;;
    *) java "$ROOT/bench/SkewedLoad.java" "$1" "$BIG_KEYS" 1000 "$3" 8 1 0 0.1 ;;
  esac
}
measure_access() { # port pattern
  wait_idle
  access "$1" "$2" 10 >/dev/null
  access "$1" "$2" 20
}
info_field() { redis-cli -p "$1" info "$2" | tr -d '\r' | awk -F: -v f="$3" '$1 == f {print $2}'; }
echo
echo "Larger than memory: $BIG_KEYS keys of 1000 bytes, 90% GET / 10% SET from 8 clients, 20 s per cell"
restart_servers
load_big $REDIS_PORT; load_big $LARDER_PORT
redis-cli -p $LARDER_PORT save >/dev/null
declare -A result
for pattern in skewed uniform; do
  result[redis_$pattern]=$(measure_access $REDIS_PORT $pattern)
  result[memory_$pattern]=$(measure_access $LARDER_PORT $pattern)
done
redis-cli -p $LARDER_PORT config set maxmemory 1000gb >/dev/null; sleep 1
all=$(info_field $LARDER_PORT memory hot_set_estimated)
budget=$(( all / 4 ))
redis-cli -p $LARDER_PORT config set maxmemory $budget >/dev/null
for ((i = 0; i < 120; i++)); do
  (( $(info_field $LARDER_PORT memory hot_set_estimated) <= budget * 11 / 10 )) && break
  sleep 0.5
done
echo "Larder's keys take $((all / 1048576)) MiB in memory; budget $((budget / 1048576)) MiB (now $(( $(info_field $LARDER_PORT memory hot_set_estimated) / 1048576 )) MiB, $(info_field $LARDER_PORT stats offloaded_values) values offloaded)"
for pattern in skewed uniform; do
  result[budget_$pattern]=$(measure_access $LARDER_PORT $pattern)
done
printf '%-8s %-28s %10s %10s %10s %8s\n' pattern server rps "p50 us" "p99 us" errors
for pattern in skewed uniform; do
  for run in "redis_$pattern:redis-server" "memory_$pattern:larder, all in memory" "budget_$pattern:larder, budget a quarter"; do
    read -r rps p50 p99 errors <<<"${result[${run%%:*}]}"
    printf '%-8s %-28s %10s %10s %10s %8s\n' "$pattern" "${run#*:}" "$rps" "$p50" "$p99" "$errors"
  done
  read -r in_memory _ <<<"${result[memory_$pattern]}"; read -r budgeted _ <<<"${result[budget_$pattern]}"
  printf '%-8s %-28s %10.2f\n' "$pattern" "larder: budget / in memory" "$(ratio "$budgeted" "$in_memory")"
done
echo "cold value loads: $(info_field $LARDER_PORT stats cold_value_loads), $(info_field $LARDER_PORT stats cold_value_load_usec_per_load) us each, slowest $(info_field $LARDER_PORT stats cold_value_load_usec_max) us"
