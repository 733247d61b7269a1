import type { Digest } from '../digest.ts';
import { indexOf, isAttestation, isIndexMediaType } from '../oci/index-entries.ts';
import type { OciManifestJson } from '../oci/manifest.ts';
import { formatPlatform, platformFromOci } from '../platform.ts';

export type TargetKind = 'index' | 'platform' | 'attestation' | 'manifest';

export interface SignTarget {
  digest: Digest;
  kind: TargetKind;
  /** The platform of a platform manifest, or the platform an attestation manifest describes. */
  platform?: string;
}

/** What `cosign sign --recursive` covers: the index, every platform manifest and every attestation manifest. */
export function signTargets(root: Digest, mediaType: string, json: OciManifestJson, recursive: boolean): SignTarget[] {
  if (!isIndexMediaType(mediaType)) return [{ digest: root, kind: 'manifest' }];
  const targets: SignTarget[] = [{ digest: root, kind: 'index' }];
  if (!recursive) return targets;
  const index = indexOf(json);
  const platformOf = new Map<string, string>();
  for (const m of index.manifests) {
    const p = platformFromOci(m.platform);
    if (!isAttestation(m) && p) platformOf.set(m.digest, formatPlatform(p));
  }
  for (const m of index.manifests) {
    if (isAttestation(m)) {
      const of = platformOf.get(m.annotations?.['vnd.docker.reference.digest'] ?? '');
      targets.push({ digest: m.digest, kind: 'attestation', ...(of ? { platform: of } : {}) });
    } else {
      const p = platformOf.get(m.digest);
      targets.push({ digest: m.digest, kind: 'platform', ...(p ? { platform: p } : {}) });
    }
  }
  return targets;
}

/** The tag cosign stores a legacy signature under. */
export function signatureTag(digest: string): string {
  return `${digest.replace(':', '-')}.sig`;
}
