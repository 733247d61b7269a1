#!/usr/bin/env bash
# moam offline test bed: Docker 26.1 (containerd image store) + buildx +
# cosign from Debian trixie in a private prefix, three local registries (plain
# HTTP on 127.0.0.1:5000, TLS + basic auth on 127.0.0.1:5443, TLS + token auth
# as registry.moam.test with its token service), arm64
# emulation via qemu-user-static, a multi-arch busybox base image and an SBOM
# generator image. Nothing is pulled from the internet: only Debian's apt
# archive (as configured on this machine) is used.
#
# Usage: scripts/testbed.sh up|down|status|env
#
#   up      install what is missing, start what is not running (idempotent),
#           build/push the helper images, write $STATE/env, print the status;
#           exits 0 only when everything is healthy.
#   down    stop every daemon `up` started (by the PIDs in $STATE/run).
#   status  print each component's state; exit 0 iff all are healthy.
#   env     print sourceable `export NAME='value'` lines.
#
# Environment:
#   MOAM_TESTBED_STATE   state dir (default /var/lib/moam-testbed)
#   MOAM_TESTBED_PREFIX  private install prefix (default /opt/moam-testbed/root)
set -euo pipefail
set +m # no job control: background daemons keep the PID that `$!` reports

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
TESTBED_DIR="$SCRIPT_DIR/testbed"

STATE=${MOAM_TESTBED_STATE:-/var/lib/moam-testbed}
PREFIX=${MOAM_TESTBED_PREFIX:-/opt/moam-testbed/root}

RUN_DIR="$STATE/run"
LOG_DIR="$STATE/logs"
RUNTIME_DIR="/run/moam-testbed"
CONTAINERD_SOCK="$RUNTIME_DIR/containerd/containerd.sock"
DOCKER_SOCK="/var/run/docker.sock"

PLAIN_ADDR="127.0.0.1:5000"
TLS_ADDR="127.0.0.1:5443"
REGISTRY="localhost:5000"
TLS_REGISTRY="localhost:5443"
TLS_USER="testuser"
BUSYBOX_IMAGE="$REGISTRY/moam/busybox:1"
SBOM_GENERATOR="$REGISTRY/moam/sbom-generator:1"

DOCKER="$PREFIX/usr/bin/docker"
DOCKERD="$PREFIX/usr/sbin/dockerd"
CONTAINERD="$PREFIX/usr/bin/containerd"
BUILDX="$PREFIX/usr/libexec/docker/cli-plugins/docker-buildx"
COSIGN="$PREFIX/usr/bin/cosign"
REGISTRY_BIN="/usr/bin/docker-registry"

# Debian packages for the host (bookworm) and for the prefix (trixie).
HOST_PACKAGES=(docker.io docker-registry qemu-user-static binfmt-support
	apache2-utils openssl curl jq ca-certificates iptables tini runc shellcheck patchelf)
PREFIX_PACKAGES=(docker.io docker-cli containerd docker-buildx cosign)

export DOCKER_HOST="unix://$DOCKER_SOCK"
export PATH="$PREFIX/usr/bin:$PREFIX/usr/sbin:$PATH"

# The parts, in the order `up` runs them; each only defines functions.
# shellcheck source=scripts/testbed/lib.sh
source "$TESTBED_DIR/lib.sh"
# shellcheck source=scripts/testbed/apt.sh
source "$TESTBED_DIR/apt.sh"
# shellcheck source=scripts/testbed/tls.sh
source "$TESTBED_DIR/tls.sh"
# shellcheck source=scripts/testbed/daemons.sh
source "$TESTBED_DIR/daemons.sh"
# shellcheck source=scripts/testbed/images.sh
source "$TESTBED_DIR/images.sh"
# shellcheck source=scripts/testbed/token-registry.sh
source "$TESTBED_DIR/token-registry.sh"
# shellcheck source=scripts/testbed/node24.sh
source "$TESTBED_DIR/node24.sh"
# shellcheck source=scripts/testbed/podman.sh
source "$TESTBED_DIR/podman.sh"

########################################################################
# env / status

env_lines() {
	local path_rest="" p pw=""
	local IFS=:
	for p in $PATH; do
		[[ $p == "$PREFIX/usr/bin" || $p == "$PREFIX/usr/sbin" || -z $p ]] && continue
		path_rest+=":$p"
	done
	unset IFS
	[[ -r $STATE/tls/password ]] && pw=$(<"$STATE/tls/password")
	local kv=(
		"PATH=$PREFIX/usr/bin:$PREFIX/usr/sbin$path_rest"
		"DOCKER_HOST=unix://$DOCKER_SOCK"
		"MOAM_TESTBED_STATE=$STATE"
		"MOAM_TESTBED_PREFIX=$PREFIX"
		"MOAM_DOCKER=$DOCKER"
		"MOAM_REGISTRY=$REGISTRY"
		"MOAM_TLS_REGISTRY=$TLS_REGISTRY"
		"MOAM_TLS_USER=$TLS_USER"
		"MOAM_TLS_PASSWORD=$pw"
		"MOAM_TLS_CA=$STATE/tls/ca.crt"
		"MOAM_TLS_CA_BUNDLE=$STATE/tls/ca-bundle.crt"
		"SSL_CERT_FILE=$STATE/tls/ca-bundle.crt"
		"MOAM_TLS_BUILDKITD_CONFIG=$STATE/tls/buildkitd.toml"
		"MOAM_SBOM_GENERATOR=$SBOM_GENERATOR"
		"MOAM_BUSYBOX_IMAGE=$BUSYBOX_IMAGE"
		"MOAM_COSIGN=$COSIGN"
		"MOAM_SAMPLE_APP=$REPO_ROOT/packages/sample-app"
	)
	local e
	for e in "${kv[@]}"; do
		printf 'export %s=%s\n' "${e%%=*}" "$(shquote "${e#*=}")"
	done
	token_registry_env_lines
	node24_env_lines
	podman_env_lines
}

# status_report: one line per component; returns non-zero if any unhealthy.
status_report() {
	local bad=0 name desc
	report() { # NAME DETAIL CHECK...
		local n=$1 detail=$2
		shift 2
		if "$@"; then
			printf '  %-16s ok    %s\n' "$n" "$detail"
		else
			printf '  %-16s DOWN  %s\n' "$n" "$detail"
			bad=1
		fi
	}
	pidof_() { daemon_pid "$1" "$2" 2>/dev/null || echo -; }
	echo "moam test bed ($STATE, prefix $PREFIX):"
	report prefix "$(grep -E '^(docker.io|containerd|docker-buildx|cosign) ' "$PREFIX/.moam-testbed-versions" 2>/dev/null | sed -E 's/ ([0-9.]+)[^ ]*$/ \1/' | paste -sd, -)" \
		test -x "$DOCKERD" -a -x "$DOCKER" -a -x "$BUILDX" -a -x "$COSIGN"
	report binfmt "qemu-aarch64" check_binfmt
	report containerd "pid $(pidof_ containerd "$CONTAINERD") $CONTAINERD_SOCK" check_containerd
	report dockerd "pid $(pidof_ dockerd "$DOCKERD") $DOCKER_SOCK containerd-snapshotter" check_dockerd
	report registry "pid $(pidof_ registry-plain "$REGISTRY_BIN") http://$PLAIN_ADDR" check_registry_plain
	report tls-registry "pid $(pidof_ registry-tls "$REGISTRY_BIN") https://$TLS_REGISTRY (auth)" check_registry_tls
	report busybox "$BUSYBOX_IMAGE (arm64 run: aarch64)" check_busybox_image
	report sbom-generator "$SBOM_GENERATOR" check_sbom_generator
	token_registry_status || bad=1
	node24_status || bad=1
	podman_status || bad=1
	unset -f report pidof_
	return "$bad"
}

########################################################################
# commands

# take_lock: serialize concurrent `up`/`down` runs (fd 9, released on exit).
take_lock() {
	mkdir -p "$STATE"
	exec 9>"$STATE/.lock"
	if ! flock -w 900 9; then
		die "another scripts/testbed.sh up/down holds $STATE/.lock"
	fi
}

cmd_up() {
	[[ $EUID -eq 0 ]] || die "must run as root"
	take_lock
	mkdir -p "$STATE" "$RUN_DIR" "$LOG_DIR" "$RUNTIME_DIR"
	install_host_packages
	install_prefix
	install_busybox
	setup_tls
	setup_binfmt
	start_all
	token_registry_up
	node24_install
	podman_install || die "podman: installing the trixie prefix failed (log: $LOG_DIR/podman.log)"
	build_busybox_image
	build_sbom_generator
	env_lines >"$STATE/env"
	log "env written to $STATE/env"
	if status_report; then
		echo "moam test bed: UP"
	else
		echo "moam test bed: UNHEALTHY" >&2
		return 1
	fi
}

# unmount_leftovers: dockerd leaves its data-root bind mount (and, if killed,
# overlay mounts) behind; unmount what lies under our own dirs, deepest first.
unmount_leftovers() {
	local mp
	awk '{print $5}' /proc/self/mountinfo | {
		grep -E "^($STATE/docker/|$STATE/containerd/|$RUNTIME_DIR/)|^$STATE/docker\$" || true
	} | sort -r | while IFS= read -r mp; do
		umount "$mp" 2>/dev/null || umount -l "$mp" 2>/dev/null || log "cannot unmount $mp"
	done
	return 0
}

cmd_down() {
	take_lock
	mkdir -p "$RUN_DIR"
	token_registry_down
	stop_daemon registry-tls "$REGISTRY_BIN"
	stop_daemon registry-plain "$REGISTRY_BIN"
	stop_daemon dockerd "$DOCKERD"
	stop_daemon containerd "$CONTAINERD"
	unmount_leftovers
	echo "moam test bed: DOWN"
}

cmd_status() {
	status_report
}

cmd_env() {
	[[ -r $STATE/tls/password ]] || echo "# moam test bed: not set up yet (run: $0 up)"
	env_lines
}

main() {
	local cmd=${1:-}
	case $cmd in
	up) cmd_up ;;
	down) cmd_down ;;
	status) cmd_status ;;
	env) cmd_env ;;
	*)
		echo "usage: $0 up|down|status|env" >&2
		exit 2
		;;
	esac
}

main "$@"
