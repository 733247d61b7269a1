// RegistryClient against a fake registry: which scheme it speaks to a host, and how it retries (backoff,
// Retry-After, resets, stalls) or fails fast.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { isLoopbackHost, registryEndpointHost, schemesFor } from '../../src/registry/transport.ts';
import type { FakeRegistryOptions } from './fixtures/fake-registry.ts';
import { OCI_MANIFEST, digestOf } from './fixtures/layout.ts';
import { blobOf, closeOpened, harness, registry } from './support/client-harness.ts';

afterEach(closeOpened);

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
