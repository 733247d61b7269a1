import type { ImageName } from './image.ts';

/** The seams actions hand to core: the log and the registry reads. */

export interface Logger {
  info(line: string): void;
  warning(line: string): void;
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
}

export interface ManifestInfo {
  digest: string;
  mediaType: string;
  size: number;
}

/** The registry reads merge, sign and verify need (the core registry client provides them). */
export interface RegistryReads {
  headManifest(image: ImageName, ref: string): Promise<ManifestInfo | undefined>;
  getManifest(image: ImageName, ref: string): Promise<ManifestInfo & { json: unknown }>;
  platformOf(image: ImageName, digest: string): Promise<{ os: string; architecture: string; variant?: string }>;
}
