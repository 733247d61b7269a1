import { type Exec, ToolError } from '../exec.ts';
import { classifyVerifyOutcome } from '../retry/verify-outcome.ts';
import { type ToolRetryDeps, retryToolCall } from '../transient.ts';
import { type VerifyOutcome, parseVerifyOutcome } from './outcome.ts';

/** A registry hiccup reported as a verification failure (see retry/verify-outcome.ts): retried, never read as "unsigned". */
export function isTransientVerifyOutcome(outcome: VerifyOutcome): boolean {
  return classifyVerifyOutcome(outcome).retry;
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

/** Runs a verification until it gives an answer about the signature; after the last retry the transient outcome itself is returned. */
export function verifyWithRetries(what: string, run: () => Promise<VerifyOutcome>, deps: ToolRetryDeps): Promise<VerifyOutcome> {
  return retryToolCall(what, run, deps, {
    // An exception (cosign missing, a bug) says nothing a retry could change.
    classifyError: () => ({ retry: false, why: 'cosign verify did not run' }),
    classifyValue: classifyVerifyOutcome,
    lineOf: (outcome) => (outcome.status === 'verified' ? 'verified' : outcome.reason),
  });
}
