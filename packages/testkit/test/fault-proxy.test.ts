import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FaultProxy, registryErrorBody, seededRandom, startFaultProxy } from '../src/fault-proxy.ts';

// A tiny stand-in registry: absolute Location headers with its own host, like distribution 2.8 behind a Host rewrite.
let upstream: http.Server;
let upstreamPort = 0;
const seenByUpstream: Array<{ method: string; url: string; host: string; body: number }> = [];
const BLOB = Buffer.alloc(10_000, 7);

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    let body = 0;
    req.on('data', (c: Buffer) => {
      body += c.length;
    });
    req.on('end', () => {
      seenByUpstream.push({ method: req.method ?? '', url: req.url ?? '', host: req.headers.host ?? '', body });
      const url = req.url ?? '/';
      if (req.method === 'POST' && url === '/v2/app/blobs/uploads/') {
        res.writeHead(202, { location: `http://127.0.0.1:${upstreamPort}/v2/app/blobs/uploads/u1?_state=s`, 'docker-upload-uuid': 'u1', 'content-length': '0' });
        return res.end();
      }
      if (req.method === 'POST' && url === '/v2/app/blobs/uploads/?rel=1') {
        res.writeHead(202, { location: '/v2/app/blobs/uploads/u2?_state=t', 'content-length': '0' });
        return res.end();
      }
      if (req.method === 'POST' && url === '/v2/app/blobs/uploads/?other=1') {
        res.writeHead(202, { location: 'http://elsewhere.example:5000/v2/app/blobs/uploads/u3', 'content-length': '0' });
        return res.end();
      }
      if (req.method === 'PUT') {
        res.writeHead(201, { 'docker-content-digest': 'sha256:abc', 'x-body-bytes': String(body), 'content-length': '0' });
        return res.end();
      }
      if (url.startsWith('/v2/app/blobs/big')) {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(BLOB.length) });
        if (req.method === 'HEAD') return res.end();
        return res.end(BLOB);
      }
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '2' });
      res.end(req.method === 'HEAD' ? undefined : '{}');
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
  upstreamPort = (upstream.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((r) => {
    upstream.close(() => r());
    upstream.closeAllConnections();
  });
});

let proxy: FaultProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  seenByUpstream.length = 0;
});

async function start(): Promise<FaultProxy> {
  proxy = await startFaultProxy({ upstream: `http://localhost:${upstreamPort}`, maxStallMs: 2000 });
  return proxy;
}

/** One request on a fresh connection; resolves with the status and body, or with the error code. */
function request(p: FaultProxy, method: string, path: string, body?: Buffer, timeoutMs = 5000): Promise<{ status?: number; headers?: http.IncomingHttpHeaders; body?: Buffer; error?: string }> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port: p.port, method, path, agent: false, headers: { host: p.host, ...(body ? { 'content-length': String(body.length) } : {}) } });
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error('client timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e: NodeJS.ErrnoException) => resolve({ status: res.statusCode, error: e.code ?? e.message }));
      res.on('aborted', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks), error: 'aborted' }));
      res.on('end', () => {
        if (!res.complete) return resolve({ status: res.statusCode, body: Buffer.concat(chunks), error: 'aborted' });
        resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) });
      });
    });
    req.end(body);
  });
}

describe('fault proxy: forwarding', () => {
  it('forwards method, path and body, streams the answer back, keeps repeated headers, and records the request', async () => {
    const p = await start();
    expect(p.host).toBe(`localhost:${p.port}`);
    const put = await request(p, 'PUT', '/v2/app/blobs/uploads/u1?_state=s&digest=sha256:abc', Buffer.alloc(3000, 1));
    expect(put.status).toBe(201);
    expect(put.headers?.['x-body-bytes']).toBe('3000');
    const get = await request(p, 'GET', '/v2/app/blobs/big');
    expect(get.body?.equals(BLOB)).toBe(true);
    const json = await request(p, 'GET', '/v2/');
    expect(json.headers?.['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(seenByUpstream.map((s) => [s.method, s.url, s.host, s.body])).toEqual([
      ['PUT', '/v2/app/blobs/uploads/u1?_state=s&digest=sha256:abc', `localhost:${upstreamPort}`, 3000],
      ['GET', '/v2/app/blobs/big', `localhost:${upstreamPort}`, 0],
      ['GET', '/v2/', `localhost:${upstreamPort}`, 0],
    ]);
    expect(p.requests.map((r) => [r.seq, r.method, r.status, r.upstreamStatus, r.bytesIn, r.bytesOut])).toEqual([
      [1, 'PUT', 201, 201, 3000, 0],
      [2, 'GET', 200, 200, 0, BLOB.length],
      [3, 'GET', 200, 200, 0, 2],
    ]);
    expect(p.faults).toEqual([]);
  });

  it('delay: forwards the whole body after the delay, and holds the answer for responseMs', async () => {
    const p = await start();
    p.setRules([{ name: 'slow', method: 'PUT', path: /\/uploads\//, fault: { kind: 'delay', ms: 300, responseMs: 200 }, schedule: { always: true } }]);
    const started = Date.now();
    const put = await request(p, 'PUT', '/v2/app/blobs/uploads/u1?_state=s', Buffer.alloc(200_000, 2));
    expect(Date.now() - started).toBeGreaterThanOrEqual(480);
    expect(put.status).toBe(201);
    expect(put.headers?.['x-body-bytes']).toBe('200000');
    expect(seenByUpstream.map((x) => x.body)).toEqual([200_000]);
    expect(p.requests[0]?.bytesIn).toBe(200_000);
    expect(p.faults.map((f) => f.kind)).toEqual(['delay']);
  });

  it("rewrites the registry's absolute Location (any loopback spelling of its host) to the proxy's host; leaves relative and foreign ones alone", async () => {
    const p = await start();
    expect((await request(p, 'POST', '/v2/app/blobs/uploads/')).headers?.location).toBe(`http://${p.host}/v2/app/blobs/uploads/u1?_state=s`);
    expect((await request(p, 'POST', '/v2/app/blobs/uploads/?rel=1')).headers?.location).toBe('/v2/app/blobs/uploads/u2?_state=t');
    expect((await request(p, 'POST', '/v2/app/blobs/uploads/?other=1')).headers?.location).toBe('http://elsewhere.example:5000/v2/app/blobs/uploads/u3');
  });

  it('answers 502 with a registry error body when the upstream is down', async () => {
    proxy = await startFaultProxy({ upstream: 'http://127.0.0.1:1' });
    const r = await request(proxy, 'GET', '/v2/');
    expect(r.status).toBe(502);
    expect(JSON.parse(r.body?.toString() ?? '{}').errors[0].code).toBe('UNKNOWN');
    expect(proxy.requests[0]?.outcome).toMatch(/upstream error/);
  });
});

describe('fault proxy: faults', () => {
  it('status faults: 429 with Retry-After and a registry error body, without forwarding; the request body is drained', async () => {
    const p = await start();
    p.setRules([{ name: 'busy', method: 'PUT', path: /\/blobs\/uploads\//, fault: { kind: 'status', status: 429, retryAfter: 3, body: registryErrorBody('TOOMANYREQUESTS', 'slow down') } }]);
    const r = await request(p, 'PUT', '/v2/app/blobs/uploads/u1', Buffer.alloc(50_000));
    expect(r.status).toBe(429);
    expect(r.headers?.['retry-after']).toBe('3');
    expect(r.headers?.['content-type']).toBe('application/json');
    expect(JSON.parse(r.body?.toString() ?? '')).toEqual({ errors: [{ code: 'TOOMANYREQUESTS', message: 'slow down' }] });
    expect(seenByUpstream).toEqual([]);
    expect(p.requests[0]).toMatchObject({ bytesIn: 50_000, status: 429, fault: { rule: 'busy', kind: 'status', status: 429 } });
    expect(p.faults).toMatchObject([{ seq: 1, rule: 'busy', kind: 'status', status: 429, method: 'PUT', path: '/v2/app/blobs/uploads/u1' }]);
    // HEAD gets the status without a body.
    p.setRules([{ name: 'down', method: 'HEAD', path: /./, fault: { kind: 'status', status: 503, body: 'x' } }]);
    expect((await request(p, 'HEAD', '/v2/app/blobs/big')).status).toBe(503);
  });

  it('reset mid-body: the client gets the status line and part of the body, then the connection dies', async () => {
    const p = await start();
    p.setRules([{ name: 'cut', method: 'GET', path: /\/blobs\/big/, fault: { kind: 'reset', afterBytes: 1234 } }]);
    const r = await request(p, 'GET', '/v2/app/blobs/big');
    expect(r.status).toBe(200);
    expect(r.error).toBeDefined();
    expect(r.body?.length).toBe(1234);
    expect(p.requests[0]?.outcome).toBe(`reset after 1234 of ${BLOB.length} body bytes`);
    // Default: half of the body.
    p.setRules([{ name: 'cut', method: 'GET', path: /\/blobs\/big/, fault: { kind: 'reset' } }]);
    expect((await request(p, 'GET', '/v2/app/blobs/big')).body?.length).toBe(BLOB.length / 2);
  });

  it('reset without a body (HEAD, 201): the connection dies before the status line, after the registry acted', async () => {
    const p = await start();
    p.setRules([{ name: 'cut', path: /./, fault: { kind: 'reset' } }]);
    const head = await request(p, 'HEAD', '/v2/app/blobs/big');
    expect(head.status).toBeUndefined();
    expect(head.error).toMatch(/ECONNRESET|socket hang up/);
    const put = await request(p, 'PUT', '/v2/app/manifests/sha256:abc', Buffer.from('{}'));
    expect(put.status).toBeUndefined();
    expect(seenByUpstream.map((s) => s.method)).toEqual(['HEAD', 'PUT']);
    expect(p.requests.map((r) => r.outcome)).toEqual(['reset before the response', 'reset before the response']);
  });

  it('stall: never answers until the client gives up; waitFor sees it; bounded by maxMs; releaseStalls cuts it', async () => {
    const p = await start();
    p.setRules([{ name: 'hang', path: /\/manifests\//, fault: { kind: 'stall' } }]);
    const seen = p.waitFor((r) => r.fault?.kind === 'stall', 2000);
    const timedOut = await request(p, 'GET', '/v2/app/manifests/latest', undefined, 300);
    expect(timedOut.error).toBe('ETIMEDOUT');
    expect((await seen).path).toBe('/v2/app/manifests/latest');
    await p.settle(100, 2000);
    expect(p.requests[0]?.outcome).toBe('stalled until the client closed');

    // A client that waits forever: the proxy's bound (maxStallMs 2 s here, or the rule's maxMs) ends it.
    p.setRules([{ name: 'hang', path: /\/manifests\//, fault: { kind: 'stall', maxMs: 200 } }]);
    const started = Date.now();
    const bounded = await request(p, 'GET', '/v2/app/manifests/1', undefined, 10_000);
    expect(bounded.error).toMatch(/ECONNRESET|socket hang up/);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(p.requests[1]?.outcome).toBe('stall bounded after 200 ms');

    p.setRules([{ name: 'hang', path: /\/manifests\//, fault: { kind: 'stall' } }]);
    const pending = request(p, 'GET', '/v2/app/manifests/2', undefined, 10_000);
    await p.waitFor((r) => r.path.endsWith('/2'), 2000);
    expect(p.inFlight).toBe(1);
    expect(p.releaseStalls()).toBe(1);
    expect((await pending).error).toMatch(/ECONNRESET|socket hang up/);
    expect(seenByUpstream).toEqual([]);
  });

  it('close() ends stalled requests and stops listening', async () => {
    const p = await start();
    p.setRules([{ name: 'hang', path: /./, fault: { kind: 'stall' } }]);
    const pending = request(p, 'GET', '/v2/', undefined, 10_000);
    await p.waitFor(() => true, 2000);
    await p.close();
    expect((await pending).error).toBeDefined();
    expect((await request(p, 'GET', '/v2/')).error).toBe('ECONNREFUSED');
    await p.close(); // idempotent
  });

  it('matches method, path (with query) and User-Agent', async () => {
    const p = await start();
    p.setRules([{ name: 'ua', userAgent: /^(?!moam-)/, path: /\?rel=1$/, method: ['POST'], fault: { kind: 'status', status: 500 } }]);
    expect((await request(p, 'POST', '/v2/app/blobs/uploads/?rel=1')).status).toBe(500);
    expect((await request(p, 'POST', '/v2/app/blobs/uploads/')).status).toBe(202);
    expect((await request(p, 'GET', '/v2/app/blobs/uploads/?rel=1')).status).toBe(200);
    expect(p.count('POST', /uploads/)).toBe(2);
    expect(p.count(undefined, /uploads/)).toBe(3);
  });
});

describe('fault proxy: schedules', () => {
  async function pattern(schedule: NonNullable<Parameters<FaultProxy['setRules']>[0][number]['schedule']>, paths: string[]): Promise<string> {
    const p = await start();
    p.setRules([{ name: 'r', path: /\/v2\//, fault: { kind: 'status', status: 503 }, schedule }]);
    let out = '';
    for (const path of paths) out += (await request(p, 'GET', path)).status === 503 ? 'X' : '.';
    await p.close();
    return out;
  }
  const six = Array.from({ length: 6 }, () => '/v2/');

  it('first K, every Nth (with offset and limit), exactly the nth, always with a limit', async () => {
    expect(await pattern({ first: 2 }, six)).toBe('XX....');
    expect(await pattern({ every: 3 }, six)).toBe('..X..X');
    expect(await pattern({ every: 2, offset: 1 }, six)).toBe('X.X.X.');
    expect(await pattern({ every: 1, limit: 4 }, six)).toBe('XXXX..');
    expect(await pattern({ nth: [2, 5] }, six)).toBe('.X..X.');
    expect(await pattern({ always: true, limit: 1 }, six)).toBe('X.....');
  });

  it('perPath counts each path (query ignored) on its own', async () => {
    expect(await pattern({ first: 1, perPath: true }, ['/v2/a', '/v2/a?x=1', '/v2/b', '/v2/a', '/v2/b', '/v2/c'])).toBe('X.X..X');
  });

  it('seeded random: the same seed gives the same faults, the rate is roughly kept', async () => {
    const many = Array.from({ length: 40 }, () => '/v2/');
    const a = await pattern({ rate: 0.3, seed: 42 }, many);
    const b = await pattern({ rate: 0.3, seed: 42 }, many);
    const c = await pattern({ rate: 0.3, seed: 7 }, many);
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    const hits = [...a].filter((x) => x === 'X').length;
    expect(hits).toBeGreaterThan(4);
    expect(hits).toBeLessThan(20);
    const r = seededRandom(1);
    const values = Array.from({ length: 1000 }, r);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(values.filter((v) => v < 0.5).length).toBeGreaterThan(400);
  });

  it('every matching rule counts; the first that decides wins; setRules restarts the counting, records stay until cleared', async () => {
    const p = await start();
    p.setRules([
      { name: 'a', path: /./, fault: { kind: 'status', status: 500 }, schedule: { nth: [1] } },
      { name: 'b', path: /./, fault: { kind: 'status', status: 503 }, schedule: { nth: [1, 2] } },
    ]);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await request(p, 'GET', '/v2/')).status);
    expect(statuses).toEqual([500, 503, 200]);
    expect(p.faultsFor('a')).toHaveLength(1);
    expect(p.faultsFor(/^[ab]$/)).toHaveLength(2);
    p.setRules([{ name: 'a', path: /./, fault: { kind: 'status', status: 500 }, schedule: { first: 1 } }]);
    expect((await request(p, 'GET', '/v2/')).status).toBe(500);
    expect(p.requests).toHaveLength(4);
    p.clearRecords();
    expect(p.requests).toHaveLength(0);
    expect(p.faults).toHaveLength(0);
  });
});
