import type { Exec } from '../exec.ts';
import type { Digest } from '../digest.ts';
import { isDigest } from '../digest.ts';
import { byDigest, formatReference } from '../image.ts';
import type { Logger, RegistryReads } from '../ports.ts';
import { type OciIndex, INDEX_MEDIA_TYPES, checkIndex, platformEntries } from '../merge/index-check.ts';
import { verifyArgs } from '../cosign/args.ts';
import type { VerifyOutcome } from '../cosign/outcome.ts';
import { runCosignVerify, verifyWithRetries } from '../cosign/verify-run.ts';
import { type Cosign, materialiseKey } from '../sign/cosign-setup.ts';
import type { VerifyInputs } from './inputs.ts';

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
  /** Where a public key given as PEM content is written for cosign. */
  tmpDir: string;
}

async function cosignVerify(cosign: Cosign, ref: string, inputs: VerifyInputs, key: string | undefined, deps: VerifyDeps): Promise<VerifyOutcome> {
  const args = verifyArgs({
    version: cosign.version,
    ref,
    ...(key ? { key } : { issuer: inputs.issuer, ...(inputs.identity ? { identity: inputs.identity } : { identityRegexp: inputs.identityRegexp as string }), ...(inputs.repository ? { githubWorkflowRepository: inputs.repository } : {}) }),
    insecureIgnoreTlog: inputs.insecureIgnoreTlog,
  });
  return verifyWithRetries(`cosign verify ${ref}`, () => runCosignVerify(deps.exec, cosign.path, args, deps.env), deps);
}

async function attestationsOf(deps: VerifyDeps, inputs: VerifyInputs, attDigest: string | undefined): Promise<{ provenance: boolean; sbom: boolean }> {
  if (!attDigest) return { provenance: false, sbom: false };
  const m = await deps.registry.getManifest(inputs.image.image, attDigest);
  const types = ((m.json as { layers?: Array<{ annotations?: Record<string, string> }> }).layers ?? []).map((l) => l.annotations?.['in-toto.io/predicate-type'] ?? '');
  return { provenance: types.some((t) => PREDICATES.provenance.test(t)), sbom: types.some((t) => PREDICATES.sbom.test(t)) };
}

/**
 * Resolves a tag once, then verifies the index and every platform manifest by digest, concurrently.
 * cosign may still be installing: the registry reads do not wait for it.
 */
export async function verifyImage(inputs: VerifyInputs, cosignReady: Cosign | Promise<Cosign>, deps: VerifyDeps): Promise<VerifyReport> {
  const { image } = inputs.image;
  let digest = inputs.image.digest;
  if (!digest) {
    const head = await deps.registry.headManifest(image, inputs.image.tag as string);
    if (!head || !isDigest(head.digest)) throw new Error(`${formatReference(inputs.image)} does not exist in the registry`);
    digest = head.digest;
  }
  const root = await deps.registry.getManifest(image, digest);
  const key = inputs.key ? await materialiseKey(inputs.key, deps.tmpDir, 'cosign.pub') : undefined;
  const problems: string[] = [];
  const targets: Array<{ digest: string; kind: DigestReport['kind']; platform?: string; attestation?: string }> = [];
  if (INDEX_MEDIA_TYPES.includes(root.mediaType)) {
    const index = root.json as OciIndex;
    targets.push({ digest, kind: 'index' });
    for (const e of platformEntries(index)) targets.push({ digest: e.digest, kind: 'platform', platform: e.platform, ...(e.attestation ? { attestation: e.attestation.digest } : {}) });
    if (inputs.platforms) problems.push(...checkIndex(index, inputs.platforms, { requireAttestations: false }).problems);
  } else {
    targets.push({ digest, kind: 'manifest' });
  }
  const digests = await Promise.all(
    targets.map(async (t): Promise<DigestReport> => {
      const [outcome, attestations] = await Promise.all([
        Promise.resolve(cosignReady).then((cosign) => cosignVerify(cosign, byDigest(image, t.digest as Digest), inputs, key, deps)),
        t.kind === 'platform' ? attestationsOf(deps, inputs, t.attestation) : Promise.resolve(undefined),
      ]);
      const report: DigestReport = { digest: t.digest, kind: t.kind, ...(t.platform ? { platform: t.platform } : {}), verified: outcome.status === 'verified', problems: [] };
      if (outcome.status === 'verified') {
        const sig = outcome.signatures.find((s) => s.dockerManifestDigest === t.digest) ?? outcome.signatures[0];
        Object.assign(report, { identity: sig?.subject, issuer: sig?.issuer, workflowRef: sig?.githubWorkflowRef, workflowRepository: sig?.githubWorkflowRepository });
      } else {
        report.reason = `${outcome.status}: ${outcome.reason}`;
        report.problems.push(`${t.kind}${t.platform ? ` ${t.platform}` : ''} ${t.digest}: signature not verified (${report.reason})`);
      }
      if (attestations) {
        report.attestations = attestations;
        for (const need of inputs.requireAttestations) if (!attestations[need]) report.problems.push(`${t.platform} ${t.digest}: no ${need} attestation`);
      }
      return report;
    }),
  );
  problems.push(...digests.flatMap((d) => d.problems));
  return { image: formatReference(inputs.image), digest, verified: problems.length === 0, digests, problems };
}
