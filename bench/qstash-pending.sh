#!/usr/bin/env bash
# Larder's memory with many QStash messages pending, in one run: a sink on 127.0.0.1 that holds every delivery
# unanswered; messages published in batches of 100 (half to its URL, a quarter through a queue of parallelism 8,
# a quarter under a flow-control key of parallelism 8); Larder's heap after a full GC (jcmd) and its RSS at every
# tenth. Then the sink answers and every message must arrive: the drain is timed and the missing counted.
# Larder runs as bench/qstash-benchmark.sh runs it (its own ports, durable, -Xmx3g).
# Usage: bench/qstash-pending.sh [messages]   (build first: mvn -B install -DskipTests)
set -euo pipefail

COUNT=${1:-1000000}
source "$(dirname "${BASH_SOURCE[0]}")/qstash/run.sh"
start_larder "allowPrivateDestinations=true"
run_bench QStashPendingBenchmark "$COUNT" "$JAVA_HOME/bin/jcmd"
