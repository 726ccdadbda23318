# Sourced by bench/qstash-benchmark.sh and bench/qstash-pending.sh: builds bench/qstash, starts Larder from the
# distribution on ports of its own (RESP 49840, HTTP 49845, Ignite discovery 49900-49909, communication 49920),
# durable, with loopback destinations allowed, and makes a database; run_bench CLASS ARGS... runs a benchmark
# class with Larder's URL, the database's token, ARGS and Larder's pid. Larder is stopped on exit.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DIST=$ROOT/distribution/target/larder
[[ -x "$DIST/bin/larder" ]] || { echo "build first: mvn -B install -DskipTests" >&2; exit 1; }
JAVA_HOME=${JAVA_HOME:-$( (ls -d /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*-21-* 2>/dev/null || true) | head -1)}
export JAVA_HOME
WORK=$(mktemp -d /tmp/larder-qstash-bench.XXXXXX)
cleanup() {
  LARDER_DATA=$WORK/data "$WORK/larder/bin/larder" stop >/dev/null 2>&1 || true
  grep -h -A12 "ERROR" "$WORK/data/log/larder.log" 2>/dev/null | grep -v "^\s*at org.eclipse\|^\s*at java" | head -30 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# start_larder CFG: Larder with CFG as its dev.larder.qstash.cfg
start_larder() {
  echo "Building bench/qstash"
  mvn -q -B -f "$ROOT/bench/qstash/pom.xml" package dependency:build-classpath -Dmdep.outputFile="$WORK/classpath" >/dev/null
  CLASSPATH="$ROOT/bench/qstash/target/larder-qstash-benchmark-0.1.0-SNAPSHOT.jar:$(cat "$WORK/classpath")"
  echo "Starting Larder (bin/larder --daemon, HTTP on 127.0.0.1:49845)"
  source "$ROOT/bench/install-larder.sh"
  install_larder "$WORK/larder" 49900 49920 49840 49845 49881
  printf '%s\n' "$1" > "$WORK/larder/config/dev.larder.qstash.cfg"
  LARDER_DATA=$WORK/data JAVA_OPTS="${JAVA_OPTS:--Xms1g -Xmx3g}" "$WORK/larder/bin/larder" --daemon >/dev/null
  TOKEN=$(LARDER_DATA=$WORK/data "$WORK/larder/bin/larder" console larder:db-create qstash-bench | awk '/^Full token/ {print $NF}')
}

run_bench() {
  local class=$1
  shift
  "$JAVA_HOME/bin/java" -Xmx2g -cp "$CLASSPATH" "dev.larder.bench.$class" http://127.0.0.1:49845 "$TOKEN" "$@" "$(cat "$WORK/data/larder.pid")"
}
