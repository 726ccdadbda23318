#!/usr/bin/env bash
# Scripts and pub/sub against redis-server 7, side by side in one run (durability matched as in
# redis-benchmark.sh), redis-benchmark -c 50 at -P 1 and -P 16, medians of 3 rounds, ratio Larder / Redis
# (higher is better):
#   EVALSHA of a small script (INCR a random key, EXPIRE it when new) — what rate limiters run;
#   PUBLISH to a channel with 10 subscribers (redis-cli processes reading every message).
# Usage: bench/scripting-benchmark.sh [requests at -P 1]    (build first: mvn -B install -DskipTests)
set -euo pipefail

REQUESTS=${1:-200000}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SUBSCRIBERS=()
stop_subscribers() {
  for pid in "${SUBSCRIBERS[@]}"; do kill "$pid" 2>/dev/null || true; done
  SUBSCRIBERS=()
}
trap 'stop_subscribers; cleanup' EXIT
start_servers

SCRIPT="local v = redis.call('INCR', KEYS[1]) if v == 1 then redis.call('EXPIRE', KEYS[1], 60) end return v"
declare -A SHA
for port in $REDIS_PORT $LARDER_PORT; do SHA[$port]=$(redis-cli -p $port script load "$SCRIPT"); done

measure() { # port pipeline command...
  local port=$1 pipeline=$2 requests=$(( $2 == 1 ? REQUESTS : REQUESTS * 5 ))
  shift 2
  benchmark_once "$port" "$requests" "$pipeline" -r 100000 "$@"
}
evalsha() { measure "$1" "$2" evalsha "${SHA[$1]}" 1 'key:__rand_int__'; }
publish() { measure "$1" "$2" publish bench:channel hello-subscribers; }

subscribe() { # port: 10 subscribers of bench:channel, until stop_subscribers
  for ((i = 0; i < 10; i++)); do
    redis-cli -p "$1" subscribe bench:channel >/dev/null &
    SUBSCRIBERS+=($!)
  done
  until [[ $(redis-cli -p "$1" pubsub numsub bench:channel | tail -1) == 10 ]]; do sleep 0.1; done
}

echo "Warming up Larder's JIT"
REQUESTS=100000 evalsha $LARDER_PORT 16 >/dev/null

printf '\n%-22s %4s %14s %14s %8s\n' test "-P" "redis rps" "larder rps" ratio
row() { printf '%-22s %4s %14s %14s %8.2f\n' "$1" "$2" "$3" "$4" "$(ratio "$4" "$3")"; }
for pipeline in 1 16; do
  redis=$(median evalsha $REDIS_PORT $pipeline)
  larder=$(median evalsha $LARDER_PORT $pipeline)
  row "EVALSHA INCR+EXPIRE" $pipeline "$redis" "$larder"
done
for pipeline in 1 16; do
  subscribe $REDIS_PORT
  redis=$(median publish $REDIS_PORT $pipeline)
  stop_subscribers
  subscribe $LARDER_PORT
  larder=$(median publish $LARDER_PORT $pipeline)
  stop_subscribers
  row "PUBLISH to 10 subs" $pipeline "$redis" "$larder"
done
