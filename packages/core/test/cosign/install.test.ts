import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { COSIGN_CHECKSUMS, DEFAULT_COSIGN_VERSION } from '../../src/cosign/checksums.ts';
import {
  ChecksumMismatchError,
  type InstallDeps,
  type ToolCacheLike,
  cosignArch,
  HttpStatusError,
  installCosign,
  parseCosignSha256,
} from '../../src/cosign/install.ts';

const BASE = 'https://mirror.example/cosign/releases/download';
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const httpError = (code: number) => Object.assign(new Error(`Unexpected HTTP response: ${code}`), { httpStatusCode: code });

/**
 * Stand-ins for the real binaries: a file whose content is "official:<digest>" hashes (through the fake
 * hashFile) to <digest>, so the pinned-table path can be exercised without 100 MB of cosign.
 */
async function fakeHash(file: string): Promise<string> {
  const content = await readFile(file, 'utf8');
  const m = /^official:([0-9a-f]{64})$/.exec(content);
  return m?.[1] ?? sha(content);
}

type Answer = string | Error;

function setup(root: string, answers: Record<string, Answer | Answer[]>) {
  const requests: string[] = [];
  const logs: string[] = [];
  const warnings: string[] = [];
  const sleeps: number[] = [];
  const cached: string[] = [];
  const next = (url: string): Answer => {
    requests.push(url);
    const a = answers[url];
    if (a === undefined) return httpError(404);
    if (Array.isArray(a)) return a.length > 1 ? a.shift()! : a[0]!;
    return a;
  };
  const cacheRoot = path.join(root, 'toolcache');
  const tc: ToolCacheLike = {
    find: (tool, version, arch) => {
      const dir = path.join(cacheRoot, tool, version, arch ?? '');
      return existsSync(`${dir}.complete`) ? dir : '';
    },
    downloadTool: async (url) => {
      const a = next(url);
      if (a instanceof Error) throw a;
      const dest = path.join(root, 'temp', randomUUID());
      await mkdir(path.dirname(dest), { recursive: true });
      await writeFile(dest, a);
      return dest;
    },
    cacheFile: async (src, target, tool, version, arch) => {
      const dir = path.join(cacheRoot, tool, version, arch ?? '');
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      await copyFile(src, path.join(dir, target));
      await writeFile(`${dir}.complete`, '');
      cached.push(dir);
      return dir;
    },
  };
  const deps: InstallDeps = {
    tc,
    hashFile: fakeHash,
    log: (l) => logs.push(l),
    warn: (l) => warnings.push(l),
    fetchText: async (url) => {
      const a = next(url);
      if (a instanceof Error) throw a;
      return a;
    },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  };
  const tempFiles = () => (existsSync(path.join(root, 'temp')) ? readdirSync(path.join(root, 'temp')) : []);
  return { deps, requests, logs, warnings, sleeps, cached, tempFiles, cacheRoot };
}

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'moam-cosign-install-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('installCosign: pinned table', () => {
  it('installs the default version, verified against the table, executable, nothing left in temp', async () => {
    const v = DEFAULT_COSIGN_VERSION;
    const url = `${BASE}/v${v}/cosign-linux-amd64`;
    const t = setup(root, { [url]: `official:${COSIGN_CHECKSUMS[v]!.amd64}` });
    const r = await installCosign({ baseUrl: BASE, arch: 'amd64', platform: 'linux', deps: t.deps });
    expect(r).toMatchObject({ version: v, cacheHit: false, verifiedBy: 'table', sha256: COSIGN_CHECKSUMS[v]!.amd64, url });
    expect(r.path).toBe(path.join(t.cacheRoot, 'cosign', v, 'amd64', 'cosign'));
    expect(statSync(r.path).mode & 0o111).toBe(0o111);
    expect(t.requests).toEqual([url]);
    expect(t.warnings).toEqual([]);
    expect(t.tempFiles()).toEqual([]);
  });

  it('uses the arm64 digest and URL on arm64', async () => {
    const url = `${BASE}/v3.0.6/cosign-linux-arm64`;
    const t = setup(root, { [url]: `official:${COSIGN_CHECKSUMS['3.0.6']!.arm64}` });
    const r = await installCosign({ version: 'v3.0.6', baseUrl: `${BASE}/`, arch: 'arm64', platform: 'linux', deps: t.deps });
    expect(r).toMatchObject({ version: '3.0.6', verifiedBy: 'table' });
    expect(t.requests).toEqual([url]);
  });

  it('refuses a download whose digest differs from the table: deleted, nothing cached', async () => {
    const url = `${BASE}/v3.0.6/cosign-linux-amd64`;
    const t = setup(root, { [url]: 'evil binary' });
    const run = installCosign({ version: '3.0.6', baseUrl: BASE, arch: 'amd64', platform: 'linux', deps: t.deps });
    await expect(run).rejects.toBeInstanceOf(ChecksumMismatchError);
    await expect(run).rejects.toThrow(new RegExp(`${sha('evil binary')}.*${COSIGN_CHECKSUMS['3.0.6']!.amd64}`));
    await expect(run).rejects.toThrow(url);
    expect(t.cached).toEqual([]);
    expect(t.tempFiles()).toEqual([]);
  });
});

describe('installCosign: cosign-sha256 input', () => {
  it('wins over the table (with a warning when they differ)', async () => {
    const url = `${BASE}/v3.0.6/cosign-linux-amd64`;
    const t = setup(root, { [url]: 'mirror build' });
    const r = await installCosign({ version: '3.0.6', sha256: sha('mirror build').toUpperCase(), baseUrl: BASE, arch: 'amd64', platform: 'linux', deps: t.deps });
    expect(r).toMatchObject({ verifiedBy: 'input', sha256: sha('mirror build') });
    expect(t.warnings.join('\n')).toMatch(/cosign-sha256 .* differs from the official digest/);
  });

  it('verifies versions the table does not know, without fetching the checksum file', async () => {
    const url = `${BASE}/v2.5.0/cosign-linux-amd64`;
    const t = setup(root, { [url]: 'cosign 2.5.0' });
    const r = await installCosign({ version: '2.5.0', sha256: `sha256:${sha('cosign 2.5.0')}`, baseUrl: BASE, arch: 'amd64', platform: 'linux', deps: t.deps });
    expect(r.verifiedBy).toBe('input');
    expect(t.requests).toEqual([url]);
  });

  it('refuses a mismatch naming the input', async () => {
    const url = `${BASE}/v2.5.0/cosign-linux-amd64`;
    const t = setup(root, { [url]: 'something else' });
    await expect(installCosign({ version: '2.5.0', sha256: sha('cosign 2.5.0'), baseUrl: BASE, arch: 'amd64', platform: 'linux', deps: t.deps })).rejects.toThrow(/cosign-sha256 input expects/);
    expect(t.cached).toEqual([]);
  });

  it.each(['abc', 'g'.repeat(64), `${'a'.repeat(63)} `, 'a'.repeat(65)])('refuses %j as not 64 hex, naming cosign-sha256', (bad) => {
    expect(() => parseCosignSha256(bad)).toThrow(InputError);
    expect(() => parseCosignSha256(bad)).toThrow(/Input "cosign-sha256"/);
  });

  it('refuses a bad cosign-version before any request', async () => {
    const t = setup(root, {});
    await expect(installCosign({ version: 'latest', baseUrl: BASE, arch: 'amd64', platform: 'linux', deps: t.deps })).rejects.toThrow(/Input "cosign-version"/);
    await expect(installCosign({ version: '2.5.0', sha256: 'nope', baseUrl: BASE, arch: 'amd64', platform: 'linux', deps: t.deps })).rejects.toThrow(/Input "cosign-sha256"/);
    expect(t.requests).toEqual([]);
  });
});

describe("installCosign: the release's checksum file", () => {
  const v = '2.5.0';
  const url = `${BASE}/v${v}/cosign-linux-amd64`;
  const sums = `${BASE}/v${v}/cosign_checksums.txt`;
  const file = (digest: string) => `${'0'.repeat(64)}  cosign-darwin-amd64\n${digest}  cosign-linux-amd64\n${'1'.repeat(64)}  cosign-linux-arm64\n`;

  it('verifies against it, and warns that it only catches corruption and how to pin', async () => {
    const t = setup(root, { [url]: 'cosign 2.5.0', [sums]: file(sha('cosign 2.5.0')) });
    const r = await installCosign({ version: v, baseUrl: BASE, arch: 'amd64', platform: 'linux', deps: t.deps });
    expect(r.verifiedBy).toBe('release-checksums');
    expect(t.requests).toEqual([sums, url]);
    const w = t.warnings.join('\n');
    expect(w).toMatch(/not in this action's pinned checksum table/);
    expect(w).toMatch(/corrupted download, not against a compromised release/);
    expect(w).toContain(`cosign-sha256: ${sha('cosign 2.5.0')}`);
  });

  it('refuses a binary that does not match it', async () => {
    const t = setup(root, { [url]: 'tampered', [sums]: file(sha('cosign 2.5.0')) });
    await expect(installCosign({ version: v, baseUrl: BASE, arch: 'amd64', platform: 'linux', deps: t.deps })).rejects.toThrow(/cosign_checksums.txt expects/);
    expect(t.cached).toEqual([]);
    expect(t.tempFiles()).toEqual([]);
  });

  it('refuses when the file does not list the asset, before downloading', async () => {
    const t = setup(root, { [url]: 'cosign 2.5.0', [sums]: `${'0'.repeat(64)}  cosign-darwin-amd64\n` });
    await expect(installCosign({ version: v, baseUrl: BASE, arch: 'amd64', platform: 'linux', deps: t.deps })).rejects.toThrow(/does not list cosign-linux-amd64/);
    expect(t.requests).toEqual([sums]);
  });

  it('a version with no release at all fails on the 404, without retrying', async () => {
    const t = setup(root, {});
    await expect(installCosign({ version: '2.99.0', baseUrl: BASE, arch: 'amd64', platform: 'linux', deps: t.deps })).rejects.toThrow(/not found .*HTTP 404.*cosign-version/);
    expect(t.requests).toHaveLength(1);
    expect(t.sleeps).toEqual([]);
  });
});

describe('installCosign: tool cache', () => {
  it('a second install is a cache hit: no request, digest checked again', async () => {
    const url = `${BASE}/v2.5.0/cosign-linux-amd64`;
    const t = setup(root, { [url]: 'cosign 2.5.0' });
    const opts = { version: '2.5.0', sha256: sha('cosign 2.5.0'), baseUrl: BASE, arch: 'amd64' as const, platform: 'linux', deps: t.deps };
    const first = await installCosign(opts);
    t.requests.length = 0;
    const second = await installCosign(opts);
    expect(second).toMatchObject({ path: first.path, cacheHit: true, verifiedBy: 'input' });
    expect(t.requests).toEqual([]);
    expect(t.logs.join('\n')).toMatch(/verified again/);
  });

  it('an unpinned cached version is checked against the digest recorded when it was verified', async () => {
    const url = `${BASE}/v2.5.0/cosign-linux-amd64`;
    const sums = `${BASE}/v2.5.0/cosign_checksums.txt`;
    const t = setup(root, { [url]: 'cosign 2.5.0', [sums]: `${sha('cosign 2.5.0')}  cosign-linux-amd64\n` });
    await installCosign({ version: '2.5.0', baseUrl: BASE, arch: 'amd64', platform: 'linux', deps: t.deps });
    t.requests.length = 0;
    const again = await installCosign({ version: '2.5.0', baseUrl: BASE, arch: 'amd64', platform: 'linux', deps: t.deps });
    expect(again).toMatchObject({ cacheHit: true, verifiedBy: 'release-checksums' });
    expect(t.requests).toEqual([]);
  });

  it('a cached binary that was changed is not used: warned, downloaded and verified again', async () => {
    const url = `${BASE}/v2.5.0/cosign-linux-amd64`;
    const t = setup(root, { [url]: 'cosign 2.5.0' });
    const opts = { version: '2.5.0', sha256: sha('cosign 2.5.0'), baseUrl: BASE, arch: 'amd64' as const, platform: 'linux', deps: t.deps };
    const first = await installCosign(opts);
    await writeFile(first.path, 'swapped by another job');
    t.requests.length = 0;
    const again = await installCosign(opts);
    expect(again.cacheHit).toBe(false);
    expect(t.requests).toEqual([url]);
    expect(t.warnings.join('\n')).toMatch(/does not have the expected SHA-256/);
    expect(await readFile(again.path, 'utf8')).toBe('cosign 2.5.0');
  });
});

describe('installCosign: retries', () => {
  const url = `${BASE}/v2.5.0/cosign-linux-amd64`;
  const opts = (deps: InstallDeps) => ({ version: '2.5.0', sha256: sha('cosign 2.5.0'), baseUrl: BASE, arch: 'amd64' as const, platform: 'linux', retry: { attempts: 3, delaysMs: [10, 40] }, deps });

  it('retries 5xx and connection errors with backoff', async () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const t = setup(root, { [url]: [httpError(503), reset, 'cosign 2.5.0'] });
    await expect(installCosign(opts(t.deps))).resolves.toMatchObject({ verifiedBy: 'input' });
    expect(t.requests).toHaveLength(3);
    expect(t.sleeps).toEqual([10, 40]);
  });

  it('gives up after the last attempt', async () => {
    const t = setup(root, { [url]: [httpError(502)] });
    await expect(installCosign(opts(t.deps))).rejects.toThrow(/failed after 3 attempts/);
    expect(t.requests).toHaveLength(3);
  });

  it.each([403, 401, 410, 501])('does not retry HTTP %i', async (code) => {
    const t = setup(root, { [url]: [httpError(code), 'cosign 2.5.0'] });
    await expect(installCosign(opts(t.deps))).rejects.toThrow(new RegExp(`${url} failed: Unexpected HTTP response: ${code}$`));
    expect(t.requests).toHaveLength(1);
    expect(t.sleeps).toEqual([]);
  });

  it('logs each retry with the error, the wait and the attempt', async () => {
    const t = setup(root, { [url]: [httpError(503), httpError(504), 'cosign 2.5.0'] });
    await installCosign(opts(t.deps));
    expect(t.logs.filter((l) => l.includes('retrying'))).toEqual([
      `cosign 2.5.0 (cosign-linux-amd64) from ${url} failed (Unexpected HTTP response: 503); retrying in 0s (attempt 2 of 3)`,
      `cosign 2.5.0 (cosign-linux-amd64) from ${url} failed (Unexpected HTTP response: 504); retrying in 0s (attempt 3 of 3)`,
    ]);
  });

  it("honours the checksum server's Retry-After on a 429 instead of the fixed wait", async () => {
    const sums = `${BASE}/v2.5.0/cosign_checksums.txt`;
    const t = setup(root, { [url]: 'cosign 2.5.0', [sums]: [new HttpStatusError(sums, 429, '3'), `${sha('cosign 2.5.0')}  cosign-linux-amd64\n`] });
    await expect(installCosign({ ...opts(t.deps), sha256: undefined })).resolves.toMatchObject({ verifiedBy: 'release-checksums' });
    expect(t.sleeps).toEqual([3000]);
    expect(t.logs.join('\n')).toContain(`cosign_checksums.txt from ${sums} failed (GET ${sums} answered HTTP 429); retrying in 3s (attempt 2 of 3)`);
  });
});

describe('installCosign: platform', () => {
  it('maps Node architectures', () => {
    expect(cosignArch('x64')).toBe('amd64');
    expect(cosignArch('arm64')).toBe('arm64');
    expect(() => cosignArch('s390x')).toThrow(/amd64 and linux\/arm64 runners only/);
  });

  it('refuses non-Linux runners', async () => {
    const t = setup(root, {});
    await expect(installCosign({ baseUrl: BASE, arch: 'amd64', platform: 'darwin', deps: t.deps })).rejects.toThrow(/Linux runners only/);
  });
});
