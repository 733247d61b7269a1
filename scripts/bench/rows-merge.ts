// merge-manifest vs `docker buildx imagetools create` + `imagetools inspect` (Docker's "Distribute build across
// multiple runners"), on the loopback registry and through the latency proxy.
import { runBundledAction, testbed } from '../../packages/testkit/src/index.ts';
import { GITHUB_ENV, type Net, ROWS, SAMPLE_PLATFORMS, log, sampleLegs, shq, stageLegs } from './context.ts';
import { tally, trafficLimit, trafficNote } from './latency.ts';
import { alternate, median, timedSpawn } from './measure.ts';
import { sameIndex, tagDigest } from './registry.ts';

export async function benchMerge(net: Net): Promise<void> {
  const tb = testbed();
  const legs = await sampleLegs();
  const env = GITHUB_ENV;
  const t = tally(net);

  // Each sample gets its own repository holding copies of the legs, so both variants push 4 new tags.
  const prepare = () => stageLegs(legs, SAMPLE_PLATFORMS, 'merge', net.host);

  let annotations: string[] = [];
  let suiteDigest = '';
  let suiteRepo = '';
  const suite = async (p: Awaited<ReturnType<typeof prepare>>) => {
    const started = performance.now();
    const r = await runBundledAction('merge-manifest', { inputs: { images: p.image, platforms: SAMPLE_PLATFORMS.join(',') }, env: { MOAM_HANDOFF_DIR: p.handoff, ...env } });
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

  log(`merge${net.suffix}: warm-up (not counted)`);
  await suite(await prepare());
  await raw(await prepare());
  const samples = await alternate(net.rounds, () => prepare(), t.suite(suite), t.raw(raw), log);
  const traffic = t.summary();
  await t.writeTrace('merge');
  const target = net.kind === 'latency' ? 1.1 : 1.05;
  const same = await sameIndex(tb.registry, { repo: suiteRepo, digest: suiteDigest }, { repo: rawRepo, digest: rawDigest });
  ROWS.push({
    name: `merge${net.suffix}`,
    net: net.kind,
    suite: 'merge-manifest (records + registry checks, imagetools create, published-index checks)',
    raw: '`docker buildx imagetools create` + `imagetools inspect`',
    suiteMs: median(samples.suite),
    rawMs: median(samples.raw),
    target,
    note: traffic ? `${same}; ${trafficNote(traffic)}` : same,
    ...(traffic ? { limit: trafficLimit(traffic, target) } : {}),
    samples,
  });
}
