import type { ActionContext } from '../action/context.ts';
import { annotationArgsFor, mergeUserMetadata } from '../oci-metadata.ts';
import { releaseMetadata } from '../release-metadata.ts';
import { RUNNER_ENVIRONMENT_ANNOTATION } from '../github/runner-environment.ts';
import { formatPlatform } from '../platform.ts';
import type { BuildByDigestInputs } from './inputs.ts';
import { type BuildResult, type ComputedMetadata, buildByDigest } from './run.ts';

export type BuildStepResult = BuildResult & { inputs: BuildByDigestInputs };

/**
 * Labels and annotations every leg of a run computes identically (from the commit, never the clock; user values
 * win), plus where this leg ran: signed into the manifest so verify can require GitHub-hosted builds.
 */
export async function legMetadata(ctx: Pick<ActionContext, 'env' | 'exec' | 'workspace' | 'log' | 'run' | 'github'>, inputs: BuildByDigestInputs): Promise<ComputedMetadata> {
  const release = await releaseMetadata({ env: ctx.env, exec: ctx.exec, workspace: ctx.workspace, github: ctx.github });
  for (const note of release.meta.notes) ctx.log.info(note);
  const runner: Record<string, string> = ctx.run.runnerEnvironment ? { [RUNNER_ENVIRONMENT_ANNOTATION]: ctx.run.runnerEnvironment } : {};
  return {
    labels: mergeUserMetadata(release.meta.labels, inputs.labels),
    annotations: annotationArgsFor('manifest', mergeUserMetadata({ ...release.meta.annotations, ...runner }, inputs.annotations)),
    ...(release.sourceDateEpoch ? { sourceDateEpoch: release.sourceDateEpoch } : {}),
  };
}

/** The build leg: one platform built with provenance and SBOM, pushed by digest (no tag), the digest handed over. */
export async function runBuildLeg(ctx: ActionContext, inputs: BuildByDigestInputs): Promise<BuildStepResult> {
  // Build secrets are masked before anything can print them.
  for (const s of inputs.secrets) ctx.setSecret(s.value);
  const meta = await legMetadata(ctx, inputs);
  const result = await buildByDigest(inputs, meta, ctx.run, ctx);
  return { ...result, inputs };
}

export function buildOutputs(result: BuildStepResult): Record<string, string> {
  return {
    digest: result.digest,
    platform: formatPlatform(result.inputs.platform),
    images: result.inputs.images.map((i) => i.name).join(','),
    'artifact-name': result.artifact ?? '',
    metadata: JSON.stringify(result.metadata.raw),
  };
}
