#!/usr/bin/env bash
# Start-up figures of the built distribution: time from launch to "Larder ready" and resident memory
# right after, for a cold start (empty data directory, the storage node creates its files) and a warm
# start (data directory from the previous run). Runs a copy of distribution/target/larder in a
# temporary folder with ports of its own on 127.0.0.1, so it never meets a running Larder.
# Usage: bench/startup.sh [runs]   (build first: mvn -B install -DskipTests)
set -euo pipefail

RUNS=${1:-3}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIST=$ROOT/distribution/target/larder
[[ -x "$DIST/bin/larder" ]] || { echo "build first: mvn -B install -DskipTests" >&2; exit 1; }

WORK=$(mktemp -d /tmp/larder-startup.XXXXXX)
trap 'LARDER_DATA=$WORK/data "$WORK/larder/bin/larder" stop >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
cp -r "$DIST" "$WORK/larder"
HOME_DIR=$WORK/larder
sed -i 's/^discoveryPort=.*/discoveryPort=49600/; s/^communicationPort=.*/communicationPort=49650/; s/^discoveryAddresses=.*/discoveryAddresses=127.0.0.1:49600..49609/' \
  "$HOME_DIR/config/dev.larder.storage.cfg"
sed -i 's/^org.osgi.service.http.port=.*/org.osgi.service.http.port=49681/; s/^org.apache.felix.http.host=.*/org.apache.felix.http.host=127.0.0.1/' \
  "$HOME_DIR/config/org.apache.felix.http.cfg" "$HOME_DIR/config/framework.properties"
sed -i 's/^port=.*/port=49640/' "$HOME_DIR/config/dev.larder.resp.cfg"
sed -i 's/^port=.*/port=49645/' "$HOME_DIR/config/dev.larder.rest.cfg"

one_start() {
  local started ready_ms wall_ms pid rss
  started=$(date +%s%N)
  LARDER_DATA=$WORK/data "$HOME_DIR/bin/larder" --daemon >/dev/null
  wall_ms=$(( ($(date +%s%N) - started) / 1000000 ))
  ready_ms=$(grep -o 'Larder ready in [0-9]* ms' "$WORK/data/log/console.out" | grep -o '[0-9]*')
  pid=$(cat "$WORK/data/larder.pid")
  sleep 1
  rss=$(( $(awk '/VmRSS/ {print $2}' "/proc/$pid/status") / 1024 ))
  LARDER_DATA=$WORK/data "$HOME_DIR/bin/larder" stop >/dev/null
  echo "$ready_ms $wall_ms $rss"
}

printf '%-6s %4s %18s %22s %12s\n' start run "ready (JVM uptime)" "bin/larder --daemon" "RSS"
for kind in cold warm; do
  for ((i = 1; i <= RUNS; i++)); do
    [[ $kind == cold ]] && rm -rf "$WORK/data"
    if [[ $kind == warm && $i == 1 && ! -d "$WORK/data/ignite" ]]; then one_start >/dev/null; fi
    read -r ready wall rss < <(one_start)
    printf '%-6s %4d %15d ms %19d ms %8d MiB\n' "$kind" "$i" "$ready" "$wall" "$rss"
  done
done
