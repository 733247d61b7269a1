import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { actionFiles, repoContext, workflowFiles } from '../src/repo.ts';
import { checkActionMetadata } from '../src/action-metadata.ts';
import type { Finding, RuleId } from '../src/findings.ts';
import type { PolicyContext } from '../src/policy-context.ts';
import { filterPatternToRegExp, tagMatches } from '../src/tag-filter.ts';
import { untrustedExpressions } from '../src/untrusted-expressions.ts';
import { classifyUses } from '../src/uses-ref.ts';
import { checkWorkflow } from '../src/workflow-policy.ts';

const ctx = repoContext();
const HARDEN = 'step-security/harden-runner@e14015d583714f6e62063499dc959a02595150a1 # v2.21.1';
const CHECKOUT = 'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1';

/** A workflow with one job `j`: the given job body lines (indented 4 spaces) under a compliant frame. */
function workflow(jobBody: string[], opts: { top?: string[]; jobs?: string[] } = {}): string {
  return [
    'on: push',
    ...(opts.top ?? ['permissions: {}']),
    'jobs:',
    '  j:',
    ...jobBody.map((l) => `    ${l}`),
    ...(opts.jobs ?? []),
    '',
  ].join('\n');
}

/** A compliant job body: harden-runner first, read-only contents, a pinned checkout. */
function job(steps: string[] = [], head: string[] = ['runs-on: ubuntu-latest', 'permissions:', '  contents: read']): string[] {
  return [...head, 'steps:', `  - uses: ${HARDEN}`, '    with:', '      egress-policy: audit', `  - uses: ${CHECKOUT}`, ...steps.map((l) => `  ${l}`)];
}

const rules = (findings: readonly Finding[]): RuleId[] => [...new Set(findings.map((f) => f.rule))];
const check = (source: string, c: PolicyContext = ctx) => checkWorkflow('test.yml', source, c);
const describeFindings = (findings: readonly Finding[]) => findings.map((f) => `${f.file}${f.job ? ` [${f.job}]` : ''} ${f.rule}: ${f.message}`).join('\n');

describe('the repository passes its own policy', () => {
  it.each(workflowFiles().map((f) => [f.path, f] as const))('%s', (_p, f) => {
    expect(describeFindings(checkWorkflow(f.path, f.source, ctx))).toBe('');
  });

  it.each(actionFiles().map((f) => [f.path, f] as const))('%s has complete metadata', (_p, f) => {
    expect(describeFindings(checkActionMetadata(f.path, f.source))).toBe('');
  });

  it('pins each third-party action to one SHA everywhere', () => {
    const pins = new Map<string, Set<string>>();
    for (const f of workflowFiles()) {
      const jobs = Object.values((parse(f.source) as { jobs: Record<string, { uses?: string; steps?: { uses?: string }[] }> }).jobs);
      const uses = jobs.flatMap((j) => [j.uses, ...(j.steps ?? []).map((s) => s.uses)]).filter((u): u is string => typeof u === 'string');
      for (const u of uses) {
        const ref = classifyUses(u);
        if (ref.kind !== 'third-party') continue;
        if (!pins.has(ref.target)) pins.set(ref.target, new Set());
        pins.get(ref.target)!.add(ref.ref);
      }
    }
    expect([...pins.keys()].sort()).toEqual(['actions/checkout', 'docker/login-action', 'docker/setup-buildx-action', 'step-security/harden-runner']);
    for (const [target, refs] of pins) expect([target, refs.size]).toEqual([target, 1]);
  });
});

describe('a compliant snippet has no findings (the baseline for the negative tests)', () => {
  it('passes', () => {
    expect(check(workflow(job(['- run: echo "$GREETING"', '  env:', '    GREETING: ${{ github.event.head_commit.message }}'])))).toEqual([]);
  });
});

describe('pin-sha / pin-comment', () => {
  it('refuses a tag', () => {
    expect(rules(check(workflow(job(['- uses: docker/login-action@v4']))))).toEqual(['pin-sha']);
  });

  it('refuses a short SHA', () => {
    expect(rules(check(workflow(job(['- uses: docker/login-action@dbcb813 # v4.6.0']))))).toEqual(['pin-sha']);
  });

  it('refuses a branch in a reusable workflow call', () => {
    const src = ['on: push', 'permissions: {}', 'jobs:', '  r:', '    permissions: {}', '    uses: octo/other/.github/workflows/x.yml@main', ''].join('\n');
    expect(rules(check(src))).toEqual(['pin-sha']);
  });

  it('refuses a docker:// image without a digest', () => {
    expect(rules(check(workflow(job(['- uses: docker://alpine:3.20']))))).toEqual(['pin-sha']);
  });

  it('wants the version in a trailing comment', () => {
    expect(rules(check(workflow(job(['- uses: docker/login-action@dbcb813823bdd20940b903addbd779551569679f']))))).toEqual(['pin-comment']);
  });

  it('accepts our own actions through $/ (the running commit) and ./ (a checkout)', () => {
    for (const uses of ['$/actions/verify', './actions/verify']) {
      const src = workflow(job([`- uses: ${uses}`, '  with:', '    image: ghcr.io/o/a@sha256:0000000000000000000000000000000000000000000000000000000000000000']));
      expect(check(src)).toEqual([]);
    }
  });

  it('refuses our own actions or workflow at a ref (it moves, or is another commit than the one running)', () => {
    const f = check(workflow(job(['- uses: moam-project/multi-arch-of-madness/actions/verify@v1', '  with:', '    image: ghcr.io/o/a:1'])));
    expect(rules(f)).toEqual(['self-reference']);
    expect(f[0]!.message).toMatch(/use \$\/actions\/verify, which resolves to this workflow's repository at the running commit/);
    const sha = check(workflow(job([`- uses: moam-project/multi-arch-of-madness/actions/verify@${'a'.repeat(40)}`, '  with:', '    image: ghcr.io/o/a:1'])));
    expect(rules(sha)).toEqual(['self-reference']);
    const wf = ['on: push', 'permissions: {}', 'jobs:', '  r:', '    permissions:', '      contents: read', '      packages: write', '      id-token: write', '    uses: moam-project/multi-arch-of-madness/.github/workflows/multi-arch.yml@v1', ''].join('\n');
    expect(rules(check(wf))).toEqual(['self-reference']);
    expect(rules(check(workflow(job(['- uses: $/scripts/thing']))))).toEqual(['self-reference']);
  });
});

describe('permissions', () => {
  it('wants top-level permissions', () => {
    expect(rules(check(workflow(job(), { top: [] })))).toEqual(['top-permissions']);
  });

  it('wants top-level permissions to be {}', () => {
    expect(rules(check(workflow(job(), { top: ['permissions:', '  contents: read'] })))).toEqual(['top-permissions']);
    expect(rules(check(workflow(job(), { top: ['permissions: read-all'] })))).toEqual(['top-permissions']);
  });

  it('wants explicit permissions on every job', () => {
    expect(rules(check(workflow(job([], ['runs-on: ubuntu-latest']))))).toEqual(['job-permissions']);
    expect(rules(check(workflow(job([], ['runs-on: ubuntu-latest', 'permissions: write-all']))))).toEqual(expect.arrayContaining(['job-permissions']));
  });

  it('keeps id-token: write to the signing job', () => {
    const head = ['runs-on: ubuntu-latest', 'permissions:', '  contents: read', '  id-token: write'];
    expect(rules(check(workflow(job(['- run: echo build'], head))))).toEqual(['id-token-scope']);
  });

  it('allows id-token: write where sign-recursive runs', () => {
    const head = ['runs-on: ubuntu-latest', 'permissions:', '  packages: write', '  id-token: write'];
    const steps = ['- uses: $/actions/sign-recursive', '  with:', '    images: ghcr.io/o/a', '    digest: sha256:abc'];
    expect(check(workflow(job(steps, head)))).toEqual([]);
  });

  it('keeps packages: write to jobs that push', () => {
    const head = ['runs-on: ubuntu-latest', 'permissions:', '  contents: read', '  packages: write'];
    expect(rules(check(workflow(job(['- run: echo test'], head))))).toEqual(['packages-write-scope']);
    const noPush = ['- uses: ./actions/build-by-digest', '  with:', '    images: ghcr.io/o/a', '    platform: linux/amd64', "    push: 'false'"];
    expect(rules(check(workflow(job(noPush, head))))).toEqual(['packages-write-scope']);
    const dryRun = ['- uses: ./actions/merge-manifest', '  with:', '    images: ghcr.io/o/a', '    platforms: linux/amd64', "    dry-run: 'true'"];
    expect(rules(check(workflow(job(dryRun, head))))).toEqual(['packages-write-scope']);
  });

  it('allows packages: write where build-by-digest pushes', () => {
    const head = ['runs-on: ubuntu-latest', 'permissions:', '  contents: read', '  packages: write'];
    const push = ['- uses: ./actions/build-by-digest', '  with:', '    images: ghcr.io/o/a', '    platform: linux/amd64'];
    expect(check(workflow(job(push, head)))).toEqual([]);
  });

  it('follows a call to our reusable workflow: it signs and pushes, so the caller may grant both', () => {
    const src = ['on: push', 'permissions: {}', 'jobs:', '  r:', '    permissions:', '      contents: read', '      packages: write', '      id-token: write', '    uses: ./.github/workflows/multi-arch.yml', ''].join('\n');
    expect(check(src)).toEqual([]);
  });

  it('refuses id-token: write to a caller of a reusable workflow that does not sign', () => {
    const called = ['on:', '  workflow_call:', 'permissions: {}', 'jobs:', '  t:', ...job(['- run: make test']).map((l) => `    ${l}`), ''].join('\n');
    const c: PolicyContext = { ...ctx, workflows: new Map([...ctx.workflows, ['.github/workflows/test-only.yml', called]]) };
    const src = ['on: push', 'permissions: {}', 'jobs:', '  r:', '    permissions:', '      contents: read', '      id-token: write', '    uses: ./.github/workflows/test-only.yml', ''].join('\n');
    expect(rules(check(src, c))).toEqual(['id-token-scope']);
  });
});

describe('action-inputs / workflow-call-inputs', () => {
  it('refuses a with: key the local action does not declare', () => {
    const steps = ['- uses: ./actions/build-by-digest', '  with:', '    images: ghcr.io/o/a', '    platform: linux/amd64', '    tag: latest'];
    const f = check(workflow(job(steps)));
    expect(rules(f)).toEqual(['action-inputs']);
    expect(f[0]!.message).toMatch(/"tag" is not an input of actions\/build-by-digest/);
  });

  it('refuses a missing required input, also through $/actions/x', () => {
    const steps = ['- uses: $/actions/sign-recursive', '  with:', '    images: ghcr.io/o/a'];
    const f = check(workflow(job(steps)));
    expect(rules(f)).toEqual(['action-inputs']);
    expect(f[0]!.message).toMatch(/required input "digest"/);
  });

  it('refuses an action that does not exist', () => {
    expect(rules(check(workflow(job(['- uses: ./actions/no-such-action']))))).toEqual(['action-inputs']);
  });

  it('refuses inputs and secrets the reusable workflow does not declare', () => {
    const src = [
      'on: push', 'permissions: {}', 'jobs:', '  r:', '    permissions:', '      contents: read', '      packages: write', '      id-token: write',
      '    uses: ./.github/workflows/multi-arch.yml', '    with:', '      contxt: .', '    secrets:', '      npm-token: x', '',
    ].join('\n');
    const f = check(src);
    expect(rules(f)).toEqual(['workflow-call-inputs']);
    expect(f.map((x) => x.message).join('\n')).toMatch(/"contxt".*\n.*"npm-token"/);
  });

  it('refuses a call to a reusable workflow that does not exist', () => {
    const src = ['on: push', 'permissions: {}', 'jobs:', '  r:', '    permissions: {}', '    uses: ./.github/workflows/ghost.yml', ''].join('\n');
    expect(rules(check(src))).toEqual(['workflow-call-inputs']);
  });
});

describe('runner-label', () => {
  it('refuses a label that is not allowed', () => {
    expect(rules(check(workflow(job([], ['runs-on: macos-latest', 'permissions: {}']))))).toEqual(['runner-label']);
    expect(rules(check(workflow(job([], ['runs-on: [self-hosted, arm64]', 'permissions: {}']))))).toEqual(['runner-label']);
  });

  it('refuses a matrix runner that is not allowed', () => {
    const head = ['runs-on: ${{ matrix.runner }}', 'permissions: {}', 'strategy:', '  matrix:', '    include:', '      - platform: linux/amd64', '        runner: ubuntu-latest', '      - platform: linux/arm64', '        runner: ubuntu-22.04-arm'];
    const f = check(workflow(job([], head)));
    expect(rules(f)).toEqual(['runner-label']);
    expect(f[0]!.message).toMatch(/ubuntu-22\.04-arm/);
  });

  it('accepts a matrix from the prepare job, refuses one from anywhere else', () => {
    const head = (expr: string) => ['runs-on: ${{ matrix.runner }}', 'needs: prepare', 'permissions: {}', 'strategy:', '  matrix:', `    include: \${{ ${expr} }}`];
    expect(check(workflow(job([], head('fromJSON(needs.prepare.outputs.include)'))))).toEqual([]);
    expect(rules(check(workflow(job([], head('fromJSON(inputs.matrix)')))))).toEqual(['runner-label']);
  });

  it('refuses runs-on from an input', () => {
    expect(rules(check(workflow(job([], ['runs-on: ${{ inputs.runner }}', 'permissions: {}']))))).toEqual(['runner-label']);
  });

  it('checks the default of a runners input', () => {
    const src = [
      'on:', '  workflow_call:', '    inputs:', '      runners:', '        type: string', `        default: '{"linux/amd64":"ubuntu-latest","linux/arm64":"buildjet-4vcpu-ubuntu-2204-arm"}'`,
      'permissions: {}', 'jobs:', '  j:', ...job().map((l) => `    ${l}`), '',
    ].join('\n');
    expect(rules(check(src))).toEqual(['runner-label']);
  });
});

describe('untrusted-in-run', () => {
  it.each([
    'echo "${{ github.event.pull_request.title }}"',
    'echo ${{ github.head_ref }}',
    'echo ${{ inputs.image }}',
    'echo ${{ github.event.issue.body || \'none\' }}',
    "echo ${{ format('{0}', github['head_ref']) }}",
    'echo ${{ steps.meta.outputs.tags }}',
    'echo ${{ secrets.TOKEN }}',
  ])('refuses %s', (line) => {
    const f = check(workflow(job([`- run: ${JSON.stringify(line)}`])));
    expect(rules(f)).toEqual(['untrusted-in-run']);
  });

  it('allows values that are never attacker-controlled', () => {
    expect(untrustedExpressions('echo ${{ github.sha }} ${{ runner.temp }} ${{ github.run_id }} ${{ github.event_name }}')).toEqual([]);
  });

  it('allows untrusted values through env:', () => {
    expect(check(workflow(job(['- run: echo "$TITLE"', '  env:', '    TITLE: ${{ github.event.pull_request.title }}'])))).toEqual([]);
  });
});

describe('harden-runner-first', () => {
  it('refuses a job whose first step is not harden-runner', () => {
    const src = workflow(['runs-on: ubuntu-latest', 'permissions: {}', 'steps:', `  - uses: ${CHECKOUT}`, `  - uses: ${HARDEN}`, '    with:', '      egress-policy: audit']);
    expect(rules(check(src))).toEqual(['harden-runner-first']);
  });

  it('refuses a job without steps', () => {
    expect(rules(check(workflow(['runs-on: ubuntu-latest', 'permissions: {}', 'steps: []'])))).toEqual(['harden-runner-first']);
  });

  it('wants an egress policy', () => {
    const src = workflow(['runs-on: ubuntu-latest', 'permissions: {}', 'steps:', `  - uses: ${HARDEN}`]);
    expect(rules(check(src))).toEqual(['harden-runner-first']);
  });

  it('does not ask it of a job that only calls a reusable workflow', () => {
    const src = ['on: push', 'permissions: {}', 'jobs:', '  r:', '    permissions:', '      contents: read', '      packages: write', '      id-token: write', '    uses: ./.github/workflows/multi-arch.yml', ''].join('\n');
    expect(check(src)).toEqual([]);
  });
});

describe('action-metadata', () => {
  const good = ['name: a', 'description: b', 'inputs:', '  x:', '    description: c', '    required: true', 'outputs:', '  y:', '    description: d', 'runs:', "  using: 'node24'", "  main: 'dist/index.js'", ''];
  it('accepts complete metadata', () => {
    expect(checkActionMetadata('action.yml', good.join('\n'))).toEqual([]);
  });

  it.each([
    ['no description', (l: string[]) => l.filter((x) => x !== 'description: b')],
    ['node20', (l: string[]) => l.map((x) => x.replace('node24', 'node20'))],
    ['another main', (l: string[]) => l.map((x) => x.replace('dist/index.js', 'lib/main.js'))],
    ['an input without description', (l: string[]) => l.filter((x) => x !== '    description: c')],
    ['a required input with a default', (l: string[]) => l.flatMap((x) => (x === '    required: true' ? [x, "    default: 'z'"] : [x]))],
    ['an output without description', (l: string[]) => l.filter((x) => x !== '    description: d')],
  ])('refuses %s', (_name, mutate) => {
    expect(rules(checkActionMetadata('action.yml', mutate(good).join('\n')))).toEqual(['action-metadata']);
  });
});

describe('tag filters', () => {
  it('translates GitHub filter patterns', () => {
    expect(filterPatternToRegExp('[0-9]+.[0-9]+.[0-9]+').test('10.2.33')).toBe(true);
    expect(filterPatternToRegExp('[0-9]+.[0-9]+.[0-9]+').test('1.2')).toBe(false);
    expect(filterPatternToRegExp('v*').test('v1/x')).toBe(false);
    expect(filterPatternToRegExp('v**').test('v1/x')).toBe(true);
    expect(tagMatches(['v*', '!v1'], 'v1')).toBe(false);
  });

  it('refuses an unterminated [ in our own patterns (GitHub would read it as a literal)', () => {
    expect(() => filterPatternToRegExp('v[0-9')).toThrow(/unterminated \[ in v\[0-9/);
    expect(() => tagMatches(['v*', '!v[0-9'], 'v1')).toThrow(/unterminated/);
    expect(filterPatternToRegExp('v\\[0-9').test('v[0-9')).toBe(true);
  });
});
