import { createHash } from 'node:crypto';
import { type Digest, isDigest } from '../digest.ts';

/*
 * The one OCI model of the suite: media types, descriptors, indexes and manifests as the registry serves them,
 * parsed once with validated digests, and read by the registry client, merge, sign and verify alike.
 */
export const MEDIA_TYPE = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  ociLayout: 'application/vnd.oci.layout.header.v1+json',
  ociEmpty: 'application/vnd.oci.empty.v1+json',
  /** BuildKit's attestation manifest in OCI artifact form (exporter option oci-artifact=true; the default from BuildKit 0.32). */
  attestationArtifact: 'application/vnd.docker.attestation.manifest.v1+json',
} as const;

/** What we send as Accept for manifests: both indexes and both image manifests. */
export const MANIFEST_MEDIA_TYPES: readonly string[] = [MEDIA_TYPE.ociIndex, MEDIA_TYPE.ociManifest, MEDIA_TYPE.dockerManifestList, MEDIA_TYPE.dockerManifest];

export const INDEX_MEDIA_TYPE_SET: ReadonlySet<string> = new Set([MEDIA_TYPE.ociIndex, MEDIA_TYPE.dockerManifestList]);
export const IMAGE_MANIFEST_MEDIA_TYPE_SET: ReadonlySet<string> = new Set([MEDIA_TYPE.ociManifest, MEDIA_TYPE.dockerManifest]);

/** Layers that may legitimately be absent from a layout and from the registry (Windows base layers and the like). */
export function isNonDistributable(mediaType: string): boolean {
  return mediaType.startsWith('application/vnd.oci.image.layer.nondistributable.') || mediaType.startsWith('application/vnd.docker.image.rootfs.foreign.');
}

export interface OciPlatformJson {
  readonly os?: string;
  readonly architecture?: string;
  readonly variant?: string;
  readonly 'os.version'?: string;
  readonly 'os.features'?: readonly string[];
}

export interface OciDescriptorJson {
  readonly mediaType: string;
  readonly digest: Digest;
  readonly size: number;
  readonly platform?: OciPlatformJson;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly urls?: readonly string[];
  readonly artifactType?: string;
}

/** An image index / manifest list or an image manifest; only the fields we walk. */
export interface OciManifestJson {
  readonly schemaVersion?: number;
  readonly mediaType?: string;
  readonly artifactType?: string;
  readonly manifests?: readonly OciDescriptorJson[];
  readonly config?: OciDescriptorJson;
  readonly layers?: readonly OciDescriptorJson[];
  readonly subject?: OciDescriptorJson;
  readonly annotations?: Readonly<Record<string, string>>;
}

export function sha256Digest(bytes: Buffer | string): Digest {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}` as Digest;
}

/** Whether the manifest JSON is an index (by mediaType, else by shape). */
export function isIndex(json: OciManifestJson, mediaType?: string): boolean {
  const mt = json.mediaType ?? mediaType;
  if (mt !== undefined && INDEX_MEDIA_TYPE_SET.has(mt)) return true;
  if (mt !== undefined && IMAGE_MANIFEST_MEDIA_TYPE_SET.has(mt)) return false;
  return Array.isArray(json.manifests) && json.config === undefined;
}

/** The manifest's own media type: its mediaType field, else the descriptor's, else inferred from its shape. */
export function manifestMediaType(json: OciManifestJson, descriptorMediaType?: string): string {
  if (typeof json.mediaType === 'string' && json.mediaType) return json.mediaType;
  if (descriptorMediaType) return descriptorMediaType;
  return Array.isArray(json.manifests) ? MEDIA_TYPE.ociIndex : MEDIA_TYPE.ociManifest;
}

/** Parses manifest bytes and checks the descriptors we will follow. Throws a plain Error saying what is wrong. */
export function parseManifestJson(bytes: Buffer): OciManifestJson {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new Error(`not JSON: ${(e as Error).message}`, { cause: e });
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new Error('not a JSON object');
  const m = json as OciManifestJson;
  const check = (d: unknown, where: string) => {
    const x = d as Partial<OciDescriptorJson> | undefined;
    if (!x || typeof x !== 'object') throw new Error(`${where} is not a descriptor`);
    if (typeof x.digest !== 'string' || !isDigest(x.digest)) throw new Error(`${where} has an invalid digest ${JSON.stringify(x.digest)}`);
    if (typeof x.size !== 'number' || !Number.isSafeInteger(x.size) || x.size < 0) throw new Error(`${where} has an invalid size ${JSON.stringify(x.size)}`);
    if (typeof x.mediaType !== 'string') throw new Error(`${where} has no mediaType`);
  };
  if (m.manifests !== undefined) {
    if (!Array.isArray(m.manifests)) throw new Error('"manifests" is not an array');
    m.manifests.forEach((d, i) => check(d, `manifests[${i}]`));
  }
  if (m.config !== undefined) check(m.config, 'config');
  if (m.layers !== undefined) {
    if (!Array.isArray(m.layers)) throw new Error('"layers" is not an array');
    m.layers.forEach((d, i) => check(d, `layers[${i}]`));
  }
  if (m.manifests === undefined && m.config === undefined) throw new Error('neither an index ("manifests") nor an image manifest ("config")');
  return m;
}
