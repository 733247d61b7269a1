import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { repoRoot } from '@moam/testkit';

it('every shell script is shellcheck-clean (Debian shellcheck, installed by the test bed)', async () => {
  const scripts = (await readdir(path.join(repoRoot, 'scripts'))).filter((f) => f.endsWith('.sh')).map((f) => path.join('scripts', f));
  scripts.push('scripts/lib/prepare.sh', '.ci/run');
  expect(scripts.length).toBeGreaterThan(4);
  await promisify(execFile)('shellcheck', ['--shell=bash', '--external-sources', ...scripts], { cwd: repoRoot });
});
