// Job and step semantics on synthetic workflows (run: steps only): needs/if/status functions, outputs,
// matrices from job outputs, parallel legs, fail-fast, env levels, file commands, continue-on-error.
import { describe, expect, it } from 'vitest';
import { runYaml } from './helpers.ts';

const job = (body: string) => `    runs-on: ubuntu-latest\n${body}`;

describe('needs, if and the status functions', { timeout: 30_000 }, () => {
  it('a failed job skips its dependants, transitively, unless their if says otherwise', async () => {
    const r = await runYaml(`
on: push
jobs:
  a:
${job('    steps:\n      - run: exit 3')}
  b:
    needs: a
${job('    steps:\n      - run: echo b')}
  c:
    needs: b
    if: always()
${job('    steps:\n      - run: echo "b was ${{ needs.b.result }}"')}
  d:
    needs: c
${job('    steps:\n      - run: echo d')}
  e:
    needs: a
    if: \${{ failure() }}
${job('    steps:\n      - run: echo cleanup')}
  f:
${job('    steps:\n      - run: echo independent')}
`);
    const s = Object.fromEntries(Object.values(r.jobs).map((j) => [j.key, j.status]));
    // d needs only c, which succeeded, but success() looks at ALL ancestors (a failed): GitHub skips d too.
    expect(s).toEqual({ a: 'failure', b: 'skipped', c: 'success', d: 'skipped', e: 'success', f: 'success' });
    expect(r.jobs.c?.steps[0]?.logTail).toBe('b was skipped\n');
    expect(r.ok).toBe(false);
    expect(r.failure).toBe('.github/workflows/w.yml: job "a": step "Run exit 3": exit code 3');
  });

  it('runs jobs after their needs and independent jobs in parallel', async () => {
    const r = await runYaml(`
on: push
jobs:
  slow1:
${job('    steps:\n      - run: sleep 1; date +%s%N > /dev/null; echo "t=$(date +%s%3N)" >> "$GITHUB_OUTPUT"\n        id: t\n    outputs:\n      t: ${{ steps.t.outputs.t }}')}
  slow2:
${job('    steps:\n      - run: sleep 1; echo "t=$(date +%s%3N)" >> "$GITHUB_OUTPUT"\n        id: t\n    outputs:\n      t: ${{ steps.t.outputs.t }}')}
  after:
    needs: [slow1, slow2]
${job('    steps:\n      - run: echo "t=$(date +%s%3N)" >> "$GITHUB_OUTPUT"\n        id: t\n    outputs:\n      t: ${{ steps.t.outputs.t }}')}
`);
    expect(r.ok, r.failure).toBe(true);
    const t = (k: string) => Number(r.jobs[k]?.outputs.t);
    expect(Math.abs(t('slow1') - t('slow2'))).toBeLessThan(700);
    expect(t('after')).toBeGreaterThanOrEqual(Math.max(t('slow1'), t('slow2')));
  });

  it('step if, continue-on-error, outcome vs conclusion, and failure() in a later step', async () => {
    const r = await runYaml(`
on: push
jobs:
  a:
${job(`    steps:
      - id: flaky
        continue-on-error: true
        run: exit 1
      - run: echo "outcome=\${{ steps.flaky.outcome }} conclusion=\${{ steps.flaky.conclusion }}"
      - id: broken
        run: exit 2
      - run: echo never
      - if: failure() && steps.broken.outcome == 'failure'
        run: echo "job is \${{ job.status }}"
      - if: always()
        run: echo always`)}
`);
    const steps = r.jobs.a?.steps ?? [];
    expect(steps.map((s) => [s.outcome, s.conclusion])).toEqual([
      ['failure', 'success'],
      ['success', 'success'],
      ['failure', 'failure'],
      ['skipped', 'skipped'],
      ['success', 'success'],
      ['success', 'success'],
    ]);
    expect(steps[1]?.logTail).toBe('outcome=failure conclusion=success\n');
    expect(steps[4]?.logTail).toBe('job is failure\n');
    expect(r.jobs.a?.status).toBe('failure');
    expect(r.failure).toMatch(/job "a": step "Run exit 2" \(broken\): exit code 2/);
  });
});

describe('outputs and matrices', { timeout: 30_000 }, () => {
  it('builds the matrix from fromJSON(needs.x.outputs.y), runs the legs in parallel and wires outputs', async () => {
    const r = await runYaml(`
on: push
jobs:
  plan:
${job(`    outputs:
      include: \${{ steps.p.outputs.include }}
    steps:
      - id: p
        run: echo 'include=[{"platform":"linux/amd64","runner":"ubuntu-latest"},{"platform":"linux/arm64","runner":"ubuntu-24.04-arm"},{"platform":"linux/riscv64","runner":"x"}]' >> "$GITHUB_OUTPUT"`)}
  build:
    name: build (\${{ matrix.platform }})
    needs: plan
    runs-on: \${{ matrix.runner }}
    strategy:
      matrix:
        include: \${{ fromJSON(needs.plan.outputs.include) }}
    outputs:
      last: \${{ steps.b.outputs.platform }}
    steps:
      - id: b
        run: |
          sleep 1
          echo "platform=\${{ matrix.platform }}" >> "$GITHUB_OUTPUT"
          echo "start=\${{ strategy.job-index }}/\${{ strategy.job-total }}"
  merge:
    needs: build
${job('    steps:\n      - run: echo "${{ needs.build.result }} ${{ needs.build.outputs.last }}"')}
`);
    expect(r.ok, r.failure).toBe(true);
    expect(r.jobs.build?.legs).toEqual(['build (linux/amd64, ubuntu-latest)', 'build (linux/arm64, ubuntu-24.04-arm)', 'build (linux/riscv64, x)']);
    const legs = (r.jobs.build?.legs ?? []).map((k) => r.jobs[k]);
    expect(legs.map((l) => [l?.name, l?.runsOn, l?.status])).toEqual([
      ['build (linux/amd64)', 'ubuntu-latest', 'success'],
      ['build (linux/arm64)', 'ubuntu-24.04-arm', 'success'],
      ['build (linux/riscv64)', 'x', 'success'],
    ]);
    expect(legs[1]?.steps[0]?.logTail).toBe('start=1/3\n');
    // Three legs of 1 s each: in parallel.
    expect(legs.every((l) => (l?.steps[0]?.durationMs ?? 0) >= 1000)).toBe(true);
    expect(r.jobs.merge?.steps[0]?.logTail).toMatch(/^success linux\/(amd64|arm64|riscv64)\n$/);
  });

  it('fail-fast cancels the other legs; fail-fast: false lets them finish', async () => {
    const wf = (failFast: boolean) => `
on: push
jobs:
  m:
    runs-on: ubuntu-latest
    strategy:
      fail-fast: ${failFast}
      matrix:
        n: [1, 2, 3]
    steps:
      - run: if [ "\${{ matrix.n }}" = 1 ]; then exit 1; fi; sleep 3
      - if: cancelled()
        run: echo "cleanup after cancel"
`;
    const started = Date.now();
    const fast = await runYaml(wf(true));
    expect(Date.now() - started).toBeLessThan(2800);
    expect(Object.fromEntries(Object.values(fast.jobs).map((j) => [j.key, j.status]))).toEqual({ 'm (1)': 'failure', 'm (2)': 'cancelled', 'm (3)': 'cancelled', m: 'failure' });
    expect(fast.jobs['m (2)']?.steps.map((s) => s.outcome)).toEqual(['cancelled', 'success']);
    const slow = await runYaml(wf(false));
    expect(Object.fromEntries(Object.values(slow.jobs).map((j) => [j.key, j.status]))).toEqual({ 'm (1)': 'failure', 'm (2)': 'success', 'm (3)': 'success', m: 'failure' });
  });

  it('a misspelt output name fails the run naming the job and what exists', async () => {
    const r = await runYaml(`
on: push
jobs:
  a:
${job(`    outputs:
      x: \${{ steps.s.outputs.valeu }}
    steps:
      - id: s
        run: echo "value=1" >> "$GITHUB_OUTPUT"`)}
  b:
    needs: a
${job('    steps:\n      - name: Use it\n        run: echo "${{ needs.a.outputs.y }}"')}
`);
    expect(r.jobs.a?.status).toBe('failure');
    expect(r.failure).toBe('.github/workflows/w.yml: job "a": outputs.x: ${{ steps.s.outputs.valeu }}: steps.s.outputs.valeu is not an output step "s" set (there are: value)');
    expect(r.jobs.b?.status).toBe('skipped');
  });
});

describe('environment and file commands', { timeout: 30_000 }, () => {
  it('env at workflow/job/step level, GITHUB_ENV, GITHUB_PATH, summary and the runner variables', async () => {
    const r = await runYaml(`
on: push
env:
  LEVEL: workflow
  W: w
jobs:
  a:
    runs-on: ubuntu-latest
    env:
      LEVEL: job
      J: \${{ github.ref_name }}-j
    steps:
      - run: |
          echo "FROM_STEP=yes" >> "$GITHUB_ENV"
          mkdir -p "$RUNNER_TEMP/bin" && printf '#!/bin/sh\\necho tool-on-path\\n' > "$RUNNER_TEMP/bin/mytool" && chmod +x "$RUNNER_TEMP/bin/mytool"
          echo "$RUNNER_TEMP/bin" >> "$GITHUB_PATH"
          echo "# Summary" >> "$GITHUB_STEP_SUMMARY"
      - env:
          LEVEL: step
        run: |
          echo "$LEVEL $W $J $FROM_STEP \${{ env.FROM_STEP }}"
          mytool
          echo "$GITHUB_REF $GITHUB_REF_NAME $GITHUB_SHA $GITHUB_REPOSITORY $GITHUB_EVENT_NAME $GITHUB_JOB $CI $GITHUB_ACTIONS"
          test "$GITHUB_WORKSPACE" = "$PWD"
          jq -r .ref "$GITHUB_EVENT_PATH" 2>/dev/null || node -e 'console.log(require(process.env.GITHUB_EVENT_PATH).ref)'
          set -o | grep -E '^(errexit|pipefail)' | tr -s ' \\t' ' '
      - shell: bash
        run: set -o | grep -E '^pipefail' | tr -s ' \\t' ' '
`);
    expect(r.ok, r.failure).toBe(true);
    const [first, second, third] = r.jobs.a?.steps ?? [];
    expect(first?.summary).toBe('# Summary\n');
    expect(second?.logTail).toBe(
      [
        'step w 1.2.3-j yes yes',
        'tool-on-path',
        `refs/tags/1.2.3 1.2.3 0123456789abcdef0123456789abcdef01234567 octo-org/octo-repo push a true true`,
        'refs/tags/1.2.3',
        'errexit on',
        'pipefail off', // default shell: bash -e {0}
        '',
      ].join('\n'),
    );
    expect(third?.logTail).toBe('pipefail on\n'); // shell: bash: bash --noprofile --norc -eo pipefail {0}
  });

  it('masks secrets in logs and drops job outputs that contain one', async () => {
    const r = await runYaml(
      `
on: push
jobs:
  a:
    runs-on: ubuntu-latest
    outputs:
      leak: \${{ steps.s.outputs.t }}
    steps:
      - id: s
        run: |
          echo "token is \${{ secrets.API_TOKEN }}"
          echo "::add-mask::dynamic-value-42"
          echo "then dynamic-value-42"
          echo "t=\${{ secrets.API_TOKEN }}" >> "$GITHUB_OUTPUT"
`,
      { secrets: { API_TOKEN: 's3cr3t-token' } },
    );
    expect(r.ok, r.failure).toBe(true);
    expect(r.jobs.a?.steps[0]?.logTail).toBe('token is ***\n::add-mask::***\nthen ***\n');
    expect(r.jobs.a?.outputs).toEqual({});
  });
});
