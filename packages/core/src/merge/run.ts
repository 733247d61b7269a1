import { type Exec, ToolError } from '../exec.ts';
import type { Digest } from '../digest.ts';
import { ProblemsError } from '../errors.ts';
import { type ImageName, byDigest } from '../image.ts';
import { type Platform, formatPlatform, parsePlatform, platformFromOci } from '../platform.ts';
import type { HandoffStore } from '../handoff/store.ts';
import type { DigestRecord } from '../handoff/record.ts';
import type { TagPlan } from '../tags.ts';
import type { Logger, RegistryReads } from '../ports.ts';
import { checkRecordSet, loadRecords } from './records.ts';
import { type OciIndex, type PlatformEntry, INDEX_MEDIA_TYPES, checkIndex, platformEntries } from './index-check.ts';
import { imagetoolsCreateArgs } from './imagetools.ts';
import { type ManifestPut, explainRefusedCreate } from './refusal.ts';
import { toolTimeoutMs, withTransientRetries } from '../transient.ts';
import type { MergeInputs } from './inputs.ts';

export interface MergeDeps {
  exec: Exec;
  env: NodeJS.ProcessEnv;
  log: Logger;
  registry: RegistryReads & ManifestPut;
  store: HandoffStore;
  sleep: (ms: number) => Promise<void>;
  clock: () => number;
}

export interface MergeResult {
  digest?: Digest;
  plan: TagPlan;
  refs: string[];
  entries: PlatformEntry[];
  index?: OciIndex;
  dryRun: boolean;
  records: DigestRecord[];
  durationMs: number;
}

/** An image manifest's platform from its config; for a leg's index, from its single platform manifest. */
async function actualPlatform(registry: RegistryReads, image: ImageName, digest: string): Promise<string> {
  const m = await registry.getManifest(image, digest);
  if (INDEX_MEDIA_TYPES.includes(m.mediaType)) {
    const entries = platformEntries(m.json as OciIndex);
    if (entries.length !== 1) return `an index of ${entries.length} platforms (${entries.map((e) => e.platform).join(', ')})`;
    const p = platformFromOci(await registry.platformOf(image, (entries[0] as PlatformEntry).digest));
    return p ? formatPlatform(p) : 'unknown';
  }
  const p = platformFromOci(await registry.platformOf(image, digest));
  return p ? formatPlatform(p) : 'unknown';
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
          if (actual !== formatPlatform(parsePlatform(r.platform))) problems.push(`${r.platform}: the record lies: ${ref} is ${actual}, not ${r.platform}`);
        } catch (error) {
          problems.push(`${r.platform}: cannot check ${ref}: ${error instanceof Error ? error.message : String(error)}`);
        }
        return undefined;
      }),
    ),
  );
  return problems.sort();
}


export async function mergeManifest(inputs: MergeInputs, plan: TagPlan, indexAnnotations: Record<string, string>, deps: MergeDeps): Promise<MergeResult> {
  const started = deps.clock();
  const { log } = deps;
  for (const note of plan.notes) log.info(note);
  log.info(`Version ${plan.version} (${plan.kind}); tags: ${plan.tags.join(', ')}`);
  log.info(`Digest hand-off: ${deps.store.description}`);

  const loaded = await loadRecords(deps.store, inputs.artifactPrefix);
  const set = checkRecordSet(loaded, inputs.platforms, inputs.images, inputs.artifactPrefix);
  if (set.problems.length > 0) throw new ProblemsError('the digest records do not make a complete release; nothing was tagged or pushed', set.problems);
  const registryProblems = await checkRecordsInRegistry(set.records, inputs.images, deps.registry);
  if (registryProblems.length > 0) throw new ProblemsError('the registry does not hold what the records claim; nothing was tagged or pushed', registryProblems);

  const sources = set.records.map((r) => r.digest);
  const refs = inputs.images.flatMap((i) => plan.tags.map((t) => `${i.name}:${t}`));
  if (inputs.dryRun) {
    const first = inputs.images[0] as ImageName;
    const out = await deps.exec('docker', imagetoolsCreateArgs({ image: first, tags: plan.tags, annotations: indexAnnotations, sources, dryRun: true }), { env: deps.env });
    const index = JSON.parse(out.stdout) as OciIndex;
    const entries = checkIndex(index, inputs.platforms, { requireAttestations: false }).entries;
    log.info('dry-run: nothing was pushed or tagged.');
    return { plan, refs, entries, index, dryRun: true, records: set.records, durationMs: deps.clock() - started };
  }

  for (const image of inputs.images) {
    const create = { image, tags: plan.tags, annotations: indexAnnotations, sources };
    await log.group(`Create ${image.name} index`, async () => {
      try {
        await withTransientRetries(`imagetools create ${image.name}`, () => deps.exec('docker', imagetoolsCreateArgs(create), { env: deps.env, stream: true, timeoutMs: toolTimeoutMs(deps.env) }), deps);
      } catch (error) {
        throw error instanceof ToolError ? await explainRefusedCreate(error, image, create, deps) : error;
      }
    });
  }
  // Legs that attached provenance/SBOM pushed an index; the merged index must keep those attestation manifests.
  const attested = set.records.every((r) => INDEX_MEDIA_TYPES.includes(r.mediaType));
  return { ...(await assertPublished(inputs, plan, deps, attested)), plan, refs, dryRun: false, records: set.records, durationMs: deps.clock() - started };
}

/** Every tag of every image resolves to one index holding each expected platform once, each with its attestations. */
export async function assertPublished(inputs: Pick<MergeInputs, 'images' | 'platforms'>, plan: TagPlan, deps: Pick<MergeDeps, 'registry'>, requireAttestations: boolean): Promise<{ digest: Digest; index: OciIndex; entries: PlatformEntry[] }> {
  const problems: string[] = [];
  const digests = new Set<string>();
  const heads = await Promise.all(inputs.images.flatMap((image) => plan.tags.map(async (tag) => ({ ref: `${image.name}:${tag}`, head: await deps.registry.headManifest(image, tag) }))));
  for (const { ref, head } of heads) {
    if (!head) problems.push(`${ref} does not resolve after the push`);
    else digests.add(head.digest);
  }
  if (digests.size > 1) problems.push(`the tags resolve to ${digests.size} different digests: ${[...digests].join(', ')}`);
  const digest = [...digests][0];
  if (!digest || problems.length > 0) throw new ProblemsError('the published index is not what was asked for', problems);
  const first = inputs.images[0] as ImageName;
  const manifest = await deps.registry.getManifest(first, digest);
  const index = manifest.json as OciIndex;
  const checked = checkIndex(index, inputs.platforms as Platform[], { requireAttestations });
  if (checked.problems.length > 0) throw new ProblemsError(`the published index ${digest} is wrong`, checked.problems);
  return { digest: digest as Digest, index, entries: checked.entries };
}
