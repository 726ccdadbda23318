#!/usr/bin/env bash
# The compatibility tests compare Larder with a real redis-server 7 and use redis-cli and redis-py
# (Debian's python3-redis, for /usr/bin/python3) as clients; the TLS test makes a throwaway certificate
# with openssl; the offline-embedding test watches the server's connections with strace. Installs what is missing from Debian's packages (the test machine runs as root).
set -euo pipefail
if command -v redis-server >/dev/null && command -v redis-cli >/dev/null && command -v openssl >/dev/null \
    && command -v strace >/dev/null \
    && /usr/bin/python3 -c "import redis" 2>/dev/null; then
  exit 0
fi
echo "Installing redis-server, redis-tools, python3-redis, openssl and strace for the integration tests"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server redis-tools python3-redis openssl strace >/dev/null
# the package starts a system redis on 6379; the tests start their own on their own ports
systemctl stop redis-server 2>/dev/null || service redis-server stop 2>/dev/null || true
