/** The values the registry client hands out and takes in, shared with the layout pusher (no import loop). */
import type { Readable } from 'node:stream';
import type { Digest } from '../digest.ts';
import type { ImageName } from '../image.ts';
import type { OciManifestJson } from '../oci/manifest.ts';

/** A manifest as fetched: bytes exactly as served (their sha256 is the digest). */
export interface FetchedManifest {
  readonly digest: Digest;
  readonly mediaType: string;
  readonly size: number;
  readonly bytes: Buffer;
  readonly json: OciManifestJson;
}

export interface ManifestDescriptor {
  readonly digest: Digest;
  readonly mediaType: string;
  readonly size: number;
}

/** A blob to upload: re-openable so a retried upload reads it again. */
export interface BlobSource {
  readonly digest: Digest;
  readonly size: number;
  /** A Buffer, or a function opening a fresh stream of the content on every attempt. */
  readonly content: Buffer | (() => Readable);
}

export type BlobPushOutcome = 'exists' | 'mounted' | 'uploaded';

/** What pushing an OCI layout needs from a registry: blobs and manifests by digest, never a tag. */
export interface LayoutTarget {
  pushBlob(image: ImageName, blob: BlobSource, options?: { mountFrom?: ImageName }): Promise<BlobPushOutcome>;
  manifestExists(image: ImageName, reference: string): Promise<boolean>;
  putManifest(image: ImageName, reference: string, bytes: Buffer, mediaType: string): Promise<Digest>;
}
