import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { Exec } from '../../src/exec.ts';
import type { Digest } from '../../src/digest.ts';
import { RegistryClient, type RegistryClientDeps, type TraceEvent, nextLink } from '../../src/registry/client.ts';
import type { RegistryCredentials } from '../../src/registry/docker-config.ts';
import { RegistryError } from '../../src/registry/errors.ts';
import { isLoopbackHost, registryEndpointHost, schemesFor } from '../../src/registry/transport.ts';
import { type FakeRegistry, type FakeRegistryOptions, startFakeRegistry } from './fixtures/fake-registry.ts';
import { OCI_MANIFEST, digestOf } from './fixtures/layout.ts';

const noExec: Exec = async () => {
  throw new Error('exec must not be called: credentials are injected');
};

const open: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const x of open.splice(0)) await x.close();
});

async function registry(options: FakeRegistryOptions = {}): Promise<FakeRegistry> {
  const r = await startFakeRegistry(options);
  open.push(r);
  return r;
}

interface Harness {
  client: RegistryClient;
  sleeps: number[];
  trace: TraceEvent[];
  log: string[];
}

function harness(credentials?: Omit<RegistryCredentials, 'source'>, extra: Partial<RegistryClientDeps> = {}): Harness {
  const sleeps: number[] = [];
  const trace: TraceEvent[] = [];
  const log: string[] = [];
  const client = new RegistryClient({
    env: {},
    exec: noExec,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    log: (l) => log.push(l),
    trace: (e) => trace.push(e),
    credentials: async () => ({ ...(credentials ? { credentials: { ...credentials, source: 'test credentials' } } : {}), configPath: '/nowhere/config.json' }),
    ...extra,
  });
  open.push(client);
  return { client, sleeps, trace, log };
}

const blobOf = (content: Buffer) => ({ digest: digestOf(content), size: content.length, content });

describe('scheme selection', () => {
  it.each<[string, readonly string[]]>([
    ['localhost', ['https', 'http']],
    ['localhost:5000', ['https', 'http']],
    ['127.0.0.1:5443', ['https', 'http']],
    ['127.10.0.3', ['https', 'http']],
    ['[::1]:5000', ['https', 'http']],
    ['LOCALHOST:5000', ['https', 'http']],
    ['registry.example.com', ['https']],
    ['registry.example.com:5000', ['https']],
    ['localhost.example.com', ['https']],
    ['127.0.0.1.nip.io:5000', ['https']],
    ['10.0.0.5:5000', ['https']],
    ['[::2]:5000', ['https']],
    ['ghcr.io', ['https']],
  ])('%s -> %j', (host, expected) => {
    expect(schemesFor(host)).toEqual(expected);
    expect(isLoopbackHost(host)).toBe(expected.includes('http'));
  });

  it('maps docker.io to registry-1.docker.io', () => {
    expect(registryEndpointHost('docker.io')).toBe('registry-1.docker.io');
    expect(registryEndpointHost('ghcr.io')).toBe('ghcr.io');
  });

  it('falls back to plain HTTP for a loopback registry that does not speak TLS', async () => {
    const r = await registry();
    const h = harness();
    const base = await h.client.ping(r.host);
    expect(base.href).toBe(`http://${r.host}/`);
    expect(h.trace.map((e) => `${e.url} ${e.status ?? 'error'}`)).toEqual([`https://${r.host}/v2/ error`, `http://${r.host}/v2/ 200`]);
    expect(h.sleeps).toEqual([]);
  });

  it('never speaks plain HTTP to a non-loopback host, even when a registry sends it there', async () => {
    const r = await registry({
      intercept: (req, res) => {
        if (req.method !== 'POST') return false;
        res.writeHead(202, { Location: 'http://registry.example.com/v2/app/blobs/uploads/x', 'Content-Length': '0' });
        res.end();
        return true;
      },
    });
    const h = harness();
    const blob = blobOf(randomBytes(10));
    const push = h.client.pushBlob(`${r.host}/app`, blob);
    await expect(push).rejects.toThrow(/refusing plain HTTP to registry\.example\.com/);
    expect(h.trace.some((e) => e.url.includes('registry.example.com'))).toBe(false);
  });
});

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

describe('retries', () => {
  /** Answers the first `times` matching requests with `answer`. */
  function failFirst(times: number, match: (method: string, url: string) => boolean, answer: (res: import('node:http').ServerResponse) => void): FakeRegistryOptions['intercept'] {
    let n = 0;
    return (req, res) => {
      if (!match(req.method ?? '', req.url ?? '') || n >= times) return false;
      n++;
      answer(res);
      return true;
    };
  }
  const status =
    (code: number, headers: Record<string, string> = {}, body = '') =>
    (res: import('node:http').ServerResponse) => {
      res.writeHead(code, { 'Content-Length': String(body.length), ...headers });
      res.end(body);
    };
  const isHead = (m: string) => m === 'HEAD';

  it.each<[string, (res: import('node:http').ServerResponse) => void, number[]]>([
    // backoff with random() = 0.5: 500ms·2^(n-1) scaled by 0.75
    ['503 twice', status(503), [375, 750]],
    ['500 twice', status(500), [375, 750]],
    ['504 twice', status(504), [375, 750]],
    ['429 with Retry-After seconds', status(429, { 'Retry-After': '7' }), [7000, 7000]],
    ['429 with a Retry-After HTTP date', status(429, { 'Retry-After': new Date(Date.UTC(2030, 0, 1, 0, 0, 30)).toUTCString() }), [30_000, 30_000]],
    ['connection reset', (res) => res.socket?.destroy(), [375, 750]],
  ])('%s, then success', async (_name, answer, sleeps) => {
    const r = await registry({ intercept: failFirst(2, isHead, answer) });
    const h = harness(undefined, { now: () => Date.UTC(2030, 0, 1, 0, 0, 0) });
    expect(await h.client.manifestExists(`${r.host}/app`, 'v1')).toBe(false);
    expect(h.sleeps).toEqual(sleeps);
    expect(r.requests.filter((q) => q.method === 'HEAD')).toHaveLength(3);
    expect(h.log.filter((l) => /attempt \d of 5/.test(l))).toHaveLength(2);
  });

  it('gives up after 5 attempts, saying how often it tried', async () => {
    const r = await registry({ intercept: failFirst(99, isHead, status(502)) });
    const h = harness();
    await expect(h.client.manifestExists(`${r.host}/app`, 'v1')).rejects.toThrow(new RegExp(`^${r.host}/app: HEAD manifest v1 failed after 5 attempts: 502 \\(bad gateway\\)$`));
    expect(r.requests.filter((q) => q.method === 'HEAD')).toHaveLength(5);
    expect(h.sleeps).toHaveLength(4);
  });

  it('a registry that is down: 5 connection attempts in all, not 5 per layer of the client', async () => {
    const r = await registry();
    const host = r.host;
    await r.close();
    const h = harness();
    const head = h.client.manifestExists(`${host}/app`, 'v1');
    await expect(head).rejects.toThrow(new RegExp(`^${host}: GET /v2/ failed after 5 attempts: ECONNREFUSED`));
    expect(h.trace).toHaveLength(5);
    expect(h.sleeps).toEqual([375, 750, 1500, 3000]);
  });

  it('detects a stalled response (no bytes for timeoutMs) and retries', async () => {
    let stalled = 0;
    const r = await registry({
      intercept: (req) => {
        if (req.method !== 'HEAD' || stalled > 0) return false;
        stalled++;
        return true; // never answer
      },
    });
    const h = harness(undefined, { timeoutMs: 150 });
    expect(await h.client.manifestExists(`${r.host}/app`, 'v1')).toBe(false);
    expect(h.trace.filter((e) => e.method === 'HEAD').map((e) => e.error ?? e.status)).toEqual([expect.stringMatching(/no activity for 0s/), 404]);
  });

  it.each<[number, string, string]>([
    [400, 'MANIFEST_INVALID', '{"errors":[{"code":"MANIFEST_INVALID","message":"manifest invalid","detail":"missing config"}]}'],
    [403, 'DENIED', '{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}'],
    [404, 'NAME_UNKNOWN', '{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}'],
    [413, 'SIZE_INVALID', '{"errors":[{"code":"SIZE_INVALID","message":"manifest too big"}]}'],
  ])('%i fails fast with the registry error code %s in the message', async (code, errorCode, body) => {
    const r = await registry({ intercept: failFirst(99, (m) => m === 'PUT', status(code, { 'Content-Type': 'application/json' }, body)) });
    const h = harness();
    const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: {}, layers: [] }));
    const digest = digestOf(bytes);
    const put = h.client.putManifest(`${r.host}/app`, digest, bytes, OCI_MANIFEST);
    await expect(put).rejects.toMatchObject({ status: code, code: errorCode, registry: r.host, repository: 'app', operation: `PUT manifest ${digest}` });
    const message = JSON.parse(body).errors[0].message as string;
    await expect(put).rejects.toThrow(`${r.host}/app: PUT manifest ${digest} failed: ${code} ${errorCode} (${message}`);
    expect(r.requests.filter((q) => q.method === 'PUT')).toHaveLength(1);
    expect(h.sleeps).toEqual([]);
  });

  it('retries a failed blob upload as a whole, re-reading the content', async () => {
    const r = await registry({ intercept: failFirst(1, (m, u) => m === 'PUT' && u.includes('/uploads/'), status(500)) });
    const h = harness();
    const content = randomBytes(50_000);
    let opened = 0;
    const out = await h.client.pushBlob(`${r.host}/app`, {
      digest: digestOf(content),
      size: content.length,
      content: () => {
        opened++;
        return Readable.from([content.subarray(0, 20_000), content.subarray(20_000)]);
      },
    });
    expect(out).toBe('uploaded');
    expect(opened).toBe(2);
    expect(r.requests.filter((q) => q.method === 'POST')).toHaveLength(2);
    expect(r.blobs.get('app')?.get(digestOf(content))?.equals(content)).toBe(true);
  });
});

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
