import type { DigestRecord } from '../handoff/record.ts';

/**
 * Where an image was built: GitHub sets RUNNER_ENVIRONMENT to github-hosted or self-hosted in every job. The
 * signing certificate records only the SIGNING job's runner, so a leg built on a self-hosted runner and signed on
 * ubuntu-latest would look GitHub-hosted. Each platform manifest therefore carries its own build leg's runner in
 * an annotation (covered by its signature), and the index one for all of its legs.
 */
export const RUNNER_ENVIRONMENT_ANNOTATION = 'dev.moam.runner-environment';

export type RunnerEnvironment = 'github-hosted' | 'self-hosted';

export function runnerEnvironmentOf(env: NodeJS.ProcessEnv): RunnerEnvironment | undefined {
  const v = env.RUNNER_ENVIRONMENT?.trim();
  return v === 'github-hosted' || v === 'self-hosted' ? v : undefined;
}

/** The index's value: github-hosted only when every leg says so; self-hosted when any does; unknown otherwise. */
export function legsRunnerEnvironment(records: readonly DigestRecord[]): RunnerEnvironment | undefined {
  const all = records.map((r) => r.run.runnerEnvironment);
  if (all.includes('self-hosted')) return 'self-hosted';
  return all.length > 0 && all.every((e) => e === 'github-hosted') ? 'github-hosted' : undefined;
}

/** verify's require-github-hosted: the problem with one manifest's annotation, if any. */
export function githubHostedProblem(what: string, annotations: Readonly<Record<string, string>> | undefined): string | undefined {
  const v = annotations?.[RUNNER_ENVIRONMENT_ANNOTATION];
  if (v === 'github-hosted') return undefined;
  if (v === undefined) return `${what}: carries no ${RUNNER_ENVIRONMENT_ANNOTATION} annotation, so where it was built is unknown (build-by-digest and merge-manifest write it on GitHub)`;
  return `${what}: built on a ${v} runner (${RUNNER_ENVIRONMENT_ANNOTATION}), not a GitHub-hosted one`;
}
