// cold start: each bundle, process start to its first stdout byte (no inputs: it fails on input validation), against
// `node -e ''` start to exit, both on Node 24 (node24(), the runtime the runner starts the bundles with).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { node24, repoRoot } from '../../packages/testkit/src/index.ts';
import { type Net, ROWS, log, tempDir } from './context.ts';
import { alternate, median, timedSpawn } from './measure.ts';

export const BUNDLES = ['build-by-digest', 'merge-manifest', 'sign-recursive', 'verify'] as const;

export async function benchColdStart(net: Net): Promise<void> {
  const dir = await tempDir('cold');
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('INPUT_')) env[k] = v;
  Object.assign(env, { GITHUB_OUTPUT: path.join(dir, 'output'), GITHUB_STEP_SUMMARY: path.join(dir, 'summary'), RUNNER_TEMP: dir, GITHUB_WORKSPACE: repoRoot });
  await writeFile(env.GITHUB_OUTPUT as string, '');
  await writeFile(env.GITHUB_STEP_SUMMARY as string, '');
  for (const action of BUNDLES) {
    log(`cold start: ${action} (no inputs: fails on input validation)`);
    const bundle = path.join(repoRoot, 'actions', action, 'dist', 'index.js');
    const suite = async () => {
      const r = await timedSpawn(node24(), [bundle], { env, cwd: repoRoot });
      if (r.firstByteMs === undefined) throw new Error(`${action} printed nothing`);
      return r.firstByteMs;
    };
    const raw = async () => (await timedSpawn(node24(), ['-e', ''], { env, cwd: repoRoot })).totalMs;
    await suite();
    await raw();
    const samples = await alternate(Math.max(net.rounds, 5), async () => undefined, suite, raw, log);
    ROWS.push({
      name: `cold start: ${action}`,
      net: net.kind,
      suite: `${action} bundle, process start to first stdout byte`,
      raw: "`node -e ''`, start to exit",
      suiteMs: median(samples.suite),
      rawMs: median(samples.raw),
      target: 1.5,
      samples,
    });
  }
}
