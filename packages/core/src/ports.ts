import type { Digest } from './digest.ts';
import type { ImageName } from './image.ts';
import type { OciManifestJson } from './oci/manifest.ts';
import type { Platform } from './platform.ts';
import type { LayoutTarget } from './registry/types.ts';

/** The seams actions hand to core: the log and the registry reads. */

export interface Logger {
  info(line: string): void;
  warning(line: string): void;
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
}

export interface ManifestInfo {
  digest: Digest;
  mediaType: string;
  size: number;
}

/** The registry reads merge, sign and verify need (the core registry client provides them). */
export interface RegistryReads {
  headManifest(image: ImageName, ref: string): Promise<ManifestInfo | undefined>;
  /** The manifest with its descriptors checked (parseManifestJson): digests are validated, sizes are numbers. */
  getManifest(image: ImageName, ref: string): Promise<ManifestInfo & { json: OciManifestJson }>;
  platformOf(image: ImageName, digest: Digest): Promise<Platform>;
}

/** Everything the features ask of a registry: the reads, manifest and blob writes by digest, tags, push access. */
export interface Registry extends RegistryReads, LayoutTarget {
  listTags(image: ImageName): Promise<string[]>;
  getBlob(image: ImageName, digest: Digest): Promise<Buffer>;
  /** Refuses, naming the missing scope, when the credentials may not push to the repository. */
  checkPushAccess(image: ImageName): Promise<void>;
}
