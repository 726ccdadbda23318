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
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIST=$ROOT/distribution/target/larder
[[ -x "$DIST/bin/larder" ]] || { echo "build first: mvn -B install -DskipTests" >&2; exit 1; }
command -v redis-benchmark >/dev/null || { echo "needs redis-server and redis-tools (apt-get install redis-server redis-tools)" >&2; exit 1; }

LARDER_PORT=49740
REDIS_PORT=49799
WORK=$(mktemp -d /tmp/larder-bench.XXXXXX)
REDIS_PID=
cleanup() {
  LARDER_DATA=$WORK/data "$WORK/larder/bin/larder" stop >/dev/null 2>&1 || true
  [[ -n "$REDIS_PID" ]] && kill "$REDIS_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# Larder: a copy of the distribution with its own ports
cp -r "$DIST" "$WORK/larder"
CFG=$WORK/larder/config
sed -i 's/^discoveryPort=.*/discoveryPort=49700/; s/^communicationPort=.*/communicationPort=49720/; s/^discoveryAddresses=.*/discoveryAddresses=127.0.0.1:49700..49709/' "$CFG/dev.larder.storage.cfg"
DURABILITY=${LARDER_DURABILITY:-EVERYSEC}
sed -i "s/^durability=.*/durability=$DURABILITY/" "$CFG/dev.larder.redis.cfg"
case $DURABILITY in
  OFF) REDIS_PERSISTENCE=(--appendonly no) ;;
  ALWAYS) REDIS_PERSISTENCE=(--appendonly yes --appendfsync always --dir "$WORK") ;;
  *) REDIS_PERSISTENCE=(--appendonly yes --appendfsync everysec --dir "$WORK") ;;
esac
sed -i "s/^port=.*/port=$LARDER_PORT/" "$CFG/dev.larder.resp.cfg"
sed -i 's/^org.osgi.service.http.port=.*/org.osgi.service.http.port=49781/; s/^org.apache.felix.http.host=.*/org.apache.felix.http.host=127.0.0.1/' \
  "$CFG/org.apache.felix.http.cfg" "$CFG/framework.properties"
echo "Starting Larder (bin/larder --daemon, durability $DURABILITY) and redis-server $(redis-server --version | grep -o 'v=[0-9.]*') (${REDIS_PERSISTENCE[*]})"
LARDER_DATA=$WORK/data JAVA_OPTS="${JAVA_OPTS:-}" "$WORK/larder/bin/larder" --daemon >/dev/null
LARDER_PID=$(cat "$WORK/data/larder.pid")
redis-server --port $REDIS_PORT --bind 127.0.0.1 --save "" "${REDIS_PERSISTENCE[@]}" --daemonize no >"$WORK/redis.log" 2>&1 &
REDIS_PID=$!
until redis-cli -p $REDIS_PORT ping >/dev/null 2>&1; do sleep 0.1; done

# requests per second of one redis-benchmark test: the median of ROUNDS runs (2 cores are noisy)
ROUNDS=${LARDER_BENCH_ROUNDS:-3}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
wait_idle() { # until Larder used under 10% of a core for half a second (its grid writes are done)
  local before after
  for ((i = 0; i < 120; i++)); do
    before=$(cpu_ticks "$LARDER_PID"); sleep 0.5; after=$(cpu_ticks "$LARDER_PID")
    (( after - before < 5 )) && return 0
  done
}
rps_once() { # port test pipeline
  wait_idle
  local requests=$(( $3 == 1 ? REQUESTS : REQUESTS * 5 ))
  [[ $2 == mset ]] && requests=$(( requests / 5 )) # ten keys a request
  redis-benchmark -h 127.0.0.1 -p "$1" -c 50 -d 100 -r 100000 -n "$requests" -P "$3" -t "$2" --csv -q 2>/dev/null \
    | awk -F'","' 'NR==2 {gsub(/"/, "", $2); print $2}'
}
rps() {
  for ((round = 0; round < ROUNDS; round++)); do rps_once "$@"; done | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}

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

rss_mib() { echo $(( $(awk '/VmRSS/ {print $2}' "/proc/$1/status") / 1024 )); }
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
