# shellcheck shell=bash
# Sourced by scripts/testbed.sh: the helper images (busybox base, SBOM generator) in the plain registry.

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
