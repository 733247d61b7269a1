#!/usr/bin/env bash
# The whole local release pipeline of the sample app, offline: starts the test bed if needed, then
# build (both platforms) -> merge -> sign -> verify through the bundled actions.
# Usage: bash scripts/local-release.sh [version] [--keyless]   (default version: 0.0.1-rc1)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/prepare.sh
source scripts/lib/prepare.sh
exec npx tsx scripts/local-release.ts "$@"
