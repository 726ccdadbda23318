# Shared by the side-by-side benchmarks: a copy of the distribution and a redis-server, each on ports of
# its own on 127.0.0.1, matched durability, and a median-of-rounds redis-benchmark measure that waits for
# Larder to be idle first. Sourced; the caller sets nothing but may set LARDER_DURABILITY, JAVA_OPTS and
# LARDER_BENCH_ROUNDS. Everything started here stops when the calling script exits.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIST=$ROOT/distribution/target/larder
[[ -x "$DIST/bin/larder" ]] || { echo "build first: mvn -B install -DskipTests" >&2; exit 1; }
command -v redis-benchmark >/dev/null || { echo "needs redis-server and redis-tools (apt-get install redis-server redis-tools)" >&2; exit 1; }

source "$ROOT/bench/install-larder.sh"
LARDER_PORT=49740
LARDER_REST_PORT=49745
REDIS_PORT=49799
WORK=$(mktemp -d /tmp/larder-bench.XXXXXX)
REDIS_PID=
cleanup() {
  LARDER_DATA=$WORK/data "$WORK/larder/bin/larder" stop >/dev/null 2>&1 || true
  [[ -n "$REDIS_PID" ]] && kill "$REDIS_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

start_servers() {
  install_larder "$WORK/larder" 49700 49720 $LARDER_PORT $LARDER_REST_PORT 49781
  local cfg=$WORK/larder/config
  DURABILITY=${LARDER_DURABILITY:-EVERYSEC}
  sed -i "s/^durability=.*/durability=$DURABILITY/" "$cfg/dev.larder.redis.cfg"
  case $DURABILITY in
    OFF) REDIS_PERSISTENCE=(--appendonly no) ;;
    ALWAYS) REDIS_PERSISTENCE=(--appendonly yes --appendfsync always --dir "$WORK") ;;
    *) REDIS_PERSISTENCE=(--appendonly yes --appendfsync everysec --dir "$WORK") ;;
  esac
  echo "Starting Larder (bin/larder --daemon, durability $DURABILITY${JAVA_OPTS:+, JAVA_OPTS $JAVA_OPTS}) and redis-server $(redis-server --version | grep -o 'v=[0-9.]*') (${REDIS_PERSISTENCE[*]})"
  LARDER_DATA=$WORK/data JAVA_OPTS="${JAVA_OPTS:-}" "$WORK/larder/bin/larder" --daemon >/dev/null
  LARDER_PID=$(cat "$WORK/data/larder.pid")
  redis-server --port $REDIS_PORT --bind 127.0.0.1 --save "" "${REDIS_PERSISTENCE[@]}" --daemonize no >"$WORK/redis.log" 2>&1 &
  REDIS_PID=$!
  until redis-cli -p $REDIS_PORT ping >/dev/null 2>&1; do sleep 0.1; done
}

# both servers stopped and started again on empty data (memory figures free of what earlier runs left)
restart_servers() {
  LARDER_DATA=$WORK/data "$WORK/larder/bin/larder" stop >/dev/null 2>&1 || true
  kill "$REDIS_PID" 2>/dev/null || true
  wait "$REDIS_PID" 2>/dev/null || true
  rm -rf "$WORK/larder" "$WORK/data" "$WORK/appendonlydir"
  start_servers >/dev/null
}

ROUNDS=${LARDER_BENCH_ROUNDS:-3}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
wait_idle() { # until Larder used under 10% of a core for half a second (its grid writes are done)
  local before after
  for ((i = 0; i < 120; i++)); do
    before=$(cpu_ticks "$LARDER_PID"); sleep 0.5; after=$(cpu_ticks "$LARDER_PID")
    (( after - before < 5 )) && return 0
  done
}
# requests per second of one redis-benchmark run, after Larder is idle: port requests pipeline redis-benchmark-arguments...
benchmark_once() {
  local port=$1 requests=$2 pipeline=$3
  shift 3
  wait_idle
  redis-benchmark -h 127.0.0.1 -p "$port" -c 50 -n "$requests" -P "$pipeline" --csv -q "$@" 2>/dev/null \
    | awk -F'","' 'NR==2 {gsub(/"/, "", $2); print $2}'
}
# the median of ROUNDS runs of a measure (2 cores are noisy): median function arguments...
median() {
  for ((round = 0; round < ROUNDS; round++)); do "$@"; done | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}
benchmark() { median benchmark_once "$@"; }
ratio() { echo "$1 / $2" | bc -l; }
rss_mib() { echo $(( $(awk '/VmRSS/ {print $2}' "/proc/$1/status") / 1024 )); }
