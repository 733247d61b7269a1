// The core's registry client against the test bed's real registries (distribution 2.8):
//   MOAM_REGISTRY      plain HTTP, no auth (localhost:5000)
//   MOAM_TLS_REGISTRY  TLS (CA in /etc/docker/certs.d/<host>/ca.crt) + htpasswd basic auth (localhost:5443)
// Run with the test bed's environment: source <(bash scripts/testbed.sh env)
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExec } from '../../core/src/exec.ts';
import type { Digest } from '../../core/src/digest.ts';
import { parseImageName } from '../../core/src/image.ts';
import { MEDIA_TYPE, sha256Digest } from '../../core/src/oci/manifest.ts';
import { RegistryClient, RegistryError, type RegistryClientDeps, type TraceEvent, pushOciLayout } from '../../core/src/registry/index.ts';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: start the test bed (bash scripts/testbed.sh up) and run with source <(bash scripts/testbed.sh env)`);
  return v;
};

const lines: string[] = [];
const exec = createExec({ log: (l) => lines.push(l) });
const tmpDirs: string[] = [];

async function tempDir(prefix: string): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), `moam-${prefix}-`));
  tmpDirs.push(d);
  return d;
}

afterAll(async () => {
  await Promise.all(tmpDirs.map((d) => rm(d, { recursive: true, force: true })));
});

function client(extra: Partial<RegistryClientDeps> & { env?: NodeJS.ProcessEnv } = {}): RegistryClient {
  return new RegistryClient({ env: process.env, exec, log: (l) => lines.push(l), ...extra });
}

// ----------------------------------------------------------------- a tiny OCI layout, written by hand

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

interface BuiltLayout {
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
async function buildLayout(): Promise<BuiltLayout> {
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

const uniqueRepo = (what: string) => `moam-test/registry-${what}-${randomBytes(5).toString('hex')}`;

/** A docker config dir holding an auths entry (what docker login / docker/login-action write without a helper). */
async function dockerConfigWith(auths: Record<string, { auth: string }>): Promise<string> {
  const dir = await tempDir('docker-config');
  await writeFile(path.join(dir, 'config.json'), JSON.stringify({ auths }));
  return dir;
}

const basic = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');

// ----------------------------------------------------------------- plain HTTP registry

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

// ----------------------------------------------------------------- TLS + basic auth registry

describe('registry client against the TLS + basic auth registry (MOAM_TLS_REGISTRY)', () => {
  let registry: string;
  let user: string;
  let password: string;
  let layout: BuiltLayout;
  beforeAll(async () => {
    registry = env('MOAM_TLS_REGISTRY');
    user = env('MOAM_TLS_USER');
    password = env('MOAM_TLS_PASSWORD');
    layout = await buildLayout();
  });

  it('pushes with credentials from a docker config auths entry, trusting the CA from certs.d', async () => {
    const dockerConfig = await dockerConfigWith({ [registry]: { auth: basic(user, password) } });
    const events: TraceEvent[] = [];
    const c = client({ env: { ...process.env, DOCKER_CONFIG: dockerConfig }, trace: (e) => events.push(e) });
    try {
      const image = parseImageName(`${registry}/${uniqueRepo('tls')}`);
      const first = await pushOciLayout(c, { layoutDir: layout.dir, digest: layout.root, images: [image] });
      expect(first.images[0]).toMatchObject({ blobsUploaded: layout.blobCount, manifestsPushed: layout.manifestCount });
      expect(events.every((e) => e.url.startsWith(`https://${registry}/`))).toBe(true);
      expect(events.filter((e) => e.status === 401)).toHaveLength(1); // only the anonymous GET /v2/
      expect(await c.headManifest(image, layout.root)).toMatchObject({ digest: layout.root, mediaType: MEDIA_TYPE.ociIndex });
      expect(await c.listTags(image)).toEqual([]);
      expect(await c.platformOf(image, layout.platforms[1]!.manifest)).toEqual({ os: 'linux', architecture: 'arm64' });
      const second = await pushOciLayout(c, { layoutDir: layout.dir, digest: layout.root, images: [image] });
      expect(second.images[0]).toMatchObject({ blobsUploaded: 0, blobsSkipped: layout.blobCount, manifestsSkipped: layout.manifestCount });
    } finally {
      c.close();
    }
  });

  it('reads what a real `docker login --password-stdin` wrote', async () => {
    const dockerConfig = await tempDir('docker-login');
    const loginEnv = { ...process.env, DOCKER_CONFIG: dockerConfig };
    await exec('docker', ['login', registry, '--username', user, '--password-stdin'], { env: loginEnv, input: password, secrets: [password] });
    const written = JSON.parse(await readFile(path.join(dockerConfig, 'config.json'), 'utf8')) as { auths?: Record<string, unknown>; credsStore?: string };
    expect(written.auths?.[registry] ?? written.credsStore).toBeDefined();
    const c = client({ env: loginEnv });
    try {
      const image = parseImageName(`${registry}/${uniqueRepo('login')}`);
      const r = await pushOciLayout(c, { layoutDir: layout.dir, digest: layout.platforms[0]!.manifest, images: [image] });
      expect(r.images[0]).toMatchObject({ manifestsPushed: 1 });
      expect(await c.manifestExists(image, layout.platforms[0]!.manifest)).toBe(true);
    } finally {
      c.close();
    }
  });

  it('without credentials fails fast, naming the registry and how to log in', async () => {
    const events: TraceEvent[] = [];
    const sleeps: number[] = [];
    const c = client({ env: { ...process.env, DOCKER_CONFIG: await tempDir('no-creds') }, trace: (e) => events.push(e), sleep: async (ms) => void sleeps.push(ms) });
    try {
      const push = pushOciLayout(c, { layoutDir: layout.dir, digest: layout.root, images: [`${registry}/${uniqueRepo('anon')}`] });
      await expect(push).rejects.toBeInstanceOf(RegistryError);
      await expect(push).rejects.toMatchObject({ registry, status: 401 });
      await expect(push).rejects.toThrow(new RegExp(`^${registry}/moam-test/.*401 UNAUTHORIZED.*docker login ${registry}`, 's'));
      expect(sleeps).toEqual([]);
      expect(events.length).toBeLessThanOrEqual(2 + 4); // GET /v2/ + one HEAD per concurrent blob worker
    } finally {
      c.close();
    }
  });

  it('with a wrong password fails with 401 and no retry storm', async () => {
    const dockerConfig = await dockerConfigWith({ [registry]: { auth: basic(user, `${password}-wrong`) } });
    const events: TraceEvent[] = [];
    const sleeps: number[] = [];
    const c = client({ env: { ...process.env, DOCKER_CONFIG: dockerConfig }, trace: (e) => events.push(e), sleep: async (ms) => void sleeps.push(ms) });
    const started = Date.now();
    try {
      const image = parseImageName(`${registry}/${uniqueRepo('wrong')}`);
      const head = c.headManifest(image, layout.root);
      await expect(head).rejects.toMatchObject({ registry, status: 401, code: 'UNAUTHORIZED' });
      await expect(head).rejects.toThrow(/were rejected/);
      expect(events.map((e) => `${e.method} ${e.status}`)).toEqual(['GET 401', 'HEAD 401']);
      expect(events[1]?.authorization).toBe('basic');
      expect(sleeps).toEqual([]);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      c.close();
    }
  });

  it('refuses a registry whose CA is not trusted, pointing at certs.d', async () => {
    const c = client({ certsDir: await tempDir('empty-certs'), systemCaFiles: [] });
    try {
      const r = c.listTags(`${registry}/whatever`);
      await expect(r).rejects.toBeInstanceOf(RegistryError);
      await expect(r).rejects.toThrow(new RegExp(`certs\\.d|${registry}/ca\\.crt`));
    } finally {
      c.close();
    }
  });
});
