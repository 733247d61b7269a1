#!/usr/bin/env bash
# Verifies a released image the way a consumer should: the index and every platform manifest, by
# digest, against an anchored certificate identity, the GitHub OIDC issuer, the repository that
# released it and (when given) the exact ref and event that triggered the release.
#
# Usage: scripts/verify-signature.sh <tag|sha256:digest>
# Environment (all optional):
#   IMAGE                 image name without tag      (default ghcr.io/moam-project/multi-arch-of-madness)
#   REPOSITORY            repository that released it (default moam-project/multi-arch-of-madness)
#   WORKFLOW_REPOSITORY   repository of the signing workflow (default: REPOSITORY). Released through our
#                         reusable workflow: moam-project/multi-arch-of-madness
#   WORKFLOW              signing workflow path (default .github/workflows/release.yml; through the
#                         reusable workflow: .github/workflows/multi-arch.yml)
#   REF_PATTERN           refs of the signing workflow allowed, a regexp (default refs/tags/.+). A
#                         caller that pins the reusable workflow by SHA: [0-9a-f]{40}, or that SHA
#   SOURCE_REF            the exact ref that triggered the release in REPOSITORY, e.g. refs/tags/v1.2.3
#                         (the certificate's GitHub Workflow Ref; through the reusable workflow it is
#                         the caller's ref, so it pins what was released)
#   TRIGGER               the event that triggered it, e.g. push
#   ISSUER                OIDC issuer (default https://token.actions.githubusercontent.com)
#   COSIGN_FLAGS          extra cosign flags, e.g. --rekor-url=... for a private deployment (its trust
#                         material through SIGSTORE_ROOT_FILE, SIGSTORE_REKOR_PUBLIC_KEY,
#                         SIGSTORE_CT_LOG_PUBLIC_KEY_FILE)
set -euo pipefail

if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: $0 <tag|sha256:digest>" >&2
  exit 2
fi
ref=$1
image=${IMAGE:-ghcr.io/moam-project/multi-arch-of-madness}
repository=${REPOSITORY:-moam-project/multi-arch-of-madness}
workflow_repository=${WORKFLOW_REPOSITORY:-$repository}
workflow=${WORKFLOW:-.github/workflows/release.yml}
ref_pattern=${REF_PATTERN:-refs/tags/.+}
issuer=${ISSUER:-https://token.actions.githubusercontent.com}
read -r -a extra <<<"${COSIGN_FLAGS:-}"
[ -n "${SOURCE_REF:-}" ] && extra+=(--certificate-github-workflow-ref "$SOURCE_REF")
[ -n "${TRIGGER:-}" ] && extra+=(--certificate-github-workflow-trigger "$TRIGGER")

for tool in cosign docker jq; do
  command -v "$tool" >/dev/null || { echo "error: $tool is not installed" >&2; exit 2; }
done

# Regex-escape what we interpolate, then anchor: cosign matches identity regexps unanchored.
escape() { printf '%s' "$1" | sed -e 's/[].[^$*+?(){}|\\/]/\\&/g'; }
identity="^$(escape "https://github.com/$workflow_repository/$workflow")@(${ref_pattern})\$"

case $ref in
  sha256:*) digest=$ref ;;
  -*) echo "error: '$ref' is not a tag or digest" >&2; exit 2 ;;
  *) digest=$(docker buildx imagetools inspect "$image:$ref" --format '{{json .Manifest}}' | jq -r .digest) ;;
esac
case $digest in
  sha256:????????????????????????????????????????????????????????????????) ;;
  *) echo "error: could not resolve '$ref' to a digest" >&2; exit 1 ;;
esac

echo "Image:    $image@$digest"
echo "Identity: $identity"
echo "Issuer:   $issuer"
echo "Repo:     $repository"
[ -n "${SOURCE_REF:-}" ] && echo "Ref:      $SOURCE_REF"
[ -n "${TRIGGER:-}" ] && echo "Trigger:  $TRIGGER"

verify() {
  cosign verify "${extra[@]}" \
    --certificate-identity-regexp "$identity" \
    --certificate-oidc-issuer "$issuer" \
    --certificate-github-workflow-repository "$repository" \
    -- "$image@$1" >/dev/null
}

failed=0
if verify "$digest"; then echo "ok    index $digest"; else echo "FAIL  index $digest"; failed=1; fi
platforms=$(docker buildx imagetools inspect --raw "$image@$digest" |
  jq -r '.manifests[]? | select(.platform.os != "unknown") | "\(.platform.os)/\(.platform.architecture)\(if .platform.variant then "/" + .platform.variant else "" end) \(.digest)"')
while read -r platform pdigest; do
  [ -n "$platform" ] || continue
  if verify "$pdigest"; then echo "ok    $platform $pdigest"; else echo "FAIL  $platform $pdigest"; failed=1; fi
done <<<"$platforms"
exit "$failed"
