#!/usr/bin/env bash
# Vector search, every engine on the same data in one run (bench/vector: one JVM per dataset): synthetic clustered
# vectors (100k x 128, 20k x 768) with exact ground truth by cosine; recall@10 against queries/s on one thread for
# Larder's index in-process (Lucene 10 HNSW, float and 7-bit scalar-quantized graphs), hnswlib at the same degree
# (M 16) and construction beam (100), and exact search (a Java SIMD loop; ND4J's BLAS on batches of 100 queries);
# build time and bytes per vector (heap and files, measured). Then a Larder server: durable upserts over HTTP in
# batches of 100, recall over HTTP, and queries/s over HTTP from 1 and 50 connections (wrk, one thread, cycling
# through the queries; bench/vector-query.lua) once the server is idle. Last, text embedding with bge-small-en-v1.5: Larder's
# upsert-data and query-data over HTTP against langchain4j's in-process pipeline of the same model files
# (EMBED_COUNT texts, 1000 unless set), and the cosine between the two's vectors.
# Goals (issue 15): in-process recall@10 >= 0.95 at >= 1.2x hnswlib's QPS at the same recall; over HTTP at 50
# connections >= 0.5x the in-process QPS; <= 700 bytes per 128-d vector with its graph; durable upserts >= 5,000/s.
# Usage: bench/vector-benchmark.sh [count of the 128-d set]   (build first: mvn -B install -DskipTests)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
COUNT=${1:-100000}
DIST=$ROOT/distribution/target/larder
[[ -x "$DIST/bin/larder" ]] || { echo "build first: mvn -B install -DskipTests" >&2; exit 1; }
JAVA_HOME=${JAVA_HOME:-$(ls -d /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*-21-* 2>/dev/null | head -1)}
export JAVA_HOME
WORK=$(mktemp -d /tmp/larder-vector-bench.XXXXXX)
cleanup() {
  LARDER_DATA=$WORK/data "$WORK/larder/bin/larder" stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "Building bench/vector"
mvn -q -B -f "$ROOT/bench/vector/pom.xml" package dependency:build-classpath -Dmdep.outputFile="$WORK/classpath" >/dev/null
CLASSPATH="$ROOT/bench/vector/target/larder-vector-benchmark-0.1.0-SNAPSHOT.jar:$(cat "$WORK/classpath")"
command -v wrk >/dev/null || { echo "installing wrk (apt-get install wrk), the HTTP load of the queries"; apt-get install -y wrk >/dev/null; }
run() { "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -Xmx6g -Dwrk.script="$ROOT/bench/vector-query.lua" -cp "$CLASSPATH" \
  dev.larder.bench.VectorBenchmark "$@" 2>&1 \
  | grep -v "WARNING: Using incubator modules\|^\[main\] INFO\|^SLF4J"; }

echo "Starting Larder (bin/larder --daemon, HTTP on 127.0.0.1:49845)"
source "$ROOT/bench/install-larder.sh"
install_larder "$WORK/larder" 49900 49920 49840 49845 49881
LARDER_DATA=$WORK/data JAVA_OPTS="${JAVA_OPTS:--Xms1g -Xmx3g}" "$WORK/larder/bin/larder" --daemon >/dev/null
index() { # name, then the options of larder:vector-create: the index's URL and token
  local shown
  shown=$(LARDER_DATA=$WORK/data "$WORK/larder/bin/larder" console larder:vector-create "$@")
  echo "$(awk '/^URL:/ {print $2}' <<<"$shown") $(awk '/^Token:/ {print $2}' <<<"$shown")"
}
grep -h "Vector search uses\|Vector search does not" "$WORK/data/log/larder.log" | sed 's/^.*dev.larder.vector - /Server: /'

read -r url token <<<"$(index bench-128 --dimension 128 --metric COSINE)"
run "$COUNT" 128 1000 "$url" "$token" "$(cat "$WORK/data/larder.pid")"
echo
read -r url token <<<"$(index bench-768 --dimension 768 --metric COSINE)"
run $((COUNT / 5)) 768 500 "$url" "$token" "$(cat "$WORK/data/larder.pid")"
echo
read -r url token <<<"$(index bench-text --metric COSINE --model BGE_SMALL_EN_V1_5)"
"$JAVA_HOME/bin/java" -Xmx2g -cp "$CLASSPATH" dev.larder.bench.EmbeddingBenchmark "$url" "$token" "${EMBED_COUNT:-1000}" 2>&1 \
  | grep -v "^\[main\] INFO\|^SLF4J"
