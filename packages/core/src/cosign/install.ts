import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as core from '@actions/core';
import { InputError, errorMessage } from '../errors.ts';
import { type CosignArch, DEFAULT_COSIGN_VERSION, checksumFromFile, cosignAssetName, pinnedChecksum } from './checksums.ts';
import { parseCosignVersion } from './version.ts';
import { classifyDownloadFailure, downloadFailureOf } from '../retry/download.ts';
import { MAX_SERVER_DELAY_MS, type RetryPlan, retrying } from '../retry/loop.ts';

export const COSIGN_SHA256_INPUT = 'cosign-sha256';
export const COSIGN_RELEASES_URL = 'https://github.com/sigstore/cosign/releases/download';
const TOOL_NAME = 'cosign';
const BINARY_NAME = 'cosign';
/** Written next to the cached binary: which digest was verified, and how. */
const SIDECAR_NAME = 'cosign.verified.json';

/** The subset of @actions/tool-cache the installer uses (a seam for tests). */
export interface ToolCacheLike {
  find(toolName: string, versionSpec: string, arch?: string): string | Promise<string>;
  downloadTool(url: string, dest?: string): Promise<string>;
  cacheFile(sourceFile: string, targetFile: string, tool: string, version: string, arch?: string): Promise<string>;
}

export interface InstallDeps {
  tc: ToolCacheLike;
  /** Lower-case hex SHA-256 of a file. */
  hashFile(file: string): Promise<string>;
  log(line: string): void;
  warn(line: string): void;
  /** GETs a small text file (the release's cosign_checksums.txt). Throws an error with httpStatusCode on a non-200 answer. */
  fetchText(url: string): Promise<string>;
  /** Waits between retries; injectable so tests do not sleep. */
  sleep?(ms: number): Promise<void>;
}

export type VerifiedBy = 'table' | 'input' | 'release-checksums';

export interface InstallCosignOptions {
  /** cosign-version input ("3.0.2" or "v3.0.2"); DEFAULT_COSIGN_VERSION when empty. */
  version?: string;
  /** cosign-sha256 input: the expected SHA-256 of the binary for this runner's architecture. Wins over the table. */
  sha256?: string;
  /** Where releases live: `${baseUrl}/v${version}/cosign-linux-${arch}`. Defaults to GitHub releases. */
  baseUrl?: string;
  /** Defaults to cosignArch(process.arch). */
  arch?: CosignArch;
  /** Defaults to process.platform; only linux is supported. */
  platform?: string;
  /** Download attempts on transient failures (500, 502-504, 408, 429, connection errors) and the waits between them (a Retry-After replaces the wait). */
  retry?: { attempts: number; delaysMs: readonly number[] };
  deps: InstallDeps;
}

export interface InstalledCosign {
  /** Absolute path of the verified cosign binary (inside the tool cache). */
  path: string;
  version: string;
  cacheHit: boolean;
  verifiedBy: VerifiedBy;
  /** The digest the binary was verified against (and has). */
  sha256: string;
  url: string;
}

/** A download whose SHA-256 is not the expected one; the file is already deleted when this is thrown. */
export class ChecksumMismatchError extends Error {
  override name = 'ChecksumMismatchError';
  constructor(
    readonly url: string,
    readonly expected: string,
    readonly actual: string,
    readonly verifiedBy: VerifiedBy,
  ) {
    const from = verifiedBy === 'input' ? `the ${COSIGN_SHA256_INPUT} input` : verifiedBy === 'table' ? 'the pinned checksum table' : "the release's cosign_checksums.txt";
    super(
      `refusing the cosign binary downloaded from ${url}: its SHA-256 is ${actual}, but ${from} expects ${expected}. ` +
        'The file was deleted and nothing was cached or run. ' +
        (verifiedBy === 'input' ? `Check ${COSIGN_SHA256_INPUT} (it must be the digest of cosign-linux-<arch> for this version), or whether the mirror serves a different file.` : 'The download was corrupted or replaced; retry, and if it persists report it.'),
    );
  }
}

/** Maps Node's process.arch to cosign's asset architecture. */
export function cosignArch(nodeArch: string = process.arch): CosignArch {
  if (nodeArch === 'x64') return 'amd64';
  if (nodeArch === 'arm64') return 'arm64';
  throw new Error(`cosign is installed for linux/amd64 and linux/arm64 runners only; this runner is ${nodeArch}`);
}

/** Validates the cosign-sha256 input: 64 hex characters (an optional "sha256:" prefix is allowed); lower-cased. */
export function parseCosignSha256(value: string, input = COSIGN_SHA256_INPUT): string {
  const v = value.trim().replace(/^sha256:/i, '');
  if (!/^[0-9a-fA-F]{64}$/.test(v)) {
    throw new InputError(
      input,
      `"${value.trim()}" is not a SHA-256 digest (needs exactly 64 hex characters, got ${v.length})`,
      "give the digest of cosign-linux-<arch> from that release's cosign_checksums.txt, e.g. 64 hex characters, or leave it empty",
    );
  }
  return v.toLowerCase();
}

/** An HTTP answer that was not 200; httpStatusCode matches @actions/tool-cache's HTTPError so retry logic treats both alike. */
export class HttpStatusError extends Error {
  override name = 'HttpStatusError';
  constructor(
    readonly url: string,
    readonly httpStatusCode: number,
    /** Raw Retry-After header, honoured on a 429 or 503. */
    readonly retryAfter?: string,
  ) {
    super(`GET ${url} answered HTTP ${httpStatusCode}`);
  }
}

const DEFAULT_RETRY = { attempts: 3, delaysMs: [2_000, 8_000] } as const;

interface DownloadRetry {
  attempts: number;
  delaysMs: readonly number[];
  sleep: (ms: number) => Promise<void>;
  log: (l: string) => void;
}

/** The download's plan for the retry loop: fixed waits, the server's Retry-After honoured, errors that name the URL. */
function downloadPlan<T>(what: string, url: string, r: DownloadRetry): RetryPlan<T> {
  return {
    policy: { maxAttempts: r.attempts, delaysMs: r.delaysMs, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: MAX_SERVER_DELAY_MS, maxTotalWaitMs: Number.POSITIVE_INFINITY },
    classifyError: classifyDownloadFailure,
    announce: (o, next) => `${what} from ${url} failed (${o.ok ? next.reason : errorMessage(o.error)}); retrying in ${Math.round(next.delayMs / 1000)}s (attempt ${next.attempt + 1} of ${r.attempts})`,
    giveUp: (error, end) => {
      if (downloadFailureOf(error).status === 404) return new Error(`${what} not found at ${url} (HTTP 404): check that cosign-version names a published release and that the mirror has it`, { cause: error });
      if (!end.exhausted) return new Error(`${what} from ${url} failed: ${errorMessage(error)}`, { cause: error });
      return new Error(`${what} from ${url} failed after ${end.attempts} attempts: ${errorMessage(error)}`, { cause: error });
    },
  };
}

function downloadWithRetries<T>(what: string, url: string, fn: () => Promise<T>, r: DownloadRetry): Promise<T> {
  return retrying(fn, downloadPlan<T>(what, url, r), { sleep: r.sleep, log: r.log });
}

interface Sidecar {
  sha256: string;
  verifiedBy: VerifiedBy;
  url: string;
}

async function readSidecar(dir: string): Promise<Sidecar | undefined> {
  try {
    const v = JSON.parse(await readFile(path.join(dir, SIDECAR_NAME), 'utf8')) as Partial<Sidecar>;
    if (typeof v.sha256 === 'string' && /^[0-9a-f]{64}$/.test(v.sha256) && (v.verifiedBy === 'table' || v.verifiedBy === 'input' || v.verifiedBy === 'release-checksums') && typeof v.url === 'string') {
      return { sha256: v.sha256, verifiedBy: v.verifiedBy, url: v.url };
    }
  } catch {
    // missing or unreadable: treated as "not verified"
  }
  return undefined;
}

/**
 * Installs cosign through the runner's tool cache, verifying the binary's SHA-256 before it is cached or run.
 *
 * Expected digest, in order: the cosign-sha256 input; the pinned table (checksums.ts); for versions not in the
 * table, the release's own cosign_checksums.txt (with a warning: that only catches corruption, since whoever can
 * replace the binary on the release can replace the checksum file too).
 */
export async function installCosign(opts: InstallCosignOptions): Promise<InstalledCosign> {
  const { deps } = opts;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const retry = opts.retry ?? DEFAULT_RETRY;
  const version = parseCosignVersion(opts.version?.trim() ? opts.version : DEFAULT_COSIGN_VERSION);
  const inputSha = opts.sha256?.trim() ? parseCosignSha256(opts.sha256) : undefined;
  const platform = opts.platform ?? process.platform;
  if (platform !== 'linux') throw new Error(`cosign is installed on Linux runners only; this runner is ${platform}`);
  const arch = opts.arch ?? cosignArch();
  const baseUrl = parseBaseUrl(opts.baseUrl ?? COSIGN_RELEASES_URL);
  const asset = cosignAssetName(arch);
  const url = `${baseUrl}/v${version}/${asset}`;

  const pinned = pinnedChecksum(version, arch);
  if (inputSha && pinned && inputSha !== pinned) {
    deps.warn(`${COSIGN_SHA256_INPUT} (${inputSha}) differs from the official digest of cosign ${version} ${asset} (${pinned}); using ${COSIGN_SHA256_INPUT} as asked (expected only for a mirror that serves its own build)`);
  }
  const expectedPinned = inputSha ?? pinned;
  const pinnedBy: VerifiedBy | undefined = inputSha ? 'input' : pinned ? 'table' : undefined;

  // A cache hit is re-hashed before it is used. Hashing ~100 MB costs well under a second, and on self-hosted
  // runners RUNNER_TOOL_CACHE outlives the job: another job (or a half-finished copy) may have changed the file.
  // With a pinned digest the check needs no network; otherwise it compares with the digest recorded when the
  // file was verified (that catches corruption, not a deliberate swap of both files; pin cosign-sha256 for that).
  const cachedDir = await deps.tc.find(TOOL_NAME, version, arch);
  if (cachedDir) {
    const cachedPath = path.join(cachedDir, BINARY_NAME);
    const sidecar = await readSidecar(cachedDir);
    const want = expectedPinned ?? sidecar?.sha256;
    const got = want ? await deps.hashFile(cachedPath).catch(() => '') : '';
    if (want && got === want) {
      deps.log(`cosign ${version} found in the tool cache at ${cachedPath} (SHA-256 ${got} verified again)`);
      return { path: cachedPath, version, cacheHit: true, verifiedBy: pinnedBy ?? sidecar!.verifiedBy, sha256: got, url: sidecar?.url ?? url };
    }
    deps.warn(
      want
        ? `the cached cosign ${version} at ${cachedPath} does not have the expected SHA-256 (${want}, got ${got || 'unreadable'}); downloading it again`
        : `the cached cosign ${version} at ${cachedPath} carries no record of its verification; downloading it again`,
    );
  }

  let expected: string;
  let verifiedBy: VerifiedBy;
  if (expectedPinned && pinnedBy) {
    expected = expectedPinned;
    verifiedBy = pinnedBy;
  } else {
    const sumsUrl = `${baseUrl}/v${version}/cosign_checksums.txt`;
    const text = await downloadWithRetries('cosign_checksums.txt', sumsUrl, () => deps.fetchText(sumsUrl), { ...retry, sleep, log: deps.log });
    const listed = checksumFromFile(text, asset);
    if (!listed) throw new Error(`${sumsUrl} does not list ${asset}; cannot verify cosign ${version} (set ${COSIGN_SHA256_INPUT} to its digest, or pick another cosign-version)`);
    expected = listed;
    verifiedBy = 'release-checksums';
    deps.warn(
      `cosign ${version} is not in this action's pinned checksum table, so it is verified against ${sumsUrl} only. ` +
        'That protects against a corrupted download, not against a compromised release (whoever can replace the binary can replace the checksum file). ' +
        `To pin it, set ${COSIGN_SHA256_INPUT}: ${expected} after checking that value against a source you trust, or use a cosign-version from the table.`,
    );
  }

  deps.log(`downloading cosign ${version} from ${url}`);
  const downloaded = await downloadWithRetries(`cosign ${version} (${asset})`, url, () => deps.tc.downloadTool(url), { ...retry, sleep, log: deps.log });
  let actual: string;
  try {
    actual = await deps.hashFile(downloaded);
  } catch (error) {
    await rm(downloaded, { force: true });
    throw new Error(`could not hash the downloaded cosign ${downloaded}: ${errorMessage(error)}`, { cause: error });
  }
  if (actual !== expected) {
    await rm(downloaded, { force: true });
    throw new ChecksumMismatchError(url, expected, actual, verifiedBy);
  }
  deps.log(`SHA-256 ${actual} of ${asset} matches (${verifiedBy === 'input' ? COSIGN_SHA256_INPUT : verifiedBy === 'table' ? 'pinned table' : 'release checksum file'})`);

  await chmod(downloaded, 0o755);
  const dir = await deps.tc.cacheFile(downloaded, BINARY_NAME, TOOL_NAME, version, arch);
  const cachedPath = path.join(dir, BINARY_NAME);
  await chmod(cachedPath, 0o755);
  const sidecar: Sidecar = { sha256: actual, verifiedBy, url };
  await writeFile(path.join(dir, SIDECAR_NAME), `${JSON.stringify(sidecar)}\n`);
  await rm(downloaded, { force: true });
  return { path: cachedPath, version, cacheHit: false, verifiedBy, sha256: actual, url };
}

function parseBaseUrl(value: string): string {
  let u: URL;
  try {
    u = new URL(value.trim());
  } catch (error) {
    throw new Error(`cosign download base URL "${value}" is not a URL`, { cause: error });
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error(`cosign download base URL "${value}" must be http(s)`);
  return u.toString().replace(/\/+$/, '');
}

/** SHA-256 of a file, streamed in 4 MiB reads (the default 64 KiB reads make hashing the 70 MB cosign twice as slow). */
export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file, { highWaterMark: 4 * 1024 * 1024 })
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** GETs a text file with @actions/http-client (follows redirects, honours the runner's proxy settings). */
export async function fetchTextHttp(url: string): Promise<string> {
  const { HttpClient } = await import('@actions/http-client');
  const http = new HttpClient('multi-arch-of-madness/cosign-installer', [], { allowRetries: false });
  const res = await http.get(url);
  const body = await res.readBody();
  const code = res.message.statusCode ?? 0;
  if (code !== 200) {
    const retryAfter = res.message.headers['retry-after'];
    throw new HttpStatusError(url, code, typeof retryAfter === 'string' ? retryAfter : undefined);
  }
  return body;
}

// Loaded when cosign is looked up, not at start: with @actions/http-client behind it (undici) it is most of
// what a bundle would otherwise parse before its first line of output.
const toolCache = () => import('@actions/tool-cache');
const lazyToolCache: ToolCacheLike = {
  find: async (toolName, versionSpec, arch) => (await toolCache()).find(toolName, versionSpec, arch),
  downloadTool: async (url, dest) => (await toolCache()).downloadTool(url, dest),
  cacheFile: async (sourceFile, targetFile, tool, version, arch) => (await toolCache()).cacheFile(sourceFile, targetFile, tool, version, arch),
};

/** The real dependencies: @actions/tool-cache, @actions/core logging, node:crypto, @actions/http-client. */
export function defaultInstallDeps(overrides: Partial<InstallDeps> = {}): InstallDeps {
  return {
    tc: lazyToolCache,
    hashFile: sha256File,
    log: (l) => core.info(l),
    warn: (l) => core.warning(l),
    fetchText: fetchTextHttp,
    ...overrides,
  };
}
