import type { VerifyOutcome } from '../cosign/outcome.ts';
import type { Verdict } from './loop.ts';
import { classifyToolLine } from './tool-line.ts';

/*
 * The classifier for `cosign verify` outcomes. cosign reports a registry hiccup it did not cure itself as a
 * verification failure: a connection cut while it reads a .sig manifest is "unexpected EOF" (exit 1), one cut
 * while it reads a signature layer is "no matching signatures: unexpected EOF" (exit 12), a 429 is
 * "GET …: TOOMANYREQUESTS: …". None of those says anything about the signature, so they are retried and never
 * reported (or acted on) as "unsigned".
 */

/** cosign's words for a signature that was read and does not match: never retried, whatever else the line holds (a subject URL may contain "500"). */
const REAL_MISMATCH = /none of the expected identities|invalid signature|verification error|expected issuer|certificate has expired|x509:/i;

/** Pure: whether the outcome is a registry hiccup (retry) or an answer about the signature (final). */
export function classifyVerifyOutcome(outcome: VerifyOutcome): Verdict {
  if (outcome.status === 'verified') return { retry: false, why: 'verified' };
  if (REAL_MISMATCH.test(outcome.reason)) return { retry: false, why: `an answer about the signature (${outcome.status})` };
  return classifyToolLine(outcome.reason, 'registry');
}
