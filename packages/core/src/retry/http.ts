import type { Verdict } from './loop.ts';

/*
 * The classifier for HTTP answers and connection-level failures: our registry client's requests and the cosign
 * download both go through it, so a status or an error code means the same thing wherever it is met.
 */

/** HTTP statuses worth another attempt: the server (or a proxy in front of it) said "not now". */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** Connection-level failures worth another attempt. TLS verification failures and unknown hosts are not among them. */
export const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ERR_STREAM_PREMATURE_CLOSE',
  'HPE_INVALID_CONSTANT',
  'UND_ERR_SOCKET',
]);

/** The same failures, for errors that carry only a message ("socket hang up"). */
const TRANSIENT_MESSAGE = /socket hang up|ECONNRESET|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|timed? ?out/i;

/** Statuses whose Retry-After is a wait to honour (RFC 9110 for 503, RFC 6585 for 429). */
const RETRY_AFTER_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/** What went wrong in one HTTP exchange, as far as the retry decision cares. */
export interface HttpFailure {
  /** HTTP status; undefined when no response arrived. */
  readonly status?: number;
  /** Network error code (ECONNRESET, …) when no response arrived. */
  readonly code?: string;
  /** Error message, for "socket hang up" style failures without a code. */
  readonly message?: string;
  /** Raw Retry-After header. */
  readonly retryAfter?: string;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date (relative to now). undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (/^\d+\.\d+$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

function isTransient(f: HttpFailure): boolean {
  if (f.status !== undefined) return RETRYABLE_STATUSES.has(f.status);
  if (f.code !== undefined && RETRYABLE_NETWORK_CODES.has(f.code)) return true;
  return TRANSIENT_MESSAGE.test(f.message ?? '');
}

/** Pure: whether a retry may cure the failure, and the wait the server asked for (429/503 with a readable Retry-After). */
export function classifyHttpFailure(f: HttpFailure, now: number): Verdict {
  const what = f.status !== undefined ? `HTTP ${f.status}` : (f.code ?? f.message ?? 'error');
  if (!isTransient(f)) return { retry: false, why: `${what} is not transient` };
  const asked = f.status !== undefined && RETRY_AFTER_STATUSES.has(f.status) ? parseRetryAfter(f.retryAfter, now) : undefined;
  return asked === undefined ? { retry: true, why: what } : { retry: true, why: `${what}, Retry-After ${f.retryAfter}`, delayMs: asked };
}
