import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Digest } from '../../src/digest.ts';
import { parseImageName } from '../../src/image.ts';
import { RegistryClient } from '../../src/registry/client.ts';
import { OciLayoutError } from '../../src/registry/errors.ts';
import { openVerifiedBlob, pushOciLayout, readOciLayoutGraph } from '../../src/registry/oci-layout.ts';
import { type FakeRegistry, startFakeRegistry } from './fixtures/fake-registry.ts';
import { FOREIGN_LAYER, LayoutWriter, OCI_INDEX, OCI_MANIFEST, digestOf, standardLayout } from './fixtures/layout.ts';

const dirs: string[] = [];
const open: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const x of open.splice(0)) await x.close();
});
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function layout() {
  const l = await standardLayout();
  dirs.push(l.dir);
  return l;
}

async function writer() {
  const w = await LayoutWriter.create();
  dirs.push(w.dir);
  return w;
}

async function readAll(s: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('readOciLayoutGraph', () => {
  it('walks index → manifests (attestations included) → config + layers; children before parents, root last, blobs once', async () => {
    const l = await layout();
    const g = await readOciLayoutGraph(l.dir, l.root.digest);
    expect(g.root.digest).toBe(l.root.digest);
    expect(g.root.mediaType).toBe(OCI_INDEX);
    expect(g.manifests.map((m) => m.digest)).toEqual([l.amd64.digest, l.arm64.digest, l.att.digest, l.root.digest]);
    expect(g.blobs).toHaveLength(l.blobCount);
    expect(new Set(g.blobs.map((b) => b.digest)).size).toBe(l.blobCount);
    expect(g.blobs.filter((b) => b.digest === l.base.digest)).toHaveLength(1);
    expect(g.foreign).toEqual([]);
  });

  it('starts from a manifest that is only present as a blob (not listed in index.json)', async () => {
    const l = await layout();
    const g = await readOciLayoutGraph(l.dir, l.arm64.digest);
    expect(g.manifests.map((m) => m.digest)).toEqual([l.arm64.digest]);
    expect(g.root.mediaType).toBe(OCI_MANIFEST);
    expect(g.blobs).toHaveLength(3);
  });

  it('refuses a digest the layout does not have, listing what index.json has', async () => {
    const l = await layout();
    const missing = digestOf(Buffer.from('nope'));
    await expect(readOciLayoutGraph(l.dir, missing)).rejects.toThrow(`OCI layout ${l.dir}: ${missing} is neither listed in index.json nor present under blobs/; index.json lists ${l.root.digest}`);
  });

  it('refuses a root listed in index.json whose blob is gone', async () => {
    const l = await layout();
    await rm(l.w.blobPath(l.root.digest));
    await expect(readOciLayoutGraph(l.dir, l.root.digest)).rejects.toThrow(/manifest sha256:[0-9a-f]{64} \(the root\) is missing/);
  });

  it('refuses a directory without index.json', async () => {
    const w = await writer();
    await expect(readOciLayoutGraph(w.dir, digestOf(Buffer.from('x')))).rejects.toThrow(/no index\.json: not an OCI image layout/);
  });

  it('refuses a corrupt manifest (bytes no longer match the digest)', async () => {
    const l = await layout();
    const file = l.w.blobPath(l.amd64.digest);
    await writeFile(file, (await readFile(file, 'utf8')).replace('"schemaVersion":2', '"schemaVersion":2 '));
    await expect(readOciLayoutGraph(l.dir, l.root.digest)).rejects.toThrow(new RegExp(`blobs/sha256/${l.amd64.digest.slice(7)} is corrupt`));
  });

  it('refuses a missing layer, naming it and its manifest', async () => {
    const l = await layout();
    const layer = (JSON.parse(l.arm64.bytes.toString()) as { layers: Array<{ digest: Digest }> }).layers[1]!.digest;
    await rm(l.w.blobPath(layer));
    await expect(readOciLayoutGraph(l.dir, l.root.digest)).rejects.toThrow(new RegExp(`blob ${layer} \\(layers\\[1\\] of manifest sha256:${l.arm64.digest.slice(7, 19)}…, application/vnd.oci.image.layer.v1.tar\\+gzip\\) is missing`));
  });

  it('refuses a blob whose size differs from its descriptor', async () => {
    const l = await layout();
    await writeFile(l.w.blobPath(l.base.digest), randomBytes(10));
    await expect(readOciLayoutGraph(l.dir, l.root.digest)).rejects.toThrow(/is 10 bytes, the descriptor says 5000/);
  });

  it('skips absent non-distributable layers, and only those', async () => {
    const w = await writer();
    const foreign = await w.blob(randomBytes(100), FOREIGN_LAYER, { skipWrite: true });
    const img = await w.image({ os: 'windows', architecture: 'amd64' }, [{ ...foreign, urls: ['https://example.com/layer'] }, await w.layer()]);
    await w.indexJson([img]);
    const g = await readOciLayoutGraph(w.dir, img.digest);
    expect(g.foreign.map((d) => d.digest)).toEqual([foreign.digest]);
    expect(g.blobs).toHaveLength(2); // config + the distributable layer
  });
});

describe('openVerifiedBlob', () => {
  it('streams an intact blob', async () => {
    const l = await layout();
    const g = await readOciLayoutGraph(l.dir, l.root.digest);
    const b = g.blobs.find((x) => x.digest === l.base.digest)!;
    expect(digestOf(await readAll(openVerifiedBlob(l.dir, b)))).toBe(b.digest);
  });

  it('errors on a corrupt blob of the right size without ever emitting its last chunk', async () => {
    const l = await layout();
    const g = await readOciLayoutGraph(l.dir, l.root.digest);
    const b = g.blobs.find((x) => x.digest === l.base.digest)!;
    await writeFile(b.file, randomBytes(b.size));
    const s = openVerifiedBlob(l.dir, b);
    let seen = 0;
    s.on('data', (c: Buffer) => (seen += c.length));
    await expect(new Promise((resolve, reject) => s.on('end', resolve).on('error', reject))).rejects.toThrow(OciLayoutError);
    expect(seen).toBeLessThan(b.size);
  });
});

describe('pushOciLayout (fake registry)', () => {
  async function fake(): Promise<FakeRegistry> {
    const r = await startFakeRegistry();
    open.push(r);
    return r;
  }
  function client() {
    const c = new RegistryClient({ env: {}, exec: async () => Promise.reject(new Error('no exec')), sleep: async () => undefined, credentials: async () => ({}) });
    open.push(c);
    return c;
  }

  it('pushes blobs first, then manifests by digest children-first, the root last, never a tag', async () => {
    const l = await layout();
    const r = await fake();
    const log: string[] = [];
    const res = await pushOciLayout(client(), { layoutDir: l.dir, digest: l.root.digest, images: [`${r.host}/app`], log: (x) => log.push(x) });
    expect(res).toMatchObject({ digest: l.root.digest, mediaType: OCI_INDEX, size: l.root.bytes.length, foreignLayers: 0 });
    expect(res.images[0]).toMatchObject({ reference: `${r.host}/app@${l.root.digest}`, blobsUploaded: l.blobCount, blobsSkipped: 0, manifestsPushed: l.manifestCount });

    const puts = r.requests.filter((q) => q.method === 'PUT');
    const manifestPuts = puts.filter((q) => q.url.includes('/manifests/'));
    const lastBlobPut = puts.findLastIndex((q) => q.url.includes('/blobs/uploads/'));
    const firstManifestPut = puts.findIndex((q) => q.url.includes('/manifests/'));
    expect(lastBlobPut).toBeLessThan(firstManifestPut);
    expect(manifestPuts.map((q) => q.url.split('/manifests/')[1])).toEqual([l.amd64.digest, l.arm64.digest, l.att.digest, l.root.digest]);
    expect(manifestPuts.map((q) => q.contentType)).toEqual([OCI_MANIFEST, OCI_MANIFEST, OCI_MANIFEST, OCI_INDEX]);
    expect(r.tags.size).toBe(0);
    expect(r.manifests.get('app')?.get(l.root.digest)?.bytes.equals(l.root.bytes)).toBe(true);
    expect(log.at(-1)).toMatch(/7 blob\(s\) uploaded .*4 manifest\(s\) pushed/);

    const again = await pushOciLayout(client(), { layoutDir: l.dir, digest: l.root.digest, images: [`${r.host}/app`] });
    expect(again.images[0]).toMatchObject({ blobsUploaded: 0, blobsSkipped: l.blobCount, bytesUploaded: 0, manifestsPushed: 0, manifestsSkipped: l.manifestCount });
  });

  it('pushes to several images, mounting blobs within a registry', async () => {
    const l = await layout();
    const r = await fake();
    const res = await pushOciLayout(client(), { layoutDir: l.dir, digest: l.root.digest, images: [parseImageName(`${r.host}/a`), `${r.host}/b`, `${r.host}/a`] });
    expect(res.images.map((i) => i.image.repository)).toEqual(['a', 'b']);
    expect(res.images[1]).toMatchObject({ blobsUploaded: 0, blobsMounted: l.blobCount, manifestsPushed: l.manifestCount });
    expect(r.manifests.get('b')?.has(l.root.digest)).toBe(true);
  });

  it('a corrupt blob stops the push before anything is stored for it, and no manifest is pushed', async () => {
    const l = await layout();
    const r = await fake();
    await writeFile(l.w.blobPath(l.base.digest), randomBytes(5000));
    const push = pushOciLayout(client(), { layoutDir: l.dir, digest: l.root.digest, images: [`${r.host}/app`], concurrency: 1 });
    await expect(push).rejects.toBeInstanceOf(OciLayoutError);
    await expect(push).rejects.toThrow(/is corrupt: its content hashes to/);
    expect(r.blobs.get('app')?.has(l.base.digest) ?? false).toBe(false);
    expect(r.requests.filter((q) => q.url.includes('/manifests/') && q.method === 'PUT')).toHaveLength(0);
  });

  it('with Bearer auth: one token per scope, shared by the parallel uploads', async () => {
    const l = await layout();
    const r = await startFakeRegistry({ auth: { kind: 'bearer', user: 'u', password: 'pw' } });
    open.push(r);
    const c = new RegistryClient({ env: {}, exec: async () => Promise.reject(new Error('no exec')), sleep: async () => undefined, credentials: async () => ({ credentials: { username: 'u', password: 'pw', source: 'test' } }) });
    open.push(c);
    const res = await pushOciLayout(c, { layoutDir: l.dir, digest: l.root.digest, images: [`${r.host}/app`], concurrency: 4 });
    expect(res.images[0]).toMatchObject({ blobsUploaded: l.blobCount, manifestsPushed: l.manifestCount });
    expect(r.tokenRequests.map((t) => new URL(t.url, 'http://x').searchParams.getAll('scope'))).toEqual([['repository:app:pull'], ['repository:app:pull,push']]);
  });

  it('needs at least one image', async () => {
    const l = await layout();
    await expect(pushOciLayout(client(), { layoutDir: l.dir, digest: l.root.digest, images: [] })).rejects.toThrow(/no image names/);
  });
});
