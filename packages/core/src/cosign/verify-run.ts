import { type Exec, ToolError } from '../exec.ts';
import type { Logger } from '../ports.ts';
import { isTransientRegistryFailure, withTransientRetries } from '../transient.ts';
import { type VerifyOutcome, parseVerifyOutcome } from './outcome.ts';

/*
 * cosign reports a registry hiccup it did not cure itself as a verification failure: a connection cut while it
 * reads a .sig manifest is "unexpected EOF" (exit 1), one cut while it reads a signature layer is
 * "no matching signatures: unexpected EOF" (exit 12), a 429 is "GET …: TOOMANYREQUESTS: …". None of those says
 * anything about the signature, so they are retried and never reported (or acted on) as "unsigned".
 */
/** cosign's words for a signature that was read and does not match: never retried, whatever else the line holds (a subject URL may contain "500"). */
const REAL_MISMATCH = /none of the expected identities|invalid signature|verification error|expected issuer|certificate has expired|x509:/i;

export function isTransientVerifyOutcome(outcome: VerifyOutcome): boolean {
  if (outcome.status === 'verified') return false;
  return isTransientRegistryFailure(outcome.reason) && !REAL_MISMATCH.test(outcome.reason);
}

/** One `cosign verify` run, classified; a non-zero exit is an outcome, not an exception. */
export async function runCosignVerify(exec: Exec, cosignPath: string, args: string[], env: NodeJS.ProcessEnv): Promise<VerifyOutcome> {
  try {
    const r = await exec(cosignPath, args, { env });
    return parseVerifyOutcome(0, r.stdout, r.stderr);
  } catch (error) {
    if (error instanceof ToolError) return parseVerifyOutcome(error.exitCode, error.stdout, error.stderr);
    throw error;
  }
}

class TransientOutcome extends Error {
  constructor(readonly outcome: VerifyOutcome & { reason: string }) {
    super(outcome.reason);
  }
}

/** Runs a verification until it gives an answer about the signature; after the last retry the transient outcome itself is returned. */
export async function verifyWithRetries(what: string, run: () => Promise<VerifyOutcome>, deps: { sleep: (ms: number) => Promise<void>; log: Pick<Logger, 'warning'> }): Promise<VerifyOutcome> {
  try {
    return await withTransientRetries(
      what,
      async () => {
        const outcome = await run();
        if (outcome.status !== 'verified' && isTransientVerifyOutcome(outcome)) throw new TransientOutcome(outcome);
        return outcome;
      },
      deps,
      { isTransient: (_line, error) => error instanceof TransientOutcome },
    );
  } catch (error) {
    if (error instanceof TransientOutcome) return error.outcome;
    throw error;
  }
}
