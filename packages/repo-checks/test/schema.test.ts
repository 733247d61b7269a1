import { describe, expect, it } from 'vitest';
import { REPOSITORY } from '../src/uses-ref.ts';
import { actionFiles, workflowFiles } from '../src/repo.ts';
import { mapFileProvider, validateAction, validateWorkflow } from '../src/schema.ts';

const workflows = workflowFiles();
const provider = mapFileProvider(new Map(workflows.map((f) => [f.path, f.source])), REPOSITORY);

describe('@actions/workflow-parser: workflows', () => {
  it.each(workflows.map((f) => [f.path, f] as const))('%s conforms to the workflow schema', async (_path, f) => {
    const { errors } = await validateWorkflow(f.path, f.source, provider);
    expect(errors).toEqual([]);
  });

  it('reports schema errors', async () => {
    const { errors } = await validateWorkflow('bad.yml', ['on: push', 'jobs:', '  a:', '    runs-on: ubuntu-latest', '    stepz: []', ''].join('\n'));
    expect(errors.join('\n')).toMatch(/stepz/);
  });

  it('reports a needs: on a job that does not exist', async () => {
    const { errors } = await validateWorkflow('bad.yml', ['on: push', 'jobs:', '  a:', '    runs-on: ubuntu-latest', '    steps:', '      - run: "true"', '  b:', '    needs: ghost', '    runs-on: ubuntu-latest', '    steps:', '      - run: "true"', ''].join('\n'));
    expect(errors.join('\n')).toMatch(/ghost/);
  });

  it('checks the inputs passed to a local reusable workflow', async () => {
    const caller = [
      'on: push',
      'permissions: {}',
      'jobs:',
      '  release:',
      '    uses: ./.github/workflows/multi-arch.yml',
      '    with:',
      '      no-such-input: x',
      '',
    ].join('\n');
    const { errors } = await validateWorkflow('caller.yml', caller, provider);
    expect(errors.join('\n')).toMatch(/no-such-input/);
  });

  it('reports a reusable workflow it cannot find', async () => {
    const caller = ['on: push', 'jobs:', '  r:', '    uses: ./.github/workflows/ghost.yml', ''].join('\n');
    const { errors } = await validateWorkflow('caller.yml', caller, provider);
    expect(errors.join('\n')).toMatch(/Unable to find reusable workflow/);
  });
});

describe('@actions/workflow-parser: action.yml', () => {
  const actions = actionFiles();

  it('finds the five actions', () => {
    expect(actions.map((f) => f.path)).toEqual([
      'actions/build-by-digest/action.yml',
      'actions/merge-manifest/action.yml',
      'actions/plan/action.yml',
      'actions/sign-recursive/action.yml',
      'actions/verify/action.yml',
    ]);
  });

  it.each(actions.map((f) => [f.path, f] as const))('%s conforms to the action schema', async (_path, f) => {
    expect((await validateAction(f.path, f.source)).errors).toEqual([]);
  });

  it('reports action schema errors', async () => {
    const bad = ['name: x', 'description: y', 'runs:', '  using: node99', '  main: dist/index.js', 'inputs:', '  a:', '    requird: true', ''].join('\n');
    const { errors } = await validateAction('action.yml', bad);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toMatch(/requird|node99/);
  });
});
