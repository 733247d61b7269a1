import type { ActionContext } from '../action/context.ts';
import { mergeUserMetadata } from '../oci-metadata.ts';
import { releaseMetadata, tagPlanFor } from '../release-metadata.ts';
import type { MergeInputs } from './inputs.ts';
import { type MergeResult, mergeManifest } from './run.ts';

/**
 * The merge step: the tag plan from the git tag (a non-SemVer tag fails here, before anything is read or pushed),
 * the index annotations every re-run computes identically, then the records and the registry checked and the
 * index created, pushed and inspected.
 */
export async function runMerge(ctx: ActionContext, inputs: MergeInputs): Promise<MergeResult> {
  const plan = tagPlanFor(ctx.env, ctx.github, inputs);
  const metadata = await releaseMetadata({ env: ctx.env, exec: ctx.exec, workspace: ctx.workspace, github: ctx.github, version: plan.version });
  for (const note of metadata.meta.notes) ctx.log.info(note);
  const annotations = mergeUserMetadata(metadata.meta.annotations, inputs.annotations);
  return mergeManifest(inputs, plan, annotations, ctx);
}
