// Signing material for scripts/bench.ts: the test bed's cosign served by a local release mirror (the actions install
// it from there into one RUNNER_TOOL_CACHE shared by every round), an ephemeral key pair, an isolated cosign HOME,
// and the inputs/env both variants use (as scripts/local-release.ts does, key-based, without the transparency log).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { sha256File } from '../../packages/core/src/cosign/install.ts';
import { node24, startCosignMirror } from '../../packages/testkit/src/index.ts';
import { median, timedSpawn } from './measure.ts';

const run = promisify(execFile);
const shq = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export interface CosignKit {
  /** The test bed's cosign binary (the raw recipe runs it; the actions run their verified copy of the same bytes). */
  cosign: string;
  keyFile: string;
  pubFile: string;
  password: string;
  /** cosign-version, cosign-sha256, cosign-base-url: install from the local mirror. */
  install: Record<string, string>;
  /** Inputs of sign-recursive: key-based (PEM content, as a workflow passes a secret), no transparency log. */
  signInputs: Record<string, string>;
  /** Inputs of verify: the public key, no transparency log. */
  verifyInputs: Record<string, string>;
  /** Environment of the sign-recursive and verify steps: isolated cosign HOME and one tool cache for every round. */
  actionEnv: Record<string, string>;
  /** Shell prefix for a raw cosign command line: the same HOME/TUF_ROOT (and key password) as the actions get. */
  rawCosign: string;
  toolCache: string;
  close(): Promise<void>;
}

export async function startCosignKit(cosign: string, dir: string): Promise<CosignKit> {
  const mirror = await startCosignMirror(cosign);
  const home = path.join(dir, 'cosign-home');
  const toolCache = path.join(dir, 'tool-cache');
  await mkdir(home, { recursive: true });
  await mkdir(toolCache, { recursive: true });
  const password = randomBytes(16).toString('hex');
  await run(cosign, ['generate-key-pair'], { cwd: dir, env: { ...process.env, HOME: home, COSIGN_PASSWORD: password } });
  const keyFile = path.join(dir, 'cosign.key');
  const pubFile = path.join(dir, 'cosign.pub');
  const install = { 'cosign-version': mirror.version, 'cosign-sha256': mirror.sha256, 'cosign-base-url': mirror.url };
  const cosignHome = { HOME: home, TUF_ROOT: path.join(home, '.sigstore') };
  return {
    cosign,
    keyFile,
    pubFile,
    password,
    install,
    signInputs: { ...install, keyless: 'false', key: await readFile(keyFile, 'utf8'), 'key-password': password, 'tlog-upload': 'false' },
    verifyInputs: { ...install, key: pubFile, 'insecure-ignore-tlog': 'true' },
    actionEnv: { ...cosignHome, RUNNER_TOOL_CACHE: toolCache },
    rawCosign: `HOME=${shq(cosignHome.HOME)} TUF_ROOT=${shq(cosignHome.TUF_ROOT)} COSIGN_PASSWORD=${shq(password)} ${shq(cosign)}`,
    toolCache,
    close: mirror.close,
  };
}

/** The raw recipe's signing step (Sigstore's docs, key-based, no transparency log). `digest` may be a shell expression. */
export function rawSignLine(kit: CosignKit, image: string, digest: string): string {
  return `${kit.rawCosign} sign --yes --recursive --tlog-upload=false --key ${shq(kit.keyFile)} ${shq(image)}@${digest} >/dev/null`;
}

/**
 * The raw recipe's verification, as scripts/verify-signature.sh does it for consumers: the index, then each platform
 * manifest listed by `imagetools inspect --raw`, one `cosign verify` after the other; prints "ok <digest>" for each.
 * `image` has no tag; `digest` may be a shell expression.
 */
export function rawVerifyLines(kit: CosignKit, image: string, digest: string): string[] {
  const verify = (d: string) => `${kit.rawCosign} verify --key ${shq(kit.pubFile)} --insecure-ignore-tlog=true ${shq(image)}@${d} >/dev/null && echo "ok ${d.replace(/"/g, '')}"`;
  return [
    verify(digest),
    `platforms=$(docker buildx imagetools inspect --raw ${shq(image)}@${digest} | jq -r '.manifests[] | select(.platform.os != "unknown") | .digest')`,
    'for d in $platforms; do',
    `  ${verify('"$d"')}`,
    'done',
  ];
}

export interface FixedCosts {
  nodeStart: number;
  /** Process start to first stdout byte of the bundle (no inputs: it fails on input validation), as the cold-start rows. */
  bundleStart: { 'sign-recursive': number; verify: number };
  cosignVersion: number;
  cosignPublicKey: number;
  cosignVerifyOne: number;
  imagetoolsInspectRaw: number;
  hashCosign: number;
}

/** Medians of the fixed costs that bound the sign/verify ratios (each run 5 times, sequentially). */
export async function fixedCosts(kit: CosignKit, ref: string, repoRoot: string, dir: string): Promise<FixedCosts> {
  const env = { ...process.env, ...kit.actionEnv, COSIGN_PASSWORD: kit.password };
  const m = async (fn: () => Promise<number>) => {
    await fn();
    const xs: number[] = [];
    for (let i = 0; i < 5; i++) xs.push(await fn());
    return median(xs);
  };
  const spawn = (file: string, args: string[]) => async () => {
    const r = await timedSpawn(file, args, { env });
    if (r.exitCode !== 0) throw new Error(`${file} ${args.join(' ')} failed:\n${r.stderr.slice(-1000)}`);
    return r.totalMs;
  };
  const actionEnv: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('INPUT_')) actionEnv[k] = v;
  Object.assign(actionEnv, { GITHUB_OUTPUT: path.join(dir, 'output'), GITHUB_STEP_SUMMARY: path.join(dir, 'summary'), RUNNER_TEMP: dir, GITHUB_WORKSPACE: repoRoot });
  await writeFile(actionEnv.GITHUB_OUTPUT as string, '');
  await writeFile(actionEnv.GITHUB_STEP_SUMMARY as string, '');
  const bundle = (name: string) => async () => {
    const r = await timedSpawn(node24(), [path.join(repoRoot, 'actions', name, 'dist', 'index.js')], { env: actionEnv, cwd: repoRoot });
    if (r.firstByteMs === undefined) throw new Error(`${name} printed nothing`);
    return r.firstByteMs;
  };
  // The product's own hash of a cache hit (core's sha256File), not a re-implementation of it.
  const hash = async () => {
    const started = performance.now();
    await sha256File(kit.cosign);
    return performance.now() - started;
  };
  return {
    nodeStart: await m(spawn(node24(), ['-e', ''])),
    bundleStart: { 'sign-recursive': await m(bundle('sign-recursive')), verify: await m(bundle('verify')) },
    cosignVersion: await m(spawn(kit.cosign, ['version'])),
    cosignPublicKey: await m(spawn(kit.cosign, ['public-key', `--key=${kit.keyFile}`])),
    cosignVerifyOne: await m(spawn(kit.cosign, ['verify', '--key', kit.pubFile, '--insecure-ignore-tlog=true', ref])),
    imagetoolsInspectRaw: await m(spawn('docker', ['buildx', 'imagetools', 'inspect', '--raw', ref])),
    hashCosign: await m(hash),
  };
}
