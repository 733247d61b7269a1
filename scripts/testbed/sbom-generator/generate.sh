#!/bin/sh
# moam test bed SBOM generator (busybox sh).
#
# Implements BuildKit's SBOM scanner protocol
# (moby/buildkit docs/attestations/sbom-protocol.md):
#   BUILDKIT_SCAN_SOURCE        (required) root fs of the build result
#                               -> $BUILDKIT_SCAN_DESTINATION/$(basename SOURCE).spdx.json
#   BUILDKIT_SCAN_SOURCE_EXTRAS (optional) dir of further root fs (one per subdir)
#                               -> $BUILDKIT_SCAN_DESTINATION/<subdir>.spdx.json
#   BUILDKIT_SCAN_DESTINATION   (required) output dir
#
# BuildKit decodes EVERY file in the destination as one in-toto statement
# (a single JSON object) whose predicateType must be https://spdx.dev/Document
# and whose predicate must load as an SPDX 2.3 JSON document; the subject is
# replaced by BuildKit with the image manifest, so it is left empty here.
# Temporary files therefore live in /tmp (BuildKit mounts a tmpfs there),
# never in the destination.
set -eu

: "${BUILDKIT_SCAN_DESTINATION:?BUILDKIT_SCAN_DESTINATION is not set}"
: "${BUILDKIT_SCAN_SOURCE:?BUILDKIT_SCAN_SOURCE is not set}"

GENERATOR_NAME="moam-sbom-generator"
GENERATOR_VERSION="1"
TMPDIR="${TMPDIR:-/tmp}"

if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
	CREATED=$(date -u -d "@${SOURCE_DATE_EPOCH}" +%Y-%m-%dT%H:%M:%SZ)
else
	CREATED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
fi

# JSON-escape stdin (backslash, double quote, tab, CR); names with other
# control characters are rare in images and are dropped by the caller.
json_escape() {
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/	/\\t/g' -e 's/\r/\\r/g'
}

# scan ROOT NAME OUT: write one in-toto statement with an SPDX 2.3 document
# listing every regular file below ROOT.
scan() {
	root=$1
	name=$2
	out=$3
	work="$TMPDIR/moam-sbom.$$.$name"
	rm -rf "$work"
	mkdir -p "$work"

	# Sorted list of regular files, relative to ROOT, without the leading "./".
	(cd "$root" && find . -type f 2>/dev/null) | sed -e 's|^\./||' |
		grep -v '[[:cntrl:]]' | LC_ALL=C sort >"$work/list" || true

	: >"$work/files"
	: >"$work/rels"
	n=0
	while IFS= read -r rel; do
		f="$root/$rel"
		[ -r "$f" ] || continue
		sha256=$(sha256sum "$f" | cut -d' ' -f1)
		sha1=$(sha1sum "$f" | cut -d' ' -f1)
		n=$((n + 1))
		fname=$(printf '/%s' "$rel" | json_escape)
		[ "$n" -gt 1 ] && printf ',' >>"$work/files"
		printf '{"fileName":"%s","SPDXID":"SPDXRef-File-%d","checksums":[{"algorithm":"SHA1","checksumValue":"%s"},{"algorithm":"SHA256","checksumValue":"%s"}],"licenseConcluded":"NOASSERTION","copyrightText":"NOASSERTION"}' \
			"$fname" "$n" "$sha1" "$sha256" >>"$work/files"
		printf ',{"spdxElementId":"SPDXRef-Package-rootfs","relationshipType":"CONTAINS","relatedSpdxElement":"SPDXRef-File-%d"}' \
			"$n" >>"$work/rels"
		printf '%s  /%s\n' "$sha256" "$rel" >>"$work/sums"
	done <"$work/list"
	[ -f "$work/sums" ] || : >"$work/sums"
	digest=$(sha256sum "$work/sums" | cut -d' ' -f1)
	jname=$(printf '%s' "$name" | json_escape)

	{
		printf '{"_type":"https://in-toto.io/Statement/v0.1",'
		printf '"predicateType":"https://spdx.dev/Document",'
		printf '"subject":[],'
		printf '"predicate":{'
		printf '"spdxVersion":"SPDX-2.3","dataLicense":"CC0-1.0","SPDXID":"SPDXRef-DOCUMENT",'
		printf '"name":"%s",' "$jname"
		printf '"documentNamespace":"https://moam.invalid/spdx/%s-%s",' "$jname" "$digest"
		printf '"creationInfo":{"created":"%s","creators":["Tool: %s-%s"]},' "$CREATED" "$GENERATOR_NAME" "$GENERATOR_VERSION"
		printf '"packages":[{"name":"%s","SPDXID":"SPDXRef-Package-rootfs","downloadLocation":"NOASSERTION","filesAnalyzed":false,"licenseConcluded":"NOASSERTION","licenseDeclared":"NOASSERTION","copyrightText":"NOASSERTION","primaryPackagePurpose":"CONTAINER","comment":"%d files scanned by %s"}],' "$jname" "$n" "$GENERATOR_NAME"
		printf '"files":['
		cat "$work/files"
		printf '],'
		printf '"relationships":[{"spdxElementId":"SPDXRef-DOCUMENT","relationshipType":"DESCRIBES","relatedSpdxElement":"SPDXRef-Package-rootfs"}'
		cat "$work/rels"
		printf ']'
		printf '}}\n'
	} >"$work/out.json"
	# Only the finished statement ever lands in the destination.
	cat "$work/out.json" >"$out"
	rm -rf "$work"
	echo "$GENERATOR_NAME: $name: $n files -> $out" >&2
}

mkdir -p "$BUILDKIT_SCAN_DESTINATION"

scan "$BUILDKIT_SCAN_SOURCE" "$(basename "$BUILDKIT_SCAN_SOURCE")" \
	"$BUILDKIT_SCAN_DESTINATION/$(basename "$BUILDKIT_SCAN_SOURCE").spdx.json"

if [ -n "${BUILDKIT_SCAN_SOURCE_EXTRAS:-}" ] && [ -d "${BUILDKIT_SCAN_SOURCE_EXTRAS}" ]; then
	for extra in "$BUILDKIT_SCAN_SOURCE_EXTRAS"/*; do
		[ -d "$extra" ] || continue
		scan "$extra" "$(basename "$extra")" \
			"$BUILDKIT_SCAN_DESTINATION/$(basename "$extra").spdx.json"
	done
fi
