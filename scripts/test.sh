#!/usr/bin/env bash
# The whole test suite, on a fresh machine or an already prepared one:
# install dependencies, start the test bed, typecheck, lint, check the bundles, unit + integration tests.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/lib/prepare.sh
source scripts/lib/prepare.sh

npm run -s typecheck
npm run -s lint
bash scripts/check-dist.sh
node scripts/readme-actions.mjs --check
npx tsx scripts/readme-verify.ts --check

results=$(mktemp -d)
status=0
npx vitest run --config scripts/vitest.config.mts --project unit --reporter=default --reporter=json --outputFile.json="$results/unit.json" || status=1
npx vitest run --config scripts/vitest.config.mts --project integration --reporter=default --reporter=json --outputFile.json="$results/integration.json" || status=1
node scripts/test-totals.mjs "$results"/*.json
exit "$status"
