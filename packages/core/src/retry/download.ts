import { errorMessage } from '../errors.ts';
import { type HttpFailure, classifyHttpFailure } from './http.ts';
import type { Verdict } from './loop.ts';

/*
 * The classifier for a failed download (the cosign binary, its checksum file): @actions/tool-cache's HTTPError and
 * our HttpStatusError carry httpStatusCode, network errors a code; both are judged by the HTTP classifier, so a
 * download retries exactly what a registry request retries.
 */

/** The parts of a download error the retry decision reads. */
export function downloadFailureOf(error: unknown): HttpFailure {
  const e = (typeof error === 'object' && error !== null ? error : {}) as { httpStatusCode?: unknown; code?: unknown; retryAfter?: unknown };
  return {
    ...(typeof e.httpStatusCode === 'number' ? { status: e.httpStatusCode } : {}),
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(typeof e.retryAfter === 'string' ? { retryAfter: e.retryAfter } : {}),
    message: errorMessage(error),
  };
}

/** Pure: whether another download attempt may succeed, and the wait the server asked for. */
export function classifyDownloadFailure(error: unknown, now: number): Verdict {
  return classifyHttpFailure(downloadFailureOf(error), now);
}
