#!/usr/bin/env bash
# moam offline test bed: Docker 26.1 (containerd image store) + buildx +
# cosign from Debian trixie in a private prefix, two local registries (plain
# HTTP on 127.0.0.1:5000, TLS + basic auth on 127.0.0.1:5443), arm64
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
	apache2-utils openssl curl jq ca-certificates iptables tini runc shellcheck)
PREFIX_PACKAGES=(docker.io docker-cli containerd docker-buildx cosign)

export DOCKER_HOST="unix://$DOCKER_SOCK"
export PATH="$PREFIX/usr/bin:$PREFIX/usr/sbin:$PATH"

log() { printf '[testbed %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
	log "ERROR: $*"
	exit 1
}

# run_logged NAME CMD...: run CMD with output appended to $LOG_DIR/NAME.log;
# on failure show the log's tail.
run_logged() {
	local name=$1
	shift
	local logf="$LOG_DIR/$name.log"
	printf '\n=== %s: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >>"$logf"
	if ! "$@" </dev/null >>"$logf" 2>&1; then
		log "command failed: $* (log: $logf)"
		tail -n 40 "$logf" >&2 || true
		return 1
	fi
}

# write_if_changed FILE: replace FILE with stdin when the content differs;
# returns 0 when it changed, 1 when it was already up to date.
write_if_changed() {
	local file=$1 tmp
	tmp=$(mktemp "$file.XXXXXX")
	cat >"$tmp"
	if [[ -f $file ]] && cmp -s "$tmp" "$file"; then
		rm -f "$tmp"
		return 1
	fi
	mv -f "$tmp" "$file"
	return 0
}

# Single-quote a value for sh.
shquote() {
	local v=${1//\'/\'\\\'\'}
	printf "'%s'" "$v"
}

########################################################################
# apt helpers

# Parse the machine's own apt config: the deb822 entry whose Suites include
# bookworm (URI + Signed-By). Falls back to a one-line sources.list entry.
APT_URI=""
APT_KEYRING=""
detect_apt_source() {
	[[ -n $APT_URI ]] && return 0
	local f=/etc/apt/sources.list.d/debian.sources
	if [[ -r $f ]]; then
		local line key val uris="" suites="" signed=""
		flush() {
			if [[ -z $APT_URI && " $suites " == *" bookworm "* && -n $uris ]]; then
				APT_URI=${uris%% *}
				APT_KEYRING=$signed
			fi
			uris="" suites="" signed=""
		}
		while IFS= read -r line || [[ -n $line ]]; do
			if [[ -z ${line//[[:space:]]/} ]]; then
				flush
				continue
			fi
			[[ $line == \#* ]] && continue
			key=${line%%:*}
			val=${line#*:}
			val=$(echo "$val" | xargs)
			case ${key,,} in
			uris) uris=$val ;;
			suites) suites=$val ;;
			signed-by) signed=$val ;;
			esac
		done <"$f"
		flush
		unset -f flush
	fi
	if [[ -z $APT_URI ]]; then
		local l
		l=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
			grep -E '^[[:space:]]*deb[[:space:]]' | grep -E '[[:space:]]bookworm[[:space:]]' | head -n1 || true)
		if [[ -n $l ]]; then
			if [[ $l =~ signed-by=([^][:space:]]+) ]]; then
				APT_KEYRING=${BASH_REMATCH[1]}
			fi
			l=$(echo "$l" | sed -E 's/\[[^]]*\]//')
			APT_URI=$(echo "$l" | awk '{print $2}')
		fi
	fi
	[[ -n $APT_URI ]] || die "no bookworm entry found in the machine's apt sources"
	if [[ -z $APT_KEYRING ]]; then
		APT_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
	fi
}

# private_apt NAME SUITE ARCHS...: a private apt setup (own lists, sources,
# cache) in $STATE/apt/NAME, never touching the system's apt state.
# Sets PAPT (array of apt-get options) for it, after an `update`.
PAPT=()
private_apt() {
	local name=$1 suite=$2
	shift 2
	local archs=("$@") dir="$STATE/apt/$name"
	detect_apt_source
	mkdir -p "$dir/lists/partial" "$dir/sources" "$dir/cache/archives/partial" "$dir/debs"
	cat >"$dir/sources/$name.sources" <<EOF
Types: deb
URIs: $APT_URI
Suites: $suite
Components: main
Architectures: ${archs[*]}
Signed-By: $APT_KEYRING
EOF
	PAPT=(-o "Dir::State::Lists=$dir/lists"
		-o "Dir::Etc::SourceList=/dev/null"
		-o "Dir::Etc::SourceParts=$dir/sources"
		-o "Dir::Cache=$dir/cache"
		-o "Dir::Cache::archives=$dir/cache/archives"
		-o "APT::Architecture=${archs[0]}")
	local a
	for a in "${archs[@]}"; do
		PAPT+=(-o "APT::Architectures::=$a")
	done
	chown -R _apt "$dir/lists" "$dir/debs" "$dir/cache" 2>/dev/null || true
	log "apt: updating private $suite lists (${archs[*]})"
	run_logged apt apt-get -q "${PAPT[@]}" update
}

# private_download NAME PKG...: download .debs into $STATE/apt/NAME/debs.
private_download() {
	local name=$1
	shift
	local dir="$STATE/apt/$name/debs"
	rm -f "$dir"/*.deb
	(cd "$dir" && run_logged apt apt-get -q "${PAPT[@]}" download "$@")
}

########################################################################
# install steps

install_host_packages() {
	local missing=() p
	for p in "${HOST_PACKAGES[@]}"; do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
			missing+=("$p")
		fi
	done
	if ((${#missing[@]} == 0)); then
		log "host packages: installed"
		return 0
	fi
	log "host packages: installing ${missing[*]}"
	# No service may be started by a package (no systemd; we run our own daemons).
	local policy=/usr/sbin/policy-rc.d created_policy=0
	if [[ ! -e $policy ]]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod 755 "$policy"
		created_policy=1
	fi
	local rc=0
	run_logged apt apt-get -q update || rc=$?
	if ((rc == 0)); then
		DEBIAN_FRONTEND=noninteractive run_logged apt apt-get -q -y \
			-o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confdef \
			-o Dpkg::Options::=--force-confold install "${missing[@]}" || rc=$?
	fi
	((created_policy)) && rm -f "$policy"
	((rc == 0)) || die "apt-get install ${missing[*]} failed"
}

prefix_stamp() {
	printf '%s\n' "${PREFIX_PACKAGES[@]}"
}

install_prefix() {
	local stamp="$PREFIX/.moam-testbed-packages"
	if [[ -x $DOCKERD && -x $DOCKER && -x $CONTAINERD && -x $BUILDX && -x $COSIGN && -f $stamp ]] &&
		[[ "$(cat "$stamp")" == "$(prefix_stamp)" ]]; then
		log "prefix $PREFIX: installed"
	else
		log "prefix $PREFIX: installing ${PREFIX_PACKAGES[*]} from trixie"
		private_apt trixie trixie amd64
		private_download trixie "${PREFIX_PACKAGES[@]}"
		mkdir -p "$PREFIX"
		local deb
		for deb in "$STATE/apt/trixie/debs"/*.deb; do
			dpkg -x "$deb" "$PREFIX"
		done
		(cd "$STATE/apt/trixie/debs" && for deb in *.deb; do
			# shellcheck disable=SC2016 # dpkg-deb expands ${Package}
			dpkg-deb --show --showformat='${Package} ${Version}\n' "$deb"
		done) >"$PREFIX/.moam-testbed-versions"
		prefix_stamp >"$stamp"
	fi
	# docker.io's docker-init is a relative link to tini-static (from the tini
	# package, installed on the host).
	if [[ ! -e $PREFIX/usr/bin/tini-static && -x /usr/bin/tini-static ]]; then
		ln -sfn /usr/bin/tini-static "$PREFIX/usr/bin/tini-static"
	fi
	# The docker CLI finds plugins in ~/.docker/cli-plugins and
	# /usr/local/lib/docker/cli-plugins (any HOME).
	local d
	for d in "${HOME:-/root}/.docker/cli-plugins" /usr/local/lib/docker/cli-plugins; do
		mkdir -p "$d"
		if [[ "$(readlink "$d/docker-buildx" 2>/dev/null)" != "$BUILDX" ]]; then
			ln -sfn "$BUILDX" "$d/docker-buildx"
		fi
	done
}

install_busybox() {
	local dir="$STATE/busybox"
	if [[ -x $dir/amd64/busybox && -x $dir/arm64/busybox ]] &&
		[[ "$(od -An -N4 -c "$dir/amd64/busybox" | tr -d ' ')" == '177ELF' ]] &&
		[[ "$(od -An -N4 -c "$dir/arm64/busybox" | tr -d ' ')" == '177ELF' ]]; then
		log "busybox-static: present"
		return 0
	fi
	log "busybox-static: downloading amd64 + arm64"
	private_apt bookworm bookworm amd64 arm64
	private_download bookworm busybox-static:amd64 busybox-static:arm64
	local arch deb tmp bin
	for arch in amd64 arm64; do
		deb=$(ls "$STATE/apt/bookworm/debs"/busybox-static_*_"$arch".deb)
		tmp=$(mktemp -d)
		dpkg -x "$deb" "$tmp"
		mkdir -p "$dir/$arch"
		for bin in "$tmp/bin/busybox" "$tmp/usr/bin/busybox" ""; do
			[[ -f $bin ]] && break
		done
		[[ -n $bin ]] || die "no bin/busybox in $deb"
		install -m 755 "$bin" "$dir/$arch/busybox"
		rm -rf "$tmp"
	done
}

setup_tls() {
	local d="$STATE/tls"
	mkdir -p "$d"
	chmod 700 "$d"
	if [[ ! -s $d/password ]]; then
		openssl rand -hex 16 >"$d/password"
		chmod 600 "$d/password"
	fi
	if [[ ! -s $d/ca.crt || ! -s $d/server.crt || ! -s $d/server.key ]]; then
		log "tls: creating CA and server certificate"
		cat >"$d/server.ext" <<'EOF'
basicConstraints=CA:FALSE
keyUsage=digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1
EOF
		run_logged tls openssl req -x509 -newkey rsa:2048 -nodes -days 3650 \
			-subj "/CN=moam testbed CA" -keyout "$d/ca.key" -out "$d/ca.crt" \
			-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
		run_logged tls openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
			-keyout "$d/server.key" -out "$d/server.csr"
		run_logged tls openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" \
			-CAcreateserial -days 3650 -extfile "$d/server.ext" -out "$d/server.crt"
		rm -f "$d/htpasswd"
	fi
	if [[ ! -s $d/htpasswd ]]; then
		htpasswd -Bbn "$TLS_USER" "$(cat "$d/password")" >"$d/htpasswd"
	fi
	chmod 644 "$d/ca.crt"
	# Go clients (buildx imagetools, cosign) verify with SSL_CERT_FILE: the
	# system bundle plus the test CA (exported as SSL_CERT_FILE by `env`).
	cat /etc/ssl/certs/ca-certificates.crt "$d/ca.crt" 2>/dev/null | write_if_changed "$d/ca-bundle.crt" || true
	chmod 644 "$d/ca-bundle.crt"
	# buildx's own registry client (imagetools) treats localhost:* as plain
	# HTTP unless a builder's buildkitd config says `http = false`; use with
	#   docker buildx create --name moam-tls --driver docker-container \
	#     --config "$MOAM_TLS_BUILDKITD_CONFIG"   (never booted)
	#   docker buildx imagetools inspect --builder moam-tls localhost:5443/...
	write_if_changed "$d/buildkitd.toml" <<EOF || true
[registry."localhost:5443"]
  http = false
  ca = ["$d/ca.crt"]

[registry."127.0.0.1:5443"]
  http = false
  ca = ["$d/ca.crt"]
EOF
	chmod 644 "$d/buildkitd.toml"
	local h
	for h in localhost:5443 127.0.0.1:5443; do
		mkdir -p "/etc/docker/certs.d/$h"
		if ! cmp -s "$d/ca.crt" "/etc/docker/certs.d/$h/ca.crt"; then
			cp "$d/ca.crt" "/etc/docker/certs.d/$h/ca.crt"
		fi
	done
}

setup_binfmt() {
	if [[ ! -e /proc/sys/fs/binfmt_misc/status ]]; then
		mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc ||
			die "cannot mount binfmt_misc"
	fi
	if ! grep -qx enabled /proc/sys/fs/binfmt_misc/qemu-aarch64 2>/dev/null; then
		log "binfmt: enabling qemu-aarch64"
		run_logged binfmt update-binfmts --enable qemu-aarch64 ||
			run_logged binfmt update-binfmts --import qemu-aarch64 ||
			die "cannot enable qemu-aarch64 binfmt"
	fi
	grep -qx enabled /proc/sys/fs/binfmt_misc/qemu-aarch64 || die "qemu-aarch64 binfmt not enabled"
}

########################################################################
# daemons

# daemon_pid NAME EXE: print the PID from $RUN_DIR/NAME.pid if that process
# is alive and runs EXE; fail otherwise.
daemon_pid() {
	local name=$1 exe=$2 f="$RUN_DIR/$1.pid" pid
	[[ -s $f ]] || return 1
	pid=$(<"$f")
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	pid_running "$pid" || return 1
	[[ "$(readlink -f "/proc/$pid/exe" 2>/dev/null)" == "$(readlink -f "$exe")" ]] || return 1
	printf '%s\n' "$pid"
}

# pid_running PID: the process exists and is not a zombie (PID 1 of a
# sandbox may reap orphans late).
pid_running() {
	kill -0 "$1" 2>/dev/null || return 1
	local st
	st=$(sed -E 's/^.*\) ([A-Za-z]).*$/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
	[[ $st != Z && $st != X ]]
}

# start_daemon NAME EXE ARGS...: start EXE detached (own session, no stdin,
# output to $LOG_DIR/NAME.log) and record its PID.
start_daemon() {
	local name=$1 exe=$2
	shift 2
	local logf="$LOG_DIR/$name.log"
	printf '\n=== %s: starting %s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$exe" "$*" >>"$logf"
	(
		cd /
		exec 9>&- # never hand the `up`/`down` lock to a daemon
		exec setsid "$exe" "$@" </dev/null >>"$logf" 2>&1
	) &
	local pid=$!
	echo "$pid" >"$RUN_DIR/$name.pid"
	log "$name: started (pid $pid, log $logf)"
}

# stop_daemon NAME EXE: TERM the recorded PID, wait for it to exit (KILL
# after a timeout), remove the PID file.
stop_daemon() {
	local name=$1 exe=$2 pid i
	if pid=$(daemon_pid "$name" "$exe"); then
		log "$name: stopping pid $pid"
		kill -TERM "$pid" 2>/dev/null || true
		for ((i = 0; i < 300; i++)); do
			pid_running "$pid" || break
			sleep 0.1
		done
		if pid_running "$pid"; then
			log "$name: still running after 30s, sending KILL"
			kill -KILL "$pid" 2>/dev/null || true
			for ((i = 0; i < 100; i++)); do
				pid_running "$pid" || break
				sleep 0.1
			done
		fi
	else
		log "$name: not running"
	fi
	rm -f "$RUN_DIR/$name.pid"
}

# wait_for DESC SECONDS CMD...: poll CMD until it succeeds.
wait_for() {
	local desc=$1 secs=$2 i
	shift 2
	for ((i = 0; i < secs * 2; i++)); do
		if "$@" >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.5
	done
	log "timed out after ${secs}s waiting for $desc"
	return 1
}

write_configs() {
	CHANGED_CONTAINERD=0 CHANGED_DOCKERD=0 CHANGED_REG_PLAIN=0 CHANGED_REG_TLS=0
	mkdir -p "$STATE/containerd" "$STATE/docker" "$STATE/registry/plain/data" \
		"$STATE/registry/tls/data" "$RUNTIME_DIR/containerd"
	write_if_changed "$STATE/containerd/config.toml" <<EOF && CHANGED_CONTAINERD=1
# generated by scripts/testbed.sh
version = 2
root = "$STATE/containerd/root"
state = "$RUNTIME_DIR/containerd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]

[grpc]
  address = "$CONTAINERD_SOCK"
EOF
	write_if_changed "$STATE/docker/daemon.json" <<EOF && CHANGED_DOCKERD=1
{
  "features": {"containerd-snapshotter": true},
  "hosts": ["unix://$DOCKER_SOCK"],
  "containerd": "$CONTAINERD_SOCK",
  "data-root": "$STATE/docker/data",
  "pidfile": "$RUNTIME_DIR/dockerd.pid",
  "insecure-registries": ["localhost:5000", "127.0.0.1:5000"]
}
EOF
	write_if_changed "$STATE/registry/plain/config.yml" <<EOF && CHANGED_REG_PLAIN=1
# generated by scripts/testbed.sh
version: 0.1
log:
  level: info
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: $STATE/registry/plain/data
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: $PLAIN_ADDR
  headers:
    X-Content-Type-Options: [nosniff]
EOF
	write_if_changed "$STATE/registry/tls/config.yml" <<EOF && CHANGED_REG_TLS=1
# generated by scripts/testbed.sh
version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: $STATE/registry/tls/data
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
auth:
  htpasswd:
    realm: moam-testbed
    path: $STATE/tls/htpasswd
http:
  addr: $TLS_ADDR
  tls:
    certificate: $STATE/tls/server.crt
    key: $STATE/tls/server.key
  headers:
    X-Content-Type-Options: [nosniff]
EOF
	return 0
}

http_code() {
	curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" || true
}

check_containerd() {
	daemon_pid containerd "$CONTAINERD" >/dev/null &&
		"$PREFIX/usr/bin/ctr" --address "$CONTAINERD_SOCK" version >/dev/null 2>&1
}
check_dockerd() {
	daemon_pid dockerd "$DOCKERD" >/dev/null &&
		"$DOCKER" info --format '{{json .DriverStatus}}' 2>/dev/null | grep -q 'io.containerd.snapshotter.v1'
}
check_registry_plain() {
	daemon_pid registry-plain "$REGISTRY_BIN" >/dev/null &&
		[[ "$(http_code "http://$PLAIN_ADDR/v2/")" == 200 ]]
}
check_registry_tls() {
	daemon_pid registry-tls "$REGISTRY_BIN" >/dev/null &&
		[[ "$(http_code --cacert "$STATE/tls/ca.crt" "https://$TLS_REGISTRY/v2/")" == 401 ]] &&
		[[ "$(http_code --cacert "$STATE/tls/ca.crt" -u "$TLS_USER:$(cat "$STATE/tls/password")" \
			"https://$TLS_REGISTRY/v2/")" == 200 ]]
}
check_binfmt() {
	grep -qx enabled /proc/sys/fs/binfmt_misc/qemu-aarch64 2>/dev/null
}
# registry_has REPO TAG: the plain registry serves that manifest.
registry_has() {
	[[ "$(http_code -I \
		-H 'Accept: application/vnd.oci.image.index.v1+json' \
		-H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' \
		-H 'Accept: application/vnd.oci.image.manifest.v1+json' \
		-H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
		"http://$PLAIN_ADDR/v2/$1/manifests/$2")" == 200 ]]
}
check_busybox_image() {
	registry_has moam/busybox 1 &&
		[[ "$("$DOCKER" run --rm --platform linux/arm64 "$BUSYBOX_IMAGE" uname -m 2>/dev/null)" == aarch64 ]]
}
check_sbom_generator() {
	registry_has moam/sbom-generator 1
}

ensure_daemon() { # NAME EXE CHANGED CHECK TIMEOUT ARGS...
	local name=$1 exe=$2 changed=$3 check=$4 timeout=$5
	shift 5
	if daemon_pid "$name" "$exe" >/dev/null; then
		if ((changed)); then
			log "$name: configuration changed, restarting"
			stop_daemon "$name" "$exe"
		elif "$check"; then
			log "$name: running (pid $(daemon_pid "$name" "$exe"))"
			return 0
		else
			log "$name: running but unhealthy, waiting"
			if wait_for "$name" "$timeout" "$check"; then
				return 0
			fi
			stop_daemon "$name" "$exe"
		fi
	fi
	start_daemon "$name" "$exe" "$@"
	if ! wait_for "$name" "$timeout" "$check"; then
		tail -n 40 "$LOG_DIR/$name.log" >&2 || true
		die "$name did not become healthy"
	fi
	log "$name: healthy"
}

start_all() {
	write_configs
	# dockerd depends on containerd: restart it too when containerd restarts.
	if ((CHANGED_CONTAINERD)) || ! check_containerd; then
		if daemon_pid dockerd "$DOCKERD" >/dev/null; then
			stop_daemon dockerd "$DOCKERD"
		fi
	fi
	ensure_daemon containerd "$CONTAINERD" "$CHANGED_CONTAINERD" check_containerd 60 \
		--config "$STATE/containerd/config.toml"
	# A stale dockerd pidfile (daemon killed, PID reused) makes dockerd refuse to start.
	if ! daemon_pid dockerd "$DOCKERD" >/dev/null; then
		rm -f "$RUNTIME_DIR/dockerd.pid"
	fi
	ensure_daemon dockerd "$DOCKERD" "$CHANGED_DOCKERD" check_dockerd 120 \
		--config-file "$STATE/docker/daemon.json"
	ensure_daemon registry-plain "$REGISTRY_BIN" "$CHANGED_REG_PLAIN" check_registry_plain 60 \
		serve "$STATE/registry/plain/config.yml"
	ensure_daemon registry-tls "$REGISTRY_BIN" "$CHANGED_REG_TLS" check_registry_tls 60 \
		serve "$STATE/registry/tls/config.yml"
}

########################################################################
# images

# hash of the inputs of an image (files + extra strings)
inputs_hash() {
	{
		local f
		for f in "$@"; do
			if [[ -f $f ]]; then sha256sum "$f"; else printf '%s\n' "$f"; fi
		done
	} | sha256sum | cut -d' ' -f1
}

build_busybox_image() {
	local ctx="$STATE/busybox" stampf="$STATE/stamps/busybox-image" hash
	mkdir -p "$STATE/stamps"
	hash=$(inputs_hash "$TESTBED_DIR/busybox/Dockerfile" "$ctx/amd64/busybox" "$ctx/arm64/busybox")
	if registry_has moam/busybox 1 && [[ "$(cat "$stampf" 2>/dev/null)" == "$hash" ]]; then
		log "image $BUSYBOX_IMAGE: present"
		return 0
	fi
	log "image $BUSYBOX_IMAGE: building linux/amd64,linux/arm64"
	run_logged images "$DOCKER" buildx build --builder default \
		--platform linux/amd64,linux/arm64 --provenance=false --sbom=false \
		-f "$TESTBED_DIR/busybox/Dockerfile" -t "$BUSYBOX_IMAGE" --push "$ctx" ||
		die "building $BUSYBOX_IMAGE failed"
	# Drop stale local copies so `docker run` uses the pushed image.
	"$DOCKER" image rm -f "$BUSYBOX_IMAGE" >/dev/null 2>&1 || true
	echo "$hash" >"$stampf"
}

build_sbom_generator() {
	local ctx="$TESTBED_DIR/sbom-generator" stampf="$STATE/stamps/sbom-generator-image" hash
	mkdir -p "$STATE/stamps"
	hash=$(inputs_hash "$ctx/Dockerfile" "$ctx/generate.sh" "$(cat "$STATE/stamps/busybox-image" 2>/dev/null)")
	if registry_has moam/sbom-generator 1 && [[ "$(cat "$stampf" 2>/dev/null)" == "$hash" ]]; then
		log "image $SBOM_GENERATOR: present"
		return 0
	fi
	log "image $SBOM_GENERATOR: building linux/amd64,linux/arm64"
	run_logged images "$DOCKER" buildx build --builder default \
		--platform linux/amd64,linux/arm64 --provenance=false --sbom=false \
		--build-arg "BUSYBOX_IMAGE=$BUSYBOX_IMAGE" \
		-t "$SBOM_GENERATOR" --push "$ctx" ||
		die "building $SBOM_GENERATOR failed"
	"$DOCKER" image rm -f "$SBOM_GENERATOR" >/dev/null 2>&1 || true
	echo "$hash" >"$stampf"
}

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
