// npm run bench [-- --rounds 5 --only merge,cold,build]
//
// Runs the suite's bundled actions and the raw recipe they replace (the same buildx/cosign commands as plain shell
// steps, as in Docker's docs) side by side on the test bed's registry, alternating which goes first, and prints the
// medians and ratios. Writes scripts/bench/RESULTS.md with the machine, the date and which targets are met.
//
// Rows to come (sign-recursive, verify, the whole pipeline, growth with the number of platforms) are listed in TODO_ROWS
// and reported as "not measured yet"; add a measure function next to the others and move the row into ROWS.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildLegs, githubTagEnv, repoRoot, runBundledAction, testbed, uniqueName } from '../packages/testkit/src/index.ts';
import { alternate, fmtMs, median, timedSpawn } from './bench/measure.ts';
import { copyByDigest, sameIndex, tagDigest } from './bench/registry.ts';

const run = promisify(execFile);

// ------------------------------------------------------------------ options and environment

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i !== -1 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}
const ROUNDS = Math.max(1, Number(option('rounds', process.env.BENCH_ROUNDS ?? '5')) || 5);
const ONLY = new Set(option('only', 'merge,cold,build').split(',').map((s) => s.trim()));
const RESULTS = path.join(repoRoot, 'scripts', 'bench', 'RESULTS.md');

/** The test bed's variables (MOAM_*, PATH, DOCKER_HOST) when the caller did not source them. */
async function loadTestbedEnv(): Promise<void> {
  if (process.env.MOAM_REGISTRY) return;
  const { stdout } = await run('bash', [path.join(repoRoot, 'scripts', 'testbed.sh'), 'env']);
  for (const line of stdout.split('\n')) {
    const m = /^export ([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    const raw = m[2] as string;
    process.env[m[1] as string] = raw.startsWith("'") && raw.endsWith("'") ? raw.slice(1, -1).replace(/'\\''/g, "'") : raw;
  }
  if (!process.env.MOAM_REGISTRY) throw new Error('the test bed is not set up: run bash scripts/testbed.sh up first');
}

const log = (line: string) => process.stdout.write(`${line}\n`);
const shq = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
const tmpDirs: string[] = [];
async function tempDir(prefix: string): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), `moam-bench-${prefix}-`));
  tmpDirs.push(d);
  return d;
}

// ------------------------------------------------------------------ rows

interface Row {
  name: string;
  suite: string;
  raw: string;
  suiteMs?: number;
  rawMs?: number;
  /** suite / raw; lower is better. */
  target?: number;
  note?: string;
  samples?: { suite: number[]; raw: number[] };
}

const ROWS: Row[] = [];

/** Rows the suite will measure once the actions exist; printed as "not measured yet". */
const TODO_ROWS: ReadonlyArray<Pick<Row, 'name' | 'suite' | 'raw' | 'note'>> = [
  { name: 'sign', suite: 'sign-recursive (index + every manifest, key-based)', raw: '`cosign sign --recursive` (key-based)', note: 'TODO: needs a sign-recursive run on the test bed' },
  { name: 'verify', suite: 'verify (index + each platform, attestations)', raw: '`cosign verify` + `cosign verify-attestation` per digest', note: 'TODO' },
  { name: 'pipeline', suite: 'build-by-digest ×2 + merge-manifest + sign-recursive + verify', raw: 'the same as plain shell steps', note: 'TODO' },
  { name: 'growth', suite: 'merge-manifest with 2, 4, 8 platforms', raw: '`imagetools create` with 2, 4, 8 sources', note: 'TODO: time per added platform' },
];

// merge-manifest vs imagetools create + inspect ------------------------------------------------

async function benchMerge(): Promise<void> {
  const tb = testbed();
  log('merge: building the two legs once (bundled build-by-digest)…');
  const srcRepo = `moam-bench/${uniqueName('src')}`;
  const legs = await buildLegs(`${tb.registry}/${srcRepo}`, ['linux/amd64', 'linux/arm64']);
  const digests = Object.values(legs.digests);
  const env = githubTagEnv('v1.2.3');

  // Each sample gets its own repository holding copies of the legs, so both variants push 4 new tags.
  const prepare = async () => {
    const repo = `moam-bench/${uniqueName('merge')}`;
    for (const d of digests) await copyByDigest(tb.registry, srcRepo, repo, d);
    const handoff = await tempDir('handoff');
    for (const [platform, digest] of Object.entries(legs.digests)) {
      const slug = platform.replace('/', '-');
      const file = path.join(legs.handoff, `digests-${slug}`, `${slug}.json`);
      const record = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      await mkdir(path.join(handoff, `digests-${slug}`));
      await writeFile(path.join(handoff, `digests-${slug}`, `${slug}.json`), JSON.stringify({ ...record, digest, images: [`${tb.registry}/${repo}`] }));
    }
    const digestsDir = await tempDir('digests');
    for (const d of digests) await writeFile(path.join(digestsDir, d.slice('sha256:'.length)), '');
    return { repo, image: `${tb.registry}/${repo}`, handoff, digestsDir };
  };

  let annotations: string[] = [];
  let suiteDigest = '';
  let suiteRepo = '';
  const suite = async (p: Awaited<ReturnType<typeof prepare>>) => {
    const started = performance.now();
    const r = await runBundledAction('merge-manifest', { inputs: { images: p.image, platforms: 'linux/amd64,linux/arm64' }, env: { MOAM_HANDOFF_DIR: p.handoff, ...env } });
    const ms = performance.now() - started;
    if (r.exitCode !== 0) throw new Error(`merge-manifest failed:\n${r.stdout.slice(-3000)}`);
    suiteDigest = r.outputs.digest as string;
    suiteRepo = p.repo;
    const index = JSON.parse(r.outputs.manifest as string) as { annotations?: Record<string, string> };
    annotations = Object.entries(index.annotations ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `index:${k}=${v}`);
    return ms;
  };
  // Docker's docs ("Distribute build across multiple runners"), with the same index annotations as the action so
  // both publish the same index.
  let rawDigest = '';
  let rawRepo = '';
  const raw = async (p: Awaited<ReturnType<typeof prepare>>) => {
    const tags = ['1.2.3', '1.2', '1', 'latest'].map((t) => `-t ${shq(`${p.image}:${t}`)}`).join(' ');
    const script = [
      'set -euo pipefail',
      `cd ${shq(p.digestsDir)}`,
      `docker buildx imagetools create ${annotations.map((a) => `--annotation ${shq(a)}`).join(' ')} ${tags} $(printf '${p.image}@sha256:%s ' *)`,
      `docker buildx imagetools inspect ${shq(`${p.image}:1.2.3`)}`,
    ].join('\n');
    const r = await timedSpawn('bash', ['-c', script], { env: { ...process.env, ...env } });
    if (r.exitCode !== 0) throw new Error(`raw imagetools failed:\n${r.stderr.slice(-2000)}`);
    rawDigest = (await tagDigest(tb.registry, p.repo, '1.2.3')) ?? '';
    rawRepo = p.repo;
    return r.totalMs;
  };

  log('merge: warm-up (not counted)');
  await suite(await prepare());
  await raw(await prepare());
  const samples = await alternate(ROUNDS, () => prepare(), suite, raw, log);
  ROWS.push({
    name: 'merge',
    suite: 'merge-manifest (records + registry checks, imagetools create, published-index checks)',
    raw: '`docker buildx imagetools create` + `imagetools inspect`',
    suiteMs: median(samples.suite),
    rawMs: median(samples.raw),
    target: 1.05,
    note: await sameIndex(tb.registry, { repo: suiteRepo, digest: suiteDigest }, { repo: rawRepo, digest: rawDigest }),
    samples,
  });
}

// cold start -------------------------------------------------------------------------------------

async function benchColdStart(): Promise<void> {
  const dir = await tempDir('cold');
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('INPUT_')) env[k] = v;
  Object.assign(env, { GITHUB_OUTPUT: path.join(dir, 'output'), GITHUB_STEP_SUMMARY: path.join(dir, 'summary'), RUNNER_TEMP: dir, GITHUB_WORKSPACE: repoRoot });
  await writeFile(env.GITHUB_OUTPUT as string, '');
  await writeFile(env.GITHUB_STEP_SUMMARY as string, '');
  for (const action of ['build-by-digest', 'merge-manifest', 'sign-recursive', 'verify']) {
    log(`cold start: ${action} (no inputs: fails on input validation)`);
    const bundle = path.join(repoRoot, 'actions', action, 'dist', 'index.js');
    const suite = async () => {
      const r = await timedSpawn(process.execPath, [bundle], { env, cwd: repoRoot });
      if (r.firstByteMs === undefined) throw new Error(`${action} printed nothing`);
      return r.firstByteMs;
    };
    const raw = async () => (await timedSpawn(process.execPath, ['-e', ''], { env, cwd: repoRoot })).totalMs;
    await suite();
    await raw();
    const samples = await alternate(Math.max(ROUNDS, 5), async () => undefined, suite, raw, log);
    ROWS.push({ name: `cold start: ${action}`, suite: `${action} bundle, process start to first stdout byte`, raw: "`node -e ''`, start to exit", suiteMs: median(samples.suite), rawMs: median(samples.raw), target: 2.0, samples });
  }
}

// the build leg ----------------------------------------------------------------------------------

async function benchBuild(): Promise<void> {
  const tb = testbed();
  const env = githubTagEnv('v1.2.3');
  const prepare = async () => ({ repo: `moam-bench/${uniqueName('build')}`, handoff: await tempDir('handoff') });
  const suite = async (p: Awaited<ReturnType<typeof prepare>>) => {
    const started = performance.now();
    const r = await runBundledAction('build-by-digest', {
      inputs: { images: `${tb.registry}/${p.repo}`, platform: 'linux/amd64', context: tb.sampleApp, 'build-args': `BUSYBOX_IMAGE=${tb.busyboxImage}`, 'sbom-generator': tb.sbomGenerator },
      env: { MOAM_HANDOFF_DIR: p.handoff, ...env },
    });
    const ms = performance.now() - started;
    if (r.exitCode !== 0) throw new Error(`build-by-digest failed:\n${r.stdout.slice(-3000)}`);
    return ms;
  };
  // Docker's docs push by digest (--output type=image,push-by-digest=true,…), which the docker driver refuses
  // ("push-by-digest is currently not implemented for docker driver"): the raw step that works on this builder pushes a tag.
  const raw = async (p: Awaited<ReturnType<typeof prepare>>) => {
    const r = await timedSpawn('docker', [
      'buildx', 'build', '--platform=linux/amd64', '--provenance=mode=max', `--attest=type=sbom,generator=${tb.sbomGenerator}`,
      `--build-arg=BUSYBOX_IMAGE=${tb.busyboxImage}`, `--tag=${tb.registry}/${p.repo}:raw`, '--push', tb.sampleApp,
    ], { env: { ...process.env, ...env } });
    if (r.exitCode !== 0) throw new Error(`raw buildx build failed:\n${r.stderr.slice(-2000)}`);
    return r.totalMs;
  };
  log('build: warm-up (not counted)');
  await suite(await prepare());
  await raw(await prepare());
  const samples = await alternate(ROUNDS, () => prepare(), suite, raw, log);
  ROWS.push({
    name: 'build leg (linux/amd64)',
    suite: 'build-by-digest (OCI layout pushed by digest by our client, record hand-off)',
    raw: '`docker buildx build --push` (tag; push-by-digest is refused by the docker driver)',
    suiteMs: median(samples.suite),
    rawMs: median(samples.raw),
    note: 'info only, no target; BuildKit cache warm for both',
    samples,
  });
}

// ------------------------------------------------------------------ report

async function version(file: string, args: string[]): Promise<string> {
  try {
    return (await run(file, args)).stdout.trim().split('\n')[0] ?? '';
  } catch {
    return 'unknown';
  }
}

async function machine(): Promise<Array<[string, string]>> {
  const prefixVersions = await readFile(path.join(process.env.MOAM_TESTBED_PREFIX ?? '/opt/moam-testbed/root', '.moam-testbed-versions'), 'utf8').catch(() => '');
  const pkg = (name: string) => new RegExp(`^${name} (\\S+)`, 'm').exec(prefixVersions)?.[1] ?? 'unknown';
  return [
    ['CPU', `${os.cpus()[0]?.model ?? 'unknown'} × ${os.availableParallelism()} (nproc)`],
    ['Memory', `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`],
    ['Kernel', `${os.type()} ${os.release()} ${os.arch()}`],
    ['Node', process.version],
    ['Docker', await version('docker', ['version', '--format', '{{.Server.Version}}'])],
    ['buildx', await version('docker', ['buildx', 'version'])],
    ['containerd', pkg('containerd')],
    ['cosign', pkg('cosign')],
    ['Registry', await version('/usr/bin/docker-registry', ['--version'])],
  ];
}

function status(r: Row): string {
  if (r.suiteMs === undefined || r.rawMs === undefined) return 'not measured yet';
  if (r.target === undefined) return 'info';
  return r.suiteMs / r.rawMs <= r.target ? 'met' : 'NOT met';
}

function ratio(r: Row): string {
  return r.suiteMs !== undefined && r.rawMs !== undefined ? `${(r.suiteMs / r.rawMs).toFixed(2)}×` : '–';
}

function table(rows: readonly Row[]): string[] {
  const lines = ['| Row | Suite | Raw recipe | Suite median | Raw median | Ratio | Target | Status | Note |', '|---|---|---|---:|---:|---:|---:|---|---|'];
  for (const r of rows) {
    lines.push(`| ${r.name} | ${r.suite} | ${r.raw} | ${r.suiteMs !== undefined ? fmtMs(r.suiteMs) : '–'} | ${r.rawMs !== undefined ? fmtMs(r.rawMs) : '–'} | ${ratio(r)} | ${r.target !== undefined ? `≤ ${r.target.toFixed(2)}×` : '–'} | ${status(r)} | ${r.note ?? ''} |`);
  }
  return lines;
}

async function writeResults(started: Date, finishedMs: number): Promise<void> {
  const rows: Row[] = [...ROWS, ...TODO_ROWS.map((t) => ({ ...t }))];
  const md = [
    '# Benchmark results',
    '',
    `Generated by \`npm run bench\` (scripts/bench.ts) on ${started.toISOString()}; ${ROUNDS} rounds per row, variants alternating which runs first; ${(finishedMs / 1000).toFixed(0)} s in all.`,
    'Every sample is a whole process, started the way the runner starts it (bundled actions: `node dist/index.js` with INPUT_* and the runner file commands; raw recipe: `bash -c` with the commands from Docker\'s docs).',
    '',
    '## Machine',
    '',
    '| | |',
    '|---|---|',
    ...(await machine()).map(([k, v]) => `| ${k} | ${v} |`),
    '',
    '## Results (medians; ratio = suite / raw, lower is better)',
    '',
    ...table(rows),
    '',
    '## Targets',
    '',
    ...rows.filter((r) => r.target !== undefined || r.suiteMs === undefined).map((r) => `- ${r.name}: ${status(r)}${r.target !== undefined && r.suiteMs !== undefined && r.rawMs !== undefined ? ` (${ratio(r)} against ≤ ${r.target.toFixed(2)}×)` : ''}`),
    '',
    '## Samples (ms)',
    '',
    ...ROWS.filter((r) => r.samples).map((r) => `- ${r.name}: suite ${r.samples?.suite.map((s) => Math.round(s)).join(', ')}; raw ${r.samples?.raw.map((s) => Math.round(s)).join(', ')}`),
    '',
  ].join('\n');
  await writeFile(RESULTS, md);
}

// ------------------------------------------------------------------ main

await loadTestbedEnv();
const started = new Date();
const t0 = performance.now();
try {
  if (ONLY.has('merge')) await benchMerge();
  if (ONLY.has('cold')) await benchColdStart();
  if (ONLY.has('build')) await benchBuild();
  log('');
  for (const line of table([...ROWS, ...TODO_ROWS.map((t) => ({ ...t }))])) log(line);
  await writeResults(started, performance.now() - t0);
  log(`\nwrote ${path.relative(process.cwd(), RESULTS)}`);
} finally {
  await Promise.all(tmpDirs.map((d) => rm(d, { recursive: true, force: true })));
}
