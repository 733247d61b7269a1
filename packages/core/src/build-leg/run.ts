import { mkdtemp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Exec } from '../exec.ts';
import { ToolError } from '../exec.ts';
import type { Digest } from '../digest.ts';
import { InputError } from '../errors.ts';
import { type ImageName, byDigest } from '../image.ts';
import { formatPlatform } from '../platform.ts';
import { type BuilderInfo, detectBuilder } from '../buildx/builder.ts';
import { buildArgs, defaultCache } from '../buildx/build-args.ts';
import { chooseAttestationForm } from '../buildx/attestation-form.ts';
import { type BuildMetadata, parseBuildMetadata } from '../buildx/metadata.ts';
import type { HandoffStore } from '../handoff/store.ts';
import { type DigestRecord, type RunInfo, artifactName, makeRecord, recordFileName } from '../handoff/record.ts';
import type { BuildByDigestInputs } from './inputs.ts';
import type { Logger } from '../ports.ts';
import { runnerEnvironmentOf } from '../github/runner-environment.ts';
import { pushOciLayout } from '../registry/oci-layout.ts';
import type { LayoutTarget } from '../registry/types.ts';


/** The parts of the registry client the build leg needs. */
export interface LayoutPusher extends LayoutTarget {
  checkPushAccess(image: ImageName): Promise<void>;
  headManifest(image: ImageName, ref: string): Promise<{ digest: string } | undefined>;
}

export interface BuildDeps {
  exec: Exec;
  env: NodeJS.ProcessEnv;
  log: Logger;
  registry: LayoutPusher;
  store: HandoffStore;
  tmpDir: string;
  workspace: string;
  clock: () => number;
}

export interface ComputedMetadata {
  labels: Record<string, string>;
  /** Level-prefixed annotations (manifest:k=v / index:k=v) for buildx. */
  annotations: string[];
  /** Seconds since the epoch for SOURCE_DATE_EPOCH, so every leg stamps the same times. */
  sourceDateEpoch?: string;
}

export interface BuildResult {
  digest: Digest;
  metadata: BuildMetadata;
  builder: BuilderInfo;
  pushed: boolean;
  artifact?: string;
  record?: DigestRecord;
  durationMs: number;
  attestations: { provenance: boolean; sbom: boolean };
  /** How the attestation manifest is stored (chooseAttestationForm), when the build attaches one. */
  attestationForm?: string;
}

const CONTAINERD_FIX =
  'enable the containerd image store in the Docker daemon ({"features":{"containerd-snapshotter":true}} in /etc/docker/daemon.json, then restart dockerd), or use a docker-container builder (docker/setup-buildx-action)';

export async function ensureContainerdStore(exec: Exec, env: NodeJS.ProcessEnv): Promise<void> {
  const info = JSON.parse((await exec('docker', ['info', '--format', '{{json .}}'], { env })).stdout) as { DriverStatus?: string[][] };
  const driverType = info.DriverStatus?.find(([k]) => k === 'driver-type')?.[1];
  if (driverType !== 'io.containerd.snapshotter.v1') {
    throw new Error(`the "docker" buildx driver cannot push by digest, and exporting an OCI layout instead needs the containerd image store, which this Docker daemon does not use. Fix: ${CONTAINERD_FIX}`);
  }
}

export async function buildByDigest(inputs: BuildByDigestInputs, meta: ComputedMetadata, run: RunInfo, deps: BuildDeps): Promise<BuildResult> {
  const started = deps.clock();
  const { exec, env, log } = deps;
  if (!inputs.allowSelfHosted && runnerEnvironmentOf(env) === 'self-hosted') {
    throw new InputError('allow-self-hosted', 'is false, but this job runs on a self-hosted runner (RUNNER_ENVIRONMENT=self-hosted); the signing certificate would only describe the GitHub-hosted sign job', 'build on a GitHub-hosted runner, or set allow-self-hosted: true to build here on purpose (the image is then marked self-hosted)');
  }
  // Missing, rejected or pull-only credentials fail here, before a build that may take many minutes; the probe
  // and the builder's questions run side by side.
  const [builder] = await Promise.all([detectBuilder(exec, inputs.builder, env), ...(inputs.push ? inputs.images.map((image) => deps.registry.checkPushAccess(image)) : [])]);
  log.info(`Builder: ${builder.name} (driver ${builder.driver}, buildx ${builder.buildxVersion}); push path: ${builder.canPushByDigest ? 'buildx push-by-digest' : 'OCI layout pushed by digest by multi-arch-of-madness'}`);
  if (!builder.canPushByDigest) await ensureContainerdStore(exec, env);
  if (!builder.canExportCache && inputs.cacheTo.length > 0) {
    throw new InputError('cache-to', `the "${builder.driver}" driver of builder "${builder.name}" cannot export build cache`, 'remove cache-to, or use a docker-container builder (docker/setup-buildx-action)');
  }
  const attested = inputs.provenance !== 'false' || inputs.sbom;
  const form = attested ? chooseAttestationForm(inputs.attestationForm, builder) : undefined;
  if (form) log.info(`Attestations: ${form.writes}`);
  if (form?.warning) log.warning(form.warning);
  const defaults = inputs.cacheFrom.length === 0 && inputs.cacheTo.length === 0 ? defaultCache(inputs.images, inputs.platform, { onGitHub: env.GITHUB_ACTIONS === 'true', builder, mode: inputs.cache, ...(env.GITHUB_REF ? { ref: env.GITHUB_REF } : {}) }) : undefined;
  if (defaults?.note) log.info(defaults.note);

  const work = await mkdtemp(path.join(deps.tmpDir, 'moam-build-'));
  try {
    const metadataFile = path.join(work, 'metadata.json');
    const ociLayoutDir = path.join(work, 'oci-layout');
    const secretEnv: Record<string, string> = {};
    const secrets = inputs.secrets.map((s, i) => {
      secretEnv[`MOAM_BUILD_SECRET_${i}`] = s.value;
      return { id: s.id, env: `MOAM_BUILD_SECRET_${i}` };
    });
    const args = buildArgs(
      {
        images: inputs.images,
        platform: inputs.platform,
        context: inputs.context,
        file: inputs.file,
        buildArgs: inputs.buildArgs,
        ...(inputs.target ? { target: inputs.target } : {}),
        labels: meta.labels,
        annotations: meta.annotations,
        secrets,
        provenance: inputs.provenance,
        sbom: inputs.sbom,
        ...(inputs.sbomGenerator ? { sbomGenerator: inputs.sbomGenerator } : {}),
        cacheFrom: defaults?.cacheFrom ?? inputs.cacheFrom,
        cacheTo: defaults?.cacheTo ?? inputs.cacheTo,
        push: inputs.push,
        metadataFile,
        ociLayoutDir,
        ...(form?.option ? { attestationOption: form.option } : {}),
      },
      builder,
    );
    const buildEnv = { ...env, ...secretEnv, ...(meta.sourceDateEpoch ? { SOURCE_DATE_EPOCH: meta.sourceDateEpoch } : {}), BUILDX_METADATA_PROVENANCE: 'disabled' };
    await log.group(`Build ${formatPlatform(inputs.platform)}`, async () => {
      try {
        await exec('docker', args, { env: buildEnv, cwd: deps.workspace, stream: true, secrets: inputs.secrets.map((s) => s.value) });
      } catch (error) {
        if (error instanceof ToolError) throw new Error(`docker buildx build for ${formatPlatform(inputs.platform)} failed: ${error.lastLine}. Nothing was pushed and no digest artifact was uploaded.`, { cause: error });
        throw error;
      }
    });
    const metadata = parseBuildMetadata(await readFile(metadataFile, 'utf8'));
    const digest = metadata.descriptor.digest;
    const attestations = { provenance: inputs.provenance !== 'false', sbom: inputs.sbom };
    const base = { digest, metadata, builder, attestations, ...(form ? { attestationForm: form.writes } : {}) };
    if (!inputs.push) {
      log.info(`push: false: built and validated ${formatPlatform(inputs.platform)} as ${digest}; nothing pushed, no artifact uploaded.`);
      return { ...base, pushed: false, durationMs: deps.clock() - started };
    }
    if (!builder.canPushByDigest) {
      await log.group(`Push ${digest} by digest`, async () => {
        const pushed = await pushOciLayout(deps.registry, { layoutDir: ociLayoutDir, digest, images: inputs.images, log: log.info });
        if (pushed.digest !== digest) throw new Error(`pushed digest ${pushed.digest} differs from the digest buildx reported (${digest})`);
      });
    }
    for (const image of inputs.images) {
      const found = await deps.registry.headManifest(image, digest);
      if (!found) throw new Error(`${byDigest(image, digest)} is not in the registry after the push`);
    }
    const record = makeRecord({ platform: inputs.platform, digest, mediaType: metadata.descriptor.mediaType, size: metadata.descriptor.size, images: inputs.images.map((i) => i.name), run });
    const artifact = artifactName(inputs.artifactPrefix, inputs.platform);
    log.info(`Digest hand-off: ${deps.store.description}`);
    await deps.store.put(artifact, { name: recordFileName(inputs.platform), content: `${JSON.stringify(record, null, 2)}\n` });
    return { ...base, pushed: true, artifact, record, durationMs: deps.clock() - started };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
