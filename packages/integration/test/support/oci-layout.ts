// Test support for the registry client files (registry-client-*.test.ts): a tiny OCI layout written by hand, an index
// of two platform manifests and a buildx-style attestation manifest, with a base layer both platforms share. Each
// call writes a new layout (new random content, so new digests) into a scratch directory.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Digest } from '../../../core/src/digest.ts';
import { MEDIA_TYPE, sha256Digest } from '../../../core/src/oci/manifest.ts';
import { tempDir } from './temp-dirs.ts';

/** A ustar archive of regular files. */
function tar(files: ReadonlyArray<{ name: string; content: Buffer }>): Buffer {
  const parts: Buffer[] = [];
  for (const f of files) {
    const h = Buffer.alloc(512);
    h.write(f.name, 0, 100, 'utf8');
    h.write('0000644\0', 100, 'ascii');
    h.write('0000000\0', 108, 'ascii');
    h.write('0000000\0', 116, 'ascii');
    h.write(`${f.content.length.toString(8).padStart(11, '0')}\0`, 124, 'ascii');
    h.write(`${Math.floor(Date.UTC(2024, 0, 1) / 1000).toString(8).padStart(11, '0')}\0`, 136, 'ascii');
    h.write('        ', 148, 'ascii');
    h.write('0', 156, 'ascii');
    h.write('ustar\0', 257, 'ascii');
    h.write('00', 263, 'ascii');
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
    parts.push(h, f.content, Buffer.alloc((512 - (f.content.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export interface BuiltLayout {
  dir: string;
  root: Digest;
  rootBytes: Buffer;
  platforms: Array<{ os: string; architecture: string; variant?: string; manifest: Digest }>;
  attestation: Digest;
  blobCount: number;
  manifestCount: number;
}

async function writeBlob(dir: string, content: Buffer | string): Promise<{ digest: Digest; size: number }> {
  const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content);
  const digest = sha256Digest(bytes);
  await writeFile(path.join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length)), bytes);
  return { digest, size: bytes.length };
}

/** index → (linux/amd64, linux/arm64/v8 image manifests + a buildx-style attestation manifest); a base layer shared by both. */
export async function buildLayout(): Promise<BuiltLayout> {
  const dir = await tempDir('layout');
  await mkdir(path.join(dir, 'blobs', 'sha256'), { recursive: true });
  await writeFile(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const nonce = randomBytes(16).toString('hex');
  const baseTar = tar([{ name: 'base.txt', content: Buffer.from(`shared base ${nonce}\n`) }]);
  const base = await writeBlob(dir, gzipSync(baseTar));
  const layerType = 'application/vnd.oci.image.layer.v1.tar+gzip';
  const platforms: BuiltLayout['platforms'] = [];
  const descriptors: object[] = [];
  let blobCount = 1;
  for (const p of [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64', variant: 'v8' },
  ]) {
    const appTar = tar([{ name: 'hello.txt', content: Buffer.from(`hello from ${p.architecture} ${nonce}\n${randomBytes(2048).toString('base64')}\n`) }]);
    const layer = await writeBlob(dir, gzipSync(appTar));
    const config = await writeBlob(
      dir,
      JSON.stringify({ ...p, created: '2024-01-01T00:00:00Z', config: { Cmd: ['/hello'] }, rootfs: { type: 'layers', diff_ids: [sha256Digest(baseTar), sha256Digest(appTar)] } }),
    );
    blobCount += 2;
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPE.ociManifest,
      config: { mediaType: MEDIA_TYPE.ociConfig, ...config },
      layers: [
        { mediaType: layerType, ...base },
        { mediaType: layerType, ...layer },
      ],
    });
    const m = await writeBlob(dir, manifest);
    platforms.push({ ...p, manifest: m.digest });
    descriptors.push({ mediaType: MEDIA_TYPE.ociManifest, ...m, platform: p });
  }
  // An attestation manifest as buildx writes them: unknown/unknown, in-toto layer, pointing at the amd64 manifest.
  const statement = await writeBlob(dir, JSON.stringify({ _type: 'https://in-toto.io/Statement/v0.1', predicateType: 'https://slsa.dev/provenance/v0.2', subject: [], predicate: { nonce } }));
  const attConfig = await writeBlob(dir, JSON.stringify({ architecture: 'unknown', os: 'unknown', config: {}, rootfs: { type: 'layers', diff_ids: [statement.digest] } }));
  blobCount += 2;
  const att = await writeBlob(
    dir,
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPE.ociManifest,
      config: { mediaType: MEDIA_TYPE.ociConfig, ...attConfig },
      layers: [{ mediaType: 'application/vnd.in-toto+json', ...statement, annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' } }],
    }),
  );
  descriptors.push({
    mediaType: MEDIA_TYPE.ociManifest,
    ...att,
    platform: { os: 'unknown', architecture: 'unknown' },
    annotations: { 'vnd.docker.reference.digest': platforms[0]?.manifest ?? '', 'vnd.docker.reference.type': 'attestation-manifest' },
  });
  const rootBytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPE.ociIndex, manifests: descriptors }));
  const root = await writeBlob(dir, rootBytes);
  await writeFile(
    path.join(dir, 'index.json'),
    JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPE.ociIndex, manifests: [{ mediaType: MEDIA_TYPE.ociIndex, ...root, annotations: { 'org.opencontainers.image.ref.name': 'latest' } }] }),
  );
  return { dir, root: root.digest, rootBytes, platforms, attestation: att.digest, blobCount, manifestCount: 4 };
}
