// The REAL release.yml -> multi-arch.yml (scratch copies, never the files themselves) with fake actions: the
// unmodified copy runs green, and each typical mistake makes the run fail naming the job and step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOidcService, type OidcService } from '../../src/oidc-service.ts';
import { runWorkflow, type WorkflowRunResult } from '../../src/workflow/index.ts';
import { push } from './helpers.ts';
import { OWN_REPOSITORY, realWorkflowsRepo, replaceOnce, stepMapFor } from './real-workflows.ts';

let oidc: OidcService;
beforeAll(async () => {
  oidc = await startOidcService();
});
afterAll(() => oidc?.close());

const MULTI = '.github/workflows/multi-arch.yml';
const REQUIRED = ['release/prepare', 'release/build', 'release/merge', 'release/sign', 'release/verify'];

async function release(edit: Record<string, (text: string) => string> = {}, extra: { require?: string[] } = {}): Promise<WorkflowRunResult> {
  const { root, handoff } = await realWorkflowsRepo(edit);
  return runWorkflow({
    repoRoot: root,
    workflow: '.github/workflows/release.yml',
    event: push('sample-app/v1.2.3'),
    repository: OWN_REPOSITORY,
    stepMap: stepMapFor(root),
    runnerEnv: { FAKE_HANDOFF_DIR: handoff },
    services: { oidc },
    keepRunDir: 'never',
    ...extra,
  });
}

describe('release.yml -> multi-arch.yml, as committed', { timeout: 30_000 }, () => {
  it('runs every job: two native legs, merge, sign with the reusable workflow identity, verify', async () => {
    const r = await release({}, { require: REQUIRED });
    expect(r.ok, r.failures.join('\n')).toBe(true);
    expect(r.jobs['release/build']?.legs).toEqual(['release/build (linux/amd64, ubuntu-latest)', 'release/build (linux/arm64, ubuntu-24.04-arm)']);
    expect(r.workflowOutputs.release).toEqual({ digest: `sha256:${'d'.repeat(64)}`, tags: '1.2.3', version: '1.2.3', image: 'ghcr.io/moam-project/multi-arch-of-madness', 'signer-identity': `https://github.com/${OWN_REPOSITORY}/${MULTI}@refs/tags/sample-app/v1.2.3` });
    // Only `sign` has id-token: write; its token names the CALLER as workflow_ref and multi-arch.yml as the job workflow.
    expect(r.oidcRequests.map((q) => q.job)).toEqual(['release/sign']);
    const claims = JSON.parse(r.jobs['release/sign']?.steps.find((s) => s.summary)?.summary ?? '{}') as Record<string, unknown>;
    expect(claims).toMatchObject({
      workflow_ref: `${OWN_REPOSITORY}/.github/workflows/release.yml@refs/tags/sample-app/v1.2.3`,
      job_workflow_ref: `${OWN_REPOSITORY}/${MULTI}@refs/tags/sample-app/v1.2.3`,
      repository: OWN_REPOSITORY,
      aud: 'sigstore',
    });
    expect(r.jobs['release/sign']?.permissions).toEqual({ 'id-token': 'write', packages: 'write' });
    expect(r.jobs['release/prepare']?.permissions).toEqual({});
  });
});

describe('release.yml -> multi-arch.yml with a mistake fails, naming the job and step', { timeout: 30_000 }, () => {
  it('a wrong step output name in a job output', async () => {
    const r = await release({ 'multi-arch.yml': (t) => replaceOnce(t, 'digest: ${{ steps.merge.outputs.digest }}', 'digest: ${{ steps.merge.outputs.digests }}') });
    expect(r.ok).toBe(false);
    expect(r.failure).toMatch(/^\.github\/workflows\/multi-arch\.yml: job "release\/merge": outputs\.digest: \$\{\{ steps\.merge\.outputs\.digests \}\}: steps\.merge\.outputs\.digests is not an output of .*merge-manifest/);
    expect(r.jobs['release/sign']?.status).toBe('skipped');
  });

  it('a wrong job output name where a step uses it', async () => {
    const r = await release({ 'multi-arch.yml': (t) => replaceOnce(t, 'digest: ${{ needs.merge.outputs.digest }}', 'digest: ${{ needs.merge.outputs.index-digest }}') });
    expect(r.failure).toBe(
      '.github/workflows/multi-arch.yml: job "release/sign": step "Sign the index and every manifest in it" (sign): with.digest: ${{ needs.merge.outputs.index-digest }}: needs.merge.outputs.index-digest is not an output job "merge" declares (there are: digest, tags, version)',
    );
  });

  it('a missing `needs`', async () => {
    const r = await release({ 'multi-arch.yml': (t) => replaceOnce(t, 'needs: [prepare, build]', 'needs: [build]') });
    expect(r.failure).toMatch(/^\.github\/workflows\/multi-arch\.yml: job "release\/merge": .*needs\.prepare is not a job in this job's `needs` \(there are: build\)/);
  });

  it('a condition that skips signing (and so verifying)', async () => {
    const edit = { 'multi-arch.yml': (t: string) => replaceOnce(t, 'needs: [prepare, merge]\n    if: ${{ success() &&', 'needs: [prepare, merge]\n    if: ${{ failure() &&') };
    const lenient = await release(edit);
    // As on GitHub, a skipped job is not a failure: only requiring the jobs catches it.
    expect(lenient.ok).toBe(true);
    expect(lenient.jobs['release/sign']?.status).toBe('skipped');
    const r = await release(edit, { require: REQUIRED });
    expect(r.failure).toBe(".github/workflows/multi-arch.yml: required job \"release/sign\" was skipped: if: \"${{ failure() && inputs.push && inputs.sign }}\" was false");
    expect(r.failures).toHaveLength(2); // and verify
  });

  it('a misspelt input in a condition', async () => {
    const r = await release({ 'multi-arch.yml': (t) => replaceOnce(t, 'if: ${{ success() && inputs.push }}', 'if: ${{ success() && inputs.pushh }}') });
    expect(r.failure).toMatch(/^\.github\/workflows\/multi-arch\.yml: job "release\/merge": if: \$\{\{ success\(\) && inputs\.pushh \}\}: inputs\.pushh is not an input of \.github\/workflows\/multi-arch\.yml/);
  });

  it('a matrix that loses a platform', async () => {
    const r = await release({ 'multi-arch.yml': (t) => replaceOnce(t, 'include: ${{ fromJSON(needs.prepare.outputs.include) }}', 'include: [{ platform: linux/arm64, runner: ubuntu-24.04-arm }]') });
    expect(r.jobs['release/build']?.legs).toEqual(['release/build (linux/arm64, ubuntu-24.04-arm)']);
    expect(r.failure).toBe('.github/workflows/multi-arch.yml: job "release/merge": step "Merge the platform digests into one image index" (merge): no digest for linux/amd64: the set of platforms is incomplete');
  });

  it('a caller that does not grant id-token: write is refused before anything runs', async () => {
    await expect(release({ 'release.yml': (t) => replaceOnce(t, '      id-token: write\n', '') })).rejects.toThrow(
      ".github/workflows/release.yml, job \"release\": Error calling workflow '.github/workflows/multi-arch.yml'. The nested job 'sign' is requesting 'id-token: write', but is only allowed 'id-token: none'.",
    );
  });
});
