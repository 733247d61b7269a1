# Sourced by the top-level scripts: dependencies installed, the test bed up, its environment exported.
# shellcheck shell=bash
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
bash scripts/testbed.sh up
# shellcheck disable=SC1090
source <(bash scripts/testbed.sh env)
