import type { Digest } from '../digest.ts';
import { type Platform, formatPlatform, platformFromOci } from '../platform.ts';
import { INDEX_MEDIA_TYPE_SET, MEDIA_TYPE, type OciDescriptorJson, type OciManifestJson } from './manifest.ts';

/** An image index as parsed (descriptors validated): what merge composes and sign and verify walk. */
export type OciIndex = OciManifestJson & { readonly manifests: readonly OciDescriptorJson[] };

export interface PlatformEntry {
  platform: string;
  digest: Digest;
  size: number;
  attestation?: { digest: Digest; size: number };
}

export function isIndexMediaType(mediaType: string): boolean {
  return INDEX_MEDIA_TYPE_SET.has(mediaType);
}

/** The index's descriptors (an image manifest has none). */
export function indexOf(json: OciManifestJson): OciIndex {
  return { ...json, manifests: json.manifests ?? [] };
}

/**
 * A BuildKit attestation manifest, in either form: the legacy form (an image manifest with an unknown/unknown
 * config) and the OCI artifact form (oci-artifact=true: artifactType, the empty config, a subject). BuildKit lists
 * both in the index with the vnd.docker.reference.* annotations; a descriptor from elsewhere (the referrers API)
 * may carry only the artifactType. A subject alone says nothing: cosign's signatures have one too.
 */
export function isAttestation(d: Pick<OciDescriptorJson, 'annotations' | 'artifactType'>): boolean {
  return d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' || d.artifactType === MEDIA_TYPE.attestationArtifact;
}

/** The platform manifests of an index with the attestation manifest that refers to each. */
export function platformEntries(index: OciIndex): PlatformEntry[] {
  const attestations = index.manifests.filter(isAttestation);
  return index.manifests
    .filter((d) => !isAttestation(d))
    .map((d) => {
      const p = platformFromOci(d.platform);
      const att = attestations.find((a) => a.annotations?.['vnd.docker.reference.digest'] === d.digest);
      return {
        platform: p ? formatPlatform(p) : 'unknown',
        digest: d.digest,
        size: d.size,
        ...(att ? { attestation: { digest: att.digest, size: att.size } } : {}),
      };
    });
}

/**
 * Every expected platform exactly once and (when required) each with its attestation manifest. `exact` also refuses
 * platforms that were not asked for: what merge publishes must be exactly the release; a consumer asserting "it has
 * linux/amd64" does not mind more.
 */
export function checkIndex(index: OciIndex, expected: readonly Platform[], opts: { requireAttestations: boolean; exact?: boolean }): { entries: PlatformEntry[]; problems: string[] } {
  const entries = platformEntries(index);
  const problems: string[] = [];
  const wanted = expected.map(formatPlatform);
  for (const w of wanted) {
    const n = entries.filter((e) => e.platform === w).length;
    if (n === 0) problems.push(`the index has no ${w} manifest`);
    if (n > 1) problems.push(`the index has ${n} ${w} manifests`);
  }
  for (const e of entries) {
    if (!wanted.includes(e.platform) && (opts.exact ?? true)) problems.push(`the index has an unexpected ${e.platform} manifest (${e.digest})`);
    else if (opts.requireAttestations && !e.attestation) problems.push(`${e.platform} (${e.digest}) has no attestation manifest (provenance/SBOM)`);
  }
  return { entries, problems };
}
