import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { workflowFiles } from '../src/repo.ts';
import { tagMatches } from '../src/tag-filter.ts';
import { REPOSITORY } from '../src/uses-ref.ts';

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
    // Opt-ins a careful caller must ask for: self-hosted builds, the public logs for a private repository, the cache on releases.
    expect(inputs['allow-self-hosted']).toMatchObject({ type: 'boolean', default: false });
    expect(inputs['private-repository']).toMatchObject({ type: 'boolean', default: false });
    expect(inputs.cache?.default).toBe('auto');
    expect(inputs['tlog-upload']).toMatchObject({ type: 'boolean', default: true });
    for (const name of ['file', 'build-args', 'labels', 'annotations', 'provenance', 'sbom', 'fulcio-url', 'rekor-url', 'fulcio-root', 'rekor-public-key', 'ct-log-public-key', 'tag-prefix']) expect(inputs).toHaveProperty(name);
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

  it('runs our actions at the commit that is running ($/), never at a ref that moves', () => {
    const own = Object.values(jobs).flatMap(stepsOf).map((s) => String(s.uses ?? '')).filter((u) => !/^(step-security|actions|docker)\//.test(u));
    expect([...new Set(own)].sort()).toEqual(['build-by-digest', 'merge-manifest', 'plan', 'sign-recursive', 'verify'].map((a) => `$/actions/${a}`));
    expect(sources.get('.github/workflows/multi-arch.yml')).not.toMatch(new RegExp(`uses:\\s*${REPOSITORY}/actions/`));
  });

  it('plans with the plan action, and every job hands off and queues under the plan\'s names', () => {
    expect(stepUsing(jobs.prepare!, '$/actions/plan')?.with).toEqual({ images: '${{ inputs.image }}', platforms: '${{ inputs.platforms }}', runners: '${{ inputs.runners }}', 'allow-self-hosted': '${{ inputs.allow-self-hosted }}' });
    expect((stepUsing(jobs.build!, 'build-by-digest')?.with as Obj)['artifact-prefix']).toBe('${{ needs.prepare.outputs.artifact-prefix }}');
    expect((stepUsing(jobs.merge!, 'merge-manifest')?.with as Obj)['artifact-prefix']).toBe('${{ needs.prepare.outputs.artifact-prefix }}');
    for (const [job, suffix] of [['merge', 'merge'], ['sign', 'sign']] as const) {
      expect(jobs[job]!.concurrency).toEqual({ group: `\${{ needs.prepare.outputs.concurrency-group }}-${suffix}`, 'cancel-in-progress': false, queue: 'max' });
    }
  });

  it('signs keyless and recursively, refusing the public logs for a private repository unless asked', () => {
    expect(stepUsing(jobs.sign!, 'sign-recursive')?.with).toMatchObject({ keyless: 'true', recursive: 'true', digest: '${{ needs.merge.outputs.digest }}', 'private-repository': '${{ inputs.private-repository }}', 'tlog-upload': '${{ inputs.tlog-upload }}' });
    expect((jobs.sign!.outputs as Obj)['signer-identity']).toBe('${{ steps.sign.outputs.signer-identity }}');
  });

  it('verifies the exact signer (this workflow at the ref that ran) AND the caller: repository, source ref, trigger', () => {
    const w = stepUsing(jobs.verify!, 'actions/verify')?.with as Obj;
    expect(w).not.toHaveProperty('certificate-identity-regexp');
    expect(w).toMatchObject({
      image: '${{ needs.prepare.outputs.image }}@${{ needs.merge.outputs.digest }}',
      'certificate-identity': '${{ needs.sign.outputs.signer-identity }}',
      'workflow-repository': REPOSITORY,
      workflow: '.github/workflows/multi-arch.yml',
      'ref-pattern': 'any',
      repository: '${{ github.repository }}',
      'source-ref': '${{ github.ref }}',
      trigger: '${{ github.event_name }}',
      'exact-platforms': 'true',
    });
    expect(sources.get('.github/workflows/multi-arch.yml')).toMatch(/job_workflow_ref[\s\S]*multi-arch\.yml@<40-hex SHA>/);
  });
});

describe('release.yml', () => {
  const wf = load('release.yml');
  const tags = ((wf.on as Obj).push as Obj).tags as string[];

  it('releases on sample-app/v<SemVer> tags only: never on the suite\'s own v1.2.3, v1 or v1.2', () => {
    for (const tag of ['sample-app/v0.0.1-rc1', 'sample-app/v1.2.3', 'sample-app/v10.20.30-beta.1']) expect([tag, tagMatches(tags, tag)]).toEqual([tag, true]);
    for (const tag of ['v1', 'v1.2', 'v1.2.3', '1.2.3', 'latest', 'sample-app/1.2.3', 'sample-app/v1']) expect([tag, tagMatches(tags, tag)]).toEqual([tag, false]);
    expect(Object.keys(wf.on as Obj)).toEqual(['push', 'workflow_dispatch']);
  });

  it('calls the reusable workflow of this commit for the sample app, with the tag prefix, granting no more than it needs', () => {
    const release = jobsOf(wf).release!;
    expect(release.uses).toBe('./.github/workflows/multi-arch.yml');
    expect(release.with).toMatchObject({ context: 'packages/sample-app', 'tag-prefix': 'sample-app/', version: '${{ inputs.version }}' });
    expect(release.permissions).toEqual({ contents: 'read', packages: 'write', 'id-token': 'write' });
    expect(wf.permissions).toEqual({});
  });

  it('says in a comment that only stable releases get latest', () => {
    expect(sources.get('.github/workflows/release.yml')).toMatch(/prerelease[^\n]*0\.0\.1-rc1 only[\s\S]*stable[^\n]*latest/i);
  });
});

describe('build.yml (pull requests)', () => {
  const wf = load('build.yml');
  const jobs = jobsOf(wf);

  it('runs on pull requests only', () => {
    expect(Object.keys(wf.on as Obj)).toEqual(['pull_request']);
  });

  it('runs the test command', () => {
    expect(stepsOf(jobs.test!).map((s) => s.run).filter(Boolean)).toEqual(['bash scripts/test.sh']);
    expect(jobs.test!.permissions).toEqual({ contents: 'read' });
  });

  it('runs the reusable workflow as written at its own commit, without pushing', () => {
    const build = jobs.build!;
    expect(build.uses).toBe('./.github/workflows/multi-arch.yml');
    expect((build.with as Obj).push).toBe(false);
    expect((build.with as Obj).context).toBe('packages/sample-app');
    expect(sources.get('.github/workflows/build.yml')).not.toMatch(/docker\/login-action/);
  });
});
