#!/usr/bin/env bash
# Fails when a committed actions/*/dist differs from a fresh build of the sources.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run -s build >/dev/null
# A glob pathspec: a plain 'actions/*/dist' matches no file in git diff (it compares the whole path), so the
# check would pass whatever the bundles hold.
dist=':(glob)actions/*/dist/**'
if ! git diff --quiet --exit-code -- "$dist" || [ -n "$(git ls-files --others --exclude-standard -- "$dist")" ]; then
  echo "check-dist: actions/*/dist differs from a fresh build. Run 'npm run build' and commit the result:" >&2
  git status --short -- "$dist" >&2
  git diff --stat -- "$dist" >&2
  exit 1
fi
echo "check-dist: committed bundles match a fresh build"
