// The workflow executor (packages/testkit/src/workflow) on the test bed: the REAL multi-arch.yml, called the
// way release.yml calls it, through the REAL committed bundles, with the artifact stand-in between the jobs,
// the OIDC stand-in (per-job claims) and the Fulcio stand-in for keyless signing, then verify.
//
// Two things differ from GitHub, both in a scratch repository (the real files are never edited):
// - the caller is a copy of release.yml's job with `image:` on the test bed's registry (release.yml publishes to
//   ghcr.io, which is not reachable offline);
// - offlineWiring() adds to our actions' steps the `with:` keys an offline run needs and multi-arch.yml does
//   not expose yet (SBOM generator image, Fulcio URL, no tlog, the cosign mirror), and only where a step does
//   not set them already. Delete it once the workflow has inputs for them.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMap, isSeq, parseDocument, type YAMLMap } from 'yaml';
import { registryTags, repoRoot, startCosignMirror, testbed, uniqueName } from '@moam/testkit';
import { startArtifactService, type ArtifactService } from '../../testkit/src/artifact-service.ts';
import { startFulcio, type FulcioStandIn } from '../../testkit/src/fulcio.ts';
import { startOidcService, type OidcService } from '../../testkit/src/oidc-service.ts';
import { dockerLogin, ownActions, runWorkflow, type RunWorkflowOptions } from '../../testkit/src/workflow/index.ts';

const tb = testbed();
const REPOSITORY = 'moam-project/multi-arch-of-madness';
const COSIGN = { 'cosign-version': '${{ vars.COSIGN_VERSION }}', 'cosign-sha256': '${{ vars.COSIGN_SHA256 }}', 'cosign-base-url': '${{ vars.COSIGN_BASE_URL }}' };
const OFFLINE: Record<string, Record<string, string>> = {
  'build-by-digest': { 'sbom-generator': '${{ vars.SBOM_GENERATOR }}' },
  'sign-recursive': { 'fulcio-url': '${{ vars.FULCIO_URL }}', 'tlog-upload': 'false', ...COSIGN },
  verify: { 'insecure-ignore-tlog': 'true', ...COSIGN },
};

/** multi-arch.yml with the offline-only `with:` keys added to our actions' steps (comments and all else kept). */
function offlineWiring(text: string): string {
  const doc = parseDocument(text);
  const jobs = doc.get('jobs') as YAMLMap;
  for (const job of jobs.items) {
    const steps = isMap(job.value) ? job.value.get('steps') : undefined;
    if (!isSeq(steps)) continue;
    for (const step of steps.items) {
      if (!isMap(step)) continue;
      const action = /actions\/([a-z-]+)(@|$)/.exec(String(step.get('uses') ?? ''))?.[1];
      for (const [key, value] of Object.entries(OFFLINE[action ?? ''] ?? {})) if (!step.hasIn(['with', key])) step.setIn(['with', key], value);
    }
  }
  return doc.toString();
}

const CALLER = `
name: release
on:
  push:
    tags: ['[0-9]+.[0-9]+.[0-9]+*']
permissions: {}
jobs:
  release:
    permissions:
      contents: read
      packages: write
      id-token: write
    uses: ./.github/workflows/multi-arch.yml
    with:
      image: \${{ vars.IMAGE }}
      context: packages/sample-app
      build-args: |
        BUSYBOX_IMAGE=\${{ vars.BUSYBOX_IMAGE }}
`;

describe('workflow executor: release -> multi-arch.yml on the test bed', () => {
  let artifacts: ArtifactService;
  let oidc: OidcService;
  let fulcio: FulcioStandIn;
  let mirror: Awaited<ReturnType<typeof startCosignMirror>>;
  let root: string;
  let home: string;
  let sha: string;
  beforeAll(async () => {
    [artifacts, oidc, mirror] = await Promise.all([startArtifactService(), startOidcService(), startCosignMirror(tb.cosign)]);
    fulcio = await startFulcio({ issuers: [oidc] });
    // The repository at the running commit: the workflows, and our actions as committed (for `$/actions/<name>`).
    root = await mkdtemp(path.join(os.tmpdir(), 'moam-wf-it-'));
    await mkdir(path.join(root, '.github/workflows'), { recursive: true });
    await writeFile(path.join(root, '.github/workflows/multi-arch.yml'), offlineWiring(await readFile(path.join(repoRoot, '.github/workflows/multi-arch.yml'), 'utf8')));
    await writeFile(path.join(root, '.github/workflows/release.yml'), CALLER);
    await symlink(path.join(repoRoot, 'actions'), path.join(root, 'actions'), 'dir');
    home = await mkdtemp(path.join(os.tmpdir(), 'moam-wf-home-'));
    sha = (await promisify(execFile)('git', ['rev-parse', 'HEAD'], { cwd: repoRoot })).stdout.trim();
  });
  afterAll(() => Promise.all([artifacts?.close(), oidc?.close(), fulcio?.close(), mirror?.close()]));

  const options = (image: string, lines: string[]): RunWorkflowOptions => ({
    repoRoot: root,
    workspace: repoRoot, // what actions/checkout gives: this checkout (packages/sample-app is the build context)
    workflow: '.github/workflows/release.yml',
    event: { name: 'push', ref: 'refs/tags/0.0.1-rc1', sha },
    repository: REPOSITORY,
    vars: {
      IMAGE: image,
      BUSYBOX_IMAGE: tb.busyboxImage,
      SBOM_GENERATOR: tb.sbomGenerator,
      FULCIO_URL: fulcio.url,
      COSIGN_VERSION: mirror.version,
      COSIGN_SHA256: mirror.sha256,
      COSIGN_BASE_URL: mirror.url,
    },
    services: { artifacts, oidc },
    runnerEnv: { ...fulcio.env, HOME: home, TUF_ROOT: path.join(home, '.sigstore') },
    stepMap: {
      // Until multi-arch.yml uses $/actions/<name>: its @v1 references are this checkout's actions.
      [REPOSITORY]: ownActions(repoRoot, 'multi-arch.yml pins our actions @v1; locally they are the committed bundles of this checkout.'),
      // The test bed's registry needs no login; ghcr.io stands for it.
      'docker/login-action': dockerLogin({ noLogin: ['ghcr.io', tb.registry] }),
    },
    require: ['release/prepare', 'release/build', 'release/merge', 'release/sign', 'release/verify'],
    log: (l) => lines.push(l),
  });

  it('builds both platforms natively, hands the digests over as artifacts, merges, signs keyless and verifies', async () => {
    const image = `${tb.registry}/moam-it/${uniqueName('wf-exec')}`;
    const lines: string[] = [];
    const r = await runWorkflow(options(image, lines));
    expect(r.ok, `${r.failures.join('\n')}\n${lines.slice(-80).join('\n')}`).toBe(true);
    expect(r.jobs['release/build']?.legs).toEqual(['release/build (linux/amd64, ubuntu-latest)', 'release/build (linux/arm64, ubuntu-24.04-arm)']);
    expect(r.workflowOutputs.release).toMatchObject({ image, version: '0.0.1-rc1', tags: '0.0.1-rc1' });
    expect(r.workflowOutputs.release?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await registryTags(tb.registry, image.slice(tb.registry.length + 1))).toContain('0.0.1-rc1');
    // Each leg uploaded its digest record as itself; only `sign` asked for a token; Fulcio certified the
    // reusable workflow (job_workflow_ref), and verify accepted exactly that identity for this repository.
    expect(artifacts.artifacts.map((a) => [a.name, a.job]).sort()).toEqual([
      ['digests-linux-amd64', 'release/build (linux/amd64, ubuntu-latest)'],
      ['digests-linux-arm64', 'release/build (linux/arm64, ubuntu-24.04-arm)'],
    ]);
    expect(r.oidcRequests).toEqual([{ job: 'release/sign', audience: 'sigstore', status: 200 }]);
    expect(fulcio.issued.at(-1)?.san).toBe(`https://github.com/${REPOSITORY}/.github/workflows/multi-arch.yml@refs/tags/0.0.1-rc1`);
    expect(r.jobs['release/verify']?.steps.at(-1)?.outputs.verified).toBe('true');
  });
});
