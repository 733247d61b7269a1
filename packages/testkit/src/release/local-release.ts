// The sample app's release as GitHub runs it, offline: release.yml -> multi-arch.yml executed as written by the
// workflow executor, every job through our committed bundles, with the services we cannot reach replaced by
// their stand-ins (GitHub's artifact and OIDC services, Fulcio, Rekor, the cosign download) and the repository
// variables pointing at the test bed. Keyless, with the transparency log on: what users get by default.
// Test support only: scripts/local-release.ts and the integration tests use it.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { type ArtifactService, startArtifactService } from '../artifact-service.ts';
import { startCosignMirror } from '../cosign-mirror.ts';
import { type FulcioStandIn, startFulcio } from '../fulcio.ts';
import { type OidcService, startOidcService } from '../oidc-service.ts';
import { type RekorStandIn, startRekor } from '../rekor.ts';
import { repoRoot } from '../run-action.ts';
import { testbed } from '../testbed.ts';
import { dockerLogin, runWorkflow } from '../workflow/index.ts';
import type { RunWorkflowOptions, WorkflowRunResult } from '../workflow/types.ts';

export const SAMPLE_REPOSITORY = 'moam-project/multi-arch-of-madness';

/** The stand-ins one run of a workflow talks to; one artifact service is one workflow run (attempts included). */
export interface ReleaseServices {
  artifacts: ArtifactService;
  oidc: OidcService;
  fulcio: FulcioStandIn;
  rekor: RekorStandIn;
  mirror: Awaited<ReturnType<typeof startCosignMirror>>;
  home: string;
  close(): Promise<void>;
}

export async function startReleaseServices(): Promise<ReleaseServices> {
  const tb = testbed();
  const [artifacts, oidc, rekor, mirror] = await Promise.all([startArtifactService(), startOidcService(), startRekor(), startCosignMirror(tb.cosign)]);
  const fulcio = await startFulcio({ issuers: [oidc] });
  const home = await mkdtemp(path.join(os.tmpdir(), 'moam-release-home-'));
  return {
    artifacts,
    oidc,
    fulcio,
    rekor,
    mirror,
    home,
    async close() {
      await Promise.all([artifacts.close(), oidc.close(), fulcio.close(), rekor.close(), mirror.close()]);
      await rm(home, { recursive: true, force: true });
    },
  };
}

/**
 * The repository variables release.yml reads: the image on the test bed's registry, its busybox and SBOM
 * generator, a "private" Sigstore (the stand-ins, with their trust material as PEM) and the cosign mirror.
 */
export function releaseVars(services: ReleaseServices, image: string): Record<string, string> {
  const tb = testbed();
  return {
    SAMPLE_APP_IMAGE: image,
    BUSYBOX_IMAGE: tb.busyboxImage,
    SBOM_GENERATOR: tb.sbomGenerator,
    SIGSTORE_FULCIO_URL: services.fulcio.url,
    SIGSTORE_REKOR_URL: services.rekor.url,
    SIGSTORE_FULCIO_ROOT: services.fulcio.rootPem + services.fulcio.intermediatePem,
    SIGSTORE_REKOR_PUBLIC_KEY: services.rekor.publicKeyPem,
    SIGSTORE_CT_LOG_PUBLIC_KEY: services.fulcio.ctLogPublicKeyPem,
    COSIGN_VERSION: services.mirror.version,
    COSIGN_SHA256: services.mirror.sha256,
    COSIGN_BASE_URL: services.mirror.url,
  };
}

export async function headCommit(): Promise<string> {
  return (await promisify(execFile)('git', ['rev-parse', 'HEAD'], { cwd: repoRoot })).stdout.trim();
}

export interface LocalReleaseOptions {
  /** e.g. 0.0.1-rc1: the pushed tag is sample-app/v<version>. */
  version: string;
  image: string;
  services: ReleaseServices;
  /** The repository at the running commit (default: this checkout); tests pass a scratch copy with a broken YAML. */
  root?: string;
  workflow?: string;
  log?: (line: string) => void;
  /** Re-run the failed jobs of an earlier run (attempt + 1, same artifact service). */
  rerunFailedFrom?: WorkflowRunResult;
  attempt?: number;
  sha?: string;
  /** Extra executor options (stepMap rows, required jobs). */
  extra?: Partial<RunWorkflowOptions>;
}

/** Runs release.yml (or the given workflow) for a pushed sample-app/v<version> tag. */
export async function runLocalRelease(o: LocalReleaseOptions): Promise<WorkflowRunResult> {
  const tb = testbed();
  const tag = `sample-app/v${o.version}`;
  return runWorkflow({
    repoRoot: o.root ?? repoRoot,
    workspace: repoRoot, // what actions/checkout gives: this checkout (packages/sample-app is the build context)
    workflow: o.workflow ?? '.github/workflows/release.yml',
    event: { name: 'push', ref: `refs/tags/${tag}`, sha: o.sha ?? (await headCommit()) },
    repository: SAMPLE_REPOSITORY,
    vars: releaseVars(o.services, o.image),
    services: { artifacts: o.services.artifacts, oidc: o.services.oidc },
    // A runner's HOME: cosign keeps its caches there; it must not read this machine's.
    runnerEnv: { HOME: o.services.home, TUF_ROOT: path.join(o.services.home, '.sigstore') },
    // The test bed's plain registry needs no login; the workflow logs in to ghcr.io, which stands for it.
    stepMap: { 'docker/login-action': dockerLogin({ noLogin: ['ghcr.io', tb.registry] }) },
    require: ['release/prepare', 'release/build', 'release/merge', 'release/sign', 'release/verify'],
    ...(o.log ? { log: o.log } : {}),
    ...(o.rerunFailedFrom ? { rerunFailedFrom: o.rerunFailedFrom } : {}),
    ...(o.attempt ? { attempt: o.attempt } : {}),
    ...o.extra,
  });
}
