import type { Digest } from '../digest.ts';
import { errorMessage } from '../errors.ts';
import type { ImageName } from '../image.ts';
import type { Logger, RegistryReads } from '../ports.ts';
import type { TagPlan } from '../tags.ts';
import { isIndexMediaType } from '../oci/index-entries.ts';
import { type CurrentTag, type Ours, type TagPolicy, type TagRole, checkAfterPush, decideTag, roleOf } from './tag-decisions.ts';

export interface ManifestPut {
  putManifest(image: ImageName, reference: string, bytes: Buffer, mediaType: string): Promise<unknown>;
}

export type PublishRegistry = RegistryReads & ManifestPut;

/** One tag of one image: where it pointed, what this run did, where it points now. */
export interface TagOutcome {
  image: string;
  tag: string;
  role: TagRole;
  before?: CurrentTag;
  now?: CurrentTag;
  /** planned: would be pushed (dry run, or before the push). */
  status: 'planned' | 'created' | 'moved' | 'unchanged' | 'skipped' | 'moved-on' | 'lost' | 'not-pushed';
  note?: string;
}

/** The index this run publishes: its exact bytes, so every registry stores the same digest. */
export interface IndexToPublish {
  digest: Digest;
  bytes: Buffer;
  mediaType: string;
  version: string;
}

const VERSION_ANNOTATION = 'org.opencontainers.image.version';

/**
 * Where a tag points now, with the version annotation of what it points to (when it is one of our indexes). When
 * the tag points at `known` (this run's index), its version is known too and the GET is saved.
 */
export async function readTag(registry: RegistryReads, image: ImageName, tag: string, known?: { digest: Digest; version: string }): Promise<CurrentTag | undefined> {
  const head = await registry.headManifest(image, tag);
  if (!head) return undefined;
  if (known && head.digest === known.digest) return { digest: head.digest, version: known.version };
  const m = await registry.getManifest(image, head.digest);
  const version = m.json.annotations?.[VERSION_ANNOTATION];
  return { digest: head.digest, ...(typeof version === 'string' && version !== '' && isIndexMediaType(m.mediaType) ? { version } : {}) };
}

/** Reads every tag this release would touch and decides, before anything is pushed; problems refuse the release. */
export async function planTags(images: readonly ImageName[], plan: TagPlan, index: IndexToPublish, policy: TagPolicy, registry: RegistryReads): Promise<{ outcomes: TagOutcome[]; warnings: string[]; problems: string[] }> {
  const warnings: string[] = [];
  const problems: string[] = [];
  const outcomes = await Promise.all(
    images.flatMap((image) =>
      plan.tags.map(async (tag): Promise<TagOutcome> => {
        const role = roleOf(tag, plan);
        const before = await readTag(registry, image, tag);
        const decision = decideTag(role, tag, { image: image.name, digest: index.digest, version: index.version }, before, policy);
        const base = { image: image.name, tag, role, ...(before ? { before } : {}) };
        switch (decision.action) {
          case 'unchanged':
            return { ...base, now: before as CurrentTag, status: 'unchanged' };
          case 'skip':
            warnings.push(decision.warning);
            return { ...base, ...(before ? { now: before } : {}), status: 'skipped', note: 'newer release' };
          case 'refuse':
            problems.push(decision.problem);
            return { ...base, ...(before ? { now: before } : {}), status: 'not-pushed', note: 'immutable version tag' };
          case 'push':
            if (decision.warning) warnings.push(decision.warning);
            return { ...base, status: 'planned' };
        }
      }),
    ),
  );
  return { outcomes, warnings, problems };
}

/** A failure after (part of) the release reached a registry: says what each registry holds and how to finish. */
export class PartialPublishError extends Error {
  override name = 'PartialPublishError';
}

function stateLines(images: readonly ImageName[], stored: ReadonlySet<string>, outcomes: readonly TagOutcome[], digest: string): string[] {
  return images.map((image) => {
    if (!stored.has(image.name)) return `  - ${image.name}: does not hold the index ${digest}; nothing tagged`;
    const mine = outcomes.filter((o) => o.image === image.name);
    const on = mine.filter((o) => o.status === 'created' || o.status === 'moved' || o.status === 'unchanged').map((o) => o.tag);
    const off = mine.filter((o) => o.status === 'planned' || o.status === 'not-pushed').map((o) => o.tag);
    return `  - ${image.name}: holds the index${on.length ? `; tagged ${on.join(', ')}` : ''}${off.length ? `; NOT tagged ${off.join(', ')}` : ''}`;
  });
}

/**
 * Publishes in two phases: the index by digest to every image first (an untagged index changes nothing anyone
 * pulls), then the tags, only once every registry has it. Version tags go first: a release is its version tag.
 */
export async function publish(images: readonly ImageName[], index: IndexToPublish, outcomes: TagOutcome[], policy: TagPolicy, deps: { registry: PublishRegistry; log: Pick<Logger, 'info' | 'warning'> }): Promise<void> {
  const stored = new Set<string>();
  const failed: string[] = [];
  await Promise.all(
    images.map(async (image) => {
      try {
        await deps.registry.putManifest(image, index.digest, index.bytes, index.mediaType);
        stored.add(image.name);
      } catch (error) {
        failed.push(`${image.name}: ${errorMessage(error)}`);
      }
    }),
  );
  const rerun = 'Re-run the merge job once the registry answers: it stores the index where it is missing, then sets the tags that are not on it yet (tags already on it are left as they are).';
  if (failed.length > 0) {
    throw new PartialPublishError(
      `the index ${index.digest} could not be stored in every registry, so no tag was pushed anywhere:\n${failed.map((f) => `  - ${f}`).join('\n')}\nState:\n${stateLines(images, stored, outcomes, index.digest).join('\n')}\n${rerun}`,
    );
  }
  // Version tags first, one by one (a release is its version tag); then the others together, each independent.
  const planned = outcomes.filter((o) => o.status === 'planned');
  for (const phase of [planned.filter((o) => o.role === 'version'), planned.filter((o) => o.role !== 'version')]) {
    const results = await Promise.allSettled(phase.map((o) => pushTag(images, o, index, policy, deps)));
    const failure = results.findIndex((r) => r.status === 'rejected');
    if (failure !== -1) {
      const o = phase[failure] as TagOutcome;
      throw new PartialPublishError(
        `pushing ${o.image}:${o.tag} failed (${errorMessage((results[failure] as PromiseRejectedResult).reason)}) after the index ${index.digest} was stored in every registry.\nState:\n${stateLines(images, stored, outcomes, index.digest).join('\n')}\n${rerun}`,
      );
    }
  }
}

async function pushTag(images: readonly ImageName[], o: TagOutcome, index: IndexToPublish, policy: TagPolicy, deps: { registry: PublishRegistry; log: Pick<Logger, 'warning'> }): Promise<void> {
  const image = images.find((i) => i.name === o.image) as ImageName;
  // A floating tag is read again right before it moves: a newer release may have taken it since planTags.
  if (o.role === 'floating' && (await stillBehind(image, o, index, policy, deps)) === false) return;
  await deps.registry.putManifest(image, o.tag, index.bytes, index.mediaType);
  o.status = o.before ? 'moved' : 'created';
  o.now = { digest: index.digest, version: index.version };
}

async function stillBehind(image: ImageName, o: TagOutcome, index: IndexToPublish, policy: TagPolicy, deps: { registry: PublishRegistry; log: Pick<Logger, 'warning'> }): Promise<boolean> {
  const now = await readTag(deps.registry, image, o.tag);
  const decision = decideTag(o.role, o.tag, { image: image.name, digest: index.digest, version: index.version }, now, policy);
  if (decision.action === 'push') return true;
  if (now) o.now = now;
  o.status = decision.action === 'unchanged' ? 'unchanged' : 'skipped';
  if (decision.action === 'skip') {
    deps.log.warning(decision.warning);
    o.note = 'a newer release took it during this run';
  }
  return false;
}

/** How long a tag may take to show another run's push: the post-push check waits this long before re-reading. */
export const TAG_SETTLE_MS = 1000;

/**
 * Re-reads every tag this run pushed. Registries cannot swap a tag atomically, so a concurrent release may have
 * moved one since: a floating tag moved back to an older release is pushed once more; the rest is reported.
 * Returns the problems (a version tag another run took).
 */
export async function checkPushedTags(images: readonly ImageName[], index: IndexToPublish, outcomes: TagOutcome[], deps: { registry: PublishRegistry; log: Pick<Logger, 'warning'>; sleep: (ms: number) => Promise<void> }): Promise<string[]> {
  const problems: string[] = [];
  const pushed = outcomes.filter((x) => x.status === 'created' || x.status === 'moved');
  // A concurrent run that read before our push may still be about to push: give it a moment to land, so this check
  // sees it and the newer release wins (no registry offers a compare-and-swap on tags; see the README).
  if (pushed.length > 0) await deps.sleep(TAG_SETTLE_MS);
  const reads = await Promise.all(pushed.map((o) => readTag(deps.registry, images.find((i) => i.name === o.image) as ImageName, o.tag, index)));
  for (const [n, o] of pushed.entries()) {
    const image = images.find((i) => i.name === o.image) as ImageName;
    const ours: Ours = { image: o.image, digest: index.digest, version: index.version };
    const after = reads[n];
    const check = checkAfterPush(o.role, o.tag, ours, after);
    if (check.outcome === 'ours') continue;
    if (after) o.now = after;
    else delete o.now;
    if (check.outcome === 'repair') {
      deps.log.warning(check.warning);
      await deps.registry.putManifest(image, o.tag, index.bytes, index.mediaType);
      o.now = { digest: index.digest, version: index.version };
      o.note = 'moved forward again after a concurrent run moved it back';
    } else if (check.outcome === 'moved-on') {
      o.status = 'moved-on';
      o.note = check.note;
    } else {
      o.status = 'lost';
      o.note = 'another run pushed it last';
      problems.push(check.problem);
    }
  }
  return problems;
}
