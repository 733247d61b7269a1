import { RETRYABLE_STATUSES } from './http.ts';
import type { Verdict } from './loop.ts';

/*
 * The classifier for a tool's last error line (imagetools, cosign): Go tools print what their HTTP client saw,
 * so the statuses are the ones http.ts retries, plus the words Go uses for a busy service or a cut connection.
 */

/** Who the tool was talking to: a registry that refuses connections may be restarting; a Sigstore service nobody listens on will not answer on a retry. */
export type ToolTarget = 'registry' | 'service';

const BUSY_OR_CUT =
  'too many requests|toomanyrequests|service unavailable|bad gateway|gateway time-?out|internal server error|connection reset|broken pipe|\\bEOF\\b|i/o timeout|timeout|timed out|TLS handshake|context deadline exceeded';
const SERVICE = new RegExp(`\\b(?:${[...RETRYABLE_STATUSES].join('|')})\\b|${BUSY_OR_CUT}`, 'i');
const REGISTRY = new RegExp(`${SERVICE.source}|connection refused`, 'i');

/** Pure: whether the line shows trouble a retry may cure (a busy or failing service, a cut connection, a timeout). */
export function classifyToolLine(line: string, target: ToolTarget): Verdict {
  const m = (target === 'registry' ? REGISTRY : SERVICE).exec(line);
  return m ? { retry: true, why: `transient ${target} failure ("${m[0]}")` } : { retry: false, why: `not a transient ${target} failure` };
}
