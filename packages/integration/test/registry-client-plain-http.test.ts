// The core's registry client against the test bed's plain HTTP registry (MOAM_REGISTRY, distribution 2.8, no auth,
// localhost:5000): pushing a hand-written OCI layout (support/oci-layout.ts) and what buildx writes, by digest.
// The TLS + basic auth registry: registry-client-tls-auth.test.ts.
// Run with the test bed's environment: source <(bash scripts/testbed.sh env)
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Digest } from '../../core/src/digest.ts';
import { parseImageName } from '../../core/src/image.ts';
import { MEDIA_TYPE, sha256Digest } from '../../core/src/oci/manifest.ts';
import { RegistryError, type TraceEvent, pushOciLayout } from '../../core/src/registry/index.ts';
import { type BuiltLayout, buildLayout } from './support/oci-layout.ts';
import { client, env, exec, uniqueRepo } from './support/registry-client.ts';
import { removeTempDirs, tempDir } from './support/temp-dirs.ts';

afterAll(removeTempDirs);

describe('registry client against the plain HTTP registry (MOAM_REGISTRY)', () => {
  let registry: string;
  let layout: BuiltLayout;
  beforeAll(async () => {
    registry = env('MOAM_REGISTRY');
    layout = await buildLayout();
  });

  it('pushes a layout by digest: root resolves, no tag, children readable, second push skips every blob', async () => {
    const c = client();
    try {
      const image = parseImageName(`${registry}/${uniqueRepo('plain')}`);
      const first = await pushOciLayout(c, { layoutDir: layout.dir, digest: layout.root, images: [image] });
      expect(first.digest).toBe(layout.root);
      expect(first.digest).toBe(sha256Digest(layout.rootBytes));
      expect(first.mediaType).toBe(MEDIA_TYPE.ociIndex);
      expect(first.manifests.at(-1)).toBe(layout.root);
      expect(first.images).toHaveLength(1);
      expect(first.images[0]).toMatchObject({ blobsUploaded: layout.blobCount, blobsSkipped: 0, manifestsPushed: layout.manifestCount, manifestsSkipped: 0 });
      expect(first.images[0]?.reference).toBe(`${image.name}@${layout.root}`);

      const head = await c.headManifest(image, layout.root);
      expect(head).toEqual({ digest: layout.root, mediaType: MEDIA_TYPE.ociIndex, size: layout.rootBytes.length });
      expect(await c.manifestExists(image, layout.root)).toBe(true);
      const got = await c.getManifest(image, layout.root);
      expect(got.bytes.equals(layout.rootBytes)).toBe(true);
      expect(got.json.manifests).toHaveLength(3);
      expect(await c.listTags(image)).toEqual([]);
      expect(await c.manifestExists(image, 'latest')).toBe(false);

      const second = await pushOciLayout(c, { layoutDir: layout.dir, digest: layout.root, images: [image] });
      expect(second.digest).toBe(layout.root);
      expect(second.images[0]).toMatchObject({ blobsUploaded: 0, blobsSkipped: layout.blobCount, bytesUploaded: 0, manifestsPushed: 0, manifestsSkipped: layout.manifestCount });
      expect(await c.listTags(image)).toEqual([]);
    } finally {
      c.close();
    }
  });

  it('reads platforms from the config blobs (arm64/v8 normalised to linux/arm64)', async () => {
    const c = client();
    try {
      const image = parseImageName(`${registry}/${uniqueRepo('platform')}`);
      await pushOciLayout(c, { layoutDir: layout.dir, digest: layout.root, images: [image] });
      const [amd64, arm64] = layout.platforms;
      expect(await c.platformOf(image, amd64!.manifest)).toEqual({ os: 'linux', architecture: 'amd64' });
      expect(await c.platformOf(image, arm64!.manifest)).toEqual({ os: 'linux', architecture: 'arm64' });
      expect(await c.platformOf(image, layout.attestation)).toEqual({ os: 'unknown', architecture: 'unknown' });
      await expect(c.platformOf(image, layout.root)).rejects.toThrow(/is not an image manifest/);
    } finally {
      c.close();
    }
  });

  it('pushes to two repositories of one registry, mounting the blobs into the second', async () => {
    const c = client();
    try {
      const a = parseImageName(`${registry}/${uniqueRepo('mount-a')}`);
      const b = parseImageName(`${registry}/${uniqueRepo('mount-b')}`);
      const r = await pushOciLayout(c, { layoutDir: layout.dir, digest: layout.platforms[0]!.manifest, images: [a, b] });
      expect(r.digest).toBe(layout.platforms[0]!.manifest);
      expect(r.images[0]).toMatchObject({ blobsUploaded: 3, blobsMounted: 0, manifestsPushed: 1 });
      expect(r.images[1]).toMatchObject({ blobsUploaded: 0, blobsMounted: 3, manifestsPushed: 1 });
      expect(await c.manifestExists(b, layout.platforms[0]!.manifest)).toBe(true);
      expect(await c.platformOf(b, layout.platforms[0]!.manifest)).toEqual({ os: 'linux', architecture: 'amd64' });
    } finally {
      c.close();
    }
  });

  it('fails fast with the registry error code when a manifest references blobs it does not have', async () => {
    const events: TraceEvent[] = [];
    const sleeps: number[] = [];
    const c = client({ trace: (e) => events.push(e), sleep: async (ms) => void sleeps.push(ms) });
    try {
      const image = parseImageName(`${registry}/${uniqueRepo('invalid')}`);
      const bytes = await readFile(path.join(layout.dir, 'blobs', 'sha256', layout.platforms[1]!.manifest.slice(7)));
      const put = c.putManifest(image, layout.platforms[1]!.manifest, bytes, MEDIA_TYPE.ociManifest);
      await expect(put).rejects.toBeInstanceOf(RegistryError);
      await expect(put).rejects.toMatchObject({ status: 400, code: 'MANIFEST_BLOB_UNKNOWN', registry, operation: `PUT manifest ${layout.platforms[1]!.manifest}` });
      await expect(put).rejects.toThrow(new RegExp(`^${registry}/moam-test/registry-invalid-[0-9a-f]+: PUT manifest sha256:[0-9a-f]{64} failed: 400 MANIFEST_BLOB_UNKNOWN \\(blob unknown to registry`));
      expect(events.filter((e) => e.method === 'PUT')).toHaveLength(1);
      expect(sleeps).toEqual([]);
    } finally {
      c.close();
    }
  });

  it('registry 2.8 rejects a Content-Type that disagrees with mediaType as a bare MANIFEST_INVALID; the error says what we sent', async () => {
    const c = client();
    try {
      const image = parseImageName(`${registry}/${uniqueRepo('content-type')}`);
      const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPE.ociIndex, manifests: [] }));
      const put = c.putManifest(image, sha256Digest(bytes), bytes, MEDIA_TYPE.dockerManifestList);
      await expect(put).rejects.toMatchObject({ status: 400, code: 'MANIFEST_INVALID' });
      await expect(put).rejects.toThrow(`failed: 400 MANIFEST_INVALID (manifest invalid; sent as Content-Type ${MEDIA_TYPE.dockerManifestList})`);
      expect(await c.putManifest(image, sha256Digest(bytes), bytes, MEDIA_TYPE.ociIndex)).toBe(sha256Digest(bytes));
      // Pushed by digest only: registry 2.8 answers tags/list with 404 NAME_UNKNOWN, which listTags reads as "no tags".
      expect(await c.listTags(image)).toEqual([]);
    } finally {
      c.close();
    }
  });

  it('pushes what docker buildx writes with --output type=oci,tar=false', async () => {
    const ctx = await tempDir('buildx-ctx');
    const out = path.join(await tempDir('buildx-out'), 'layout');
    await writeFile(path.join(ctx, 'hello.txt'), `hello ${randomBytes(8).toString('hex')}\n`);
    await writeFile(path.join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /\n');
    await exec('docker', ['buildx', 'build', '--platform', 'linux/amd64,linux/arm64', '--provenance=mode=min', '--output', `type=oci,tar=false,dest=${out}`, ctx], { env: process.env });
    const index = JSON.parse(await readFile(path.join(out, 'index.json'), 'utf8')) as { manifests: Array<{ digest: Digest; mediaType: string }> };
    const root = index.manifests[0]!.digest;
    expect(index.manifests[0]!.mediaType).toBe(MEDIA_TYPE.ociIndex);
    const c = client();
    try {
      const image = parseImageName(`${registry}/${uniqueRepo('buildx')}`);
      const r = await pushOciLayout(c, { layoutDir: out, digest: root, images: [image] });
      expect(r.digest).toBe(root);
      expect(r.images[0]!.manifestsPushed).toBeGreaterThanOrEqual(3); // index + 2 platforms (+ attestation manifests)
      const got = await c.getManifest(image, root);
      const platforms = (got.json.manifests ?? []).filter((d) => d.platform?.os !== 'unknown');
      expect(platforms.map((d) => d.platform?.architecture).sort()).toEqual(['amd64', 'arm64']);
      for (const d of platforms) expect((await c.platformOf(image, d.digest)).architecture).toBe(d.platform?.architecture);
      expect(await c.listTags(image)).toEqual([]);
    } finally {
      c.close();
    }
  });
});
