// RegistryClient against a fake registry: Bearer tokens and Basic auth, the errors that name missing or rejected
// credentials, and the push access check.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { RegistryError } from '../../src/registry/errors.ts';
import { OCI_MANIFEST, digestOf } from './fixtures/layout.ts';
import { blobOf, closeOpened, harness, registry } from './support/client-harness.ts';

afterEach(closeOpened);

describe('Bearer token flow', () => {
  it('answers a 401 challenge with a token for the scope, reuses it, and asks again for push', async () => {
    const r = await registry({ auth: { kind: 'bearer', user: 'u', password: 'pw' } });
    const h = harness({ username: 'u', password: 'pw' });
    const image = `${r.host}/team/app`;
    expect(await h.client.headManifest(image, 'latest')).toBeUndefined();
    expect(await h.client.blobExists(image, digestOf(Buffer.from('x')))).toBe(false);
    expect(r.tokenRequests).toHaveLength(1);
    const first = new URL(r.tokenRequests[0]!.url, 'http://x');
    expect(first.searchParams.get('service')).toBe('fake-registry');
    expect(first.searchParams.getAll('scope')).toEqual(['repository:team/app:pull']);
    expect(r.tokenRequests[0]!.authorization).toBe(`Basic ${Buffer.from('u:pw').toString('base64')}`);

    const blob = blobOf(randomBytes(100));
    expect(await h.client.pushBlob(image, blob)).toBe('uploaded');
    expect(r.blobs.get('team/app')?.get(blob.digest)?.equals(blob.content)).toBe(true);
    expect(r.tokenRequests.map((t) => new URL(t.url, 'http://x').searchParams.getAll('scope'))).toEqual([['repository:team/app:pull'], ['repository:team/app:pull,push']]);
    // Only GET /v2/ went unauthenticated: the challenge is remembered, tokens are fetched up front.
    expect(r.requests.filter((q) => q.url !== '/token' && !q.url.startsWith('/token?') && !q.authorization).map((q) => q.url)).toEqual(['/v2/']);
  });

  it('takes access_token when the realm answers with that field', async () => {
    const r = await registry({ auth: { kind: 'bearer', user: 'u', password: 'pw', tokenField: 'access_token' } });
    const h = harness({ username: 'u', password: 'pw' });
    expect(await h.client.manifestExists(`${r.host}/app`, 'v1')).toBe(false);
    expect(h.trace.filter((e) => e.authorization === 'bearer').map((e) => e.status)).toEqual([404]);
  });

  it('POSTs a refresh token for an identity token', async () => {
    const r = await registry({ auth: { kind: 'bearer', refreshToken: 'idt-123' } });
    const h = harness({ identityToken: 'idt-123' });
    expect(await h.client.listTags(`${r.host}/app`)).toEqual([]);
    expect(r.tokenRequests).toHaveLength(1);
    expect(r.tokenRequests[0]!.method).toBe('POST');
    expect(Object.fromEntries(new URLSearchParams(r.tokenRequests[0]!.body))).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'idt-123', scope: 'repository:app:pull', service: 'fake-registry' });
  });

  it('pulls anonymously without credentials; a push then fails saying to log in to that registry', async () => {
    const r = await registry({ auth: { kind: 'bearer', user: 'u', password: 'pw', anonymousPull: true } });
    const h = harness();
    expect(await h.client.headManifest(`${r.host}/app`, 'latest')).toBeUndefined();
    const push = h.client.putManifest(`${r.host}/app`, 'v1', Buffer.from('{}'), OCI_MANIFEST);
    await expect(push).rejects.toBeInstanceOf(RegistryError);
    await expect(push).rejects.toMatchObject({ status: 401, registry: r.host, repository: 'app' });
    await expect(push).rejects.toThrow(`no credentials for ${r.host} were found in the docker config; run "docker login ${r.host}" (or docker/login-action with registry: ${r.host}) before this step`);
    expect(h.sleeps).toEqual([]);
  });

  it('rejected credentials at the token endpoint fail fast, naming where they came from', async () => {
    const r = await registry({ auth: { kind: 'bearer', user: 'u', password: 'pw' } });
    const h = harness({ username: 'u', password: 'wrong' });
    const head = h.client.headManifest(`${r.host}/app`, 'latest');
    await expect(head).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    await expect(head).rejects.toThrow(/credentials for 127\.0\.0\.1:\d+ \(from test credentials\) were rejected/);
    expect(r.tokenRequests).toHaveLength(1);
    expect(h.sleeps).toEqual([]);
  });
  it('says "not allowed" rather than "rejected" when the token lacks the scope (insufficient_scope)', async () => {
    const r = await registry({
      auth: { kind: 'bearer', user: 'u', password: 'pw' },
      intercept: (req, res) => {
        if (req.method !== 'PUT' || !req.headers.authorization?.startsWith('Bearer ')) return false;
        res.writeHead(401, { 'WWW-Authenticate': `Bearer realm="http://${req.headers.host}/token",service="fake-registry",scope="repository:app:pull,push",error="insufficient_scope"`, 'Content-Length': '0' });
        res.end();
        return true;
      },
    });
    const h = harness({ username: 'u', password: 'pw' });
    const put = h.client.putManifest(`${r.host}/app`, 'v1', Buffer.from('{}'), OCI_MANIFEST);
    await expect(put).rejects.toThrow(/401 UNAUTHORIZED.*credentials for 127\.0\.0\.1:\d+ \(from test credentials\) are not allowed to do this on app/);
    // one fresh token after the first 401, then give up
    expect(r.requests.filter((q) => q.method === 'PUT')).toHaveLength(2);
    expect(h.sleeps).toEqual([]);
  });
});

describe('Basic auth', () => {
  it('sends the credentials after the challenge', async () => {
    const r = await registry({ auth: { kind: 'basic', user: 'u', password: 'pw' } });
    const h = harness({ username: 'u', password: 'pw' });
    expect(await h.client.manifestExists(`${r.host}/app`, 'v1')).toBe(false);
    expect(h.trace.map((e) => `${e.method} ${e.status} ${e.authorization ?? '-'}`).slice(-2)).toEqual(['GET 401 -', 'HEAD 404 basic']);
  });

  it('without credentials: one request after the probe, an error naming the registry and the fix', async () => {
    const r = await registry({ auth: { kind: 'basic', user: 'u', password: 'pw' } });
    const h = harness();
    const list = h.client.listTags(`${r.host}/app`);
    await expect(list).rejects.toThrow(`${r.host}/app: GET tags/list failed: 401 UNAUTHORIZED (authentication required). Fix: no credentials for ${r.host} were found`);
    expect(r.requests.map((q) => q.url)).toEqual(['/v2/', '/v2/app/tags/list']);
  });

  it('wrong credentials: no second attempt, no retries', async () => {
    const r = await registry({ auth: { kind: 'basic', user: 'u', password: 'pw' } });
    const h = harness({ username: 'u', password: 'nope' });
    await expect(h.client.blobExists(`${r.host}/app`, digestOf(Buffer.from('a')))).rejects.toThrow(/401 UNAUTHORIZED.*were rejected/);
    expect(r.requests.map((q) => q.url)).toEqual(['/v2/', `/v2/app/blobs/${digestOf(Buffer.from('a'))}`]);
    expect(h.sleeps).toEqual([]);
  });
});

describe('push access check', () => {
  const grantsPullOnly = { app: ['pull'] } as const;

  it('starts an upload and cancels it: nothing pushed, no upload left', async () => {
    const r = await registry({ auth: { kind: 'bearer', user: 'u', password: 'pw' } });
    const h = harness({ username: 'u', password: 'pw' });
    await h.client.checkPushAccess(`${r.host}/team/app`);
    expect(r.requests.filter((q) => q.url !== '/v2/' && !q.url.startsWith('/token')).map((q) => `${q.method} ${q.url.replace(/[0-9a-f-]{36}/, 'ID')}`)).toEqual([
      'POST /v2/team/app/blobs/uploads/',
      // registry 2.8 wants delete for any DELETE: the challenge asks for it, a token with it follows
      'DELETE /v2/team/app/blobs/uploads/ID',
      'DELETE /v2/team/app/blobs/uploads/ID',
    ]);
    expect(r.uploads.size).toBe(0);
    expect(r.blobs.get('team/app')?.size ?? 0).toBe(0);
    expect(new URL(r.tokenRequests[0]!.url, 'http://x').searchParams.getAll('scope')).toEqual(['repository:team/app:pull,push']);
  });

  it('a pull-only token: an error naming the registry, the repository and the scope it lacks (from a JWT access claim)', async () => {
    const r = await registry({ auth: { kind: 'bearer', user: 'u', password: 'pw', grants: grantsPullOnly, tokenFormat: 'jwt' } });
    const h = harness({ username: 'u', password: 'pw' });
    // pull works with these credentials, so a HEAD probe would not notice
    expect(await h.client.blobExists(`${r.host}/app`, digestOf(Buffer.from('')))).toBe(false);
    const check = h.client.checkPushAccess(`${r.host}/app`);
    await expect(check).rejects.toMatchObject({ status: 401, registry: r.host, repository: 'app' });
    await expect(check).rejects.toThrow(
      new RegExp(`^${r.host.replace(/\./g, '\\.')}/app: check push access \\(start a blob upload\\) failed: 401 UNAUTHORIZED .*not allowed to do this on app: the token lacks repository:app:push \\(it grants repository:app:pull\\)`),
    );
    expect(r.uploads.size).toBe(0);
    expect(h.sleeps).toEqual([]);
  });

  it('with an opaque token: the scope the registry asked for (insufficient_scope)', async () => {
    const r = await registry({ auth: { kind: 'bearer', user: 'u', password: 'pw', grants: grantsPullOnly } });
    const h = harness({ username: 'u', password: 'pw' });
    await expect(h.client.checkPushAccess(`${r.host}/app`)).rejects.toThrow(/not allowed to do this on app: the request needs repository:app:pull,push \(insufficient_scope\)/);
  });

  it('an upload it may not cancel (no delete scope, as registry 2.8 wants for DELETE) is left to the registry, quietly', async () => {
    const r = await registry({ auth: { kind: 'bearer', user: 'u', password: 'pw', grants: { app: ['pull', 'push'] } } });
    const h = harness({ username: 'u', password: 'pw' });
    await h.client.checkPushAccess(`${r.host}/app`);
    expect(r.uploads.size).toBe(1);
    expect(h.log.filter((l) => /cancel/.test(l))).toEqual([]);
  });

  it('works without auth and with Basic auth', async () => {
    const open = await registry();
    await harness().client.checkPushAccess(`${open.host}/app`);
    const basic = await registry({ auth: { kind: 'basic', user: 'u', password: 'pw' } });
    await harness({ username: 'u', password: 'pw' }).client.checkPushAccess(`${basic.host}/app`);
    await expect(harness({ username: 'u', password: 'nope' }).client.checkPushAccess(`${basic.host}/app`)).rejects.toThrow(/were rejected/);
    expect(open.uploads.size + basic.uploads.size).toBe(0);
  });
});
