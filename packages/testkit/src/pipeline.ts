import { mkdtemp, writeFile, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runBundledAction, type ActionRun } from './run-action.ts';
import { testbed } from './testbed.ts';

/** Builds the sample app's legs through the bundled build-by-digest into one local hand-off directory. */
export async function buildLegs(image: string, platforms: readonly string[], handoff?: string): Promise<{ handoff: string; digests: Record<string, string> }> {
  const tb = testbed();
  const dir = handoff ?? (await mkdtemp(path.join(os.tmpdir(), 'moam-handoff-')));
  const digests: Record<string, string> = {};
  const runs = await Promise.all(
    platforms.map((platform) =>
      runBundledAction('build-by-digest', {
        inputs: { images: image, platform, context: tb.sampleApp, 'build-args': `BUSYBOX_IMAGE=${tb.busyboxImage}`, 'sbom-generator': tb.sbomGenerator },
        env: { MOAM_HANDOFF_DIR: dir },
      }),
    ),
  );
  runs.forEach((run, i) => {
    if (run.exitCode !== 0) throw new Error(`build-by-digest ${platforms[i]} failed:\n${run.stdout}\n${run.stderr}`);
    digests[platforms[i] as string] = run.outputs.digest as string;
  });
  return { handoff: dir, digests };
}

export function githubTagEnv(tag: string, extra: Record<string, string> = {}): Record<string, string> {
  return { GITHUB_REF: `refs/tags/${tag}`, GITHUB_REF_NAME: tag, GITHUB_SHA: 'a'.repeat(40), GITHUB_REPOSITORY: 'moam/sample-app', GITHUB_EVENT_NAME: 'push', GITHUB_SERVER_URL: 'https://github.com', SOURCE_DATE_EPOCH: '1764300000', ...extra };
}

export async function merge(image: string, handoff: string, env: Record<string, string>, inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runBundledAction('merge-manifest', { inputs: { images: image, platforms: 'linux/amd64,linux/arm64', ...inputs }, env: { MOAM_HANDOFF_DIR: handoff, ...env } });
}

export async function rewriteJson(file: string, edit: (json: Record<string, unknown>) => Record<string, unknown>): Promise<void> {
  await writeFile(file, JSON.stringify(edit(JSON.parse(await readFile(file, 'utf8')))));
}
