// The core's registry client against the token-auth registry (scripts/testbed/token-registry.sh): the push access
// check, cross-repository mounts refused for scope, and identity tokens from docker login. Credentials come from
// `docker login` into a per-user DOCKER_CONFIG; the client trusts the registry and its token realm through
// /etc/docker/certs.d/registry.moam.test alone. Shared setup: support/token-registry.ts.
// Run with: source <(bash scripts/testbed.sh env); source <(bash scripts/testbed/token-registry.sh env)
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '@moam/testkit';
import { parseImageName } from '../../core/src/image.ts';
import { sha256Digest } from '../../core/src/oci/manifest.ts';
import { RegistryError, type TraceEvent } from '../../core/src/registry/index.ts';
import { client, dockerLogin, repositoryDir, tr } from './support/token-registry.ts';
import { removeTempDirs } from './support/temp-dirs.ts';

afterAll(removeTempDirs);

describe('the registry client against token auth', () => {
  let ciConfig: string;
  let pusherConfig: string;
  let readerConfig: string;
  beforeAll(async () => {
    [ciConfig, pusherConfig, readerConfig] = await Promise.all([dockerLogin(tr.ci), dockerLogin(tr.pusher), dockerLogin(tr.reader)]);
  });

  it('checkPushAccess: granted for the namespace owner and the repositories a user may push to, refused naming the missing scope otherwise', async () => {
    const owned = `moam/${uniqueName('owned')}`;
    const pushable = `moam/pushable-${randomBytes(4).toString('hex')}`;
    const other = `moam/${uniqueName('other')}`;
    const trace: TraceEvent[] = [];
    const ci = client(ciConfig, trace);
    const pusher = client(pusherConfig);
    const reader = client(readerConfig);
    try {
      await ci.checkPushAccess(`${tr.registry}/${owned}`);
      // The token realm lives on another host; certs.d/registry.moam.test is all the client trusts here.
      expect(trace.filter((e) => e.url.startsWith(tr.realm)).every((e) => e.status === 200)).toBe(true);
      // The probe upload was cancelled: DELETE needs the delete scope on registry 2.8, which moam-ci has. (2.8 leaves
      // an empty hashstates directory behind; the upload's data and start time are gone.)
      expect(trace.filter((e) => e.method === 'DELETE').map((e) => e.status)).toEqual([401, 204]);
      for (const id of await readdir(path.join(repositoryDir(owned), '_uploads')).catch(() => [])) {
        expect(existsSync(path.join(repositoryDir(owned), '_uploads', id, 'data'))).toBe(false);
        expect(existsSync(path.join(repositoryDir(owned), '_uploads', id, 'startedat'))).toBe(false);
      }
      expect(existsSync(path.join(repositoryDir(owned), '_layers'))).toBe(false);
      await pusher.checkPushAccess(`${tr.registry}/${pushable}`);

      const refusedOther = pusher.checkPushAccess(`${tr.registry}/${other}`);
      await expect(refusedOther).rejects.toBeInstanceOf(RegistryError);
      await expect(refusedOther).rejects.toThrow(`the token lacks repository:${other}:pull,push (it grants nothing there)`);
      const refusedReader = reader.checkPushAccess(`${tr.registry}/${owned}`);
      await expect(refusedReader).rejects.toMatchObject({ registry: tr.registry, repository: owned, status: 401 });
      await expect(refusedReader).rejects.toThrow(`the token lacks repository:${owned}:push (it grants repository:${owned}:pull)`);
      // A HEAD, all the old check did, passes with the same credentials.
      expect(await reader.blobExists(parseImageName(`${tr.registry}/${owned}`), sha256Digest(Buffer.alloc(0)))).toBe(false);
    } finally {
      ci.close();
      pusher.close();
      reader.close();
    }
  });

  it('a cross-repository mount refused for scope falls back to a normal upload', async () => {
    const src = `moam/${uniqueName('mount-src')}`;
    const dst = `moam/pushable-${randomBytes(4).toString('hex')}`;
    const owned = `moam/${uniqueName('mount-dst')}`;
    const blob = Buffer.from(`layer ${randomBytes(16).toString('hex')}`);
    const source = { digest: sha256Digest(blob), size: blob.length, content: blob };
    const from = parseImageName(`${tr.registry}/${src}`);
    const ci = client(ciConfig);
    const trace: TraceEvent[] = [];
    const log: string[] = [];
    const pusher = client(pusherConfig, trace, log);
    try {
      expect(await ci.pushBlob(from, source)).toBe('uploaded');
      // moam-ci may pull the source: a real mount.
      expect(await ci.pushBlob(parseImageName(`${tr.registry}/${owned}`), source, { mountFrom: from })).toBe('mounted');
      // moam-pusher may push to dst but not pull src: the registry refuses the mount (401 insufficient_scope).
      expect(await pusher.pushBlob(parseImageName(`${tr.registry}/${dst}`), source, { mountFrom: from })).toBe('uploaded');
      const posts = trace.filter((e) => e.method === 'POST' && e.url.startsWith(`https://${tr.registry}/`)).map((e) => `${new URL(e.url).search ? 'mount' : 'upload'} ${e.status}`);
      expect(posts).toEqual(['mount 401', 'mount 401', 'upload 202']);
      expect(log.some((l) => l.includes(`mounting blobs from ${src} into ${dst} was refused (401 UNAUTHORIZED); uploading them instead`))).toBe(true);
      expect(await ci.getBlob(parseImageName(`${tr.registry}/${dst}`), source.digest)).toEqual(blob);
    } finally {
      ci.close();
      pusher.close();
    }
  });

  it('an identity token from docker login (refresh token) works through the OAuth2 POST form', async () => {
    const robotConfig = await dockerLogin(tr.robot);
    const config = JSON.parse(await readFile(path.join(robotConfig, 'config.json'), 'utf8')) as { auths: Record<string, { identitytoken?: string }> };
    expect(config.auths[tr.registry]?.identitytoken).toBeTruthy();
    const repo = `moam/${uniqueName('robot')}`;
    const trace: TraceEvent[] = [];
    const c = client(robotConfig, trace);
    try {
      await c.checkPushAccess(`${tr.registry}/${repo}`);
      const blob = Buffer.from('robot');
      expect(await c.pushBlob(parseImageName(`${tr.registry}/${repo}`), { digest: sha256Digest(blob), size: blob.length, content: blob })).toBe('uploaded');
      const tokenRequests = trace.filter((e) => e.url.startsWith(tr.realm));
      expect(tokenRequests.length).toBeGreaterThan(0);
      expect(tokenRequests.every((e) => e.method === 'POST' && e.status === 200)).toBe(true);
    } finally {
      c.close();
    }
  });
});
