import type { Exec } from './exec.ts';
import { type GitHubContext, readGitHubContext } from './github/context.ts';
import { type OciMetadata, computeOciMetadata, resolveCommitTime } from './oci-metadata.ts';
import { type TagPlan, computeTags } from './tags.ts';

export interface ReleaseMetadata {
  ctx: GitHubContext;
  meta: OciMetadata;
  /** SOURCE_DATE_EPOCH for buildx, from the same instant as `created`, so every leg stamps the same times. */
  sourceDateEpoch?: string;
}

/**
 * The OCI metadata every job of one run computes identically: build legs and merge derive `created` from
 * SOURCE_DATE_EPOCH or the commit time, never from the clock, so re-runs give the same labels and index digest.
 */
export async function releaseMetadata(opts: {
  env: NodeJS.ProcessEnv;
  exec: Exec;
  workspace: string;
  /** The GitHub context already read for this step (default: read from env). */
  github?: GitHubContext;
  /** Default: what a build leg labels with. */
  version?: string;
}): Promise<ReleaseMetadata> {
  const ctx = opts.github ?? readGitHubContext(opts.env);
  const commitTime = opts.env.SOURCE_DATE_EPOCH ? undefined : await resolveCommitTime(opts.exec, opts.workspace);
  const version = opts.version ?? legVersion(opts.env, ctx);
  const meta = computeOciMetadata(ctx, {
    ...(version ? { version } : {}),
    ...(commitTime ? { commitTime } : {}),
    ...(opts.env.SOURCE_DATE_EPOCH ? { sourceDateEpoch: opts.env.SOURCE_DATE_EPOCH } : {}),
  });
  const sourceDateEpoch = meta.created ? String(Math.floor(Date.parse(meta.created) / 1000)) : undefined;
  return { ctx, meta, ...(sourceDateEpoch ? { sourceDateEpoch } : {}) };
}

/** The tag plan for this run: from the version input or the git tag; throws for a non-SemVer tag. */
export function tagPlanFor(env: NodeJS.ProcessEnv, ctx: GitHubContext, opts: { version?: string; tagPrefix?: string; latest: 'auto' | 'true' | 'false'; extraTags: readonly string[] }): TagPlan {
  return computeTags({
    ref: env.GITHUB_REF ?? '',
    sha: env.GITHUB_SHA ?? '',
    eventName: env.GITHUB_EVENT_NAME ?? '',
    ...(ctx.defaultBranch ? { defaultBranch: ctx.defaultBranch } : {}),
    ...(opts.version ? { version: opts.version } : {}),
    ...(opts.tagPrefix ? { tagPrefix: opts.tagPrefix } : {}),
    latest: opts.latest,
    extraTags: opts.extraTags,
  });
}

/**
 * The version a build leg labels its image with; a leg never fails over the tag, the merge does. A prefixed
 * release tag (api/v1.2.3, the merge's tag-prefix) is labelled with the version after its last "/".
 */
export function legVersion(env: NodeJS.ProcessEnv, ctx: GitHubContext): string | undefined {
  try {
    return tagPlanFor(env, ctx, { latest: 'auto', extraTags: [] }).version;
  } catch {
    const name = env.GITHUB_REF_NAME || '';
    const prefix = name.includes('/') ? name.slice(0, name.lastIndexOf('/') + 1) : '';
    try {
      return prefix ? tagPlanFor(env, ctx, { tagPrefix: prefix, latest: 'auto', extraTags: [] }).version : name || undefined;
    } catch {
      return name || undefined;
    }
  }
}
