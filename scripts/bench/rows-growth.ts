// growth: merge-manifest + sign-recursive + verify on 8 platforms against the same three actions on 2 (the suite
// compared with itself, loopback only): what each added platform costs.
import { type Net, ROWS, SCRATCH_PLATFORMS, cosignKit, log, releaseChain, scratchLegs, stageLegs } from './context.ts';
import { alternate, fmtMs, median } from './measure.ts';

export async function benchGrowth(net: Net): Promise<void> {
  const kit = await cosignKit();
  const legs = await scratchLegs();
  const two = SCRATCH_PLATFORMS.slice(0, 2);
  const require: Record<string, string> = legs.noSbom.length > 0 ? { 'require-attestations': 'provenance' } : {};
  const steps = { suite: [] as Array<Record<string, number>>, raw: [] as Array<Record<string, number>> };
  const prepare = (v: 'suite' | 'raw') => stageLegs(legs, v === 'suite' ? SCRATCH_PLATFORMS : two, 'growth', net.host);
  const chain = (v: 'suite' | 'raw') => async (p: Awaited<ReturnType<typeof prepare>>) => {
    const t = await releaseChain(kit, p, v === 'suite' ? SCRATCH_PLATFORMS : two, require);
    steps[v].push(t);
    return t.total;
  };
  log(`growth${net.suffix}: warm-up (not counted)`);
  await chain('suite')(await prepare('suite'));
  await chain('raw')(await prepare('raw'));
  steps.suite.length = 0;
  steps.raw.length = 0;
  const samples = await alternate(net.rounds, (v) => prepare(v), chain('suite'), chain('raw'), log);
  const step = (k: string) => `${k} ${fmtMs(median(steps.raw.map((s) => s[k] ?? NaN)))} → ${fmtMs(median(steps.suite.map((s) => s[k] ?? NaN)))}`;
  ROWS.push({
    name: `growth (8 vs 2 platforms)${net.suffix}`,
    net: net.kind,
    suite: `merge-manifest + sign-recursive + verify, ${SCRATCH_PLATFORMS.length} platforms (${SCRATCH_PLATFORMS.map((p) => p.replace('linux/', '')).join(', ')}; FROM scratch)`,
    raw: 'the same three actions, 2 platforms (amd64, arm64)',
    suiteMs: median(samples.suite),
    rawMs: median(samples.raw),
    target: 2.0,
    note: `step medians 2 → 8 platforms: ${['merge', 'sign', 'verify'].map(step).join('; ')}${legs.noSbom.length ? `; no SBOM for ${legs.noSbom.join(', ')}` : ''}`,
    limit: `≈ ${fmtMs((median(samples.suite) - median(samples.raw)) / (SCRATCH_PLATFORMS.length - two.length))} per added platform on top of fixed per-action costs that do not grow; the 8-platform index has 17 digests to sign and 9 to verify, against 5 and 3`,
    samples,
  });
}
