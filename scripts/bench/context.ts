// Shared set-up for the benchmark's row families (scripts/bench/rows-*.ts): options, logging, temporary directories,
// the fixtures built once and never timed (legs, signing material, fixed costs), staging helpers, and the rows collected
// for the report. Every fixture is built lazily, so a subset of rows (`npm run bench -- verify`) builds only what it uses.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildLegs, githubTagEnv, registryTags, repoRoot, runBundledAction, testbed, uniqueName } from '../../packages/testkit/src/index.ts';
import { type CosignKit, type FixedCosts, fixedCosts, rawSignLine, startCosignKit } from './cosign.ts';
import { timedSpawn } from './measure.ts';
import { copyByDigest, tagDigest } from './registry.ts';
import type { FaultProxy } from '../../packages/testkit/src/fault-proxy.ts';

export const run = promisify(execFile);
export const log = (line: string) => process.stdout.write(`${line}\n`);
export const shq = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

const tmpDirs: string[] = [];
export async function tempDir(prefix: string): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), `moam-bench-${prefix}-`));
  tmpDirs.push(d);
  return d;
}
/** Temporary directories made so far (removed when the run ends). */
export const allTempDirs = (): readonly string[] => tmpDirs;

export function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
}
/** Run when the benchmark ends (mirrors, proxies). */
export const closers: Array<() => Promise<void>> = [];

// ------------------------------------------------------------------ rows

export interface Row {
  name: string;
  suite: string;
  raw: string;
  /** Which registry the timed variants talk to: the loopback test bed, or the test bed behind the latency proxy. */
  net: 'loopback' | 'latency';
  suiteMs?: number;
  rawMs?: number;
  /** suite / raw; lower is better. */
  target?: number;
  note?: string;
  /** What bounds the ratio (measured fixed costs, registry traffic), printed under Targets. */
  limit?: string;
  samples?: { suite: number[]; raw: number[] };
}

export const ROWS: Row[] = [];

/**
 * Where the timed variants reach the registry. Loopback: the test bed's registry itself. Latency: the same registry
 * behind a fault proxy that delays every request (its records say what each sample sent). Staging and checks always
 * go straight to the test bed's registry, untimed; image references of the timed variants name `host`.
 */
export interface Net {
  kind: 'loopback' | 'latency';
  /** Registry host for the image references the timed variants get. */
  host: string;
  rounds: number;
  /** Appended to row names (empty for loopback rows). */
  suffix: string;
  /** The latency proxy (latency rows only): its records say what each sample sent to the registry. */
  proxy?: FaultProxy;
  /** Where latency rows write every sample's request records (--trace DIR). */
  traceDir?: string;
}

// ------------------------------------------------------------------ shared fixtures (built once, never timed)

export const slugOf = (platform: string) => platform.replace(/\//g, '-');
export const GITHUB_ENV = githubTagEnv('v1.2.3');

/** Legs in a source repository, with the hand-off records build-by-digest wrote for them. */
export interface Legs {
  srcRepo: string;
  handoff: string;
  digests: Record<string, string>;
  /** Platforms built with sbom: false (the generator could not run for them). */
  noSbom: string[];
}

export const SAMPLE_PLATFORMS = ['linux/amd64', 'linux/arm64'];
/** Eight platforms a FROM scratch image builds for without emulation (no RUN step). */
export const SCRATCH_PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/arm/v6', 'linux/386', 'linux/ppc64le', 'linux/s390x', 'linux/riscv64'];

/** The sample app's two legs (arm64 under qemu), built once through the bundled build-by-digest. */
export const sampleLegs = once(async (): Promise<Legs> => {
  const tb = testbed();
  log('building the sample app legs once (bundled build-by-digest, linux/amd64 + linux/arm64)…');
  const srcRepo = `moam-bench/${uniqueName('src')}`;
  const legs = await buildLegs(`${tb.registry}/${srcRepo}`, SAMPLE_PLATFORMS);
  return { srcRepo, ...legs, noSbom: [] };
});

/** A FROM scratch image (one COPY) built once for SCRATCH_PLATFORMS through the bundled build-by-digest, 4 at a time. */
export const scratchLegs = once(async (): Promise<Legs> => {
  const tb = testbed();
  log(`building a FROM scratch image once for ${SCRATCH_PLATFORMS.length} platforms (bundled build-by-digest, provenance + sbom)…`);
  const context = await tempDir('scratch');
  await writeFile(path.join(context, 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /hello.txt\n');
  await writeFile(path.join(context, 'hello.txt'), 'hello from moam-bench\n');
  const srcRepo = `moam-bench/${uniqueName('scratch')}`;
  const handoff = await tempDir('handoff');
  const digests: Record<string, string> = {};
  const noSbom: string[] = [];
  const buildOne = async (platform: string) => {
    const build = (sbom: Record<string, string>) =>
      runBundledAction('build-by-digest', { inputs: { images: `${tb.registry}/${srcRepo}`, platform, context, ...sbom }, env: { MOAM_HANDOFF_DIR: handoff, ...GITHUB_ENV } });
    let r = await build({ 'sbom-generator': tb.sbomGenerator });
    if (r.exitCode !== 0) {
      log(`  ${platform}: the build with an SBOM failed; building it with sbom: false`);
      noSbom.push(platform);
      r = await build({ sbom: 'false' });
    }
    if (r.exitCode !== 0) throw new Error(`build-by-digest ${platform} failed:\n${r.stdout.slice(-3000)}`);
    digests[platform] = r.outputs.digest as string;
  };
  for (let i = 0; i < SCRATCH_PLATFORMS.length; i += 4) await Promise.all(SCRATCH_PLATFORMS.slice(i, i + 4).map(buildOne));
  return { srcRepo, handoff, digests, noSbom };
});

/** The signing material; the first (uncounted) warm-up run of an action installs cosign into its shared tool cache. */
export const cosignKit = once(async (): Promise<CosignKit> => {
  const kit = await startCosignKit(testbed().cosign, await tempDir('cosign'));
  closers.push(kit.close);
  return kit;
});

/**
 * Copies `platforms`' legs into a fresh repository (straight to the test bed's registry) and writes their hand-off
 * records, naming the image under `host`, into a fresh hand-off directory, plus a directory of empty files named after
 * the digests (the raw recipe's hand-off).
 */
export async function stageLegs(legs: Legs, platforms: readonly string[], prefix: string, host = testbed().registry) {
  const tb = testbed();
  const repo = `moam-bench/${uniqueName(prefix)}`;
  const handoff = await tempDir('handoff');
  const digestsDir = await tempDir('digests');
  for (const platform of platforms) {
    const digest = legs.digests[platform];
    if (!digest) throw new Error(`no leg for ${platform}`);
    await copyByDigest(tb.registry, legs.srcRepo, repo, digest);
    const slug = slugOf(platform);
    const record = JSON.parse(await readFile(path.join(legs.handoff, `digests-${slug}`, `${slug}.json`), 'utf8')) as Record<string, unknown>;
    await mkdir(path.join(handoff, `digests-${slug}`));
    await writeFile(path.join(handoff, `digests-${slug}`, `${slug}.json`), JSON.stringify({ ...record, digest, images: [`${host}/${repo}`] }));
    await writeFile(path.join(digestsDir, digest.slice('sha256:'.length)), '');
  }
  return { repo, image: `${host}/${repo}`, handoff, digestsDir };
}

/**
 * A new, unsigned index of `platforms`' legs in a fresh repository (`imagetools create` straight to the test bed's
 * registry, distinct index annotation); `image` names it under `host`.
 */
export async function freshIndex(legs: Legs, platforms: readonly string[], prefix: string, round: string, host = testbed().registry): Promise<{ repo: string; image: string; digest: string }> {
  const tb = testbed();
  const repo = `moam-bench/${uniqueName(prefix)}`;
  const sources = platforms.map((p) => `${tb.registry}/${legs.srcRepo}@${legs.digests[p] ?? ''}`);
  await run('docker', ['buildx', 'imagetools', 'create', '--annotation', `index:org.example.moam-bench.round=${round}`, '-t', `${tb.registry}/${repo}:src`, ...sources]);
  const digest = await tagDigest(tb.registry, repo, 'src');
  if (!digest) throw new Error(`imagetools create did not publish ${tb.registry}/${repo}:src`);
  return { repo, image: `${host}/${repo}`, digest };
}

/** A fresh index signed by the raw recipe's `cosign sign --recursive` through `host` (untimed). */
export async function signedIndex(legs: Legs, platforms: readonly string[], prefix: string, host = testbed().registry) {
  const kit = await cosignKit();
  const idx = await freshIndex(legs, platforms, prefix, prefix, host);
  await rawBash([rawSignLine(kit, idx.image, idx.digest)], 'cosign sign');
  return idx;
}

/** Runs a raw recipe as one `bash -c` step; fails unless it exits 0 and printed `oks` "ok <digest>" lines (verifications). */
export async function rawBash(lines: readonly string[], what: string, oks = 0): Promise<number> {
  const r = await timedSpawn('bash', ['-c', ['set -euo pipefail', ...lines].join('\n')], { env: { ...process.env, ...GITHUB_ENV } });
  if (r.exitCode !== 0) throw new Error(`raw ${what} failed:\n${r.stderr.slice(-3000)}`);
  const verified = r.stdout.split('\n').filter((l) => l.startsWith('ok sha256:')).length;
  if (verified !== oks) throw new Error(`raw ${what} verified ${verified} digests, expected ${oks}:\n${r.stdout.slice(-2000)}`);
  return r.totalMs;
}

/** Runs a bundled action with the release tag's GitHub env; fails unless it exits 0. */
export async function action(name: string, inputs: Record<string, string>, env: Record<string, string>) {
  const r = await runBundledAction(name, { inputs, env: { ...GITHUB_ENV, ...env } });
  if (r.exitCode !== 0) throw new Error(`${name} failed:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-1000)}`);
  return r;
}

export const sigTagCount = async (repo: string) => (await registryTags(testbed().registry, repo)).filter((t) => t.endsWith('.sig')).length;

/** Fails unless the action took cosign from the shared tool cache (the warm-up installed it). */
export function assertToolCacheHit(name: string, stdout: string): void {
  if (!/cosign [\d.]+ \(tool cache/.test(stdout)) throw new Error(`${name} did not take cosign from the tool cache:\n${stdout.slice(-2000)}`);
}

/** Fixed costs measured once against a signed sample index (loopback); they bound the sign and verify ratios. */
export const costs = once(async (): Promise<FixedCosts> => {
  const kit = await cosignKit();
  const idx = await signedIndex(await sampleLegs(), SAMPLE_PLATFORMS, 'costs');
  log('measuring fixed costs (bundle start, cosign version, cosign public-key, one cosign verify, imagetools inspect, hashing cosign)…');
  return fixedCosts(kit, `${idx.image}@${idx.digest}`, repoRoot, await tempDir('costs'));
});

/** merge-manifest, sign-recursive and verify on staged legs, in sequence; returns the step times. */
export async function releaseChain(kit: CosignKit, p: { image: string; handoff: string }, platforms: readonly string[], require: Record<string, string>) {
  const t0 = performance.now();
  const m = await action('merge-manifest', { images: p.image, platforms: platforms.join(',') }, { MOAM_HANDOFF_DIR: p.handoff });
  const digest = m.outputs.digest as string;
  const t1 = performance.now();
  const s = await action('sign-recursive', { images: p.image, digest, ...kit.signInputs }, kit.actionEnv);
  if ((JSON.parse(s.outputs.signed as string) as Array<{ status: string }>).some((x) => x.status !== 'signed')) throw new Error('sign-recursive skipped digests of a fresh index');
  const t2 = performance.now();
  const v = await action('verify', { image: `${p.image}@${digest}`, platforms: platforms.join(','), ...kit.verifyInputs, ...require }, kit.actionEnv);
  if (v.outputs.verified !== 'true') throw new Error(`verify did not verify ${p.image}@${digest}`);
  const t3 = performance.now();
  return { merge: t1 - t0, sign: t2 - t1, verify: t3 - t2, total: t3 - t0 };
}
