import type { MergeResult } from './run.ts';
import type { TagOutcome } from './publish.ts';

/** Statuses under which a tag points at this run's index (or will, in a dry run). */
const ON_INDEX: ReadonlySet<TagOutcome['status']> = new Set(['planned', 'created', 'moved', 'unchanged']);

/** The step outputs, also set when the run fails after publishing (so a later step can still sign what is there). */
export function mergeOutputs(result: MergeResult): Record<string, string> {
  const images = [...new Set(result.tags.map((t) => t.image))];
  const onEvery = result.plan.tags.filter((tag) => images.every((image) => result.tags.some((t) => t.image === image && t.tag === tag && ON_INDEX.has(t.status))));
  return {
    digest: result.digest ?? '',
    version: result.plan.version,
    tags: onEvery.join(','),
    refs: result.refs.join(','),
    platforms: result.entries.map((e) => e.platform).join(','),
    manifest: JSON.stringify(result.index ?? {}),
    'tag-report': JSON.stringify(result.tags),
  };
}
