import { type Digest, isDigest } from '../digest.ts';

export interface BuildDescriptor {
  digest: Digest;
  mediaType: string;
  size: number;
}

export interface BuildMetadata {
  descriptor: BuildDescriptor;
  raw: Record<string, unknown>;
  buildRef?: string;
}

/** Reads what `--metadata-file` wrote: containerimage.descriptor (or .digest) is the pushed root. */
export function parseBuildMetadata(text: string): BuildMetadata {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error('buildx wrote a metadata file that is not JSON');
  }
  const desc = raw['containerimage.descriptor'] as Partial<BuildDescriptor> | undefined;
  const digest = desc?.digest ?? raw['containerimage.digest'];
  if (typeof digest !== 'string' || !isDigest(digest)) throw new Error('buildx metadata has no containerimage digest; was an image output produced?');
  return {
    descriptor: {
      digest,
      mediaType: typeof desc?.mediaType === 'string' ? desc.mediaType : 'application/vnd.oci.image.index.v1+json',
      size: typeof desc?.size === 'number' ? desc.size : 0,
    },
    raw,
    ...(typeof raw['buildx.build.ref'] === 'string' ? { buildRef: raw['buildx.build.ref'] } : {}),
  };
}
