#!/usr/bin/env bash
# The sample app's release pipeline, offline, as GitHub runs it: starts the test bed if needed, then runs
# .github/workflows/release.yml -> multi-arch.yml as written (build both platforms -> merge -> sign keyless with
# the transparency log -> verify), through the bundled actions and stand-ins for GitHub's and Sigstore's services.
# Usage: bash scripts/local-release.sh [version]   (default 0.0.1-rc1: the tag sample-app/v0.0.1-rc1)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/prepare.sh
source scripts/lib/prepare.sh
exec npx tsx scripts/local-release.ts "$@"
