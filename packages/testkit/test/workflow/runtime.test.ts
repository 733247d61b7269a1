// Timeouts, re-runs (attempts and the artifact stand-in), concurrency, our own actions ($/ and ./), the
// third-party table, and what the executor refuses before running.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from '../../src/http-util.ts';
import { startArtifactService, type ArtifactService } from '../../src/artifact-service.ts';
import { runWorkflow, type StepMapping } from '../../src/workflow/index.ts';
import { fakeAction, push, REPO, runYaml, scratchRepo } from './helpers.ts';

describe('timeout-minutes', { timeout: 30_000 }, () => {
  it('kills a step that runs too long (and what it started) and fails it; the job goes on to always() steps', async () => {
    const started = Date.now();
    const r = await runYaml(`
on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - name: Hangs
        timeout-minutes: 0.02
        run: sleep 30 & wait
      - if: always()
        run: echo after
`);
    expect(Date.now() - started).toBeLessThan(8000);
    expect(r.jobs.a?.steps.map((s) => s.outcome)).toEqual(['failure', 'success']);
    expect(r.failure).toBe('.github/workflows/w.yml: job "a": step "Hangs": timed out: exceeded timeout-minutes 0.02, killed');
  });

  it('kills a job that runs too long and fails it', async () => {
    const started = Date.now();
    const r = await runYaml(`
on: push
jobs:
  a:
    runs-on: ubuntu-latest
    timeout-minutes: 0.03
    steps:
      - run: echo start
      - name: Slow
        run: sleep 30
      - run: echo never
  b:
    needs: a
    runs-on: ubuntu-latest
    steps:
      - run: echo never
`);
    expect(Date.now() - started).toBeLessThan(8000);
    expect(r.jobs.a?.steps.map((s) => s.outcome)).toEqual(['success', 'failure', 'skipped']);
    expect(r.jobs.a?.status).toBe('failure');
    expect(r.jobs.b?.status).toBe('skipped');
    expect(r.failure).toBe('.github/workflows/w.yml: job "a": exceeded timeout-minutes 0.03 in step "Slow", killed');
  });
});

describe('attempts', { timeout: 30_000 }, () => {
  let artifacts: ArtifactService;
  beforeAll(async () => {
    artifacts = await startArtifactService({ runId: '99' });
  });
  afterAll(() => artifacts?.close());

  it('re-running failed jobs keeps the successful legs and gives each job the artifact env of its attempt', async () => {
    const marker = path.join(await mkdtemp(path.join(os.tmpdir(), 'moam-wf-marker-')), 'fixed');
    const root = await scratchRepo({
      '.github/workflows/w.yml': `
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    strategy:
      fail-fast: false
      matrix:
        leg: [good, flaky]
    outputs:
      seen: \${{ steps.s.outputs.seen }}
    steps:
      - id: s
        run: |
          echo "token=$ACTIONS_RUNTIME_TOKEN run=$GITHUB_RUN_ID attempt=$GITHUB_RUN_ATTEMPT/\${{ github.run_attempt }}"
          echo "seen=\${{ matrix.leg }}" >> "$GITHUB_OUTPUT"
          if [ "\${{ matrix.leg }}" = flaky ] && [ ! -e "$MARKER" ]; then exit 1; fi
  merge:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - run: echo merged
`,
    });
    const opts = { repoRoot: root, workflow: '.github/workflows/w.yml', event: push(), repository: REPO, services: { artifacts }, runnerEnv: { MARKER: marker }, keepRunDir: 'never' as const };
    const first = await runWorkflow(opts);
    expect(first.ok).toBe(false);
    expect(first.jobs['build (flaky)']?.status).toBe('failure');
    expect(first.jobs.merge?.status).toBe('skipped');
    const token = (log: string | undefined) => decodeJwt(/token=(\S+)/.exec(log ?? '')?.[1] as string).payload.scp as string;
    const goodScope = token(first.jobs['build (good)']?.steps[0]?.logTail);
    expect(first.jobs['build (good)']?.steps[0]?.logTail).toMatch(/run=99 attempt=1\/1/);

    await import('node:fs/promises').then((fs) => fs.writeFile(marker, ''));
    const second = await runWorkflow({ ...opts, rerunFailedFrom: first });
    expect(second.ok, second.failure).toBe(true);
    expect(second.attempt).toBe(2);
    expect(second.jobs['build (good)']).toBe(first.jobs['build (good)']); // kept, not re-run
    expect(second.jobs['build (good)']?.attempt).toBe(1);
    expect(second.jobs['build (flaky)']?.attempt).toBe(2);
    expect(second.jobs['build (flaky)']?.steps[0]?.logTail).toMatch(/run=99 attempt=2\/2/);
    // Another job backend id for the new attempt, in the same run (same artifact service).
    expect(token(second.jobs['build (flaky)']?.steps[0]?.logTail)).not.toBe(goodScope);
    expect(token(second.jobs['build (flaky)']?.steps[0]?.logTail).split(':')[1]).toBe(goodScope.split(':')[1]);
    expect(second.jobs.merge?.status).toBe('success');
  });
});

describe('concurrency', { timeout: 30_000 }, () => {
  it('serialises runs with the same group and records it', async () => {
    const yaml = `
on: push
concurrency:
  group: release-\${{ github.ref }}
  cancel-in-progress: false
jobs:
  a:
    runs-on: ubuntu-latest
    outputs:
      t: \${{ steps.t.outputs.t }}
    steps:
      - id: t
        run: echo "t=$(date +%s%3N)" >> "$GITHUB_OUTPUT"; sleep 1
`;
    const [x, y] = await Promise.all([runYaml(yaml), runYaml(yaml)]);
    expect(x?.concurrency).toEqual([{ scope: '.github/workflows/w.yml', group: 'release-refs/tags/1.2.3', cancelInProgress: false }]);
    expect(Math.abs(Number(x?.jobs.a?.outputs.t) - Number(y?.jobs.a?.outputs.t))).toBeGreaterThanOrEqual(1000);
  });
});

describe('our own actions', { timeout: 30_000 }, () => {
  const greet = fakeAction('greet', {
    inputs: { who: null, greeting: 'hello', shout: 'false' },
    outputs: ['message'],
    js: `
const message = input('greeting') + ' ' + input('who');
if (!input('who')) { console.log('::error title=greet::who is empty'); process.exit(1); }
output('message', input('shout') === 'true' ? message.toUpperCase() : message);
fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY, '## ' + message + '\\n');
console.log('cwd ' + (process.cwd() === require('node:fs').realpathSync(process.env.GITHUB_WORKSPACE)));`,
  });

  it('$/actions/<name>: the workflow\'s own repository; inputs default from action.yml; outputs, summary, ::error::', async () => {
    const r = await runYaml(
      `
on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - id: g
        uses: $/actions/greet
        with:
          who: \${{ github.ref_name }}
      - run: echo "\${{ steps.g.outputs.message }}"
      - name: Greet nobody
        uses: $/actions/greet
        with:
          who: ''
`,
      { files: greet },
    );
    const [g, echo, nobody] = r.jobs.a?.steps ?? [];
    expect(g?.outputs).toEqual({ message: 'hello 1.2.3' });
    expect(g?.summary).toBe('## hello 1.2.3\n');
    expect(g?.logTail).toBe('cwd true\n');
    expect(echo?.logTail).toBe('hello 1.2.3\n');
    expect(nobody?.errors).toEqual(['who is empty']);
    expect(r.failure).toBe('.github/workflows/w.yml: job "a": step "Greet nobody": who is empty');
  });

  it('./actions/<name>: resolved in the job\'s workspace, so it needs the checkout first', async () => {
    const yaml = (checkout: boolean) => `
on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
${checkout ? '      - uses: actions/checkout@v9\n        with:\n          persist-credentials: false\n' : ''}      - id: g
        uses: ./actions/greet
        with:
          who: you
          shout: true
`;
    const ok = await runYaml(yaml(true), { files: greet });
    expect(ok.ok, ok.failure).toBe(true);
    expect(ok.jobs.a?.steps[1]?.outputs.message).toBe('HELLO YOU');
    const noCheckout = await runYaml(yaml(false), { files: greet });
    expect(noCheckout.failure).toMatch(/job "a": step "Run \.\/actions\/greet" \(g\): \.\/actions\/greet: .* does not exist \(did the job check out the repository first\?\)/);
  });

  it('refuses, before running, an input the action does not declare', async () => {
    await expect(runYaml('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: $/actions/greet\n        with:\n          whom: x\n', { files: greet })).rejects.toThrow(
      '.github/workflows/w.yml, job "a", step #1: with: whom: not an input of $/actions/greet (inputs: who, greeting, shout)',
    );
  });
});

describe('third-party table', { timeout: 30_000 }, () => {
  it('fails, before running, on an action no row covers, naming the step', async () => {
    const r = runYaml('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo first\n      - name: Cache\n        uses: actions/cache@v4\n        with:\n          path: x\n          key: y\n');
    await expect(r).rejects.toThrow('.github/workflows/w.yml, job "a", step "Cache": uses: actions/cache@v4: no local equivalent for actions/cache in the third-party table (third-party.ts, or the stepMap option)');
  });

  it('fails on a with: key the row does not understand, and runs rows from the stepMap option', async () => {
    await expect(runYaml('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          submodules: true\n')).rejects.toThrow(/step #1: with: submodules: not understood by the local equivalent of actions\/checkout/);
    const seen: string[] = [];
    const row: StepMapping = { reason: 'test double', inputs: ['path'], outputs: ['cache-hit'], run: async (s) => (seen.push(`${s.uses.ref} ${s.with.path}`), { outputs: { 'cache-hit': 'true' } }) };
    const r = await runYaml('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - id: c\n        uses: Actions/Cache@v4\n        with:\n          path: ${{ runner.os }}\n      - run: echo "${{ steps.c.outputs.cache-hit }}"\n', { stepMap: { 'actions/cache': row } });
    expect(r.ok, r.failure).toBe(true);
    expect(seen).toEqual(['v4 Linux']);
    expect(r.jobs.a?.steps[1]?.logTail).toBe('true\n');
  });

  it('checkout links the workspace; setup-buildx selects the caller\'s builder; harden-runner does nothing', async () => {
    const { setupBuildx } = await import('../../src/workflow/index.ts');
    const r = await runYaml(
      `
on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: step-security/harden-runner@0123456789012345678901234567890123456789
        with:
          egress-policy: audit
      - uses: actions/checkout@v4
      - uses: docker/setup-buildx-action@v3
        with:
          driver: docker-container
      - run: echo "$BUILDX_BUILDER"; test -f .github/workflows/w.yml && echo checked-out
`,
      { stepMap: { 'docker/setup-buildx-action': setupBuildx({ builder: 'moam-tls' }) } },
    );
    expect(r.ok, r.failure).toBe(true);
    expect(r.jobs.a?.steps[3]?.logTail).toBe('moam-tls\nchecked-out\n');
  });
});

describe('refused before running (naming file, job and step)', { timeout: 30_000 }, () => {
  const refuse = (yaml: string) => expect(runYaml(yaml)).rejects;
  it('unsupported keys and shells', async () => {
    await refuse('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    container: node:20\n    steps:\n      - run: true\n').toThrow('.github/workflows/w.yml, job "a": job: `container` not supported by the local executor');
    await refuse('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - name: Py\n        shell: python\n        run: print(1)\n').toThrow('.github/workflows/w.yml, job "a", step "Py": shell: "python" is not supported (bash or sh)');
    await refuse('on: push\ndefaults:\n  run:\n    shell: bash\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: true\n').toThrow('.github/workflows/w.yml: workflow: `defaults` not supported');
    await refuse('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    continue-on-error: true\n    steps:\n      - run: true\n').toThrow(/job "a": job: `continue-on-error` not supported/);
    await refuse('on: push\njobs:\n  a:\n    uses: octo/other/.github/workflows/x.yml@v1\n').toThrow(/job "a": uses: octo\/other\/.github\/workflows\/x.yml@v1: only local reusable workflows/);
    await refuse('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker://alpine:3\n').toThrow(/step #1: uses: docker:\/\/alpine:3: container actions are not supported/);
  });

  it('invalid workflows (GitHub\'s parser), unknown needs, and events the workflow would not run for', async () => {
    await refuse('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    needs: nope\n    steps:\n      - run: true\n').toThrow(/GitHub's workflow parser rejects it/);
    await refuse('on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: true\n').toThrow('.github/workflows/w.yml: the workflow has no `on: push` (it has: pull_request)');
    await refuse("on:\n  push:\n    tags: ['v*']\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: true\n").toThrow('GitHub would not start this workflow for a push of refs/tags/1.2.3');
    await refuse("on:\n  push:\n    branches: [main]\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: true\n").toThrow(/would not start this workflow/);
  });

  it('a whole run directory is kept for a failed run unless told otherwise', async () => {
    const r = await runYaml('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: exit 1\n', { keepRunDir: 'on-failure' });
    expect(existsSync(path.join(r.runDir, 'event.json'))).toBe(true);
    expect(existsSync(path.join(r.runDir, 'a-attempt1', 'steps', '1.log'))).toBe(true);
    await rm(r.runDir, { recursive: true, force: true });
  });
});
