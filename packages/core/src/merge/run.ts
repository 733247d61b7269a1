import type { Exec } from '../exec.ts';
import type { Digest } from '../digest.ts';
import { ProblemsError } from '../errors.ts';
import { type ImageName, byDigest } from '../image.ts';
import { formatPlatform } from '../platform.ts';
import type { HandoffStore } from '../handoff/store.ts';
import type { DigestRecord } from '../handoff/record.ts';
import type { TagPlan } from '../tags.ts';
import type { Logger, RegistryReads } from '../ports.ts';
import { parseManifestJson, sha256Digest } from '../oci/manifest.ts';
import { checkRecordSet, loadRecords } from './records.ts';
import { type OciIndex, type PlatformEntry, checkIndex, indexOf, isIndexMediaType, platformEntries } from '../oci/index-entries.ts';
import { imagetoolsCreateArgs } from '../buildx/imagetools.ts';
import { type IndexToPublish, type PublishRegistry, type TagOutcome, PartialPublishError, checkPushedTags, planTags, publish } from './publish.ts';
import { withTransientRetries } from '../transient.ts';
import { RUNNER_ENVIRONMENT_ANNOTATION, legsRunnerEnvironment } from '../github/runner-environment.ts';
import type { MergeInputs } from './inputs.ts';

export interface MergeDeps {
  exec: Exec;
  env: NodeJS.ProcessEnv;
  log: Logger;
  registry: PublishRegistry;
  store: HandoffStore;
  sleep: (ms: number) => Promise<void>;
  clock: () => number;
}

export interface MergeResult {
  digest?: Digest;
  plan: TagPlan;
  /** The image names released to (the inputs' order). */
  images: string[];
  /** Every image:tag that points at this run's index (would, in a dry run). */
  refs: string[];
  entries: PlatformEntry[];
  index?: OciIndex;
  dryRun: boolean;
  records: DigestRecord[];
  /** Each tag of each image: where it pointed, what this run did, where it points now. */
  tags: TagOutcome[];
  /** Tags left alone or moved under a setting, and concurrent runs noticed. */
  warnings: string[];
  /** Set when the release failed after something was published: the step fails, outputs still say what is there. */
  failure?: string;
  durationMs: number;
}

/** An image manifest's platform from its config; for a leg's index, from its single platform manifest. */
async function actualPlatform(registry: RegistryReads, image: ImageName, digest: Digest): Promise<string> {
  const m = await registry.getManifest(image, digest);
  if (!isIndexMediaType(m.mediaType)) return formatPlatform(await registry.platformOf(image, digest));
  const entries = platformEntries(indexOf(m.json));
  const only = entries.length === 1 ? entries[0] : undefined;
  if (!only) return `an index of ${entries.length} platforms (${entries.map((e) => e.platform).join(', ')})`;
  return formatPlatform(await registry.platformOf(image, only.digest));
}

/** Every record's digest exists under every image name and really is the platform the record claims. */
export async function checkRecordsInRegistry(records: readonly DigestRecord[], images: readonly ImageName[], registry: RegistryReads): Promise<string[]> {
  const problems: string[] = [];
  await Promise.all(
    records.flatMap((r) =>
      images.map(async (image) => {
        const ref = byDigest(image, r.digest);
        try {
          const head = await registry.headManifest(image, r.digest);
          if (!head) return problems.push(`${r.platform}: ${ref} does not exist in the registry (was it pushed, or deleted since?)`);
          const actual = await actualPlatform(registry, image, r.digest);
          if (actual !== r.platform) problems.push(`${r.platform}: the record lies: ${ref} is ${actual}, not ${r.platform}`);
        } catch (error) {
          problems.push(`${r.platform}: cannot check ${ref}: ${error instanceof Error ? error.message : String(error)}`);
        }
        return undefined;
      }),
    ),
  );
  return problems.sort();
}

/**
 * The index imagetools would push, computed without pushing (`imagetools create --dry-run` prints the exact bytes
 * it would PUT). Publishing those bytes ourselves lets every registry get the same digest before any tag moves.
 */
async function composeIndex(inputs: MergeInputs, plan: TagPlan, annotations: Record<string, string>, sources: Digest[], deps: MergeDeps): Promise<IndexToPublish & { json: OciIndex }> {
  const first = inputs.images[0] as ImageName;
  const args = imagetoolsCreateArgs({ image: first, tags: [], annotations, sources, dryRun: true });
  const out = await withTransientRetries(`imagetools create --dry-run ${first.name}`, () => deps.exec('docker', args, { env: deps.env }), deps);
  const bytes = Buffer.from(out.stdout.replace(/\n$/, ''), 'utf8');
  const json = indexOf(parseManifestJson(bytes));
  return { digest: sha256Digest(bytes), bytes, mediaType: json.mediaType ?? 'application/vnd.oci.image.index.v1+json', version: plan.version, json };
}

export async function mergeManifest(inputs: MergeInputs, plan: TagPlan, indexAnnotations: Record<string, string>, deps: MergeDeps): Promise<MergeResult> {
  const started = deps.clock();
  const { log } = deps;
  for (const note of plan.notes) log.info(note);
  log.info(`Version ${plan.version} (${plan.kind}); tags: ${plan.tags.join(', ')}`);
  log.info(`Digest hand-off: ${deps.store.description}`);

  const loaded = await loadRecords(deps.store, inputs.artifactPrefix);
  const origin = { ...(deps.env.GITHUB_RUN_ID ? { runId: deps.env.GITHUB_RUN_ID } : {}), ...(deps.env.GITHUB_SHA ? { sha: deps.env.GITHUB_SHA } : {}), allowForeign: inputs.allowForeignRecords };
  const set = checkRecordSet(loaded, inputs.platforms, inputs.images, inputs.artifactPrefix, origin);
  if (set.problems.length > 0) throw new ProblemsError('the digest records do not make a complete release; nothing was tagged or pushed', set.problems);
  const registryProblems = await checkRecordsInRegistry(set.records, inputs.images, deps.registry);
  if (registryProblems.length > 0) throw new ProblemsError('the registry does not hold what the records claim; nothing was tagged or pushed', registryProblems);

  // Legs that attached provenance/SBOM pushed an index; the merged index must keep those attestation manifests.
  const attested = set.records.every((r) => isIndexMediaType(r.mediaType));
  const runner = legsRunnerEnvironment(set.records);
  const index = await composeIndex(inputs, plan, { ...indexAnnotations, ...(runner ? { [RUNNER_ENVIRONMENT_ANNOTATION]: runner } : {}) }, set.records.map((r) => r.digest), deps);
  const checked = checkIndex(index.json, inputs.platforms, { requireAttestations: attested, exact: true });
  if (checked.problems.length > 0) throw new ProblemsError(`the index imagetools composed (${index.digest}) is not the release; nothing was tagged or pushed`, checked.problems);

  const policy = { forceFloating: inputs.forceFloatingTags, overwriteVersion: inputs.overwriteVersionTag };
  const decided = await planTags(inputs.images, plan, index, policy, deps.registry);
  for (const w of decided.warnings) log.warning(w);
  if (decided.problems.length > 0) throw new ProblemsError('an existing release would be replaced; nothing was tagged or pushed', decided.problems);

  const result = (failure?: string): MergeResult => {
    const on = new Set(['planned', 'created', 'moved', 'unchanged']);
    return {
      digest: index.digest,
      plan,
      images: inputs.images.map((i) => i.name),
      refs: decided.outcomes.filter((o) => on.has(o.status)).map((o) => `${o.image}:${o.tag}`),
      entries: checked.entries,
      index: index.json,
      dryRun: inputs.dryRun,
      records: set.records,
      tags: decided.outcomes,
      warnings: decided.warnings,
      ...(failure ? { failure } : {}),
      durationMs: deps.clock() - started,
    };
  };
  if (inputs.dryRun) {
    log.info('dry-run: nothing was pushed or tagged.');
    return result();
  }
  try {
    await log.group(`Publish ${index.digest} to ${inputs.images.map((i) => i.name).join(', ')}`, () => publish(inputs.images, index, decided.outcomes, policy, { registry: deps.registry, log: { info: log.info, warning: (l) => (decided.warnings.push(l), log.warning(l)) } }));
  } catch (error) {
    if (error instanceof PartialPublishError) return result(error.message);
    throw error;
  }
  const lost = await checkPushedTags(inputs.images, index, decided.outcomes, { registry: deps.registry, sleep: deps.sleep, log: { warning: (l) => (decided.warnings.push(l), log.warning(l)) } });
  return result(lost.length > 0 ? `the release was published, but a concurrent run took tags of this version:\n${lost.map((p) => `  - ${p}`).join('\n')}` : undefined);
}
