#!/usr/bin/env bash
# Larder's collections against redis-server 7, side by side in one run (durability matched as in
# redis-benchmark.sh): redis-benchmark (-c 50) for LPUSH, LPOP, SADD, HSET, ZADD and ZRANGE of 100
# members at -P 1 and -P 16, a ratio table (Larder / Redis, higher is better); then the big-collection
# case: ZADD into a sorted set of 1M members and HSET into a hash of 1M fields, against the same
# commands on a collection of 1000, to show that a write's cost does not grow with the collection.
# Usage: bench/collections-benchmark.sh [requests at -P 1]    (build first: mvn -B install -DskipTests)
# Larder gets a 3 GB heap here (JAVA_OPTS): two 1M-member collections do not fit the default 1 GB.
set -euo pipefail

REQUESTS=${1:-200000}
BIG=${LARDER_BENCH_BIG:-1000000}
export JAVA_OPTS=${JAVA_OPTS:--Xms512m -Xmx3g}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
start_servers

# one test at a pipeline depth: a redis-benchmark test name (-t), or a whole command of several words
measure() { # port pipeline test-or-command...
  local port=$1 pipeline=$2 requests=$(( $2 == 1 ? REQUESTS : REQUESTS * 5 ))
  shift 2
  if [[ $# -eq 1 ]]; then
    benchmark_once "$port" "$requests" "$pipeline" -r 100000 -t "$1"
  else
    benchmark_once "$port" "$requests" "$pipeline" -r 100000 "$@"
  fi
}
# LPUSH then LPOP of as many elements, in each round, so the list never grows past one run
push_pop() { # port pipeline
  local push pop
  redis-cli -p "$1" del mylist >/dev/null
  push=$(measure "$1" "$2" lpush)
  pop=$(measure "$1" "$2" lpop)
  echo "$push $pop"
}
median_pair() { # port pipeline: medians of LPUSH and LPOP over ROUNDS rounds
  local all
  all=$(for ((round = 0; round < ROUNDS; round++)); do push_pop "$@"; done)
  echo "$(echo "$all" | awk '{print $1}' | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}') \
$(echo "$all" | awk '{print $2}' | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')"
}
fill() { # port key command-template count: count members through redis-cli --pipe
  local port=$1 key=$2 kind=$3 count=$4
  redis-cli -p "$port" del "$key" >/dev/null
  awk -v n="$count" -v key="$key" -v kind="$kind" 'BEGIN {
    for (i = 0; i < n; i++) {
      m = sprintf("m%012d", i)
      if (kind == "zadd") { s = sprintf("%d", i); printf "*4\r\n$4\r\nZADD\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(key), key, length(s), s, length(m), m }
      else { printf "*4\r\n$4\r\nHSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n$1\r\nv\r\n", length(key), key, length(m), m }
    }
  }' | redis-cli -p "$port" --pipe >/dev/null
}

echo "Warming up Larder's JIT"
REQUESTS=100000 measure $LARDER_PORT 16 lpush,lpop,sadd,hset,zadd >/dev/null
fill $REDIS_PORT zset100 zadd 100
fill $LARDER_PORT zset100 zadd 100

printf '\n%-12s %4s %14s %14s %8s\n' test "-P" "redis rps" "larder rps" ratio
row() { printf '%-12s %4s %14s %14s %8.2f\n' "$1" "$2" "$3" "$4" "$(ratio "$4" "$3")"; }
for pipeline in 1 16; do
  read -r redis_push redis_pop <<<"$(median_pair $REDIS_PORT $pipeline)"
  read -r larder_push larder_pop <<<"$(median_pair $LARDER_PORT $pipeline)"
  row lpush "$pipeline" "$redis_push" "$larder_push"
  row lpop "$pipeline" "$redis_pop" "$larder_pop"
  for test in sadd hset zadd; do
    row "$test" "$pipeline" "$(median measure $REDIS_PORT $pipeline $test)" "$(median measure $LARDER_PORT $pipeline $test)"
  done
  row zrange100 "$pipeline" "$(median measure $REDIS_PORT $pipeline ZRANGE zset100 0 99)" \
    "$(median measure $LARDER_PORT $pipeline ZRANGE zset100 0 99)"
done

echo
echo "Big collections: $BIG members against 1000; $REQUESTS writes at -P 1 to random existing members (new scores, new values)"
for port in $REDIS_PORT $LARDER_PORT; do
  fill "$port" bigz zadd "$BIG"; fill "$port" bigh hset "$BIG"
  fill "$port" smallz zadd 1000; fill "$port" smallh hset 1000
done
big_write() { # port key command size
  if [[ $3 == ZADD ]]; then
    benchmark_once "$1" "$REQUESTS" 1 -r "$4" ZADD "$2" __rand_int__ m__rand_int__
  else
    benchmark_once "$1" "$REQUESTS" 1 -r "$4" HSET "$2" m__rand_int__ __rand_int__
  fi
}
printf '%-16s %14s %14s %8s\n' case "redis rps" "larder rps" ratio
for write in "ZADD smallz 1000" "ZADD bigz $BIG" "HSET smallh 1000" "HSET bigh $BIG"; do
  read -r command key size <<<"$write"
  redis=$(median big_write $REDIS_PORT "$key" "$command" "$size")
  larder=$(median big_write $LARDER_PORT "$key" "$command" "$size")
  printf '%-16s %14s %14s %8.2f\n' "$command $key" "$redis" "$larder" "$(ratio "$larder" "$redis")"
done
printf '%-8s %10s %10s\n' server zcard "RSS MiB"
printf '%-8s %10s %10s\n' redis "$(redis-cli -p $REDIS_PORT zcard bigz)" "$(rss_mib $REDIS_PID)"
printf '%-8s %10s %10s\n' larder "$(redis-cli -p $LARDER_PORT zcard bigz)" "$(rss_mib $LARDER_PID)"
