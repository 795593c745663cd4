#!/usr/bin/env bash
# Installs Suricata for the `watch` test (test/watch/suricata.test.ts), which runs the real sensor on a
# capture it writes. Debian 12 ships Suricata only in bookworm-backports, so that suite is added when
# the configured ones have no candidate. Needs root (or sudo); safe to run again.
#
#   sudo bash scripts/provision-watch.sh
set -euo pipefail

exec 9>"${TMPDIR:-/tmp}/threatpredict-provision-watch.lock"
flock 9

if command -v suricata >/dev/null 2>&1; then
  echo "suricata: installed ($(suricata -V 2>/dev/null | head -1))"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
target=()
if ! apt-cache policy suricata | grep -q 'Candidate: [0-9]'; then
  . /etc/os-release
  echo "suricata: not in ${VERSION_CODENAME}; adding ${VERSION_CODENAME}-backports"
  $SUDO tee /etc/apt/sources.list.d/threatpredict-backports.sources >/dev/null <<SOURCES
Types: deb
URIs: http://deb.debian.org/debian
Suites: ${VERSION_CODENAME}-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  $SUDO apt-get update -qq
  target=(-t "${VERSION_CODENAME}-backports")
fi
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${target[@]}" suricata
suricata -V
