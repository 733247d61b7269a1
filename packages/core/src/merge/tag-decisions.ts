import semver from 'semver';
import type { TagPlan } from '../tags.ts';

/**
 * The release semantics of each tag, as pure decisions over what the registry holds:
 * - a version tag (1.2.3) is an immutable release: created once, never silently moved to another index;
 * - floating tags (1.2, 1, latest) only move forward in SemVer precedence (a late or re-run older release leaves them);
 * - other tags (edge, sha-<short>, the tags input) follow the latest run that asked for them.
 */
export type TagRole = 'version' | 'floating' | 'other';

/** Where a tag points now (undefined: it does not exist). version is the index's org.opencontainers.image.version. */
export interface CurrentTag {
  digest: string;
  version?: string;
}

export interface Ours {
  image: string;
  digest: string;
  version: string;
}

export interface TagPolicy {
  /** Move floating tags even when they point at a newer release (a deliberate rollback). */
  forceFloating: boolean;
  /** Allow moving an existing version tag to another index (a deliberate rebuild of a release). */
  overwriteVersion: boolean;
}

export type TagDecision =
  | { action: 'unchanged' }
  | { action: 'push'; warning?: string }
  | { action: 'skip'; warning: string }
  | { action: 'refuse'; problem: string };

export function roleOf(tag: string, plan: Pick<TagPlan, 'versionTag' | 'floating'>): TagRole {
  if (tag === plan.versionTag) return 'version';
  return plan.floating.includes(tag) ? 'floating' : 'other';
}

/** -1, 0 or 1 by SemVer precedence (build metadata ignored); undefined when either is not SemVer. */
export function compareVersions(a: string | undefined, b: string | undefined): number | undefined {
  const pa = a === undefined ? null : semver.parse(a.replace(/^v/, ''));
  const pb = b === undefined ? null : semver.parse(b.replace(/^v/, ''));
  return pa && pb ? semver.compare(pa, pb) : undefined;
}

function describe(current: CurrentTag): string {
  return `${current.digest}${current.version ? ` (version ${current.version})` : ''}`;
}

/** What to do with one tag before anything is pushed. */
export function decideTag(role: TagRole, tag: string, ours: Ours, current: CurrentTag | undefined, policy: TagPolicy): TagDecision {
  if (!current) return { action: 'push' };
  if (current.digest === ours.digest) return { action: 'unchanged' };
  const ref = `${ours.image}:${tag}`;
  if (role === 'version') {
    if (!policy.overwriteVersion) {
      return {
        action: 'refuse',
        problem: `${ref} already points to ${describe(current)}, not to this run's index ${ours.digest}: a version tag is an immutable release and is not moved. Fix: release a new version, or set overwrite-version-tag: true if this is a deliberate rebuild of ${ours.version}`,
      };
    }
    return { action: 'push', warning: `${ref} moves from ${current.digest} to ${ours.digest} (overwrite-version-tag: true); whoever pinned the old digest keeps the old image` };
  }
  if (role === 'floating') {
    const order = compareVersions(current.version, ours.version);
    if (order === undefined) return { action: 'push', warning: `${ref} points to ${describe(current)}, whose version annotation is not SemVer, so it cannot be ordered against ${ours.version}; it moves to this release` };
    if (order > 0 && !policy.forceFloating) {
      return { action: 'skip', warning: `${ref} stays on ${describe(current)}, which is newer than ${ours.version}: floating tags only move forward. Set force-floating-tags: true to move it back (a rollback)` };
    }
    if (order > 0) return { action: 'push', warning: `${ref} moves back from ${current.version} to ${ours.version} (force-floating-tags: true)` };
  }
  return { action: 'push' };
}

export type AfterCheck = { outcome: 'ours' } | { outcome: 'repair'; warning: string } | { outcome: 'moved-on'; note: string } | { outcome: 'lost'; problem: string };

/**
 * A tag re-read after this run pushed it. Registries have no compare-and-swap for tags: a concurrent run may have
 * moved it since. A floating tag moved back to an older release is pushed again; one moved on by a newer release is
 * left; a version tag another run took is a lost race.
 */
export function checkAfterPush(role: TagRole, tag: string, ours: Ours, after: CurrentTag | undefined): AfterCheck {
  const ref = `${ours.image}:${tag}`;
  if (after?.digest === ours.digest) return { outcome: 'ours' };
  if (!after) return { outcome: 'lost', problem: `${ref} was deleted after this run pushed it` };
  if (role === 'version') return { outcome: 'lost', problem: `${ref} now points to ${describe(after)}: another run published ${tag} at the same time and its push came last. This run's index ${ours.digest} stays in the registry by digest, untagged` };
  if (role === 'floating') {
    const order = compareVersions(after.version, ours.version);
    if (order !== undefined && order > 0) return { outcome: 'moved-on', note: `moved on to the newer ${describe(after)} by another run` };
    return { outcome: 'repair', warning: `${ref} was moved back to ${describe(after)} by a concurrent run after this run pushed it; it is moved forward again` };
  }
  return { outcome: 'moved-on', note: `moved to ${describe(after)} by another run` };
}
