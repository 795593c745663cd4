#!/usr/bin/env bash
# Installs the system toolchains the C++ and Ruby client tests need (test/clients/*.test.ts), and the
# chromium that test/http/browser.test.ts drives: Debian's
# packages, so it needs root (or sudo). The Go and Python clients need nothing from here: their tests
# fetch what they need without root on first use (Go modules into the Go cache, Python into a
# virtualenv, see scripts/python-env.ts); only the Go toolchain itself must be on PATH.
#
#   sudo bash scripts/provision-clients.sh
#
# Safe to run again: it only installs what is missing, and concurrent runs take turns (the C++ and Ruby
# tests run it themselves, in parallel, when they run as root and miss their toolchain). CI (.ci/run)
# runs it before `npm test`.
set -euo pipefail

exec 9>"${TMPDIR:-/tmp}/threatpredict-provision-clients.lock"
flock 9

packages=(
  protobuf-compiler        # protoc
  protobuf-compiler-grpc   # grpc_cpp_plugin
  libprotobuf-dev          # C++ runtime and google/protobuf/*.proto
  libgrpc++-dev            # C++ gRPC runtime, with its CMake package
  cmake
  g++
  make
  pkg-config
  ruby
  ruby-grpc                # gem `grpc` (runtime) for Ruby
  ruby-grpc-tools          # grpc_tools_ruby_protoc and its plugin
  ruby-google-protobuf
  chromium                 # the browser test of the HTTP page (test/http/browser.test.ts)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "client toolchains: all installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "client toolchains: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
