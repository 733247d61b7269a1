#!/usr/bin/env bash
# Re-capture the JSON/text fixtures in scripts/testbed/captured/ from a
# running test bed (scripts/testbed.sh up). Builds the sample app for
# linux/amd64+linux/arm64 with provenance (mode=max) and SBOM attestations,
# pushes it with a tag to the plain registry, and records what the tools print.
#
# Usage: scripts/testbed/capture-fixtures.sh [OUT_DIR]
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${1:-$HERE/captured}
mkdir -p "$OUT"

eval "$("$HERE/../testbed.sh" env)"

IMAGE="$MOAM_REGISTRY/moam/sample-app:fixture"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== buildx build --push $IMAGE" >&2
docker buildx build --builder default \
	--platform linux/amd64,linux/arm64 \
	--provenance=mode=max \
	--attest "type=sbom,generator=$MOAM_SBOM_GENERATOR" \
	--metadata-file "$OUT/metadata-file.push.json" \
	--push -t "$IMAGE" "$MOAM_SAMPLE_APP" 2>"$work/build.log" ||
	{
		cat "$work/build.log" >&2
		exit 1
	}

echo "== imagetools inspect" >&2
docker buildx imagetools inspect --raw "$IMAGE" >"$OUT/imagetools-inspect.raw.json"
docker buildx imagetools inspect --format '{{json .}}' "$IMAGE" >"$OUT/imagetools-inspect.format-json.json"
docker buildx imagetools inspect --format '{{json .Provenance}}' "$IMAGE" >"$OUT/imagetools-inspect.provenance.json"
docker buildx imagetools inspect --format '{{json .SBOM}}' "$IMAGE" >"$OUT/imagetools-inspect.sbom.json"
docker buildx imagetools inspect "$IMAGE" >"$OUT/imagetools-inspect.txt"

echo "== arm64 run" >&2
docker run --rm --platform linux/arm64 "$IMAGE" >"$OUT/docker-run.arm64.txt"
docker run --rm --platform linux/amd64 "$IMAGE" >"$OUT/docker-run.amd64.txt"

echo "== oci layout export (linux/arm64)" >&2
docker buildx build --builder default --platform linux/arm64 \
	--provenance=mode=max \
	--attest "type=sbom,generator=$MOAM_SBOM_GENERATOR" \
	--metadata-file "$OUT/metadata-file.oci.json" \
	--output "type=oci,tar=false,dest=$work/oci" "$MOAM_SAMPLE_APP" 2>"$work/build-oci.log" ||
	{
		cat "$work/build-oci.log" >&2
		exit 1
	}
cp "$work/oci/index.json" "$OUT/oci-layout.index.json"
(cd "$work/oci" && find . -type f -o -type d | LC_ALL=C sort) >"$OUT/oci-layout.files.txt"
inner=$(jq -r '.manifests[0].digest' "$work/oci/index.json")
jq . "$work/oci/blobs/${inner/://}" >"$OUT/oci-layout.inner-index.json"

echo "== tool info" >&2
docker buildx version >"$OUT/buildx-version.txt"
docker buildx inspect >"$OUT/buildx-inspect.txt"
docker buildx ls >"$OUT/buildx-ls.txt"
docker version --format '{{json .}}' >"$OUT/docker-version.json"
docker info --format '{{json .}}' >"$OUT/docker-info.json"

echo "captured into $OUT:" >&2
ls -1 "$OUT" >&2
