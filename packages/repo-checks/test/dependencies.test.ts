import { describe, expect, it } from 'vitest';
import { type Workspace, dependencyProblems, importedPackages, packageOf, readWorkspaces } from '../src/dependencies.ts';
import { REPO_ROOT } from '../src/repo.ts';

const testOnly = (ws: Workspace) => ws.dir.startsWith('packages/') && ws.dir !== 'packages/core';

describe('declared dependencies', () => {
  it('every workspace imports what it declares and declares what it imports', () => {
    const { workspaces, rootDevDependencies } = readWorkspaces(REPO_ROOT);
    expect(workspaces.map((w) => w.dir)).toEqual(expect.arrayContaining(['packages/core', 'packages/repo-checks', 'packages/integration', 'actions/verify']));
    expect(dependencyProblems(workspaces, rootDevDependencies, testOnly)).toEqual([]);
  });

  it('core ships only the libraries the bundles load', () => {
    const core = readWorkspaces(REPO_ROOT).workspaces.find((w) => w.dir === 'packages/core');
    expect(core?.dependencies.sort()).toEqual(['@actions/artifact', '@actions/core', '@actions/http-client', '@actions/tool-cache', 'semver']);
  });

  it('reports a declared dependency nobody imports, and an import nobody declares', () => {
    const ws: Workspace = { dir: 'packages/core', name: '@moam/core', dependencies: ['@actions/exec', 'semver'], devDependencies: [], imports: new Map([['semver', ['a.ts']], ['yaml', ['b.ts']]]) };
    expect(dependencyProblems([ws], ['yaml'], () => false).map((p) => p.message)).toEqual([
      'declares the dependency @actions/exec but nothing in packages/core imports it: use it or remove it from packages/core/package.json',
      'b.ts imports yaml, which packages/core/package.json does not declare',
    ]);
    expect(dependencyProblems([ws], ['yaml'], () => true).map((p) => p.message)).toHaveLength(1);
  });

  it.each([
    ['@actions/workflow-parser/workflows/file-provider', '@actions/workflow-parser'],
    ['semver/functions/parse.js', 'semver'],
    ['node:fs', undefined],
    ['./x.ts', undefined],
    ['${stdout.trim()}', undefined],
  ])('packageOf(%s) = %s', (spec, pkg) => expect(packageOf(spec)).toBe(pkg));

  it('finds static, dynamic, re-export and side-effect imports, not strings in code', () => {
    const src = [
      "import { a } from '@actions/core';",
      "import type { B } from 'semver';",
      "export * from './local.ts';",
      "export { c } from 'yaml';",
      "const m = await import('@actions/artifact');",
      "import 'reflect-metadata';",
      "const s = 'from \\'nothing\\'';",
    ].join('\n');
    expect(importedPackages(src)).toEqual(['@actions/artifact', '@actions/core', 'reflect-metadata', 'semver', 'yaml']);
  });
});
