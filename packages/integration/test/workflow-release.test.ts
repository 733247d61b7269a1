// The release as GitHub runs it: release.yml -> multi-arch.yml executed AS WRITTEN by the workflow executor
// (packages/testkit/src/workflow), every job through the committed bundles on the test bed, keyless with the
// transparency log on (the Rekor stand-in), verified without ignoring the log. Then the same YAML broken in a
// scratch copy (each break must fail the run, naming the job and step), two images released in one run, and a
// leg that fails and is re-run.
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReleaseServices, type WorkflowRunResult, registryTags, repoRoot, runLocalRelease, startReleaseServices, tagDigest, testbed, uniqueName } from '@moam/testkit';
import { type FaultProxy, startFaultProxy } from '../../testkit/src/fault-proxy.ts';

const tb = testbed();
const REPOSITORY = 'moam-project/multi-arch-of-madness';
const show = (r: WorkflowRunResult, lines: string[]) => `${r.failures.join('\n')}\n${lines.slice(-60).join('\n')}`;
const dirs: string[] = [];
/** The tags a release published (its signatures' .sig tags left out). */
const releaseTags = async (repo: string) => (await registryTags(tb.registry, repo)).filter((t) => !t.endsWith('.sig'));

/** The repository at the running commit, with multi-arch.yml or release.yml edited: a scratch copy, never the real files. */
async function scratchRepo(edit: { file: string; from: string | RegExp; to: string } | { file: string; transform: (text: string) => string }): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'moam-broken-'));
  dirs.push(root);
  await cp(path.join(repoRoot, '.github'), path.join(root, '.github'), { recursive: true });
  await symlink(path.join(repoRoot, 'actions'), path.join(root, 'actions'), 'dir');
  const file = path.join(root, '.github/workflows', edit.file);
  const text = await readFile(file, 'utf8');
  const edited = 'transform' in edit ? edit.transform(text) : text.replace(edit.from, edit.to);
  expect(edited, `the edit of ${edit.file} applies`).not.toBe(text);
  await writeFile(file, edited);
  return root;
}

describe('release.yml -> multi-arch.yml, as written, on the test bed', () => {
  let services: ReleaseServices;
  beforeAll(async () => {
    services = await startReleaseServices();
  });
  afterAll(async () => {
    await services?.close();
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('plans, builds both platforms natively, merges, signs keyless into the transparency log and verifies the log entry', async () => {
    const repo = `moam-it/${uniqueName('wf-release')}`;
    const image = `${tb.registry}/${repo}`;
    const lines: string[] = [];
    const r = await runLocalRelease({ version: '0.0.1-rc1', image, services, log: (l) => lines.push(l) });
    expect(r.ok, show(r, lines)).toBe(true);
    const out = r.workflowOutputs.release!;
    expect(out).toMatchObject({ image, version: '0.0.1-rc1', tags: '0.0.1-rc1', 'signer-identity': `https://github.com/${REPOSITORY}/.github/workflows/multi-arch.yml@refs/tags/sample-app/v0.0.1-rc1` });
    expect(await tagDigest(tb.registry, repo, '0.0.1-rc1')).toBe(out.digest);
    expect(r.jobs['release/build']?.legs).toEqual(['release/build (linux/amd64, ubuntu-latest)', 'release/build (linux/arm64, ubuntu-24.04-arm)']);
    // The hand-off is named for this image set (two calls in one run never collide), one artifact per leg.
    const names = services.artifacts.artifacts.map((a) => a.name).sort();
    const records = names.filter((n) => !n.endsWith('-consumer-policies'));
    expect(records).toHaveLength(2);
    expect(records.every((n) => /^digests-[0-9a-f]{12}-linux-(amd64|arm64)$/.test(n))).toBe(true);
    // Every release ships the consumer policies of its own signature.
    expect(names.filter((n) => n.endsWith('-consumer-policies'))).toHaveLength(1);
    // Only the sign job got a token; every signature went to the log; verify checked it (no insecure-ignore-tlog).
    expect(r.oidcRequests.map((q) => q.job)).toEqual(['release/sign']);
    expect(services.rekor.entries).toHaveLength(5);
    const verify = r.jobs['release/verify']!.steps.at(-1)!;
    expect(verify.outputs.verified).toBe('true');
    expect(verify.logTail).not.toMatch(/insecure-ignore-tlog=true/);
    expect(JSON.parse(verify.outputs.report ?? '{}').digests.map((d: { kind: string }) => d.kind)).toEqual(['index', 'platform', 'platform']);
    expect(verify.summary).toMatch(/kyverno-clusterpolicy\.yaml[\s\S]*githubWorkflowRepository: moam-project\/multi-arch-of-madness/);
    expect(verify.summary).toMatch(/\*\*policy\.json: not generated\.\*\*/);
  });

  it.each<[string, { file: string; from: string | RegExp; to: string }, RegExp]>([
    ['a wrong output name', { file: 'multi-arch.yml', from: 'digest: ${{ needs.merge.outputs.digest }}', to: 'digest: ${{ needs.merge.outputs.index-digest }}' }, /job "release\/sign": step "Sign the index and every manifest in it".*needs\.merge\.outputs\.index-digest is not an output job "merge" declares/s],
    ['a missing needs', { file: 'multi-arch.yml', from: 'needs: [prepare, merge]\n    if: ${{ success() && inputs.push && inputs.sign }}', to: 'needs: [prepare]\n    if: ${{ success() && inputs.push && inputs.sign }}' }, /job "release\/sign": step "Sign the index and every manifest in it".*needs\.merge is not a job in this job's `needs`/s],
    ['an if that skips signing', { file: 'multi-arch.yml', from: "if: ${{ success() && inputs.push && inputs.sign }}\n    runs-on: ubuntu-latest\n    timeout-minutes: 20", to: "if: ${{ success() && inputs.push && !inputs.sign }}\n    runs-on: ubuntu-latest\n    timeout-minutes: 20" }, /release\/sign.*(skipped|did not run)/s],
    ['a matrix that loses a platform', { file: 'multi-arch.yml', from: 'include: ${{ fromJSON(needs.prepare.outputs.include) }}', to: 'include: ${{ fromJSON(needs.prepare.outputs.include)[0] && fromJSON(\'[{"platform":"linux/amd64","runner":"ubuntu-latest"}]\') }}' }, /release\/merge.*missing platform linux\/arm64/s],
  ])('a broken copy of the YAML fails the run, naming the job and step: %s', async (_name, edit, why) => {
    const root = await scratchRepo(edit);
    const lines: string[] = [];
    const r = await runLocalRelease({ version: '0.0.2', image: `${tb.registry}/moam-it/${uniqueName('wf-broken')}`, services, root, log: (l) => lines.push(l) });
    expect(r.ok).toBe(false);
    expect(r.failures.join('\n'), show(r, lines)).toMatch(why);
  });
});

describe('two images released in one run (two calls of the reusable workflow)', () => {
  let services: ReleaseServices;
  beforeAll(async () => {
    services = await startReleaseServices();
  });
  afterAll(async () => services?.close());

  it('hands off under two prefixes and publishes both, each complete', async () => {
    const api = `${tb.registry}/moam-it/${uniqueName('wf-api')}`;
    const worker = `${tb.registry}/moam-it/${uniqueName('wf-worker')}`;
    // release.yml's job twice, for two images: the second job a copy of the first.
    const root = await scratchRepo({
      file: 'release.yml',
      transform: (text) => {
        const job = text.slice(text.indexOf('  release:\n'));
        return `${text.replace('image: ${{ vars.SAMPLE_APP_IMAGE }}', `image: ${api}`)}${job.replace('  release:\n', '  worker:\n').replace('image: ${{ vars.SAMPLE_APP_IMAGE }}', `image: ${worker}`)}`;
      },
    });
    const lines: string[] = [];
    const r = await runLocalRelease({ version: '1.0.0', image: 'unused', services, root, log: (l) => lines.push(l), extra: { require: ['release/verify', 'worker/verify'] } });
    expect(r.ok, show(r, lines)).toBe(true);
    const names = services.artifacts.artifacts.map((a) => a.name).filter((n) => !n.endsWith('-consumer-policies'));
    expect(new Set(names).size).toBe(4);
    expect(new Set(names.map((n) => n.replace(/-linux-.*$/, ''))).size).toBe(2);
    for (const image of [api, worker]) expect(await releaseTags(image.slice(tb.registry.length + 1))).toEqual(['1', '1.0', '1.0.0', 'latest']);
    expect(r.workflowOutputs.release?.digest).not.toBe(r.workflowOutputs.worker?.digest);
  });
});

describe('a leg that fails, re-run', () => {
  let services: ReleaseServices;
  let proxy: FaultProxy;
  beforeAll(async () => {
    services = await startReleaseServices();
    proxy = await startFaultProxy({ upstream: `http://${tb.registry}` });
  });
  afterAll(async () => Promise.all([services?.close(), proxy?.close()]));

  it('attempt 1: one leg cannot push, nothing is merged; re-running the failed jobs publishes the complete release', async () => {
    const repo = `moam-it/${uniqueName('wf-rerun')}`;
    const image = `${proxy.host}/${repo}`;
    // The first manifest a leg pushes is refused (not retried: 400), so exactly one leg fails.
    proxy.setRules([{ name: 'refuse one leg', method: 'PUT', path: /\/manifests\/sha256:/, fault: { kind: 'status', status: 400, body: { errors: [{ code: 'MANIFEST_INVALID', message: 'injected' }] } }, schedule: { first: 1 } }]);
    const lines: string[] = [];
    const first = await runLocalRelease({ version: '2.0.0', image, services, log: (l) => lines.push(l) });
    expect(first.ok).toBe(false);
    const legs = first.jobs['release/build']!.legs!.map((k) => first.jobs[k]!.status).sort();
    expect(legs).toEqual(['failure', 'success']);
    expect(first.jobs['release/merge']?.status).toBe('skipped');
    expect(await registryTags(tb.registry, repo)).toEqual([]);

    const second = await runLocalRelease({ version: '2.0.0', image, services, rerunFailedFrom: first, log: (l) => lines.push(l) });
    expect(second.ok, show(second, lines)).toBe(true);
    expect(second.attempt).toBe(2);
    expect(await releaseTags(repo)).toEqual(['2', '2.0', '2.0.0', 'latest']);
    // One record per leg: the leg of attempt 1 kept its artifact, the re-run leg uploaded its own.
    expect(services.artifacts.artifacts.filter((a) => /-linux-/.test(a.name)).map((a) => a.attempt).sort()).toEqual([1, 2]);
  });
});
