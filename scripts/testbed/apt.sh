# shellcheck shell=bash
# Sourced by scripts/testbed.sh: Debian packages, for the host (bookworm) and in private apt setups
# (the trixie prefix, busybox-static) that never touch the system's apt state.

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
