# shellcheck shell=bash
# Sourced by scripts/testbed.sh: the test CA and the TLS registry's certificate.

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
