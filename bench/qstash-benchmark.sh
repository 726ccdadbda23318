#!/usr/bin/env bash
# QStash deliveries next to their physical limit, in one run: a sink on 127.0.0.1 (Jetty, in the benchmark's
# process), Jetty's client posting the same bodies straight to it (no queue, no persistence), then Larder's
# QStash delivering published messages to it (each acknowledged once durable): after a warm-up, publish-to-delivery
# latency at a low steady rate, then deliveries per second, then the same published 100 a batch at the rate Larder
# delivers them (at most 5,000 unarrived), then as fast as it takes them (a backlog). Larder runs from the
# distribution on ports of its own (RESP 49840, HTTP 49845, Ignite discovery 49900-49909, communication 49920),
# durable, with loopback destinations allowed.
# Usage: bench/qstash-benchmark.sh [messages] [connections] [low rate]   (build first: mvn -B install -DskipTests)
set -euo pipefail

COUNT=${1:-200000}
CONNECTIONS=${2:-64}
RATE=${3:-100}
source "$(dirname "${BASH_SOURCE[0]}")/qstash/run.sh"
start_larder "$(printf 'allowPrivateDestinations=true\nmaxConnectionsPerDestination=%s' "$CONNECTIONS")"
run_bench QStashBenchmark "$COUNT" "$CONNECTIONS" "$RATE"
