import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { workflowFiles } from '../src/repo.ts';
import { REPOSITORY, tagMatches } from '../src/workflow-policy.ts';

type Obj = Record<string, unknown>;
const sources = new Map(workflowFiles().map((f) => [f.path, f.source]));
const load = (name: string): Obj => parse(sources.get(`.github/workflows/${name}`) ?? '') as Obj;
const jobsOf = (wf: Obj) => wf.jobs as Record<string, Obj>;
const stepsOf = (job: Obj) => (job.steps ?? []) as Obj[];
const stepUsing = (job: Obj, action: string) => stepsOf(job).find((s) => typeof s.uses === 'string' && s.uses.includes(action));
const perms = (job: Obj) => (job.permissions ?? {}) as Record<string, string>;

describe('multi-arch.yml (the reusable workflow)', () => {
  const wf = load('multi-arch.yml');
  const call = (wf.on as Obj).workflow_call as Obj;
  const inputs = call.inputs as Record<string, Obj>;
  const jobs = jobsOf(wf);

  it('is only callable (on: workflow_call)', () => {
    expect(Object.keys(wf.on as Obj)).toEqual(['workflow_call']);
  });

  it('has the documented inputs and defaults', () => {
    expect(inputs.image?.default).toBe('');
    expect(inputs.platforms?.default).toBe('linux/amd64,linux/arm64');
    expect(JSON.parse(String(inputs.runners?.default))).toEqual({ 'linux/amd64': 'ubuntu-latest', 'linux/arm64': 'ubuntu-24.04-arm' });
    expect(inputs.context?.default).toBe('.');
    expect(inputs.push).toMatchObject({ type: 'boolean', default: true });
    expect(inputs.sign).toMatchObject({ type: 'boolean', default: true });
    expect(inputs.version?.default).toBe('');
    expect(inputs.latest?.default).toBe('auto');
    for (const name of ['file', 'build-args', 'workflow-ref-pattern']) expect(inputs).toHaveProperty(name);
  });

  it('passes build secrets and other registries\' credentials through, all optional', () => {
    const secrets = call.secrets as Record<string, Obj>;
    expect(Object.keys(secrets).sort()).toEqual(['build-secrets', 'registry-password', 'registry-username']);
    for (const s of Object.values(secrets)) expect(s.required).toBe(false);
    expect((stepUsing(jobs.build!, 'build-by-digest')?.with as Obj).secrets).toBe('${{ secrets.build-secrets }}');
  });

  it('maps digest, tags and version from the merge job', () => {
    const outputs = call.outputs as Record<string, Obj>;
    for (const name of ['digest', 'tags', 'version']) expect(outputs[name]?.value).toBe(`\${{ jobs.merge.outputs.${name} }}`);
    const merge = jobs.merge!;
    for (const name of ['digest', 'tags', 'version']) expect((merge.outputs as Obj)[name]).toBe(`\${{ steps.merge.outputs.${name} }}`);
  });

  it('runs prepare -> build (matrix) -> merge -> sign -> verify', () => {
    expect(Object.keys(jobs)).toEqual(['prepare', 'build', 'merge', 'sign', 'verify']);
    expect(jobs.build!.needs).toBe('prepare');
    expect(jobs.merge!.needs).toEqual(['prepare', 'build']);
    expect(jobs.sign!.needs).toEqual(['prepare', 'merge']);
    expect(jobs.verify!.needs).toEqual(['prepare', 'merge', 'sign']);
  });

  it('builds every platform natively from the prepare job\'s matrix, without fail-fast', () => {
    const build = jobs.build!;
    expect(build['runs-on']).toBe('${{ matrix.runner }}');
    expect(build.strategy).toEqual({ 'fail-fast': false, matrix: { include: '${{ fromJSON(needs.prepare.outputs.include) }}' } });
    const w = stepUsing(build, 'build-by-digest')?.with as Obj;
    expect(w).toMatchObject({ platform: '${{ matrix.platform }}', push: '${{ inputs.push }}', images: '${{ needs.prepare.outputs.images }}' });
    expect(stepUsing(build, 'docker/setup-buildx-action')?.with).toEqual({ driver: 'docker-container' });
    expect(stepUsing(build, 'docker/login-action')?.if).toBe('${{ inputs.push }}');
  });

  it('merges only after every leg succeeded and only when pushing; signs and verifies only when signing', () => {
    expect(jobs.merge!.if).toBe('${{ success() && inputs.push }}');
    expect(jobs.sign!.if).toBe('${{ success() && inputs.push && inputs.sign }}');
    expect(jobs.verify!.if).toBe('${{ success() && inputs.push && inputs.sign }}');
  });

  it('gives each job the least it needs', () => {
    expect(wf.permissions).toEqual({});
    expect(perms(jobs.prepare!)).toEqual({});
    expect(perms(jobs.build!)).toEqual({ contents: 'read', packages: 'write' });
    expect(perms(jobs.merge!)).toEqual({ contents: 'read', packages: 'write' });
    expect(perms(jobs.sign!)).toEqual({ packages: 'write', 'id-token': 'write' });
    expect(perms(jobs.verify!)).toEqual({ packages: 'read' });
  });

  it('uses our actions at @v1, the same major as the workflow callers pin', () => {
    const own = Object.values(jobs).flatMap(stepsOf).map((s) => String(s.uses ?? '')).filter((u) => u.startsWith('moam-project/'));
    expect([...new Set(own)].sort()).toEqual(['build-by-digest', 'merge-manifest', 'sign-recursive', 'verify'].map((a) => `${REPOSITORY}/actions/${a}@v1`));
  });

  it('signs keyless and recursively', () => {
    expect(stepUsing(jobs.sign!, 'sign-recursive')?.with).toMatchObject({ keyless: 'true', recursive: 'true', digest: '${{ needs.merge.outputs.digest }}' });
  });

  it('verifies the reusable workflow identity AND the calling repository, with the default identity regexp', () => {
    const w = stepUsing(jobs.verify!, 'actions/verify')?.with as Obj;
    expect(w).not.toHaveProperty('certificate-identity-regexp');
    expect(w).not.toHaveProperty('certificate-identity');
    expect(w).toMatchObject({
      image: '${{ needs.prepare.outputs.image }}@${{ needs.merge.outputs.digest }}',
      repository: '${{ github.repository }}',
      'workflow-repository': REPOSITORY,
      workflow: '.github/workflows/multi-arch.yml',
      'ref-pattern': '${{ inputs.workflow-ref-pattern }}',
    });
    expect(sources.get('.github/workflows/multi-arch.yml')).toMatch(/job_workflow_ref[\s\S]*--certificate-github-workflow-repository/);
  });
});

describe('multi-arch.yml prepare script', () => {
  const plan = stepsOf(jobsOf(load('multi-arch.yml')).prepare!).find((s) => s.id === 'plan')!;
  const script = /<<'JS'\n([\s\S]*?)\nJS\s*$/.exec(String(plan.run))?.[1];
  const dir = mkdtempSync(path.join(tmpdir(), 'moam-prepare-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;

  function run(env: Record<string, string>): { status: number | null; stdout: string; outputs: Record<string, string> } {
    const out = path.join(dir, `output-${n++}`);
    writeFileSync(out, '');
    const r = spawnSync(process.execPath, ['-'], {
      input: script,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', GITHUB_OUTPUT: out, REPOSITORY: 'Octo-Org/My-App', IMAGE: '', PLATFORMS: 'linux/amd64,linux/arm64', RUNNERS: String(((load('multi-arch.yml').on as Obj).workflow_call as { inputs: Record<string, Obj> }).inputs.runners!.default), ...env },
    });
    const outputs = Object.fromEntries(readFileSync(out, 'utf8').split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    return { status: r.status, stdout: r.stdout, outputs };
  }

  it('reads its inputs only from env:', () => {
    expect(script).toBeDefined();
    expect(String(plan.run)).not.toMatch(/\$\{\{/);
    expect(Object.keys(plan.env as Obj).sort()).toEqual(['IMAGE', 'PLATFORMS', 'REPOSITORY', 'RUNNERS']);
  });

  it('turns the defaults into one native leg per platform and a lower-case ghcr.io image', () => {
    const r = run({});
    expect(r.status).toBe(0);
    expect(JSON.parse(r.outputs.include!)).toEqual([
      { platform: 'linux/amd64', runner: 'ubuntu-latest' },
      { platform: 'linux/arm64', runner: 'ubuntu-24.04-arm' },
    ]);
    expect(r.outputs).toMatchObject({ images: 'ghcr.io/octo-org/my-app', image: 'ghcr.io/octo-org/my-app', platforms: 'linux/amd64,linux/arm64' });
  });

  it('takes given images, normalises linux/arm64/v8 and accepts label arrays (self-hosted)', () => {
    const r = run({ IMAGE: 'ghcr.io/Octo/App\ndocker.io/octo/app', PLATFORMS: 'linux/arm64/v8', RUNNERS: '{"linux/arm64":["self-hosted","arm64"]}' });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.outputs.include!)).toEqual([{ platform: 'linux/arm64', runner: ['self-hosted', 'arm64'] }]);
    expect(r.outputs).toMatchObject({ images: 'ghcr.io/octo/app,docker.io/octo/app', image: 'ghcr.io/octo/app', platforms: 'linux/arm64' });
  });

  it('refuses a platform without a runner with a clear ::error::', () => {
    const r = run({ PLATFORMS: 'linux/amd64,linux/arm64,linux/s390x' });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^::error title=multi-arch: prepare::no runner for linux\/s390x: add "linux\/s390x":"<runner label>" to the runners input/m);
    expect(r.outputs).toEqual({});
  });

  it.each([
    ['runners that are not JSON', { RUNNERS: 'ubuntu-latest' }, /runners input is not JSON/],
    ['runners that are a list', { RUNNERS: '["ubuntu-latest"]' }, /must be a JSON object/],
    ['no platforms', { PLATFORMS: ' , ' }, /platforms input is empty/],
    ['a malformed platform', { PLATFORMS: 'amd64', RUNNERS: '{"amd64":"ubuntu-latest"}' }, /"amd64" is not a platform/],
    ['an image with a tag digest', { IMAGE: 'ghcr.io/o/a@sha256:00' }, /not an image name without tag or digest/],
  ])('refuses %s', (_name, env, message) => {
    const r = run(env);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^::error /m);
    expect(r.stdout).toMatch(message);
  });
});

describe('release.yml', () => {
  const wf = load('release.yml');
  const tags = ((wf.on as Obj).push as Obj).tags as string[];

  it('releases on SemVer tags, stable and prerelease, and not on the moving action tags', () => {
    for (const tag of ['0.0.1-rc1', '1.2.3', '10.20.30', 'v1.2.3', 'v2.0.0-beta.1']) expect([tag, tagMatches(tags, tag)]).toEqual([tag, true]);
    for (const tag of ['v1', 'v1.2', 'latest', '1.2', 'release-1']) expect([tag, tagMatches(tags, tag)]).toEqual([tag, false]);
    expect(Object.keys(wf.on as Obj)).toEqual(['push']);
  });

  it('calls the reusable workflow for the sample app, granting no more than it needs', () => {
    const release = jobsOf(wf).release!;
    expect(release.uses).toBe('./.github/workflows/multi-arch.yml');
    expect((release.with as Obj).context).toBe('packages/sample-app');
    expect(release.permissions).toEqual({ contents: 'read', packages: 'write', 'id-token': 'write' });
    expect(wf.permissions).toEqual({});
  });

  it('says in a comment that only stable releases get latest', () => {
    expect(sources.get('.github/workflows/release.yml')).toMatch(/prerelease[^\n]*`latest`/i);
  });
});

describe('build.yml (pull requests)', () => {
  const wf = load('build.yml');
  const jobs = jobsOf(wf);

  it('runs on pull requests only', () => {
    expect(Object.keys(wf.on as Obj)).toEqual(['pull_request']);
  });

  it('writes to no registry and asks for no OIDC token', () => {
    const text = sources.get('.github/workflows/build.yml')!.split('\n').filter((l) => !l.trim().startsWith('#')).join('\n');
    expect(text).not.toMatch(/id-token/);
    expect(text).not.toMatch(/packages:/);
    expect(text).not.toMatch(/docker\/login-action/);
    for (const job of Object.values(jobs)) expect(job.permissions).toEqual({ contents: 'read' });
  });

  it('runs the test command', () => {
    expect(stepsOf(jobs.test!).map((s) => s.run).filter(Boolean)).toEqual(['bash scripts/test.sh']);
  });

  it('builds both platforms natively with the actions of this checkout, without pushing', () => {
    const build = jobs.build!;
    expect(build['runs-on']).toBe('${{ matrix.runner }}');
    expect((build.strategy as Obj)['fail-fast']).toBe(false);
    expect(((build.strategy as Obj).matrix as Obj).include).toEqual([
      { platform: 'linux/amd64', runner: 'ubuntu-latest' },
      { platform: 'linux/arm64', runner: 'ubuntu-24.04-arm' },
    ]);
    const step = stepUsing(build, './actions/build-by-digest');
    expect(step?.uses).toBe('./actions/build-by-digest');
    expect((step?.with as Obj).push).toBe('false');
  });
});
