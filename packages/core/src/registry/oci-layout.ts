import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { type Readable, Transform, type TransformCallback, pipeline } from 'node:stream';
import { type Digest, isDigest } from '../digest.ts';
import { type ImageName, parseImageName } from '../image.ts';
import { OciLayoutError } from './errors.ts';
import { type OciDescriptorJson, type OciManifestJson, isIndex, isNonDistributable, manifestMediaType, parseManifestJson } from '../oci/manifest.ts';
import { formatBytes, shortDigest } from '../format.ts';
import type { BlobPushOutcome, LayoutTarget } from './types.ts';

/** A manifest (index or image manifest) of the layout, with its bytes. */
export interface LayoutManifest {
  readonly digest: Digest;
  readonly mediaType: string;
  readonly size: number;
  readonly bytes: Buffer;
  readonly json: OciManifestJson;
}

/** A config or layer blob of the layout. */
export interface LayoutBlob {
  readonly digest: Digest;
  readonly mediaType: string;
  readonly size: number;
  readonly file: string;
}

export interface LayoutGraph {
  readonly layoutDir: string;
  readonly root: LayoutManifest;
  /** Every manifest reachable from the root, children before parents, the root last. */
  readonly manifests: readonly LayoutManifest[];
  /** Every config/layer blob, deduplicated, in first-seen order. */
  readonly blobs: readonly LayoutBlob[];
  /** Non-distributable (foreign) layers absent from the layout: referenced, never pushed. */
  readonly foreign: readonly OciDescriptorJson[];
}

interface LayoutIndex {
  manifests?: unknown;
}

function blobFile(layoutDir: string, digest: string): string {
  const [alg, hex] = digest.split(':') as [string, string];
  return path.join(layoutDir, 'blobs', alg, hex);
}

function hashOf(digest: string): string {
  return digest.slice(0, digest.indexOf(':'));
}

async function exists(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/**
 * Reads the graph of an OCI image layout (as `docker buildx build --output type=oci,tar=false,dest=<dir>` writes it)
 * from the manifest or index `digest`, which must be listed in index.json or present as a blob. Verifies every
 * manifest's bytes against its digest and every blob's presence and size. Absent blobs are allowed only for
 * non-distributable layers.
 */
export async function readOciLayoutGraph(layoutDir: string, digest: Digest | string): Promise<LayoutGraph> {
  const fail = (problem: string) => new OciLayoutError(layoutDir, problem);
  if (!isDigest(digest)) throw fail(`"${digest}" is not a digest (sha256:<64 hex>)`);
  let index: LayoutIndex;
  try {
    index = JSON.parse(await readFile(path.join(layoutDir, 'index.json'), 'utf8')) as LayoutIndex;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw fail(code === 'ENOENT' ? 'no index.json: not an OCI image layout (write one with --output type=oci,tar=false,dest=<dir>)' : `index.json is unreadable: ${(e as Error).message}`);
  }
  const listed = Array.isArray(index.manifests) ? (index.manifests as Partial<OciDescriptorJson>[]) : [];
  const rootDescriptor = listed.find((d) => d && d.digest === digest);
  if (!rootDescriptor && !(await exists(blobFile(layoutDir, digest)))) {
    const have = listed.map((d) => d?.digest).filter((d): d is Digest => typeof d === 'string');
    throw fail(`${digest} is neither listed in index.json nor present under blobs/; index.json lists ${have.length === 0 ? 'nothing' : have.join(', ')}`);
  }

  const manifests: LayoutManifest[] = [];
  const blobs = new Map<string, LayoutBlob>();
  const foreign = new Map<string, OciDescriptorJson>();
  const visited = new Set<string>();
  const inProgress = new Set<string>();

  const readManifest = async (d: { digest: Digest; mediaType?: string; size?: number }, via: string): Promise<LayoutManifest> => {
    const file = blobFile(layoutDir, d.digest);
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (e) {
      throw fail(`manifest ${d.digest} (${via}) is missing: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? `no ${path.relative(layoutDir, file)}` : (e as Error).message}`);
    }
    const got = `${hashOf(d.digest)}:${createHash(hashOf(d.digest)).update(bytes).digest('hex')}`;
    if (got !== d.digest) throw fail(`blobs/${d.digest.replace(':', '/')} is corrupt: its content hashes to ${got}`);
    if (d.size !== undefined && d.size !== bytes.length) throw fail(`manifest ${d.digest} (${via}) is ${bytes.length} bytes, the descriptor says ${d.size}`);
    let json: OciManifestJson;
    try {
      json = parseManifestJson(bytes);
    } catch (e) {
      throw fail(`manifest ${d.digest} (${via}): ${(e as Error).message}`);
    }
    return { digest: d.digest, mediaType: manifestMediaType(json, d.mediaType), size: bytes.length, bytes, json };
  };

  const addBlob = async (d: OciDescriptorJson, via: string) => {
    if (blobs.has(d.digest) || foreign.has(d.digest)) return;
    const file = blobFile(layoutDir, d.digest);
    let size: number | undefined;
    try {
      const s = await stat(file);
      if (s.isFile()) size = s.size;
    } catch {
      size = undefined;
    }
    if (size === undefined) {
      if (isNonDistributable(d.mediaType)) {
        foreign.set(d.digest, d);
        return;
      }
      throw fail(`blob ${d.digest} (${via}, ${d.mediaType}) is missing: no ${path.relative(layoutDir, file)}`);
    }
    if (size !== d.size) throw fail(`blob ${d.digest} (${via}) is ${size} bytes, the descriptor says ${d.size}`);
    blobs.set(d.digest, { digest: d.digest, mediaType: d.mediaType, size, file });
  };

  const walk = async (d: { digest: Digest; mediaType?: string; size?: number }, via: string): Promise<LayoutManifest> => {
    if (inProgress.has(d.digest)) throw fail(`manifest ${d.digest} refers to itself (${via})`);
    inProgress.add(d.digest);
    const m = await readManifest(d, via);
    if (isIndex(m.json, m.mediaType)) {
      for (const [i, child] of (m.json.manifests ?? []).entries()) {
        if (!visited.has(child.digest)) await walk(child, `manifests[${i}] of ${shortDigest(m.digest)}`);
      }
    } else {
      const where = `of manifest ${shortDigest(m.digest)}`;
      if (m.json.config) await addBlob(m.json.config, `config ${where}`);
      for (const [i, layer] of (m.json.layers ?? []).entries()) await addBlob(layer, `layers[${i}] ${where}`);
    }
    inProgress.delete(d.digest);
    visited.add(d.digest);
    manifests.push(m);
    return m;
  };

  const root = await walk({ digest, ...(typeof rootDescriptor?.mediaType === 'string' ? { mediaType: rootDescriptor.mediaType } : {}), ...(typeof rootDescriptor?.size === 'number' ? { size: rootDescriptor.size } : {}) }, 'the root');
  return { layoutDir, root, manifests, blobs: [...blobs.values()], foreign: [...foreign.values()] };
}

/**
 * Streams a blob file, verifying size and digest as it goes. The last chunk is held back until the digest checks
 * out, so a corrupt file never completes an upload: the stream errors instead (OciLayoutError).
 */
export function openVerifiedBlob(layoutDir: string, blob: LayoutBlob): Readable {
  const hash = createHash(hashOf(blob.digest));
  let size = 0;
  let pending: Buffer | undefined;
  const verify = new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      size += chunk.length;
      if (size > blob.size) return cb(new OciLayoutError(layoutDir, `blob ${blob.digest} grew beyond ${blob.size} bytes while being read`));
      hash.update(chunk);
      const out = pending;
      pending = chunk;
      cb(null, out);
    },
    flush(cb: TransformCallback) {
      const got = `${hashOf(blob.digest)}:${hash.digest('hex')}`;
      if (size !== blob.size) return cb(new OciLayoutError(layoutDir, `blob ${blob.digest} is ${size} bytes, expected ${blob.size}`));
      if (got !== blob.digest) return cb(new OciLayoutError(layoutDir, `blobs/${blob.digest.replace(':', '/')} is corrupt: its content hashes to ${got}`));
      cb(null, pending);
    },
  });
  return pipeline(createReadStream(blob.file), verify, () => undefined);
}

export interface PushOciLayoutOptions {
  readonly layoutDir: string;
  /** The root: an image index or image manifest in the layout. */
  readonly digest: Digest | string;
  /** Repositories to push to (by digest only; no tag is ever created). */
  readonly images: readonly (ImageName | string)[];
  readonly log?: (line: string) => void;
  /** Parallel blob uploads per image (default 8). */
  readonly concurrency?: number;
}

export interface PushedImage {
  readonly image: ImageName;
  /** name@digest */
  readonly reference: string;
  readonly blobsUploaded: number;
  readonly blobsMounted: number;
  readonly blobsSkipped: number;
  readonly bytesUploaded: number;
  /** Bytes not sent: blobs already present or mounted. */
  readonly bytesSkipped: number;
  readonly manifestsPushed: number;
  readonly manifestsSkipped: number;
}

export interface PushOciLayoutResult {
  readonly digest: Digest;
  readonly mediaType: string;
  readonly size: number;
  /** Digests of every manifest pushed (children first, root last). */
  readonly manifests: readonly Digest[];
  /** Non-distributable layers referenced but not pushed. */
  readonly foreignLayers: number;
  readonly images: readonly PushedImage[];
}

async function eachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/**
 * Pushes an OCI layout's graph from `digest` to every image: for each image, the blobs first (HEAD; skip existing;
 * mount from an earlier image on the same registry; else upload, verified while read), then the manifests by digest,
 * children before parents, the root last. Never creates a tag.
 */
export async function pushOciLayout(client: LayoutTarget, options: PushOciLayoutOptions): Promise<PushOciLayoutResult> {
  const log = options.log ?? (() => undefined);
  const graph = await readOciLayoutGraph(options.layoutDir, options.digest);
  const images: ImageName[] = [];
  for (const i of options.images) {
    const img = typeof i === 'string' ? parseImageName(i, 'images') : i;
    if (!images.some((x) => x.registry === img.registry && x.repository === img.repository)) images.push(img);
  }
  if (images.length === 0) throw new OciLayoutError(options.layoutDir, 'no image names to push to');
  const root = graph.root;
  const totalBytes = graph.blobs.reduce((n, b) => n + b.size, 0);
  log(`pushing ${root.digest} (${graph.manifests.length} manifest${graph.manifests.length === 1 ? '' : 's'}, ${graph.blobs.length} blob${graph.blobs.length === 1 ? '' : 's'}, ${formatBytes(totalBytes)}) to ${images.map((i) => i.name).join(', ')}`);
  if (graph.foreign.length > 0) log(`not pushing ${graph.foreign.length} non-distributable layer(s): ${graph.foreign.map((d) => shortDigest(d.digest)).join(', ')}`);

  const results: PushedImage[] = [];
  for (const image of images) {
    const mountFrom = images.slice(0, images.indexOf(image)).find((i) => i.registry === image.registry);
    let blobsUploaded = 0;
    let blobsMounted = 0;
    let blobsSkipped = 0;
    let bytesUploaded = 0;
    let bytesSkipped = 0;
    await eachLimit(graph.blobs, options.concurrency ?? 8, async (blob) => {
      const outcome: BlobPushOutcome = await client.pushBlob(image, { digest: blob.digest, size: blob.size, content: () => openVerifiedBlob(graph.layoutDir, blob) }, mountFrom ? { mountFrom } : {});
      if (outcome === 'uploaded') {
        blobsUploaded++;
        bytesUploaded += blob.size;
        log(`${image.name}: uploaded ${shortDigest(blob.digest)} (${formatBytes(blob.size)})`);
      } else {
        if (outcome === 'mounted') blobsMounted++;
        else blobsSkipped++;
        bytesSkipped += blob.size;
      }
    });
    let manifestsPushed = 0;
    let manifestsSkipped = 0;
    for (const m of graph.manifests) {
      if (await client.manifestExists(image, m.digest)) {
        manifestsSkipped++;
        continue;
      }
      await client.putManifest(image, m.digest, m.bytes, m.mediaType);
      manifestsPushed++;
    }
    const reference = `${image.name}@${root.digest}`;
    log(
      `${reference}: ${blobsUploaded} blob(s) uploaded (${formatBytes(bytesUploaded)}), ${blobsMounted} mounted, ${blobsSkipped} already there; ${manifestsPushed} manifest(s) pushed, ${manifestsSkipped} already there`,
    );
    results.push({ image, reference, blobsUploaded, blobsMounted, blobsSkipped, bytesUploaded, bytesSkipped, manifestsPushed, manifestsSkipped });
  }
  return { digest: root.digest, mediaType: root.mediaType, size: root.size, manifests: graph.manifests.map((m) => m.digest), foreignLayers: graph.foreign.length, images: results };
}
