#!/usr/bin/env bash
# Makes the resolver-like host lists that models/training/domain-resolver-sources.json trains on (its
# data_prepare: train.sh runs it when DATA is unset); the rest of that recipe reads ../shared/data.
set -euo pipefail
cd "$(dirname "$0")/../.."
npx tsx scripts/domain/extract-resolver-hosts.ts --out models/training/.work/resolver
