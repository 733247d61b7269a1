// The core's registry client against the test bed's TLS registry with htpasswd basic auth (MOAM_TLS_REGISTRY,
// distribution 2.8, localhost:5443, CA in /etc/docker/certs.d/<host>/ca.crt): credentials from a docker config or a
// real docker login, and the errors without them, with wrong ones, or without the CA.
// The plain HTTP registry: registry-client-plain-http.test.ts.
// Run with the test bed's environment: source <(bash scripts/testbed.sh env)
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseImageName } from '../../core/src/image.ts';
import { MEDIA_TYPE } from '../../core/src/oci/manifest.ts';
import { RegistryError, type TraceEvent, pushOciLayout } from '../../core/src/registry/index.ts';
import { type BuiltLayout, buildLayout } from './support/oci-layout.ts';
import { client, env, exec, uniqueRepo } from './support/registry-client.ts';
import { removeTempDirs, tempDir } from './support/temp-dirs.ts';

afterAll(removeTempDirs);

/** A docker config dir holding an auths entry (what docker login / docker/login-action write without a helper). */
async function dockerConfigWith(auths: Record<string, { auth: string }>): Promise<string> {
  const dir = await tempDir('docker-config');
  await writeFile(path.join(dir, 'config.json'), JSON.stringify({ auths }));
  return dir;
}

const basic = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');

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
