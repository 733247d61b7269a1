#!/usr/bin/env bash
# moam test bed part: a registry that behaves like ghcr.io / Docker Hub.
#
#   https://registry.moam.test        registry 2.8 (Debian's docker-registry) with `auth: token`, TLS from the
#                                     test bed's CA, on 127.0.0.1:443 under a host name that is not localhost
#                                     (buildx imagetools talks plain HTTP to any localhost:* registry)
#   https://auth.moam.test:5447/token the token service (packages/testkit/src/token-service.ts): Bearer
#                                     challenges, per-repository scopes, GET + OAuth2 POST, JWTs the registry
#                                     verifies against `rootcertbundle`
#
# Users (passwords are random, in $STATE/token-registry/config.json, exported by `env`):
#   moam-ci      pull,push,delete on moam/**             (owns the moam namespace)
#   moam-pusher  pull,push on moam/pushable-* only       (push to some repositories only)
#   moam-reader  pull on moam/**                         (pull-only)
#   moam-robot   pull,push on moam/**, gets refresh tokens, so `docker login` stores an identitytoken (as ACR
#                and Harbor robot accounts do)
#   anonymous    pull on public/**
#
# Trust, "the normal way" for each client, without touching the system trust store (the test bed's tests rely on
# the test CA not being trusted system-wide, e.g. registry-client-tls-auth.test.ts "refuses a registry whose CA is not
# trusted"):
#   - dockerd (docker login, pulls/pushes): Docker's per-registry file /etc/docker/certs.d/registry.moam.test/ca.crt.
#     dockerd fetches tokens through the registry's transport, so that file also covers auth.moam.test.
#   - our Node registry client: the same certs.d file (transport.ts loadTlsMaterial); it trusts the token realm
#     with the registry's certs.d CAs too, as docker and containerd do. NODE_EXTRA_CA_CERTS is not needed.
#   - Go tools that talk to registries themselves (buildx imagetools, cosign): SSL_CERT_FILE, which
#     scripts/testbed.sh env already exports as $STATE/tls/ca-bundle.crt (system roots + the same test CA).
#     buildx 0.13 has no certs.d of its own for imagetools; a non-localhost name is all it needs to use TLS.
#   - /etc/hosts maps registry.moam.test and auth.moam.test to 127.0.0.1 (appended once, never rewritten).
#   `down` stops the daemons and leaves hosts, certs.d and data in place, as scripts/testbed.sh does.
#
# Sourced by scripts/testbed.sh (its `up` runs token_registry_up after setup_tls, which makes the CA); it
# defines token_registry_* functions, tr_* helpers and TR_* variables, and uses the test bed's lib.sh.
#   up:     token_registry_up          (install + setup + start; dies on failure)
#   status: token_registry_status      (prints status lines; non-zero when unhealthy)
#   env:    token_registry_env_lines   (export lines)
#   down:   token_registry_down
# shellcheck shell=bash

TR_DIR="$STATE/token-registry"
TR_REGISTRY_DIR="$STATE/registry/token"
TR_CA="$STATE/tls/ca.crt"
TR_CA_KEY="$STATE/tls/ca.key"

TR_HOST="registry.moam.test"
TR_AUTH_HOST="auth.moam.test"
TR_REGISTRY_ADDR="127.0.0.1:443"
TR_TOKEN_PORT=5447
TR_REALM="https://$TR_AUTH_HOST:$TR_TOKEN_PORT/token"
TR_SERVICE="$TR_HOST"
TR_ISSUER="moam-testbed-token-service"
TR_NAMESPACE="moam"
TR_PUSHER_REPOS="moam/pushable-*"
TR_USERS=(moam-ci moam-pusher moam-reader moam-robot)

TR_NODE=""
TR_MAIN="$REPO_ROOT/packages/testkit/src/token-service-main.ts"
TR_SOURCES=("$TR_MAIN" "$REPO_ROOT/packages/testkit/src/token-service.ts" "$REPO_ROOT/packages/testkit/src/token-signer.ts"
	"$REPO_ROOT/packages/testkit/src/token-endpoint.ts" "$REPO_ROOT/packages/testkit/src/token-scopes.ts" "$REPO_ROOT/packages/testkit/src/http-util.ts")
TR_CA_BUNDLE="$STATE/tls/ca-bundle.crt"
TR_CERTS_D="/etc/docker/certs.d/$TR_HOST"

########################################################################
# helpers

# tr_node: the real path of node (what /proc/PID/exe shows), or fail.
tr_node() {
	if [[ -z $TR_NODE ]]; then
		TR_NODE=$(command -v node || true)
		[[ -n $TR_NODE ]] && TR_NODE=$(readlink -f "$TR_NODE")
	fi
	[[ -n $TR_NODE ]] && printf '%s\n' "$TR_NODE"
}

tr_password() { # USER
	cat "$TR_DIR/passwords/$1" 2>/dev/null || true
}

# tr_hash FILES...: one hash over the files' contents (config inputs that need a restart when they change).
tr_hash() {
	cat "$@" 2>/dev/null | sha256sum | cut -d' ' -f1
}

########################################################################
# install / setup

token_registry_install() {
	tr_node >/dev/null || die "node is not on PATH"
	[[ -f $REPO_ROOT/node_modules/tsx/package.json ]] || die "tsx is missing from $REPO_ROOT/node_modules (run npm ci there)"
}

# /etc/hosts: append the names that do not resolve to 127.0.0.1 yet. Appending in place (no rename) also works
# where /etc/hosts is a bind mount.
tr_setup_hosts() {
	local name missing=()
	for name in "$TR_HOST" "$TR_AUTH_HOST"; do
		if ! grep -qE "^[[:space:]]*127\.0\.0\.1[[:space:]](.*[[:space:]])?${name//./\\.}([[:space:]]|#|$)" /etc/hosts; then
			missing+=("$name")
		fi
	done
	if ((${#missing[@]} > 0)); then
		log "hosts: adding 127.0.0.1 ${missing[*]}"
		[[ -z $(tail -c1 /etc/hosts) ]] || echo >>/etc/hosts
		printf '127.0.0.1 %s # moam test bed (scripts/testbed/token-registry.sh)\n' "${missing[*]}" >>/etc/hosts
	fi
}

tr_setup_tls() {
	[[ -s $TR_CA && -s $TR_CA_KEY ]] || die "the test CA ($TR_CA) is missing: run scripts/testbed.sh up first"
	mkdir -p "$TR_DIR/passwords"
	chmod 700 "$TR_DIR"
	# Server certificate for both names, from the test bed's CA; renewed when the CA changed.
	if [[ ! -s $TR_DIR/server.crt || ! -s $TR_DIR/server.key ]] ||
		! openssl verify -CAfile "$TR_CA" "$TR_DIR/server.crt" >/dev/null 2>&1 ||
		! openssl x509 -in "$TR_DIR/server.crt" -noout -ext subjectAltName 2>/dev/null | grep -q "DNS:$TR_AUTH_HOST"; then
		log "token registry: server certificate for $TR_HOST, $TR_AUTH_HOST"
		cat >"$TR_DIR/server.ext" <<EOF
basicConstraints=CA:FALSE
keyUsage=digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:$TR_HOST,DNS:$TR_AUTH_HOST
EOF
		run_logged token-registry openssl req -newkey rsa:2048 -nodes -subj "/CN=$TR_HOST" \
			-keyout "$TR_DIR/server.key" -out "$TR_DIR/server.csr" || die "openssl req failed"
		run_logged token-registry openssl x509 -req -in "$TR_DIR/server.csr" -CA "$TR_CA" -CAkey "$TR_CA_KEY" \
			-CAcreateserial -days 3650 -extfile "$TR_DIR/server.ext" -out "$TR_DIR/server.crt" || die "openssl x509 failed"
	fi
	# Token signing key (EC P-256 -> ES256) and its self-signed certificate: the registry's rootcertbundle. The
	# registry trusts the public keys of the bundle by libtrust key id (the JWT's kid) and as roots for x5c.
	if [[ ! -s $TR_DIR/signing.key || ! -s $TR_DIR/signing.crt ]]; then
		log "token registry: token signing key"
		run_logged token-registry openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
			-out "$TR_DIR/signing.key" || die "openssl genpkey failed"
		run_logged token-registry openssl req -x509 -key "$TR_DIR/signing.key" -days 3650 \
			-subj "/CN=$TR_ISSUER token signing" -out "$TR_DIR/signing.crt" || die "openssl req -x509 failed"
	fi
	chmod 600 "$TR_DIR/server.key" "$TR_DIR/signing.key"
	chmod 644 "$TR_DIR/server.crt" "$TR_DIR/signing.crt"
	local u
	for u in "${TR_USERS[@]}"; do
		if [[ ! -s $TR_DIR/passwords/$u ]]; then
			(umask 077 && openssl rand -hex 16 >"$TR_DIR/passwords/$u")
		fi
	done
	if [[ ! -s $TR_DIR/http-secret ]]; then
		(umask 077 && openssl rand -hex 32 >"$TR_DIR/http-secret")
	fi
}

# Docker's certs.d for the registry (dockerd, and our Node client for the registry and its token realm).
tr_setup_trust() {
	mkdir -p "$TR_CERTS_D"
	cmp -s "$TR_CA" "$TR_CERTS_D/ca.crt" || cp "$TR_CA" "$TR_CERTS_D/ca.crt"
	[[ -s $TR_CA_BUNDLE ]] || die "$TR_CA_BUNDLE (the test bed's SSL_CERT_FILE) is missing: run scripts/testbed.sh up first"
}

TR_CHANGED_TOKEN=0
TR_CHANGED_REGISTRY=0
tr_write_configs() {
	mkdir -p "$TR_REGISTRY_DIR/data" "$RUN_DIR" "$LOG_DIR"
	TR_CHANGED_TOKEN=0 TR_CHANGED_REGISTRY=0
	local grants_ci grants_pusher grants_reader grants_robot
	grants_ci='[{"names":"moam/**","actions":["pull","push","delete"]}]'
	grants_pusher=$(jq -cn --arg r "$TR_PUSHER_REPOS" '[{names:$r,actions:["pull","push"]}]')
	grants_reader='[{"names":"moam/**","actions":["pull"]}]'
	grants_robot='[{"names":"moam/**","actions":["pull","push"]}]'
	# _inputs: what the daemon read at start (its code, the certificates), so that a change restarts it.
	jq -n \
		--arg inputs "$(tr_hash "${TR_SOURCES[@]}" "$TR_DIR/server.crt" "$TR_DIR/signing.crt")" \
		--arg realm "$TR_REALM" --arg service "$TR_SERVICE" --arg issuer "$TR_ISSUER" \
		--argjson port "$TR_TOKEN_PORT" --arg dir "$TR_DIR" \
		--arg pci "$(tr_password moam-ci)" --arg ppusher "$(tr_password moam-pusher)" \
		--arg preader "$(tr_password moam-reader)" --arg probot "$(tr_password moam-robot)" \
		--argjson gci "$grants_ci" --argjson gpusher "$grants_pusher" \
		--argjson greader "$grants_reader" --argjson grobot "$grants_robot" \
		'{
			_generated: "by scripts/testbed/token-registry.sh", _inputs: $inputs,
			listen: {host: "127.0.0.1", port: $port}, realm: $realm, service: $service, issuer: $issuer,
			expiresInSeconds: 300,
			tls: {certFile: ($dir + "/server.crt"), keyFile: ($dir + "/server.key")},
			signing: {keyFile: ($dir + "/signing.key"), certFile: ($dir + "/signing.crt"), header: "kid"},
			anonymous: [{names: "public/**", actions: ["pull"]}],
			users: [
				{name: "moam-ci", password: $pci, grants: $gci},
				{name: "moam-pusher", password: $ppusher, grants: $gpusher},
				{name: "moam-reader", password: $preader, grants: $greader},
				{name: "moam-robot", password: $probot, grants: $grobot, refreshTokens: true}
			]
		}' | write_if_changed "$TR_DIR/config.json" 600 && TR_CHANGED_TOKEN=1
	# mode 600: it holds the http secret
	write_if_changed "$TR_REGISTRY_DIR/config.yml" 600 <<EOF && TR_CHANGED_REGISTRY=1
# generated by scripts/testbed/token-registry.sh
# inputs (restart when they change): $(tr_hash "$TR_DIR/server.crt" "$TR_DIR/signing.crt")
version: 0.1
log:
  level: info
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: $TR_REGISTRY_DIR/data
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
auth:
  token:
    realm: $TR_REALM
    service: $TR_SERVICE
    issuer: $TR_ISSUER
    rootcertbundle: $TR_DIR/signing.crt
http:
  addr: $TR_REGISTRY_ADDR
  secret: $(cat "$TR_DIR/http-secret")
  tls:
    certificate: $TR_DIR/server.crt
    key: $TR_DIR/server.key
  headers:
    X-Content-Type-Options: [nosniff]
EOF
	return 0
}

token_registry_setup() {
	mkdir -p "$TR_DIR" "$RUN_DIR" "$LOG_DIR"
	tr_setup_hosts
	tr_setup_tls
	tr_setup_trust
	tr_write_configs
}

########################################################################
# daemons and health

# An anonymous token (no scope): enough for GET /v2/, which needs no access.
tr_anonymous_token() {
	curl -sf --max-time 5 --cacert "$TR_CA" "$TR_REALM?service=$TR_SERVICE" | jq -er .token
}

tr_check_token_service() {
	local node
	node=$(tr_node) || return 1
	daemon_pid token-service "$node" "$TR_MAIN" >/dev/null && tr_anonymous_token >/dev/null
}

# The registry answers /v2/ with a Bearer challenge naming our realm, and accepts a token of ours (so it trusts
# the signing key).
tr_check_registry() {
	daemon_pid registry-token "$REGISTRY_BIN" >/dev/null || return 1
	curl -s -o /dev/null -D - --max-time 5 --cacert "$TR_CA" "https://$TR_HOST/v2/" |
		grep -qiF "www-authenticate: Bearer realm=\"$TR_REALM\",service=\"$TR_SERVICE\"" || return 1
	local token
	token=$(tr_anonymous_token) || return 1
	[[ "$(http_code --cacert "$TR_CA" -H "Authorization: Bearer $token" "https://$TR_HOST/v2/")" == 200 ]]
}

# Both names resolve to loopback; certs.d holds the CA; the SSL_CERT_FILE bundle verifies both servers.
tr_check_trust() {
	[[ "$(getent hosts "$TR_HOST" | awk '{print $1; exit}')" == 127.0.0.1 ]] &&
		[[ "$(getent hosts "$TR_AUTH_HOST" | awk '{print $1; exit}')" == 127.0.0.1 ]] &&
		cmp -s "$TR_CA" "$TR_CERTS_D/ca.crt" &&
		[[ "$(http_code --cacert "$TR_CA_BUNDLE" "https://$TR_HOST/v2/")" == 401 ]] &&
		[[ "$(http_code --cacert "$TR_CA_BUNDLE" "$TR_REALM?service=$TR_SERVICE")" == 200 ]]
}

token_registry_start() {
	local node
	node=$(tr_node) || die "node is not on PATH"
	# node resolves `--import tsx` from the working directory: start it in the repository.
	DAEMON_ARG=$TR_MAIN DAEMON_CWD=$REPO_ROOT ensure_daemon token-service "$node" "$TR_CHANGED_TOKEN" tr_check_token_service 30 \
		--import tsx "$TR_MAIN" --config "$TR_DIR/config.json"
	ensure_daemon registry-token "$REGISTRY_BIN" "$TR_CHANGED_REGISTRY" tr_check_registry 30 \
		serve "$TR_REGISTRY_DIR/config.yml"
	wait_for "trust" 10 tr_check_trust || die "$TR_HOST is not reachable through /etc/hosts with the test CA"
}

token_registry_stop() {
	mkdir -p "$RUN_DIR"
	stop_daemon registry-token "$REGISTRY_BIN"
	# Whichever checkout started it: the PID file names the test bed's one token service.
	stop_daemon token-service "$(tr_node || echo /usr/bin/node)"
}

########################################################################
# env / status / commands

token_registry_env_lines() {
	local kv=(
		"MOAM_TOKEN_REGISTRY=$TR_HOST"
		"MOAM_TOKEN_REALM=$TR_REALM"
		"MOAM_TOKEN_SERVICE=$TR_SERVICE"
		"MOAM_TOKEN_ISSUER=$TR_ISSUER"
		"MOAM_TOKEN_NAMESPACE=$TR_NAMESPACE"
		"MOAM_TOKEN_CI_USER=moam-ci"
		"MOAM_TOKEN_CI_PASSWORD=$(tr_password moam-ci)"
		"MOAM_TOKEN_PUSHER_USER=moam-pusher"
		"MOAM_TOKEN_PUSHER_PASSWORD=$(tr_password moam-pusher)"
		"MOAM_TOKEN_PUSHER_REPOS=$TR_PUSHER_REPOS"
		"MOAM_TOKEN_READER_USER=moam-reader"
		"MOAM_TOKEN_READER_PASSWORD=$(tr_password moam-reader)"
		"MOAM_TOKEN_ROBOT_USER=moam-robot"
		"MOAM_TOKEN_ROBOT_PASSWORD=$(tr_password moam-robot)"
		"MOAM_TOKEN_SIGNING_KEY=$TR_DIR/signing.key"
		"MOAM_TOKEN_SIGNING_CERT=$TR_DIR/signing.crt"
		"MOAM_TOKEN_REGISTRY_STORAGE=$TR_REGISTRY_DIR/data"
	)
	local e
	for e in "${kv[@]}"; do
		printf 'export %s=%s\n' "${e%%=*}" "$(shquote "${e#*=}")"
	done
}

# token_registry_status: lines in scripts/testbed.sh's status format; non-zero when any is unhealthy.
token_registry_status() {
	local bad=0 node pid
	node=$(tr_node || echo /usr/bin/node)
	tr_report() { # NAME DETAIL CHECK
		if "$3"; then
			printf '  %-16s ok    %s\n' "$1" "$2"
		else
			printf '  %-16s DOWN  %s\n' "$1" "$2"
			bad=1
		fi
	}
	pid=$(daemon_pid token-service "$node" "$TR_MAIN" 2>/dev/null || echo -)
	tr_report token-service "pid $pid $TR_REALM" tr_check_token_service
	pid=$(daemon_pid registry-token "$REGISTRY_BIN" 2>/dev/null || echo -)
	tr_report token-registry "pid $pid https://$TR_HOST (auth: token)" tr_check_registry
	tr_report token-trust "/etc/hosts, $TR_CERTS_D, SSL_CERT_FILE bundle" tr_check_trust
	unset -f tr_report
	return "$bad"
}

token_registry_up() {
	[[ $EUID -eq 0 ]] || die "must run as root"
	token_registry_install
	token_registry_setup
	token_registry_start
}

token_registry_down() {
	token_registry_stop
}
