/**
 * The public face of the registry client: one object per run that holds the session (session.ts) and hands each
 * operation to its module (manifests.ts, blobs.ts, tags.ts).
 */
import type { Digest } from '../digest.ts';
import type { ImageName } from '../image.ts';
import type { Platform } from '../platform.ts';
import * as blobs from './blobs.ts';
import type { RegistrySession } from './call.ts';
import * as manifests from './manifests.ts';
import { type RegistryClientDeps, openSession } from './session.ts';
import * as tags from './tags.ts';
import type { BlobPushOutcome, BlobSource, FetchedManifest, ManifestDescriptor } from './types.ts';

export type { RegistryClientDeps, TraceEvent } from './session.ts';
export { nextLink } from './tags.ts';

/**
 * A distribution-API v2 client for one run of one action. Holds per-instance caches only (endpoints, auth
 * challenges, tokens, credentials, keep-alive agents, refused mounts); call close() when done.
 */
export class RegistryClient {
  private readonly session: RegistrySession;
  private readonly refusedMounts: blobs.RefusedMounts = new Set();

  constructor(deps: RegistryClientDeps) {
    this.session = openSession(deps);
  }

  /** Drops keep-alive connections. */
  close(): void {
    this.session.close();
  }

  /** GET /v2/: resolves the scheme (HTTPS, plain HTTP only for loopback) and learns the auth challenge. Returns the base URL. */
  ping(registry: string): Promise<URL> {
    return this.session.ping(registry);
  }

  /** GET a manifest by tag or digest; verifies the bytes against the digest. */
  getManifest(image: ImageName | string, reference: string): Promise<FetchedManifest> {
    return manifests.getManifest(this.session, image, reference);
  }

  /** HEAD a manifest: its descriptor, or undefined when the registry says 404. */
  headManifest(image: ImageName | string, reference: string): Promise<ManifestDescriptor | undefined> {
    return manifests.headManifest(this.session, image, reference);
  }

  manifestExists(image: ImageName | string, reference: string): Promise<boolean> {
    return manifests.manifestExists(this.session, image, reference);
  }

  /**
   * PUT a manifest under a digest or a tag with Content-Type = its media type. Checks the digest the registry reports.
   * Returns the manifest's digest.
   */
  putManifest(image: ImageName | string, reference: string, bytes: Buffer, mediaType: string): Promise<Digest> {
    return manifests.putManifest(this.session, image, reference, bytes, mediaType);
  }

  /** HEAD a blob. */
  blobExists(image: ImageName | string, digest: Digest): Promise<boolean> {
    return blobs.blobExists(this.session, image, digest);
  }

  /**
   * Fails unless the credentials may push to the repository: for a check before work that needs it (a build that
   * takes minutes). The error for a refusal names the registry, the repository and the scope the token lacks.
   */
  checkPushAccess(image: ImageName | string): Promise<void> {
    return blobs.checkPushAccess(this.session, image);
  }

  /** GET a blob into memory (configs, attestations; not for big layers; 64 MiB unless maxBytes says); verifies its sha256. */
  getBlob(image: ImageName | string, digest: Digest, maxBytes?: number): Promise<Buffer> {
    return blobs.getBlob(this.session, image, digest, maxBytes);
  }

  /**
   * Uploads a blob unless the repository has it: HEAD, then (optionally) a cross-repository mount from `mountFrom`
   * on the same registry, else POST + monolithic PUT. The whole upload is retried as a unit, re-reading the content.
   */
  pushBlob(image: ImageName | string, blob: BlobSource, options?: { mountFrom?: ImageName }): Promise<BlobPushOutcome> {
    return blobs.pushBlob(this.session, this.refusedMounts, image, blob, options);
  }

  /** The upload part of pushBlob, without the HEAD. */
  uploadBlob(image: ImageName | string, blob: BlobSource, options?: { mountFrom?: ImageName }): Promise<'mounted' | 'uploaded'> {
    return blobs.uploadBlob(this.session, this.refusedMounts, image, blob, options);
  }

  /** All tags, following Link pagination. A repository the registry does not know (404 NAME_UNKNOWN) has none. */
  listTags(image: ImageName | string): Promise<string[]> {
    return tags.listTags(this.session, image);
  }

  /** The platform of an image manifest, read from its config blob (normalised like platformFromOci). */
  platformOf(image: ImageName | string, digest: Digest): Promise<Platform> {
    return manifests.platformOf(this.session, image, digest);
  }
}

export function createRegistryClient(deps: RegistryClientDeps): RegistryClient {
  return new RegistryClient(deps);
}
