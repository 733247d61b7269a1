// RegistryClient against a fake registry: blob uploads and cross-repository mounts, manifests by tag and digest,
// tag listing across pages.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Digest } from '../../src/digest.ts';
import { nextLink } from '../../src/registry/client.ts';
import { OCI_MANIFEST, digestOf } from './fixtures/layout.ts';
import { blobOf, closeOpened, harness, registry } from './support/client-harness.ts';

afterEach(closeOpened);

describe('blob uploads', () => {
  it.each(['absolute', 'relative', 'relative-with-query'] as const)('follows a %s upload Location', async (location) => {
    const r = await registry({ location });
    const h = harness();
    const blob = blobOf(randomBytes(1000));
    expect(await h.client.pushBlob(`${r.host}/app`, blob)).toBe('uploaded');
    const put = r.requests.find((q) => q.method === 'PUT');
    expect(new URL(put!.url, 'http://x').searchParams.get('digest')).toBe(blob.digest);
    expect(put!.contentType).toBe('application/octet-stream');
    expect(r.blobs.get('app')?.get(blob.digest)?.equals(blob.content)).toBe(true);
    expect(await h.client.pushBlob(`${r.host}/app`, blob)).toBe('exists');
  });

  it('mounts from another repository (201), or uploads into the session a 202 opened', async () => {
    const r = await registry();
    const h = harness();
    const blob = blobOf(randomBytes(1000));
    await h.client.pushBlob(`${r.host}/a`, blob);
    const from = { name: `${r.host}/a`, registry: r.host, repository: 'a' };
    expect(await h.client.pushBlob(`${r.host}/b`, blob, { mountFrom: from })).toBe('mounted');
    const other = blobOf(randomBytes(1000));
    expect(await h.client.pushBlob(`${r.host}/c`, other, { mountFrom: from })).toBe('uploaded');
    expect(r.blobs.get('c')?.has(other.digest)).toBe(true);
    const posts = r.requests.filter((q) => q.method === 'POST').map((q) => q.url);
    expect(posts).toEqual(['/v2/a/blobs/uploads/', `/v2/b/blobs/uploads/?mount=${encodeURIComponent(blob.digest)}&from=a`, `/v2/c/blobs/uploads/?mount=${encodeURIComponent(other.digest)}&from=a`]);
  });

  it('notices a registry storing a different digest', async () => {
    const r = await registry({
      intercept: (req, res) => {
        if (req.method !== 'PUT') return false;
        res.writeHead(201, { 'Docker-Content-Digest': `sha256:${'1'.repeat(64)}`, 'Content-Length': '0' });
        res.end();
        return true;
      },
    });
    const h = harness();
    await expect(h.client.pushBlob(`${r.host}/app`, blobOf(randomBytes(10)))).rejects.toThrow(/the registry stored it as sha256:1{64}/);
  });
});

describe('manifests and tags', () => {
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'a'.repeat(64)}`, size: 2 }, layers: [] }));

  it('puts with Content-Type = media type and reads back by tag and digest', async () => {
    const r = await registry();
    const h = harness();
    const digest = await h.client.putManifest(`${r.host}/app`, 'v1', manifest, OCI_MANIFEST);
    expect(digest).toBe(digestOf(manifest));
    expect(r.requests.find((q) => q.method === 'PUT')?.contentType).toBe(OCI_MANIFEST);
    const byTag = await h.client.getManifest(`${r.host}/app`, 'v1');
    expect(byTag).toMatchObject({ digest, mediaType: OCI_MANIFEST, size: manifest.length });
    expect(byTag.json.config?.size).toBe(2);
    expect(await h.client.headManifest(`${r.host}/app`, digest)).toEqual({ digest, mediaType: OCI_MANIFEST, size: manifest.length });
    expect(r.requests.find((q) => q.method === 'GET' && q.url.includes('/manifests/'))).toBeDefined();
  });

  it('refuses a manifest whose bytes do not match the digest asked for', async () => {
    const r = await registry({
      intercept: (req, res) => {
        if (req.method !== 'GET' || !req.url?.includes('/manifests/')) return false;
        res.writeHead(200, { 'Content-Type': OCI_MANIFEST, 'Content-Length': String(manifest.length) });
        res.end(manifest);
        return true;
      },
    });
    const h = harness();
    const wanted = `sha256:${'b'.repeat(64)}` as Digest;
    await expect(h.client.getManifest(`${r.host}/app`, wanted)).rejects.toThrow(`served content with digest ${digestOf(manifest)}, not ${wanted}`);
  });

  it('refuses to PUT bytes under a digest they do not hash to', async () => {
    const r = await registry();
    const h = harness();
    await expect(h.client.putManifest(`${r.host}/app`, `sha256:${'c'.repeat(64)}`, manifest, OCI_MANIFEST)).rejects.toThrow(/hash to sha256:/);
    expect(r.requests.filter((q) => q.method === 'PUT')).toHaveLength(0);
  });

  it('lists tags across Link pages; an unknown repository has none', async () => {
    const r = await registry({ tagsPageSize: 2 });
    const h = harness();
    for (const t of ['a', 'b', 'c', 'd', 'e']) await h.client.putManifest(`${r.host}/app`, t, manifest, OCI_MANIFEST);
    expect(await h.client.listTags(`${r.host}/app`)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(r.requests.filter((q) => q.url.includes('/tags/list')).map((q) => q.url)).toEqual(['/v2/app/tags/list', '/v2/app/tags/list?n=2&last=b', '/v2/app/tags/list?n=2&last=d']);
    expect(await h.client.listTags(`${r.host}/nothing-here`)).toEqual([]);
  });

  it.each<[string | undefined, string | undefined]>([
    ['</v2/app/tags/list?n=2&last=b>; rel="next"', '/v2/app/tags/list?n=2&last=b'],
    ['<https://r.example/v2/app/tags/list?last=x>; rel=next', 'https://r.example/v2/app/tags/list?last=x'],
    ['<https://a/prev>; rel="prev", <https://a/next>; rel="next"', 'https://a/next'],
    ['<https://a/prev>; rel="prev"', undefined],
    [undefined, undefined],
  ])('nextLink(%j) -> %j', (link, expected) => {
    expect(nextLink(link)).toBe(expected);
  });

  it('platformOf reads the config blob; an index is not an image manifest', async () => {
    const r = await registry();
    const h = harness();
    const config = Buffer.from(JSON.stringify({ os: 'linux', architecture: 'arm', variant: 'v7', rootfs: { type: 'layers', diff_ids: [] } }));
    await h.client.pushBlob(`${r.host}/app`, blobOf(config));
    const m = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(config), size: config.length }, layers: [] }));
    const md = await h.client.putManifest(`${r.host}/app`, digestOf(m), m, OCI_MANIFEST);
    expect(await h.client.platformOf(`${r.host}/app`, md)).toEqual({ os: 'linux', architecture: 'arm', variant: 'v7' });
    const idx = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ mediaType: OCI_MANIFEST, digest: md, size: m.length }] }));
    const id = await h.client.putManifest(`${r.host}/app`, digestOf(idx), idx, 'application/vnd.oci.image.index.v1+json');
    await expect(h.client.platformOf(`${r.host}/app`, id)).rejects.toThrow(/is not an image manifest/);
  });
});

describe('cross-repository mounts refused for scope', () => {
  it('fall back to an upload, and later blobs skip the mount', async () => {
    const r = await registry({ auth: { kind: 'bearer', user: 'u', password: 'pw', grants: { src: ['pull', 'push'], dst: ['pull', 'push'] } } });
    const seed = harness({ username: 'u', password: 'pw' });
    const blobs = [blobOf(randomBytes(500)), blobOf(randomBytes(500))];
    for (const b of blobs) await seed.client.pushBlob(`${r.host}/src`, b);
    expect(await seed.client.pushBlob(`${r.host}/dst`, blobs[0]!, { mountFrom: { name: `${r.host}/src`, registry: r.host, repository: 'src' } })).toBe('mounted');

    const limited = await registry({ auth: { kind: 'bearer', user: 'u', password: 'pw', grants: { dst: ['pull', 'push'] }, tokenFormat: 'jwt' } });
    const l = harness({ username: 'u', password: 'pw' });
    const from = { name: `${limited.host}/src`, registry: limited.host, repository: 'src' };
    for (const b of blobs) expect(await l.client.pushBlob(`${limited.host}/dst`, b, { mountFrom: from })).toBe('uploaded');
    for (const b of blobs) expect(limited.blobs.get('dst')?.get(b.digest)?.equals(b.content as Buffer)).toBe(true);
    const posts = limited.requests.filter((q) => q.method === 'POST').map((q) => q.url);
    // the mount (and its one retry with a fresh token), then plain uploads only
    expect(posts).toEqual([
      `/v2/dst/blobs/uploads/?mount=${encodeURIComponent(blobs[0]!.digest)}&from=src`,
      `/v2/dst/blobs/uploads/?mount=${encodeURIComponent(blobs[0]!.digest)}&from=src`,
      '/v2/dst/blobs/uploads/',
      '/v2/dst/blobs/uploads/',
    ]);
    expect(l.log.filter((x) => x.includes('mounting blobs from src into dst was refused (401 UNAUTHORIZED); uploading them instead'))).toHaveLength(1);
    expect(l.sleeps).toEqual([]);
  });

  it('rejected credentials are not a refused mount', async () => {
    const r = await registry({ auth: { kind: 'bearer', user: 'u', password: 'pw' } });
    const h = harness({ username: 'u', password: 'wrong' });
    const push = h.client.uploadBlob(`${r.host}/dst`, blobOf(randomBytes(10)), { mountFrom: { name: `${r.host}/src`, registry: r.host, repository: 'src' } });
    await expect(push).rejects.toThrow(/were rejected/);
    expect(h.log.some((x) => x.includes('uploading them instead'))).toBe(false);
  });
});
