// the whole pipeline: build-by-digest ×2 (parallel) + merge-manifest + sign-recursive + verify against Docker's
// "Distribute build across multiple runners" (a tag per leg) + `cosign sign --recursive` + a `cosign verify` per digest,
// on the loopback registry and through the latency proxy (the pushed image only: the base image and the SBOM
// generator image come from the loopback registry for both variants).
import { testbed, uniqueName } from '../../packages/testkit/src/index.ts';
import { type Net, ROWS, SAMPLE_PLATFORMS, action, cosignKit, log, rawBash, releaseChain, shq, sigTagCount, slugOf, tempDir } from './context.ts';
import { rawSignLine, rawVerifyLines } from './cosign.ts';
import { tally, trafficLimit, trafficNote } from './latency.ts';
import { alternate, fmtMs, median } from './measure.ts';
import { indexShape } from './registry.ts';

export async function benchPipeline(net: Net): Promise<void> {
  const tb = testbed();
  const kit = await cosignKit();
  const platforms = SAMPLE_PLATFORMS;
  const t = tally(net);
  const prepare = async () => {
    const repo = `moam-bench/${uniqueName('pipeline')}`;
    return { repo, image: `${net.host}/${repo}`, handoff: await tempDir('handoff'), work: await tempDir('pipeline') };
  };
  const steps: Array<Record<string, number>> = [];
  const published = { suite: '', raw: '' };
  /** What a sample published: the index's shape and the number of signatures (checked untimed after each sample). */
  const check = async (v: 'suite' | 'raw', repo: string) => {
    const shape = await indexShape(tb.registry, repo, '1.2.3');
    const sigs = await sigTagCount(repo);
    if (shape.platforms !== 2 || shape.attestations !== 2 || sigs !== 5) throw new Error(`${v} pipeline published ${JSON.stringify(shape)} with ${sigs} signatures`);
    published[v] = `${shape.platforms} platform + ${shape.attestations} attestation manifests, ${sigs} signatures`;
  };
  const suite = async (p: Awaited<ReturnType<typeof prepare>>) => {
    const t0 = performance.now();
    await Promise.all(
      platforms.map((platform) =>
        action('build-by-digest', { images: p.image, platform, context: tb.sampleApp, 'build-args': `BUSYBOX_IMAGE=${tb.busyboxImage}`, 'sbom-generator': tb.sbomGenerator }, { MOAM_HANDOFF_DIR: p.handoff }),
      ),
    );
    const build = performance.now() - t0;
    const rest = await releaseChain(kit, p, platforms, {});
    const ms = performance.now() - t0;
    steps.push({ build, ...rest });
    await check('suite', p.repo);
    return ms;
  };
  // Docker's "Distribute build across multiple runners" with a tag per leg (the docker driver refuses push-by-digest),
  // then Sigstore's cosign sign --recursive and a verify per digest.
  const raw = async (p: Awaited<ReturnType<typeof prepare>>) => {
    const builds = platforms.map((platform) => {
      const slug = slugOf(platform);
      return (
        `docker buildx build --platform=${platform} --provenance=mode=max --attest=type=sbom,generator=${shq(tb.sbomGenerator)} --build-arg=BUSYBOX_IMAGE=${shq(tb.busyboxImage)} ` +
        `--output=type=image,push=true,name=${shq(`${p.image}:build-${slug}`)} --metadata-file=meta-${slug}.json ${shq(tb.sampleApp)} & pids+=($!)`
      );
    });
    const tags = ['1.2.3', '1.2', '1', 'latest'].map((t) => `-t ${shq(`${p.image}:${t}`)}`).join(' ');
    const ms = await rawBash(
      [
        `cd ${shq(p.work)}`,
        'pids=()',
        ...builds,
        'for pid in "${pids[@]}"; do wait "$pid"; done',
        `docker buildx imagetools create ${tags} $(for f in meta-*.json; do printf '%s@%s ' ${shq(p.image)} "$(jq -r '.["containerimage.digest"]' "$f")"; done)`,
        `digest=$(docker buildx imagetools inspect ${shq(`${p.image}:1.2.3`)} --format '{{json .Manifest}}' | jq -r .digest)`,
        rawSignLine(kit, p.image, '"$digest"'),
        ...rawVerifyLines(kit, p.image, '"$digest"'),
      ],
      'pipeline',
      platforms.length + 1,
    );
    await check('raw', p.repo);
    return ms;
  };
  log(`pipeline${net.suffix}: warm-up (not counted; BuildKit cache warm for both)`);
  await suite(await prepare());
  await raw(await prepare());
  steps.length = 0;
  const samples = await alternate(net.rounds, () => prepare(), t.suite(suite), t.raw(raw), log);
  const traffic = t.summary();
  await t.writeTrace('pipeline');
  const step = (k: string) => `${k} ${fmtMs(median(steps.map((s) => s[k] ?? NaN)))}`;
  const target = net.kind === 'latency' ? 1.1 : 1.0;
  const note = `each publishes ${published.suite} (raw: ${published.raw}); suite step medians: ${['build', 'merge', 'sign', 'verify'].map(step).join(', ')}`;
  ROWS.push({
    name: `pipeline${net.suffix}`,
    net: net.kind,
    suite: 'build-by-digest ×2 (parallel) + merge-manifest + sign-recursive + verify',
    raw: '`buildx build --output type=image,push=true` per platform (parallel) + `imagetools create` + `cosign sign --recursive` + `cosign verify` per digest',
    suiteMs: median(samples.suite),
    rawMs: median(samples.raw),
    target,
    note: traffic ? `${note}; ${trafficNote(traffic)}` : note,
    limit:
      `the whole raw script takes ${fmtMs(median(samples.raw))}, while the suite's two parallel build-by-digest alone take ${fmtMs(median(steps.map((x) => x.build ?? NaN)))} (OCI-layout export, then our own push by digest, ` +
      `record hand-off: see the build-leg row) and merge-manifest, sign-recursive and verify add ${['merge', 'sign', 'verify'].map((k) => fmtMs(median(steps.map((x) => x[k] ?? NaN)))).join(' + ')}, ` +
      `each paying the fixed costs of the merge, sign and verify rows (a node bundle start, registry checks, the cosign re-hash)${traffic ? `; ${trafficLimit(traffic, target)}` : ''}`,
    samples,
  });
}
