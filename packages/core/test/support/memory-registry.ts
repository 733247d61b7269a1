// An in-memory OCI registry for unit tests of merge, sign and verify: manifests by digest, tags, config blobs.
// It answers like a registry does (404 -> undefined on HEAD, an error on GET), and records every write so a test can
// assert that nothing was pushed.
import { createHash } from 'node:crypto';
import type { Digest } from '../../src/digest.ts';
import type { ImageName } from '../../src/image.ts';
import type { ManifestInfo, RegistryReads } from '../../src/ports.ts';
import type { Platform } from '../../src/platform.ts';
import { type OciManifestJson, parseManifestJson } from '../../src/oci/manifest.ts';
import type { BlobPushOutcome, BlobSource } from '../../src/registry/types.ts';

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

interface Stored {
  bytes: Buffer;
  mediaType: string;
  json: Record<string, unknown>;
}

const digestOf = (bytes: Buffer): Digest => `sha256:${createHash('sha256').update(bytes).digest('hex')}` as Digest;

export class MemoryRegistry implements RegistryReads {
  readonly manifests = new Map<string, Stored>();
  readonly tags = new Map<string, Digest>();
  readonly platforms = new Map<string, Platform>();
  /** Every PUT, in order: "repository@digest" or "repository:tag". */
  readonly writes: string[] = [];
  readonly blobs = new Map<string, Buffer>();
  /** Repositories ("registry/repository") the credentials may only pull from: checkPushAccess refuses them. */
  readonly pullOnly = new Set<string>();
  /** Called before every operation; throw from it to simulate a registry failure. */
  fault: (op: string, ref: string) => void = () => undefined;

  private repo(image: ImageName): string {
    return `${image.registry}/${image.repository}`;
  }

  private resolve(image: ImageName, ref: string): Digest | undefined {
    const repo = this.repo(image);
    const digest = ref.startsWith('sha256:') ? (ref as Digest) : this.tags.get(`${repo}:${ref}`);
    return digest && this.manifests.has(`${repo}@${digest}`) ? digest : undefined;
  }

  /** Exact bytes, for fixtures whose digest is the sha256 of their bytes as written. */
  storeBytes(image: ImageName, bytes: Buffer, mediaType: string): Digest {
    const digest = digestOf(bytes);
    this.manifests.set(`${this.repo(image)}@${digest}`, { bytes, mediaType, json: JSON.parse(bytes.toString('utf8')) as Record<string, unknown> });
    return digest;
  }

  store(image: ImageName, json: Record<string, unknown>, mediaType = String(json.mediaType ?? OCI_MANIFEST)): Digest {
    const bytes = Buffer.from(JSON.stringify(json));
    const digest = digestOf(bytes);
    this.manifests.set(`${this.repo(image)}@${digest}`, { bytes, mediaType, json });
    return digest;
  }

  /** An image manifest whose config says `platform` (BuildKit's attestation manifests say unknown/unknown). */
  addManifest(image: ImageName, platform: Platform, layers: Array<Record<string, unknown>> = [], annotations?: Record<string, string>): Digest {
    const config = { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(Buffer.from(JSON.stringify(platform))), size: 2 };
    const digest = this.store(image, { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers, ...(annotations ? { annotations } : {}) });
    this.platforms.set(`${this.repo(image)}@${digest}`, platform);
    return digest;
  }

  /**
   * BuildKit's attestation manifest for `subject`, with the given in-toto predicate types: the legacy form (an image
   * manifest with an unknown/unknown config) or the OCI artifact form (test/fixtures/oci/README.md).
   */
  addAttestation(image: ImageName, predicateTypes: readonly string[], subject = '', form: 'legacy' | 'artifact' = 'legacy'): Digest {
    // The statements name their subject, so two platforms' attestation manifests never share a digest.
    const layers = predicateTypes.map((t, i) => ({ mediaType: 'application/vnd.in-toto+json', digest: digestOf(Buffer.from(`${t}${i}${subject}`)), size: 1, annotations: { 'in-toto.io/predicate-type': t } }));
    if (form === 'legacy') return this.addManifest(image, { os: 'unknown', architecture: 'unknown' }, layers);
    const of = this.manifests.get(`${this.repo(image)}@${subject}`);
    return this.store(image, {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: 'application/vnd.docker.attestation.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: digestOf(Buffer.from('{}')), size: 2, data: 'e30=' },
      layers,
      ...(of ? { subject: { mediaType: of.mediaType, digest: subject, size: of.bytes.length } } : {}),
    });
  }

  /** An index of platform manifests, each optionally with its attestation manifest (BuildKit's annotations). */
  addIndex(image: ImageName, entries: Array<{ digest: Digest; platform: Platform; attestation?: Digest }>, annotations?: Record<string, string>): Digest {
    const manifests: Array<Record<string, unknown>> = [];
    for (const e of entries) {
      manifests.push({ mediaType: OCI_MANIFEST, digest: e.digest, size: 1, platform: e.platform });
      if (e.attestation) {
        manifests.push({
          mediaType: OCI_MANIFEST,
          digest: e.attestation,
          size: 1,
          platform: { os: 'unknown', architecture: 'unknown' },
          annotations: { 'vnd.docker.reference.digest': e.digest, 'vnd.docker.reference.type': 'attestation-manifest' },
        });
      }
    }
    return this.store(image, { schemaVersion: 2, mediaType: OCI_INDEX, manifests, ...(annotations ? { annotations } : {}) }, OCI_INDEX);
  }

  tag(image: ImageName, tag: string, digest: Digest): void {
    this.tags.set(`${this.repo(image)}:${tag}`, digest);
  }

  tagsOf(image: ImageName): Record<string, Digest> {
    const prefix = `${this.repo(image)}:`;
    return Object.fromEntries([...this.tags].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
  }

  async headManifest(image: ImageName, ref: string): Promise<ManifestInfo | undefined> {
    this.fault('head', ref);
    const digest = this.resolve(image, ref);
    if (!digest) return undefined;
    const m = this.manifests.get(`${this.repo(image)}@${digest}`) as Stored;
    return { digest, mediaType: m.mediaType, size: m.bytes.length };
  }

  /** Parsed by the client's own parser, so a malformed manifest is refused here as the real client refuses it. */
  async getManifest(image: ImageName, ref: string): Promise<ManifestInfo & { json: OciManifestJson }> {
    this.fault('get', ref);
    const digest = this.resolve(image, ref);
    if (!digest) throw new Error(`GET manifest ${ref} of ${image.name}: 404 MANIFEST_UNKNOWN`);
    const m = this.manifests.get(`${this.repo(image)}@${digest}`) as Stored;
    return { digest, mediaType: m.mediaType, size: m.bytes.length, json: parseManifestJson(m.bytes) };
  }

  async platformOf(image: ImageName, digest: Digest): Promise<Platform> {
    this.fault('platform', digest);
    const p = this.platforms.get(`${this.repo(image)}@${digest}`);
    if (!p) throw new Error(`read platform of ${digest}: not an image manifest in ${image.name}`);
    return p;
  }

  async putManifest(image: ImageName, reference: string, bytes: Buffer, mediaType: string): Promise<Digest> {
    this.fault('put', reference);
    const digest = digestOf(bytes);
    if (reference.startsWith('sha256:') && reference !== digest) throw new Error(`PUT manifest ${reference}: 400 DIGEST_INVALID`);
    this.manifests.set(`${this.repo(image)}@${digest}`, { bytes, mediaType, json: JSON.parse(bytes.toString('utf8')) as Record<string, unknown> });
    if (!reference.startsWith('sha256:')) this.tags.set(`${this.repo(image)}:${reference}`, digest);
    this.writes.push(`${image.repository}${reference.startsWith('sha256:') ? '@' : ':'}${reference}`);
    return digest;
  }

  async listTags(image: ImageName): Promise<string[]> {
    this.fault('tags', '');
    return Object.keys(this.tagsOf(image)).sort();
  }

  async manifestExists(image: ImageName, ref: string): Promise<boolean> {
    return (await this.headManifest(image, ref)) !== undefined;
  }

  async getBlob(image: ImageName, digest: Digest): Promise<Buffer> {
    this.fault('blob', digest);
    const b = this.blobs.get(`${this.repo(image)}@${digest}`);
    if (!b) throw new Error(`GET blob ${digest} of ${image.name}: 404 BLOB_UNKNOWN`);
    return b;
  }

  async pushBlob(image: ImageName, blob: BlobSource): Promise<BlobPushOutcome> {
    this.fault('blob-put', blob.digest);
    const key = `${this.repo(image)}@${blob.digest}`;
    if (this.blobs.has(key)) return 'exists';
    if (!Buffer.isBuffer(blob.content)) throw new Error('memory registry: stream blobs are not used by the features under unit test');
    this.blobs.set(key, blob.content);
    this.writes.push(`${image.repository}@${blob.digest} (blob)`);
    return 'uploaded';
  }

  /** The registry's answer to a push-scope probe, worded like the real client's refusal. */
  async checkPushAccess(image: ImageName): Promise<void> {
    this.fault('push-access', '');
    if (this.pullOnly.has(this.repo(image))) throw new Error(`${image.registry}: the credentials may pull from ${image.repository} but not push (scope repository:${image.repository}:push was not granted)`);
  }
}

