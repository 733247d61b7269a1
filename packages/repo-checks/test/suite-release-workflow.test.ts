// Releasing the suite: .github/workflows/suite-release.yml against our policy and actionlint, its triggers, jobs and
// permissions, and its rollback step run as written against a scratch repository.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { actionlint, formatLint } from '../src/actionlint.ts';
import { REPO_ROOT, repoContext } from '../src/repo.ts';
import { tagMatches } from '../src/tag-filter.ts';
import { checkWorkflow } from '../src/workflow-policy.ts';
import { type Obj, SLOW, commitOf, env, fixture, git, removeScratch } from './support/release-sandbox.ts';

const WORKFLOW = '.github/workflows/suite-release.yml';

afterAll(removeScratch);

describe('.github/workflows/suite-release.yml', SLOW, () => {
  const source = readFileSync(path.join(REPO_ROOT, WORKFLOW), 'utf8');
  const wf = parse(source) as Obj;
  const on = wf.on as Obj;
  const jobs = wf.jobs as Record<string, Obj>;
  const steps = (job: string) => (jobs[job]!.steps ?? []) as Obj[];
  const runs = (job: string) => steps(job).map((s) => s.run).filter((r): r is string => typeof r === 'string');

  it('passes our workflow policy and actionlint', async () => {
    expect(checkWorkflow(WORKFLOW, source, repoContext()).map((f) => `${f.job ?? ''} ${f.rule}: ${f.message}`)).toEqual([]);
    expect(formatLint(WORKFLOW, await actionlint(source, WORKFLOW))).toBe('');
  });

  it('starts on the suite\'s SemVer tags (stable and prerelease), not on moving or sample-app tags', () => {
    const patterns = (on.push as Obj).tags as string[];
    for (const tag of ['v1.2.3', 'v10.20.30', 'v2.0.0-rc.1', 'v1.3.0-beta']) expect([tag, tagMatches(patterns, tag)]).toEqual([tag, true]);
    for (const tag of ['v1', 'v1.2', '1.2.3', 'sample-app/v1.2.3', 'latest', 'v1.2.3.4']) expect([tag, tagMatches(patterns, tag)]).toEqual([tag, false]);
    expect(Object.keys(on).sort()).toEqual(['push', 'workflow_dispatch']);
  });

  it('takes the rollback as workflow_dispatch inputs', () => {
    const inputs = (on.workflow_dispatch as Obj).inputs as Record<string, Obj>;
    expect(inputs.major).toMatchObject({ type: 'string', required: true });
    expect(inputs.target).toMatchObject({ type: 'string', required: true });
    expect(inputs['dry-run']).toMatchObject({ type: 'boolean', default: false });
  });

  it('grants contents: write only to the jobs that create the release or move tags', () => {
    expect(wf.permissions).toEqual({});
    expect(Object.fromEntries(Object.entries(jobs).map(([id, j]) => [id, j.permissions]))).toEqual({
      plan: { contents: 'read' },
      test: { contents: 'read' },
      release: { contents: 'write' },
      rollback: { contents: 'write' },
    });
  });

  it('releases only after the plan and the tests, and only on a tag push; rolls back only on dispatch', () => {
    expect(jobs.test!.needs).toBe('plan');
    expect(jobs.release!.needs).toEqual(['plan', 'test']);
    for (const id of ['plan', 'release']) expect(jobs[id]!.if).toBe("github.event_name == 'push'");
    expect(jobs.rollback!.if).toBe("github.event_name == 'workflow_dispatch'");
    expect(jobs.rollback!.needs).toBeUndefined();
  });

  it('checks the bundles and runs the test command the way build.yml does (privileged Debian bookworm container)', () => {
    expect(jobs.test!.container).toEqual({ image: 'node:20-bookworm', options: '--privileged' });
    expect(runs('test')).toEqual(['npm ci --no-audit --no-fund', 'bash scripts/release-suite.sh check "$TAG"', 'bash scripts/test.sh']);
  });

  it('runs the script, with the tag and inputs passed only through env:', () => {
    expect(runs('plan')).toEqual(['bash scripts/release-suite.sh plan "$TAG"']);
    expect(runs('release')).toEqual(['bash scripts/release-suite.sh apply --skip-dist-check "$TAG"']);
    for (const job of Object.keys(jobs)) {
      for (const run of runs(job)) expect(run).not.toContain('${{');
    }
    for (const job of ['plan', 'test', 'release']) {
      const withTag = steps(job).filter((s) => String(s.run ?? '').includes('$TAG'));
      for (const s of withTag) expect((s.env as Obj).TAG).toBe('${{ github.ref_name }}');
    }
  });

  it('checks out every tag and keeps no credentials in the checkout', () => {
    for (const job of Object.keys(jobs)) {
      const checkout = steps(job).find((s) => String(s.uses ?? '').startsWith('actions/checkout@'));
      expect([job, checkout?.with]).toEqual([job, { 'fetch-depth': 0, 'persist-credentials': false }]);
    }
  });

  it('hands the token only to the steps that push or call gh', () => {
    const withToken = Object.entries(jobs).flatMap(([id, j]) => ((j.steps ?? []) as Obj[]).filter((s) => s.env && 'GH_TOKEN' in (s.env as Obj)).map(() => id));
    expect(withToken).toEqual(['release', 'rollback']);
  });

  describe('its rollback step, run as written against a scratch repository', () => {
    let repo = '';
    let c: Record<string, string> = {};
    beforeAll(() => {
      ({ repo, c } = fixture('workflow-steps'));
      git(repo, 'tag', 'v1', c['v1.1.0']!);
      git(repo, 'tag', 'v1.1', c['v1.1.0']!);
    });
    const step = steps('rollback').find((s) => String(s.run ?? '').includes('release-suite.sh'))!;
    const runStep = (inputs: Record<string, string>) => {
      const r = spawnSync('bash', ['-e', '-c', String(step.run)], { cwd: repo, env: env(inputs), encoding: 'utf8' });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    };

    it('reads exactly MAJOR, TARGET, DRY_RUN and GH_TOKEN from env:', () => {
      expect(Object.keys(step.env as Obj).sort()).toEqual(['DRY_RUN', 'GH_TOKEN', 'MAJOR', 'TARGET']);
      expect(step.env).toMatchObject({ MAJOR: '${{ inputs.major }}', TARGET: '${{ inputs.target }}', DRY_RUN: '${{ inputs.dry-run }}' });
    });

    it('with dry-run true moves v1 back locally and pushes nothing', () => {
      const r = runStep({ MAJOR: 'v1', TARGET: 'v1.0.0', DRY_RUN: 'true' });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('dry run: nothing pushed');
      expect(commitOf(repo, 'refs/tags/v1')).toBe(c['v1.0.0']);
    });

    it('refuses a target of another major', () => {
      const r = runStep({ MAJOR: 'v1', TARGET: 'v2.0.0', DRY_RUN: 'true' });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/v2\.0\.0 is not a v1\.\* release/);
    });
  });
});
