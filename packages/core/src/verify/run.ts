import type { Exec } from '../exec.ts';
import type { Scratch } from '../scratch.ts';
import type { Digest } from '../digest.ts';
import { isDigest } from '../digest.ts';
import { byDigest, formatReference } from '../image.ts';
import { formatPlatform } from '../platform.ts';
import type { Logger, RegistryReads } from '../ports.ts';
import { checkIndex, indexOf, isIndexMediaType, platformEntries } from '../oci/index-entries.ts';
import { verifyArgs } from '../cosign/args.ts';
import type { VerifyOutcome } from '../cosign/outcome.ts';
import { runCosignVerify, verifyWithRetries } from '../cosign/verify-run.ts';
import { type Cosign, materialiseKey } from '../cosign/setup.ts';
import { sigstoreTrustEnv } from '../cosign/trust.ts';
import type { VerifyInputs } from './inputs.ts';
import { githubHostedProblem } from '../github/runner-environment.ts';

export const PREDICATES: Record<'provenance' | 'sbom', RegExp> = {
  provenance: /^https:\/\/slsa\.dev\/provenance\//,
  sbom: /^https:\/\/spdx\.dev\/Document/,
};

export interface DigestReport {
  digest: string;
  kind: 'index' | 'platform' | 'manifest';
  platform?: string;
  verified: boolean;
  reason?: string;
  identity?: string;
  issuer?: string;
  workflowRef?: string;
  workflowRepository?: string;
  attestations?: { provenance: boolean; sbom: boolean };
  problems: string[];
}

export interface VerifyReport {
  image: string;
  digest: Digest;
  verified: boolean;
  digests: DigestReport[];
  problems: string[];
}

export interface VerifyDeps {
  exec: Exec;
  env: NodeJS.ProcessEnv;
  registry: RegistryReads;
  sleep: (ms: number) => Promise<void>;
  log: Pick<Logger, 'warning'>;
  /** Where a public key given as PEM content is written for cosign; removed when the step ends. */
  scratch: Scratch;
}

interface Target {
  digest: Digest;
  kind: DigestReport['kind'];
  platform?: string;
  /** Where the platform's attestations are: the attestation manifest's digest, none, or not findable (a lone manifest). */
  attestations: { from: 'index'; digest?: Digest } | { from: 'unknown' } | { from: 'not-required' };
}

async function cosignVerify(cosign: Cosign, ref: string, inputs: VerifyInputs, key: string | undefined, trustEnv: Record<string, string>, deps: VerifyDeps): Promise<VerifyOutcome> {
  const args = verifyArgs({
    version: cosign.version,
    ref,
    ...(key
      ? { key }
      : {
          issuer: inputs.issuer,
          ...(inputs.identity ? { identity: inputs.identity } : { identityRegexp: inputs.identityRegexp as string }),
          ...(inputs.repository ? { githubWorkflowRepository: inputs.repository } : {}),
          ...(inputs.sourceRef ? { githubWorkflowRef: inputs.sourceRef } : {}),
          ...(inputs.trigger ? { githubWorkflowTrigger: inputs.trigger } : {}),
        }),
    ...(inputs.trust.rekorUrl ? { rekorUrl: inputs.trust.rekorUrl } : {}),
    insecureIgnoreTlog: inputs.insecureIgnoreTlog,
  });
  return verifyWithRetries(`cosign verify ${ref}`, () => runCosignVerify(deps.exec, cosign.path, args, { ...deps.env, ...trustEnv }), deps);
}

async function attestationsOf(deps: VerifyDeps, inputs: VerifyInputs, attDigest: Digest | undefined): Promise<{ provenance: boolean; sbom: boolean }> {
  if (!attDigest) return { provenance: false, sbom: false };
  const m = await deps.registry.getManifest(inputs.image.image, attDigest);
  const types = (m.json.layers ?? []).map((l) => l.annotations?.['in-toto.io/predicate-type'] ?? '');
  return { provenance: types.some((t) => PREDICATES.provenance.test(t)), sbom: types.some((t) => PREDICATES.sbom.test(t)) };
}

/**
 * The platform gate for a single image manifest: it is one platform, so it passes only when that is the one
 * platform asked for.
 */
export function checkSingleManifestPlatform(actual: string, expected: readonly string[]): string[] {
  return expected.filter((p) => p !== actual).map((p) => `the image is a single ${actual} manifest, so it has no ${p} manifest`);
}

/** What the attestation gate says when the attestations cannot be found. */
export function unfindableAttestations(ref: string, kinds: readonly string[]): string {
  return `${ref} is a single platform manifest: its ${kinds.join(' and ')} attestations are kept in the image index that references it, which cannot be found from the manifest alone. Verify the index (by its tag or index digest) to check them, or set require-attestations: none to check only this manifest's signature and platform`;
}

/** The digests to verify and, per platform, where its attestations are. Every gate applies to every shape. */
async function plan(inputs: VerifyInputs, digest: Digest, deps: VerifyDeps): Promise<{ targets: Target[]; problems: string[] }> {
  const { image } = inputs.image;
  const root = await deps.registry.getManifest(image, digest);
  const wanted = inputs.platforms?.map(formatPlatform);
  if (isIndexMediaType(root.mediaType)) {
    const index = indexOf(root.json);
    const targets: Target[] = [{ digest, kind: 'index', attestations: { from: 'not-required' } }];
    for (const e of platformEntries(index)) targets.push({ digest: e.digest, kind: 'platform', platform: e.platform, attestations: { from: 'index', ...(e.attestation ? { digest: e.attestation.digest } : {}) } });
    const problems = inputs.platforms ? checkIndex(index, inputs.platforms, { requireAttestations: false, exact: inputs.exactPlatforms }).problems : [];
    if (inputs.requireGithubHosted) problems.push(...(await builtWhere(inputs, digest, index.annotations, targets.slice(1), deps)));
    return { targets, problems };
  }
  const platform = formatPlatform(await deps.registry.platformOf(image, digest));
  const annotations = root.json.annotations;
  return {
    targets: [{ digest, kind: 'manifest', platform, attestations: { from: 'unknown' } }],
    problems: [...(wanted ? checkSingleManifestPlatform(platform, wanted) : []), ...(inputs.requireGithubHosted ? [githubHostedProblem(`manifest ${platform} ${digest}`, annotations)].filter((x): x is string => !!x) : [])],
  };
}

/** require-github-hosted: the index and each platform manifest say where their build legs ran (signed annotations). */
async function builtWhere(inputs: VerifyInputs, digest: Digest, indexAnnotations: Readonly<Record<string, string>> | undefined, platforms: readonly Target[], deps: VerifyDeps): Promise<string[]> {
  const each = await Promise.all(
    platforms.map(async (t) => githubHostedProblem(`${t.kind} ${t.platform ?? ''} ${t.digest}`, (await deps.registry.getManifest(inputs.image.image, t.digest)).json.annotations)),
  );
  return [githubHostedProblem(`index ${digest}`, indexAnnotations), ...each].filter((x): x is string => !!x);
}

async function verifyTarget(t: Target, inputs: VerifyInputs, cosignReady: Cosign | Promise<Cosign>, key: string | undefined, trustEnv: Record<string, string>, deps: VerifyDeps): Promise<DigestReport> {
  const { image } = inputs.image;
  const ref = byDigest(image, t.digest);
  const [outcome, attestations] = await Promise.all([
    Promise.resolve(cosignReady).then((cosign) => cosignVerify(cosign, ref, inputs, key, trustEnv, deps)),
    t.attestations.from === 'index' ? attestationsOf(deps, inputs, t.attestations.digest) : Promise.resolve(undefined),
  ]);
  // A second look at what cosign checked: a simple-signing payload names the digest it covers, and a signature
  // counts only for that digest. (Formats whose output names no digest keep cosign's verdict.)
  const signatures = outcome.status === 'verified' ? outcome.signatures : [];
  const named = signatures.filter((s) => s.dockerManifestDigest !== undefined);
  const sig = named.length > 0 ? named.find((s) => s.dockerManifestDigest === t.digest) : signatures[0];
  const report: DigestReport = { digest: t.digest, kind: t.kind, ...(t.platform ? { platform: t.platform } : {}), verified: sig !== undefined, problems: [] };
  if (sig) {
    Object.assign(report, { identity: sig?.subject, issuer: sig?.issuer, workflowRef: sig?.githubWorkflowRef, workflowRepository: sig?.githubWorkflowRepository });
  } else {
    report.reason = outcome.status === 'verified' ? `wrong-digest: the verified signatures cover ${outcome.signatures.map((s) => s.dockerManifestDigest ?? 'no digest').join(', ')}, not this digest` : `${outcome.status}: ${outcome.reason}`;
    report.problems.push(`${t.kind}${t.platform ? ` ${t.platform}` : ''} ${t.digest}: signature not verified (${report.reason})`);
  }
  if (attestations) {
    report.attestations = attestations;
    for (const need of inputs.requireAttestations) if (!attestations[need]) report.problems.push(`${t.platform} ${t.digest}: no ${need} attestation`);
  } else if (t.attestations.from === 'unknown' && inputs.requireAttestations.length > 0) {
    report.problems.push(unfindableAttestations(ref, inputs.requireAttestations));
  }
  return report;
}

/**
 * Resolves a tag once, then verifies the index and every platform manifest by digest, concurrently, and applies the
 * platform and attestation gates to whatever the image is (an index, or a single manifest). cosign may still be
 * installing: the registry reads do not wait for it.
 */
export async function verifyImage(inputs: VerifyInputs, cosignReady: Cosign | Promise<Cosign>, deps: VerifyDeps): Promise<VerifyReport> {
  const { image } = inputs.image;
  let digest = inputs.image.digest;
  if (!digest) {
    const head = await deps.registry.headManifest(image, inputs.image.tag as string);
    if (!head || !isDigest(head.digest)) throw new Error(`${formatReference(inputs.image)} does not exist in the registry`);
    digest = head.digest;
  }
  const key = inputs.key ? await materialiseKey(inputs.key, deps.scratch, 'cosign.pub') : undefined;
  const trustEnv = await sigstoreTrustEnv(inputs.trust, deps.scratch);
  const { targets, problems } = await plan(inputs, digest, deps);
  const digests = await Promise.all(targets.map((t) => verifyTarget(t, inputs, cosignReady, key, trustEnv, deps)));
  problems.push(...digests.flatMap((d) => d.problems));
  return { image: formatReference(inputs.image), digest, verified: problems.length === 0, digests, problems };
}
