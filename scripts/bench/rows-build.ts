// the build leg: build-by-digest (OCI layout pushed by digest by our client) against `docker buildx build --push`
// (info only, no target; BuildKit cache warm for both).
import { githubTagEnv, runBundledAction, testbed, uniqueName } from '../../packages/testkit/src/index.ts';
import { type Net, ROWS, log, tempDir } from './context.ts';
import { alternate, median, timedSpawn } from './measure.ts';

export async function benchBuild(net: Net): Promise<void> {
  const tb = testbed();
  const env = githubTagEnv('v1.2.3');
  const prepare = async () => ({ repo: `moam-bench/${uniqueName('build')}`, handoff: await tempDir('handoff') });
  const suite = async (p: Awaited<ReturnType<typeof prepare>>) => {
    const started = performance.now();
    const r = await runBundledAction('build-by-digest', {
      inputs: { images: `${net.host}/${p.repo}`, platform: 'linux/amd64', context: tb.sampleApp, 'build-args': `BUSYBOX_IMAGE=${tb.busyboxImage}`, 'sbom-generator': tb.sbomGenerator },
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
      `--build-arg=BUSYBOX_IMAGE=${tb.busyboxImage}`, `--tag=${net.host}/${p.repo}:raw`, '--push', tb.sampleApp,
    ], { env: { ...process.env, ...env } });
    if (r.exitCode !== 0) throw new Error(`raw buildx build failed:\n${r.stderr.slice(-2000)}`);
    return r.totalMs;
  };
  log(`build${net.suffix}: warm-up (not counted)`);
  await suite(await prepare());
  await raw(await prepare());
  const samples = await alternate(net.rounds, () => prepare(), suite, raw, log);
  ROWS.push({
    name: `build leg (linux/amd64)${net.suffix}`,
    net: net.kind,
    suite: 'build-by-digest (OCI layout pushed by digest by our client, record hand-off)',
    raw: '`docker buildx build --push` (tag; push-by-digest is refused by the docker driver)',
    suiteMs: median(samples.suite),
    rawMs: median(samples.raw),
    note: 'info only, no target; BuildKit cache warm for both',
    samples,
  });
}
