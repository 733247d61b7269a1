// verify vs `cosign verify` per digest (the index, then each platform manifest from `imagetools inspect --raw`,
// sequentially, as scripts/verify-signature.sh does it), for 2 and 8 platforms, on the loopback registry and through
// the latency proxy.
import os from 'node:os';
import { runBundledAction } from '../../packages/testkit/src/index.ts';
import { GITHUB_ENV, type Net, ROWS, SAMPLE_PLATFORMS, SCRATCH_PLATFORMS, assertToolCacheHit, cosignKit, costs, log, rawBash, sampleLegs, scratchLegs, signedIndex } from './context.ts';
import { rawVerifyLines } from './cosign.ts';
import { tally, trafficLimit, trafficNote } from './latency.ts';
import { alternate, fmtMs, median } from './measure.ts';

export async function benchVerify(n: 2 | 8, net: Net): Promise<void> {
  const kit = await cosignKit();
  const legs = n === 2 ? await sampleLegs() : await scratchLegs();
  const platforms = n === 2 ? SAMPLE_PLATFORMS : SCRATCH_PLATFORMS;
  // Signed through the same registry name the timed variants use (untimed).
  const idx = await signedIndex(legs, platforms, `verify${n}`, net.host);
  const require: Record<string, string> = legs.noSbom.length > 0 ? { 'require-attestations': 'provenance' } : {};
  const t = tally(net);
  let digests = 0;
  let warm = false;
  const suite = async () => {
    const started = performance.now();
    const r = await runBundledAction('verify', { inputs: { image: `${idx.image}@${idx.digest}`, platforms: platforms.join(','), ...kit.verifyInputs, ...require }, env: { ...GITHUB_ENV, ...kit.actionEnv } });
    const ms = performance.now() - started;
    if (r.exitCode !== 0 || r.outputs.verified !== 'true') throw new Error(`verify failed:\n${r.stdout.slice(-3000)}`);
    if (warm) assertToolCacheHit('verify', r.stdout);
    digests = (JSON.parse(r.outputs.report as string) as { digests: unknown[] }).digests.length;
    return ms;
  };
  const raw = () => rawBash(rawVerifyLines(kit, idx.image, idx.digest), 'cosign verify', n + 1);
  log(`verify (${n} platforms)${net.suffix}: warm-up (not counted)`);
  await suite();
  warm = true;
  await raw();
  const samples = await alternate(net.rounds, async () => undefined, t.suite(suite), t.raw(raw), log);
  const traffic = t.summary();
  await t.writeTrace(`verify${n}`);
  const c = await costs();
  const fixed = c.bundleStart.verify + c.hashCosign;
  const cpus = os.availableParallelism();
  const rawMs = median(samples.raw);
  const target = net.kind === 'latency' ? (n === 2 ? 0.8 : 0.5) : n === 2 ? 0.6 : 0.3;
  const note = `${digests} digests verified by each; the suite runs its cosign verify processes concurrently${legs.noSbom.length ? `; no SBOM for ${legs.noSbom.join(', ')}` : ''}`;
  ROWS.push({
    name: `verify (${n} platforms)${net.suffix}`,
    net: net.kind,
    suite: `verify (key, insecure-ignore-tlog; index + ${n} platform manifests, ${legs.noSbom.length ? 'provenance' : 'provenance + sbom'} checked)`,
    raw: '`cosign verify --key … --insecure-ignore-tlog` on the index, then on each platform manifest from `imagetools inspect --raw`, sequentially',
    suiteMs: median(samples.suite),
    rawMs,
    target,
    note: traffic ? `${note}; ${trafficNote(traffic)}` : note,
    limit: traffic
      ? `the suite spends ${fmtMs(fixed)} before its first verify on loopback (bundle start ${fmtMs(c.bundleStart.verify)}, re-hash of the cached cosign ${fmtMs(c.hashCosign)}), then runs ${n + 1} cosign processes on ${cpus} CPUs; ${trafficLimit(traffic, target)}`
      : `key-based and without Rekor, one \`cosign verify\` against the loopback registry takes ${fmtMs(c.cosignVerifyOne)}, so the whole raw loop (imagetools inspect ${fmtMs(c.imagetoolsInspectRaw)} + ${n + 1} verifies) ` +
        `takes ${fmtMs(rawMs)} and concurrency has little to win; the suite spends ${fmtMs(fixed)} before its first verify (bundle start ${fmtMs(c.bundleStart.verify)}, re-hash of the cached cosign ` +
        `${fmtMs(c.hashCosign)}, with the registry reads running meanwhile), already ${(fixed / rawMs).toFixed(2)}× of the raw median against a target of ${target.toFixed(2)}×, then runs ${n + 1} cosign processes on ${cpus} CPUs. ` +
        `Even with free verifies the target needs a raw loop of ≥ ${fmtMs(fixed / target)}, i.e. ≥ ${fmtMs((fixed / target - c.imagetoolsInspectRaw) / (n + 1))} per cosign verify (a remote registry, Rekor, keyless certificate checks)`,
    samples,
  });
}
