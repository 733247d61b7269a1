// npm run bench [-- FAMILY…] [--net loopback|latency] [--rounds 5] [--latency-rounds 5] [--write | --out FILE] [--trace DIR]
//
//   FAMILY: merge cold build sign verify growth pipeline (default: all; `--only merge,verify` also works)
//   --net            loopback rows only, or latency rows only (default: both; only merge, sign, verify, pipeline have latency rows)
//   --rounds         samples per variant of a loopback row (default 5, or BENCH_ROUNDS)
//   --latency-rounds samples per variant of a latency row (default: --rounds, or BENCH_LATENCY_ROUNDS)
//   --write          rewrite scripts/bench/RESULTS.md even though only a subset ran (a full run always rewrites it)
//   --out FILE       write the report there instead
//   --trace DIR      write every latency sample's request records to DIR/<row>.json
//   --help           this text
//
// Runs the suite's bundled actions and the raw recipe they replace (the same buildx/cosign commands as plain shell
// steps, as in Docker's and Sigstore's docs) side by side on the test bed's registry, alternating which goes first, and
// prints the medians and ratios: on the loopback registry, and through a proxy that delays every request 25 ms each way
// (scripts/bench/latency.ts), the way a runner reaches a remote registry. One file per row family: scripts/bench/rows-*.ts;
// shared fixtures: scripts/bench/context.ts; report: scripts/bench/report.ts.
import { readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '../packages/testkit/src/index.ts';
import { type Net, ROWS, allTempDirs, closers, log, run } from './bench/context.ts';
import { DELAY, latencyProxy } from './bench/latency.ts';
import { RESULTS, shortTable, writeResults } from './bench/report.ts';
import { benchBuild } from './bench/rows-build.ts';
import { benchColdStart } from './bench/rows-cold-start.ts';
import { benchGrowth } from './bench/rows-growth.ts';
import { benchMerge } from './bench/rows-merge.ts';
import { benchPipeline } from './bench/rows-pipeline.ts';
import { benchSign } from './bench/rows-sign.ts';
import { benchVerify } from './bench/rows-verify.ts';

type Family = (net: Net) => Promise<void>;
/** Row families in run order, and whether they have latency rows. */
const FAMILIES: Record<string, { run: Family; latency: boolean }> = {
  merge: { run: benchMerge, latency: true },
  cold: { run: benchColdStart, latency: false },
  build: { run: benchBuild, latency: false },
  sign: { run: benchSign, latency: true },
  verify: {
    run: async (net) => {
      await benchVerify(2, net);
      await benchVerify(8, net);
    },
    latency: true,
  },
  growth: { run: benchGrowth, latency: false },
  pipeline: { run: benchPipeline, latency: true },
};

// ------------------------------------------------------------------ options

const args = process.argv.slice(2);
const VALUED = new Set(['rounds', 'latency-rounds', 'only', 'net', 'out', 'trace']);
const opts = new Map<string, string>();
const positional: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i] as string;
  if (!a.startsWith('--')) positional.push(a);
  else if (VALUED.has(a.slice(2))) opts.set(a.slice(2), args[++i] ?? '');
  else opts.set(a.slice(2), 'true');
}
if (opts.has('help')) {
  const lines = readFileSync(new URL(import.meta.url), 'utf8').split('\n');
  const header = lines.slice(0, lines.findIndex((l) => !l.startsWith('//')));
  process.stdout.write(`${header.map((l) => l.replace(/^\/\/ ?/, '')).join('\n')}\n`);
  process.exit(0);
}
const unknown = [...opts.keys()].filter((k) => !VALUED.has(k) && k !== 'write');
const asked = [...positional, ...(opts.get('only')?.split(',') ?? [])].map((s) => s.trim()).filter(Boolean);
const bad = asked.filter((f) => !(f in FAMILIES));
if (unknown.length || bad.length) {
  process.stderr.write(`unknown ${unknown.length ? `option(s) --${unknown.join(', --')}` : `row family(ies) ${bad.join(', ')}`}; families: ${Object.keys(FAMILIES).join(' ')}\n`);
  process.exit(2);
}
const families = asked.length ? Object.keys(FAMILIES).filter((f) => asked.includes(f)) : Object.keys(FAMILIES);
const nets = new Set(opts.get('net')?.split(',') ?? ['loopback', 'latency']);
const count = (v: string | undefined, fallback: number) => Math.max(1, Number(v) || fallback);
const ROUNDS = count(opts.get('rounds') ?? process.env.BENCH_ROUNDS, 5);
const LATENCY_ROUNDS = count(opts.get('latency-rounds') ?? process.env.BENCH_LATENCY_ROUNDS, ROUNDS);
const complete = families.length === Object.keys(FAMILIES).length && nets.has('loopback') && nets.has('latency');
const out = opts.get('out') ? path.resolve(opts.get('out') as string) : complete || opts.has('write') ? RESULTS : undefined;
const traceDir = opts.get('trace') ? path.resolve(opts.get('trace') as string) : undefined;

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

// ------------------------------------------------------------------ main

await loadTestbedEnv();
if (traceDir) await mkdir(traceDir, { recursive: true });
const started = new Date();
const t0 = performance.now();
try {
  const loopback: Net = { kind: 'loopback', host: process.env.MOAM_REGISTRY as string, rounds: ROUNDS, suffix: '' };
  for (const name of families) {
    const family = FAMILIES[name] as (typeof FAMILIES)[string];
    if (nets.has('loopback')) await family.run(loopback);
    if (nets.has('latency') && family.latency) {
      const proxy = await latencyProxy();
      await family.run({ kind: 'latency', host: proxy.host, rounds: LATENCY_ROUNDS, suffix: `, ${DELAY.ms} ms latency`, proxy, ...(traceDir ? { traceDir } : {}) });
    }
  }
  log('');
  for (const line of shortTable(ROWS)) log(line);
  if (out) {
    await writeResults(ROWS, { started, finishedMs: performance.now() - t0, rounds: ROUNDS, latencyRounds: LATENCY_ROUNDS, families }, out);
    log(`\nwrote ${path.relative(process.cwd(), out)}`);
  } else log('\na subset ran: RESULTS.md left as it is (--write or --out FILE to write the report)');
} finally {
  await Promise.all(closers.map((c) => c()));
  await Promise.all(allTempDirs().map((d) => rm(d, { recursive: true, force: true })));
}
