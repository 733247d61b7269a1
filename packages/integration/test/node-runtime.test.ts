// The bundles run on Node 24, as on GitHub (action.yml: `runs: using: node24`), in every test that runs them: both
// runBundledAction and the workflow executor start them with the test bed's Node 24 (MOAM_NODE24), whose exact
// version scripts/testbed/node24.sh pins. Each bundle logs `::debug::<name>: node <version>` first thing
// (packages/core/src/action.ts runAction); no inputs make it exit right after, on input validation.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runBundledAction } from '@moam/testkit';
import { runWorkflow } from '../../testkit/src/workflow/index.ts';

// Every action of the repository (a new one is covered without touching this file).
const ACTIONS = (await readdir(path.join(repoRoot, 'actions'))).filter((a) => existsSync(path.join(repoRoot, 'actions', a, 'action.yml'))).sort();
const pinned = /^N24_VERSION=(\S+)$/m.exec(await readFile(path.join(repoRoot, 'scripts/testbed/node24.sh'), 'utf8'))?.[1];
const ranOn = (name: string, log: string) => new RegExp(`^::debug::${name}: node (v\\S+)$`, 'm').exec(log)?.[1];

describe('the bundles run on the test bed\'s pinned Node 24', () => {
  it('the test bed pins an exact 24.22.x, and MOAM_NODE24 is that node', () => {
    expect(ACTIONS).toEqual(expect.arrayContaining(['build-by-digest', 'merge-manifest', 'sign-recursive', 'verify']));
    expect(pinned).toMatch(/^24\.22\.\d+$/);
    expect(process.env.MOAM_NODE24).toBe(path.join(process.env.MOAM_TESTBED_STATE ?? '/var/lib/moam-testbed', 'node24', pinned as string, 'bin', 'node'));
  });

  it.each(ACTIONS)('runBundledAction: %s runs on the pinned Node 24', async (name) => {
    const run = await runBundledAction(name, { inputs: {}, env: { GITHUB_REPOSITORY: undefined } });
    expect(run.exitCode, run.stdout + run.stderr).toBe(1);
    // No inputs must stop an action on input validation: this test runs every action and must do no real work.
    expect(run.errors.join('\n'), 'an action that runs without inputs needs an input here that makes it stop').toContain(`${name}: invalid inputs`);
    expect(ranOn(name, run.stdout), run.stdout).toBe(`v${pinned}`);
  });

  it('workflow executor: $/actions/<name> steps run on the pinned Node 24', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'moam-node-runtime-'));
    try {
      await mkdir(path.join(root, '.github/workflows'), { recursive: true });
      await symlink(path.join(repoRoot, 'actions'), path.join(root, 'actions'), 'dir');
      const steps = ACTIONS.map((a) => `      - uses: $/actions/${a}\n        continue-on-error: true\n`).join('');
      await writeFile(path.join(root, '.github/workflows/w.yml'), `on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`);
      const lines: string[] = [];
      const r = await runWorkflow({
        repoRoot: root,
        workflow: '.github/workflows/w.yml',
        event: { name: 'push', ref: 'refs/tags/1.2.3', sha: '0123456789abcdef0123456789abcdef01234567' },
        repository: 'octo-org/octo-repo',
        keepRunDir: 'never',
        log: (l) => lines.push(l),
      });
      // Each step ran (its outcome does not matter: continue-on-error), on the pinned node.
      const job = r.jobs.a;
      expect(job?.steps.length, lines.slice(-40).join('\n')).toBe(ACTIONS.length);
      for (const [i, name] of ACTIONS.entries()) {
        const step = job?.steps[i];
        expect(ranOn(name, step?.logTail ?? ''), `${step?.message}\n${step?.logTail}`).toBe(`v${pinned}`);
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
