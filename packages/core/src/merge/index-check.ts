import { type Platform, formatPlatform, platformFromOci } from '../platform.ts';

export interface OciDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}

export interface OciIndex {
  schemaVersion?: number;
  mediaType?: string;
  manifests: OciDescriptor[];
  annotations?: Record<string, string>;
}

export interface PlatformEntry {
  platform: string;
  digest: string;
  size: number;
  attestation?: { digest: string; size: number };
}

export const INDEX_MEDIA_TYPES = ['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'];

export function isAttestation(d: OciDescriptor): boolean {
  return d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest';
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
