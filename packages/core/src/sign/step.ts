import type { ActionContext } from '../action/context.ts';
import type { SignInputs } from './inputs.ts';
import { type SignedEntry, signRecursive } from './run.ts';
import { prepareSigner } from './signer.ts';

export interface SignStepResult {
  entries: SignedEntry[];
  cosignVersion: string;
  /** Keyless: the certificate identity and issuer Fulcio issued for this job (what verify must expect). */
  signer: { kind: 'keyless'; identity: string; issuer: string } | { kind: 'key' };
}

/**
 * The sign step: cosign installed and verified, the signer prepared (a GitHub OIDC token, or a key), then the
 * index and every manifest in it signed by digest, skipping what this signer already signed.
 */
export async function runSign(ctx: ActionContext, inputs: SignInputs): Promise<SignStepResult> {
  const cosign = await ctx.installCosign(inputs.cosign);
  const signer = await prepareSigner(inputs, ctx);
  const who = signer.kind === 'keyless' ? ({ kind: 'keyless', identity: signer.identity, issuer: signer.issuer } as const) : ({ kind: 'key' } as const);
  if (who.kind === 'keyless') ctx.log.info(`Signing keyless as ${who.identity} (issuer ${who.issuer})`);
  const entries = await signRecursive(inputs, cosign, signer, ctx);
  return { entries, cosignVersion: cosign.version, signer: who };
}

export function signOutputs(result: SignStepResult): Record<string, string> {
  return {
    signed: JSON.stringify(result.entries),
    'cosign-version': result.cosignVersion,
    'signer-identity': result.signer.kind === 'keyless' ? result.signer.identity : '',
    'signer-issuer': result.signer.kind === 'keyless' ? result.signer.issuer : '',
  };
}
