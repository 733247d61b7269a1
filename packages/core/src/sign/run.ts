import { mkdtemp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Exec } from '../exec.ts';
import { ToolError } from '../exec.ts';
import { byDigest, type ImageName } from '../image.ts';
import type { Logger, RegistryReads } from '../ports.ts';
import { toolTimeoutMs, withTransientRetries } from '../transient.ts';
import { cosignEnv, signArgs, verifyArgs } from '../cosign/args.ts';
import { parseVerifyOutcome } from '../cosign/outcome.ts';
import type { Cosign } from './cosign-setup.ts';
import type { SignInputs } from './inputs.ts';
import { type SignTarget, signTargets, signatureTag } from './targets.ts';

export interface SignDeps {
  exec: Exec;
  env: NodeJS.ProcessEnv;
  log: Logger;
  registry: RegistryReads & { listTags(image: ImageName): Promise<string[]> };
  sleep: (ms: number) => Promise<void>;
  tmpDir: string;
}

/** How the signer is recognised when checking for existing signatures. */
export type SignerCheck =
  | { kind: 'keyless'; identity: string; issuer: string; token: string }
  | { kind: 'key'; key: string; publicKey: string; password?: string };

export interface SignedEntry {
  image: string;
  digest: string;
  kind: SignTarget['kind'];
  platform?: string;
  status: 'signed' | 'skipped';
}

/** Digests that already carry a valid signature from this signer: only those with a .sig tag are asked of cosign. */
async function alreadySigned(image: ImageName, targets: readonly SignTarget[], inputs: SignInputs, cosign: Cosign, signer: SignerCheck, deps: SignDeps): Promise<Set<string>> {
  const tags = new Set(await deps.registry.listTags(image));
  const candidates = inputs.signatureFormat === 'legacy' ? targets.filter((t) => tags.has(signatureTag(t.digest))) : targets;
  const signed = new Set<string>();
  await Promise.all(
    candidates.map(async (t) => {
      const args = verifyArgs({
        version: cosign.version,
        ref: byDigest(image, t.digest),
        ...(signer.kind === 'keyless' ? { identity: signer.identity, issuer: signer.issuer } : { key: signer.publicKey }),
        insecureIgnoreTlog: !inputs.tlogUpload,
      });
      try {
        await deps.exec(cosign.path, args, { env: { ...deps.env, ...cosignEnv({}).env } });
        signed.add(t.digest);
      } catch (error) {
        if (!(error instanceof ToolError)) throw error;
        const outcome = parseVerifyOutcome(error.exitCode, error.stdout, error.stderr);
        if (outcome.status === 'error') throw new Error(`cannot check existing signatures of ${byDigest(image, t.digest)}: ${outcome.reason}`, { cause: error });
      }
    }),
  );
  return signed;
}

export async function signRecursive(inputs: SignInputs, cosign: Cosign, signer: SignerCheck, deps: SignDeps): Promise<SignedEntry[]> {
  const results: SignedEntry[] = [];
  const secretsEnv = cosignEnv({ ...(signer.kind === 'key' && signer.password !== undefined ? { keyPassword: signer.password } : {}) });
  let tokenFile: string | undefined;
  if (signer.kind === 'keyless') {
    tokenFile = path.join(await mkdtemp(path.join(deps.tmpDir, 'moam-oidc-')), 'token');
    await writeFile(tokenFile, signer.token, { mode: 0o600 });
  }
  const secrets = [...secretsEnv.secrets, ...(signer.kind === 'keyless' ? [signer.token] : [])];
  for (const image of inputs.images) {
    const root = await deps.registry.getManifest(image, inputs.digest);
    const targets = signTargets(inputs.digest, root.mediaType, root.json, inputs.recursive);
    const skip = await alreadySigned(image, targets, inputs, cosign, signer, deps);
    const todo = targets.filter((t) => !skip.has(t.digest));
    for (const t of targets.filter((x) => skip.has(x.digest))) results.push({ image: image.name, digest: t.digest, kind: t.kind, ...(t.platform ? { platform: t.platform } : {}), status: 'skipped' });
    if (skip.size > 0) deps.log.info(`${image.name}: ${skip.size} of ${targets.length} digests already carry a valid signature from this signer; skipping them`);
    // A retry after a transient failure first asks again what is signed: a partly successful attempt must not
    // leave a second signature layer on the digests it already signed.
    let signedBefore: Set<string> | undefined = skip;
    await withTransientRetries(
      `cosign sign ${image.name}`,
      async () => {
        const signed = signedBefore ?? (await alreadySigned(image, targets, inputs, cosign, signer, deps));
        signedBefore = undefined;
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
            ...(inputs.fulcioUrl ? { fulcioUrl: inputs.fulcioUrl } : {}),
            ...(inputs.rekorUrl ? { rekorUrl: inputs.rekorUrl } : {}),
            annotations: inputs.annotations,
          });
          await deps.log.group(`Sign ${byDigest(image, call.digest)}${call.recursive ? ' (recursive)' : ''}`, () =>
            deps.exec(cosign.path, args, { env: { ...deps.env, ...secretsEnv.env }, secrets, stream: true, timeoutMs: toolTimeoutMs(deps.env) }),
          );
        }
      },
      deps,
    );
    for (const t of todo) results.push({ image: image.name, digest: t.digest, kind: t.kind, ...(t.platform ? { platform: t.platform } : {}), status: 'signed' });
  }
  return results;
}
