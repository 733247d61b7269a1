#!/usr/bin/env bash
# The whole local release pipeline of the sample app, offline: starts the test bed if needed, then
# build (both platforms) -> merge -> sign -> verify through the bundled actions.
# Usage: bash scripts/local-release.sh [version] [--keyless]   (default version: 0.0.1-rc1)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
bash scripts/testbed.sh up
# shellcheck disable=SC1090
source <(bash scripts/testbed.sh env)
exec npx tsx scripts/local-release.ts "$@"
