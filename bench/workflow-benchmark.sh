#!/usr/bin/env bash
# Workflow runs next to plain QStash deliveries, in one run (bench/workflow/bench.mjs): a three-step
# @upstash/workflow app and a plain sink served by Node on 127.0.0.1, Larder durable, from the distribution on
# ports of its own (RESP 47840, HTTP 47845, Ignite discovery 47800-47809, communication 47820). Prints the latency
# at a low steady rate (QStash publish-to-delivery, workflow step-to-step) and the throughput of each, with
# their ratio (a run is four deliveries: its start and three step results) and Larder's CPU time per delivery.
# A warm-up of a quarter comes first: on shorter ones the JIT was still compiling during the workflow burst. The
# fair reference for a step's cost is last: single publishes paced at the step rate the burst reached (Larder's
# CPU a delivery falls as the rate rises, since each publish alone in its fsync round costs a round of wake-ups).
# Usage: bench/workflow-benchmark.sh [runs] [low rate]   (build first: mvn -B install -DskipTests)
set -euo pipefail

RUNS=${1:-20000}
RATE=${2:-20}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIST=$ROOT/distribution/target/larder
[[ -x "$DIST/bin/larder" ]] || { echo "build first: mvn -B install -DskipTests" >&2; exit 1; }
JAVA_HOME=${JAVA_HOME:-$( (ls -d /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*-21-* 2>/dev/null || true) | head -1)}
export JAVA_HOME
WORK=$(mktemp -d /tmp/larder-workflow-bench.XXXXXX)
cleanup() {
  LARDER_DATA=$WORK/data "$WORK/larder/bin/larder" stop >/dev/null 2>&1 || true
  grep -h -A12 "ERROR" "$WORK/data/log/larder.log" 2>/dev/null | grep -v "^\s*at org.eclipse\|^\s*at java" | head -30 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "Installing @upstash/workflow 1.3.3 and @upstash/qstash 2.12.0 (npm)"
mkdir -p "$WORK/node"
cp "$ROOT/bench/workflow/bench.mjs" "$ROOT/itests/src/test/node/workflow-app.mjs" "$WORK/node/"
echo '{"name":"larder-workflow-bench","private":true}' > "$WORK/node/package.json"
npm install --prefix "$WORK/node" --no-audit --no-fund @upstash/workflow@1.3.3 @upstash/qstash@2.12.0 >/dev/null

echo "Starting Larder (bin/larder --daemon, HTTP on 127.0.0.1:47845)"
source "$ROOT/bench/install-larder.sh"
install_larder "$WORK/larder" 47800 47820 47840 47845 47881
printf 'allowPrivateDestinations=true\n' > "$WORK/larder/config/dev.larder.qstash.cfg"
LARDER_DATA=$WORK/data JAVA_OPTS="${JAVA_OPTS:--Xms1g -Xmx3g}" "$WORK/larder/bin/larder" --daemon >/dev/null
TOKEN=$(LARDER_DATA=$WORK/data "$WORK/larder/bin/larder" console larder:db-create workflow-bench | awk '/^Full token/ {print $NF}')

UPSTASH_DISABLE_TELEMETRY=1 node "$WORK/node/bench.mjs" "{\"url\":\"http://127.0.0.1:47845\",\"token\":\"$TOKEN\",\"runs\":$RUNS,\"rate\":$RATE,\"pid\":$(cat "$WORK/data/larder.pid"),\"clockTicks\":$(getconf CLK_TCK)}"
