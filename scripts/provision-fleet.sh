#!/usr/bin/env bash
# Installs what the fleet test and the balancer benchmark need (test/fleet/fleet.test.ts,
# src/bench/balancer.ts): Debian's HAProxy, the L7 gRPC balancer they run deploy/haproxy/haproxy.cfg
# with. Needs root (or sudo); CI (.ci/run) runs it before `npm test`. Safe to run again.
#
#   sudo bash scripts/provision-fleet.sh
set -euo pipefail

exec 9>"${TMPDIR:-/tmp}/threatpredict-provision-fleet.lock"
flock 9

if command -v haproxy >/dev/null 2>&1; then
  echo "fleet: $(haproxy -v | head -1)"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "fleet: installing haproxy"
$SUDO apt-get update -qq
# The package's service is not wanted: tests start haproxy in the foreground with their own config.
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends haproxy
haproxy -v | head -1
