// .github/dependabot.yml: which ecosystems it keeps current, how often, and grouped how.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../src/repo.ts';

type Obj = Record<string, unknown>;

describe('.github/dependabot.yml', () => {
  const config = parse(readFileSync(path.join(REPO_ROOT, '.github/dependabot.yml'), 'utf8')) as { version: number; updates: Obj[] };
  const entry = (ecosystem: string) => config.updates.find((u) => u['package-ecosystem'] === ecosystem);
  const dirs = (u: Obj | undefined) => [u?.directory, ...((u?.directories as string[] | undefined) ?? [])].filter(Boolean);

  it('is a version 2 configuration', () => {
    expect(config.version).toBe(2);
  });

  it('keeps the pinned GitHub Actions of the workflows current, weekly, in one group', () => {
    const actions = entry('github-actions');
    expect(dirs(actions)).toContain('/');
    expect((actions?.schedule as Obj).interval).toBe('weekly');
    expect(Object.keys((actions?.groups as Obj) ?? {})).not.toHaveLength(0);
  });

  it('keeps the npm dependencies of the root lockfile current, weekly, grouped', () => {
    const npm = entry('npm');
    expect(dirs(npm)).toEqual(['/']);
    expect((npm?.schedule as Obj).interval).toBe('weekly');
    expect(Object.keys((npm?.groups as Obj) ?? {}).sort()).toEqual(['runtime', 'tooling']);
  });
});
