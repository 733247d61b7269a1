/**
 * installCosign against a local HTTP mirror of a cosign release, with the real @actions/tool-cache.
 *
 * The mirror serves the test bed's cosign binary (Debian's 2.5.0 build, see scripts/testbed.sh) as
 * /v2.5.0/cosign-linux-amd64 plus a cosign_checksums.txt for it. It is not the official release binary, so
 * the pinned table does not apply; the cosign-sha256 input and the release-checksum path are exercised.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as toolCache from '@actions/tool-cache';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createExec } from '../../core/src/exec.ts';
import {
  ChecksumMismatchError,
  type InstallCosignOptions,
  cosignEnv,
  defaultInstallDeps,
  installCosign,
  parseVerifyOutcome,
  signArgs,
  verifyArgs,
} from '../../core/src/cosign/index.ts';
import { ToolError } from '../../core/src/exec.ts';

const COSIGN = process.env.MOAM_COSIGN ?? '/opt/moam-testbed/root/usr/bin/cosign';
const VERSION = '2.5.0';
const BINARY_PATH = `/v${VERSION}/cosign-linux-amd64`;
const SUMS_PATH = `/v${VERSION}/cosign_checksums.txt`;

let binary: Buffer;
let digest: string;
let server: http.Server;
let baseUrl: string;
/** Requests the mirror received, by path. */
let requests: string[] = [];
/** Status codes to answer (in order) before serving normally, per path. */
let failures: Record<string, number[]> = {};

let workDir: string;
const savedEnv = { RUNNER_TOOL_CACHE: process.env.RUNNER_TOOL_CACHE, RUNNER_TEMP: process.env.RUNNER_TEMP };
const logs: string[] = [];
const warnings: string[] = [];

function options(extra: Partial<InstallCosignOptions> = {}): InstallCosignOptions {
  return {
    version: VERSION,
    baseUrl,
    arch: 'amd64',
    platform: 'linux',
    retry: { attempts: 3, delaysMs: [200, 400] },
    deps: defaultInstallDeps({ log: (l) => logs.push(l), warn: (l) => warnings.push(l) }),
    ...extra,
  };
}

beforeAll(async () => {
  if (!existsSync(COSIGN)) throw new Error(`the test bed's cosign is missing at ${COSIGN}; run: bash scripts/testbed.sh up`);
  binary = readFileSync(COSIGN);
  digest = createHash('sha256').update(binary).digest('hex');
  server = http.createServer((req, res) => {
    const url = req.url ?? '';
    requests.push(url);
    const planned = failures[url]?.shift();
    if (planned !== undefined) {
      res.writeHead(planned).end(`planned ${planned}`);
      return;
    }
    if (url === BINARY_PATH) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': binary.length }).end(binary);
    } else if (url === SUMS_PATH) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`${'0'.repeat(64)}  cosign-darwin-amd64\n${digest}  cosign-linux-amd64\n`);
    } else {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // tool-cache's own downloadTool retries 5xx after 10-20 s; its documented test hook shortens that wait.
  (globalThis as Record<string, unknown>).TEST_DOWNLOAD_TOOL_RETRY_MIN_SECONDS = 1;
  (globalThis as Record<string, unknown>).TEST_DOWNLOAD_TOOL_RETRY_MAX_SECONDS = 1;
});

afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  delete (globalThis as Record<string, unknown>).TEST_DOWNLOAD_TOOL_RETRY_MIN_SECONDS;
  delete (globalThis as Record<string, unknown>).TEST_DOWNLOAD_TOOL_RETRY_MAX_SECONDS;
});

beforeEach(() => {
  workDir = mkdtempSync(path.join(os.tmpdir(), 'moam-cosign-install-it-'));
  process.env.RUNNER_TOOL_CACHE = path.join(workDir, 'toolcache');
  process.env.RUNNER_TEMP = path.join(workDir, 'temp');
  requests = [];
  failures = {};
  logs.length = 0;
  warnings.length = 0;
});

afterEach(async () => {
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await rm(workDir, { recursive: true, force: true });
});

const tempFiles = () => (existsSync(path.join(workDir, 'temp')) ? readdirSync(path.join(workDir, 'temp')) : []);

describe('installCosign against a local mirror', () => {
  it('cosign-sha256 matches: installed in the tool cache, and the installed binary runs', async () => {
    const r = await installCosign(options({ sha256: digest }));
    expect(r).toMatchObject({ version: VERSION, cacheHit: false, verifiedBy: 'input', sha256: digest, url: `${baseUrl}${BINARY_PATH}` });
    expect(r.path).toBe(path.join(workDir, 'toolcache', 'cosign', VERSION, 'amd64', 'cosign'));
    expect(toolCache.find('cosign', VERSION, 'amd64')).toBe(path.dirname(r.path));
    expect(requests).toEqual([BINARY_PATH]);

    const exec = createExec({ log: () => undefined });
    const out = await exec(r.path, ['version', '--json']);
    expect(JSON.parse(out.stdout)).toMatchObject({ gitVersion: expect.any(String), platform: 'linux/amd64' });
    expect(tempFiles()).toEqual([]);
  });

  it('cosign-sha256 mismatch: refused, the download deleted, nothing cached', async () => {
    const wrong = 'f'.repeat(64);
    const run = installCosign(options({ sha256: wrong }));
    await expect(run).rejects.toBeInstanceOf(ChecksumMismatchError);
    await expect(run).rejects.toThrow(new RegExp(`${digest}.*${wrong}`));
    expect(toolCache.find('cosign', VERSION, 'amd64')).toBe('');
    expect(existsSync(path.join(workDir, 'toolcache', 'cosign'))).toBe(false);
    expect(tempFiles()).toEqual([]);
  });

  it("no pin: verified against the release's checksum file, with a warning", async () => {
    const r = await installCosign(options());
    expect(r).toMatchObject({ verifiedBy: 'release-checksums', sha256: digest, cacheHit: false });
    expect(requests).toEqual([SUMS_PATH, BINARY_PATH]);
    expect(warnings.join('\n')).toMatch(/only.*not against a compromised release/s);
    expect(warnings.join('\n')).toContain(`cosign-sha256: ${digest}`);
  });

  it('a second install is a cache hit with zero requests to the mirror', async () => {
    const first = await installCosign(options({ sha256: digest }));
    expect(requests).toHaveLength(1);
    requests = [];
    const second = await installCosign(options({ sha256: digest }));
    expect(second).toMatchObject({ path: first.path, cacheHit: true, verifiedBy: 'input', sha256: digest });
    expect(requests).toEqual([]);
    // Without a pin too: the digest recorded at install time is checked, still without the network.
    const third = await installCosign(options());
    expect(third).toMatchObject({ cacheHit: true, verifiedBy: 'input' });
    expect(requests).toEqual([]);
  });

  it('a 503 from the mirror is retried and the install succeeds', async () => {
    failures[BINARY_PATH] = [503];
    const r = await installCosign(options({ sha256: digest }));
    expect(r.cacheHit).toBe(false);
    expect(requests).toEqual([BINARY_PATH, BINARY_PATH]);
  });

  it('a missing release (404) fails at once, without retries', async () => {
    await expect(installCosign(options({ version: '2.4.0', sha256: digest }))).rejects.toThrow(/not found .*HTTP 404/);
    expect(requests).toEqual(['/v2.4.0/cosign-linux-amd64']);
  });
});

describe('the argv builders drive the installed cosign 2.5.0 (test bed registry)', () => {
  const DOCKER = process.env.MOAM_DOCKER ?? '/opt/moam-testbed/root/usr/bin/docker';
  const REGISTRY = process.env.MOAM_REGISTRY ?? 'localhost:5000';
  const BUSYBOX = process.env.MOAM_BUSYBOX_IMAGE ?? `${REGISTRY}/moam/busybox:1`;
  const exec = createExec({ log: () => undefined });

  /** Runs cosign and returns its exit code and output whatever the exit code. */
  async function cosign(bin: string, args: string[], env: Record<string, string>, secrets: string[]) {
    try {
      return await exec(bin, args, { env: { ...process.env, ...env }, secrets, cwd: workDir });
    } catch (e) {
      if (e instanceof ToolError) return { exitCode: e.exitCode, stdout: e.stdout, stderr: e.stderr };
      throw e;
    }
  }

  async function copyOfBusybox(name: string): Promise<string> {
    const repo = `${REGISTRY}/moam-test/${name}-${Date.now()}`;
    await exec(DOCKER, ['buildx', 'imagetools', 'create', '-t', `${repo}:1`, BUSYBOX]);
    const inspected = await exec(DOCKER, ['buildx', 'imagetools', 'inspect', '--format', '{{json .Manifest}}', `${repo}:1`]);
    return `${repo}@${(JSON.parse(inspected.stdout) as { digest: string }).digest}`;
  }

  it('key-based legacy signature without tlog: signed recursively, verified, unsigned and wrong key classified', async () => {
    const installed = await installCosign(options({ sha256: digest }));
    const password = `pw-${Date.now()}`;
    const { env, secrets } = cosignEnv({ keyPassword: password });
    expect((await cosign(installed.path, ['generate-key-pair'], env, secrets)).exitCode).toBe(0);
    const signed = await copyOfBusybox('cosign-args');
    const unsigned = await copyOfBusybox('cosign-args-unsigned');

    const sign = signArgs({ version: VERSION, ref: signed, keyless: false, key: 'cosign.key', recursive: true, signatureFormat: 'legacy', tlogUpload: false, annotations: [['org.example.run', '7']] });
    const s = await cosign(installed.path, sign, env, secrets);
    expect(s.exitCode, s.stderr).toBe(0);
    expect(sign.join(' ')).not.toContain(password);

    const v = await cosign(installed.path, verifyArgs({ version: VERSION, ref: signed, key: 'cosign.pub', insecureIgnoreTlog: true }), {}, []);
    const verified = parseVerifyOutcome(v.exitCode, v.stdout, v.stderr);
    expect(verified.status).toBe('verified');
    if (verified.status === 'verified') {
      expect(verified.signatures).toHaveLength(1);
      expect(verified.signatures[0]).toMatchObject({ dockerManifestDigest: signed.split('@')[1], annotations: { 'org.example.run': '7' } });
    }

    const none = await cosign(installed.path, verifyArgs({ version: VERSION, ref: unsigned, key: 'cosign.pub', insecureIgnoreTlog: true }), {}, []);
    expect(parseVerifyOutcome(none.exitCode, none.stdout, none.stderr)).toEqual({ status: 'no-signatures', reason: 'no signatures found' });

    await cosign(installed.path, ['generate-key-pair', '--output-key-prefix', 'other'], env, secrets);
    const wrong = await cosign(installed.path, verifyArgs({ version: VERSION, ref: signed, key: 'other.pub', insecureIgnoreTlog: true }), {}, []);
    expect(parseVerifyOutcome(wrong.exitCode, wrong.stdout, wrong.stderr).status).toBe('no-match');
  });
});
