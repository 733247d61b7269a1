import type { Exec } from '../exec.ts';
import type { Scratch } from '../scratch.ts';
import { ToolError } from '../exec.ts';
import { byDigest, type ImageName } from '../image.ts';
import type { Logger, RegistryReads } from '../ports.ts';
import { toolTimeoutMs, withTransientRetries } from '../transient.ts';
import { InputError, errorMessage } from '../errors.ts';
import type { Digest } from '../digest.ts';
import { byIdentity, byPublicKey, countOwnSignatures, duplicateWarning } from './duplicates.ts';
import { cosignEnv, signArgs, verifyArgs } from '../cosign/args.ts';
import { isTransientVerifyOutcome, runCosignVerify } from '../cosign/verify-run.ts';
import { isTransientSignFailure, signFailureAsInputError } from './failures.ts';
import type { Cosign } from '../cosign/setup.ts';
import { sigstoreTrustEnv } from '../cosign/trust.ts';
import type { SignInputs } from './inputs.ts';
import { type SignTarget, signTargets, signatureTag } from './targets.ts';

export interface SignDeps {
  exec: Exec;
  env: NodeJS.ProcessEnv;
  log: Logger;
  registry: RegistryReads & { listTags(image: ImageName): Promise<string[]>; getBlob(image: ImageName, digest: Digest): Promise<Buffer> };
  sleep: (ms: number) => Promise<void>;
  /** Where the OIDC token file is written for cosign; removed when the step ends. */
  scratch: Scratch;
}

/** How the signer is recognised when checking for existing signatures. */
export type SignerCheck =
  | { kind: 'keyless'; identity: string; issuer: string; token: string }
  | { kind: 'key'; key: string; password: string; publicKey: (cosign: Cosign) => Promise<string> };

export interface SignedEntry {
  image: string;
  digest: Digest;
  kind: SignTarget['kind'];
  platform?: string;
  status: 'signed' | 'skipped';
  /** Signatures from this signer the digest carries after signing (legacy format); more than 1 means a concurrent run signed it too. */
  signatures?: number;
}

/** A check for existing signatures that the registry cut short: retried, never read as "not signed". */
class CheckInterrupted extends Error {}

/** Digests that already carry a valid signature from this signer: only those with a .sig tag are asked of cosign. */
async function alreadySigned(image: ImageName, targets: readonly SignTarget[], inputs: SignInputs, cosign: Cosign, signer: SignerCheck, trustEnv: Record<string, string>, deps: SignDeps): Promise<Set<string>> {
  const tags = new Set(await deps.registry.listTags(image));
  const candidates = inputs.signatureFormat === 'legacy' ? targets.filter((t) => tags.has(signatureTag(t.digest))) : targets;
  const signed = new Set<string>();
  if (candidates.length === 0) return signed;
  const who = signer.kind === 'keyless' ? { identity: signer.identity, issuer: signer.issuer } : { key: await signer.publicKey(cosign) };
  await Promise.all(
    candidates.map(async (t) => {
      const args = verifyArgs({ version: cosign.version, ref: byDigest(image, t.digest), ...who, ...(inputs.trust.rekorUrl ? { rekorUrl: inputs.trust.rekorUrl } : {}), insecureIgnoreTlog: !inputs.tlogUpload });
      const outcome = await runCosignVerify(deps.exec, cosign.path, args, { ...deps.env, ...trustEnv });
      if (outcome.status === 'verified') signed.add(t.digest);
      else if (isTransientVerifyOutcome(outcome)) throw new CheckInterrupted(`cannot check existing signatures of ${byDigest(image, t.digest)}: ${outcome.reason}`);
      else if (outcome.status === 'error') throw new Error(`cannot check existing signatures of ${byDigest(image, t.digest)}: ${outcome.reason}`);
    }),
  );
  return signed;
}

function entry(image: ImageName, t: SignTarget, status: SignedEntry['status']): SignedEntry {
  return { image: image.name, digest: t.digest, kind: t.kind, ...(t.platform ? { platform: t.platform } : {}), status };
}

export async function signRecursive(inputs: SignInputs, cosign: Cosign, signer: SignerCheck, deps: SignDeps): Promise<SignedEntry[]> {
  const results: SignedEntry[] = [];
  const secretsEnv = cosignEnv({ ...(signer.kind === 'key' ? { keyPassword: signer.password } : {}) });
  const trustEnv = await sigstoreTrustEnv(inputs.trust, deps.scratch);
  const tokenFile = signer.kind === 'keyless' ? await deps.scratch.write('oidc-token', signer.token) : undefined;
  const secrets = [...secretsEnv.secrets, ...(signer.kind === 'keyless' ? [signer.token] : [])];
  for (const image of inputs.images) {
    const root = await deps.registry.getManifest(image, inputs.digest);
    const targets = signTargets(inputs.digest, root.mediaType, root.json, inputs.recursive);
    let skip: Set<string> | undefined;
    await withTransientRetries(
      `cosign sign ${image.name}`,
      async () => {
        // Every attempt first asks what is signed: a partly successful earlier attempt (or run) must not leave a
        // second signature layer on the digests it already signed.
        const signed = await alreadySigned(image, targets, inputs, cosign, signer, trustEnv, deps);
        if (!skip) {
          skip = signed;
          if (skip.size > 0) deps.log.info(`${image.name}: ${skip.size} of ${targets.length} digests already carry a valid signature from this signer; skipping them`);
        }
        const missing = targets.filter((t) => !signed.has(t.digest));
        // One recursive call when nothing is signed yet; otherwise only the missing digests, one by one.
        const calls = inputs.recursive && missing.length === targets.length ? [{ digest: inputs.digest, recursive: targets.length > 1 }] : missing.map((t) => ({ digest: t.digest, recursive: false }));
        for (const call of calls) {
          const args = signArgs({
            version: cosign.version,
            ref: byDigest(image, call.digest),
            keyless: signer.kind === 'keyless',
            ...(signer.kind === 'key' ? { key: signer.key } : {}),
            ...(tokenFile ? { identityTokenFile: tokenFile } : {}),
            recursive: call.recursive,
            signatureFormat: inputs.signatureFormat,
            tlogUpload: inputs.tlogUpload,
            ...(inputs.trust.fulcioUrl ? { fulcioUrl: inputs.trust.fulcioUrl } : {}),
            ...(inputs.trust.rekorUrl ? { rekorUrl: inputs.trust.rekorUrl } : {}),
            annotations: inputs.annotations,
          });
          try {
            await deps.log.group(`Sign ${byDigest(image, call.digest)}${call.recursive ? ' (recursive)' : ''}`, () =>
              deps.exec(cosign.path, args, { env: { ...deps.env, ...trustEnv, ...secretsEnv.env }, secrets, stream: true, timeoutMs: toolTimeoutMs(deps.env) }),
            );
          } catch (error) {
            if (error instanceof ToolError && !isTransientSignFailure(error.lastLine)) throw signFailureAsInputError(error.lastLine, { ...inputs.trust, keyless: inputs.keyless }) ?? error;
            throw error;
          }
        }
      },
      deps,
      { isTransient: (line, error) => error instanceof CheckInterrupted || (!(error instanceof InputError) && isTransientSignFailure(line)) },
    );
    const entries = targets.map((t) => entry(image, t, skip?.has(t.digest) ? 'skipped' : 'signed'));
    if (inputs.signatureFormat === 'legacy') await countSignatures(image, entries, cosign, signer, deps);
    results.push(...entries);
  }
  return results;
}

/** Re-reads what was signed: a concurrent run that signed the same digest leaves a second layer nothing could have prevented. */
async function countSignatures(image: ImageName, entries: SignedEntry[], cosign: Cosign, signer: SignerCheck, deps: SignDeps): Promise<void> {
  const isOwn = signer.kind === 'keyless' ? byIdentity(signer.identity) : byPublicKey(() => signer.publicKey(cosign), (d) => deps.registry.getBlob(image, d));
  await Promise.all(
    entries
      .filter((x) => x.status === 'signed')
      .map(async (e) => {
        try {
          e.signatures = await countOwnSignatures(deps.registry, image, e.digest, isOwn);
        } catch (error) {
          deps.log.warning(`could not count the signatures of ${byDigest(image, e.digest)} after signing: ${errorMessage(error)}`);
          return;
        }
        if (e.signatures > 1) deps.log.warning(duplicateWarning(byDigest(image, e.digest), e.signatures));
      }),
  );
}
