#!/usr/bin/env bash
# Fails when a committed actions/*/dist differs from a fresh build of the sources.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run -s build >/dev/null
if ! git diff --quiet --exit-code -- 'actions/*/dist' || [ -n "$(git ls-files --others --exclude-standard -- 'actions/*/dist')" ]; then
  echo "check-dist: actions/*/dist differs from a fresh build. Run 'npm run build' and commit the result:" >&2
  git status --short -- 'actions/*/dist' >&2
  git diff --stat -- 'actions/*/dist' >&2
  exit 1
fi
echo "check-dist: committed bundles match a fresh build"
