import { RegistryError } from './errors.ts';

export interface RetryPolicy {
  /** Attempts in total, the first one included. */
  readonly maxAttempts: number;
  /** Backoff before the 2nd attempt; doubles each time. */
  readonly baseDelayMs: number;
  /** Cap of one exponential backoff step. */
  readonly maxDelayMs: number;
  /** Cap of one wait asked for by Retry-After. */
  readonly maxRetryAfterMs: number;
  /** Give up rather than wait longer than this in total. */
  readonly maxTotalWaitMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 15_000,
  maxRetryAfterMs: 60_000,
  maxTotalWaitMs: 120_000,
};

/** HTTP statuses worth another attempt: the registry (or a proxy in front of it) said "not now". */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** Connection-level failures worth another attempt. TLS verification failures are not among them. */
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
]);

/** What went wrong in one attempt, as far as the retry decision cares. */
export interface Failure {
  /** HTTP status; undefined when no response arrived. */
  readonly status?: number;
  /** Network error code (ECONNRESET, …) when no response arrived. */
  readonly code?: string;
  /** Error message, for "socket hang up" style failures without a code. */
  readonly message?: string;
  /** Raw Retry-After header. */
  readonly retryAfter?: string;
}

export type RetryDecision = { readonly retry: true; readonly delayMs: number; readonly reason: string } | { readonly retry: false; readonly reason: string };

export function isRetryableFailure(f: Failure): boolean {
  if (f.status !== undefined) return RETRYABLE_STATUSES.has(f.status);
  if (f.code !== undefined && RETRYABLE_NETWORK_CODES.has(f.code)) return true;
  return /socket hang up|ECONNRESET|timed? ?out/i.test(f.message ?? '');
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

/** Exponential backoff with jitter: base·2^(n-1), capped, scaled into [50%, 100%]. failedAttempts is 1 after the first failure. */
export function backoffDelay(failedAttempts: number, policy: RetryPolicy, random: () => number): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(exp * (0.5 + r / 2));
}

export interface RetryContext {
  /** Attempts made so far, the failed one included (1 after the first failure). */
  readonly attempt: number;
  /** Time already spent waiting between attempts. */
  readonly waitedMs: number;
  readonly policy: RetryPolicy;
  readonly random: () => number;
  readonly now: number;
}

/** Whether to try again after a failure, and after how long. Pure: the table test drives it directly. */
export function retryDecision(f: Failure, ctx: RetryContext): RetryDecision {
  const what = f.status !== undefined ? `HTTP ${f.status}` : (f.code ?? f.message ?? 'error');
  if (!isRetryableFailure(f)) return { retry: false, reason: `${what} is not transient` };
  if (ctx.attempt >= ctx.policy.maxAttempts) return { retry: false, reason: `${what}; gave up after ${ctx.attempt} attempts` };
  const asked = f.status === 429 || f.status === 503 ? parseRetryAfter(f.retryAfter, ctx.now) : undefined;
  const delayMs = asked !== undefined ? Math.min(asked, ctx.policy.maxRetryAfterMs) : backoffDelay(ctx.attempt, ctx.policy, ctx.random);
  if (ctx.waitedMs + delayMs > ctx.policy.maxTotalWaitMs) {
    return { retry: false, reason: `${what}; waiting ${Math.round(delayMs / 1000)}s more would exceed the ${Math.round(ctx.policy.maxTotalWaitMs / 1000)}s retry budget` };
  }
  return { retry: true, delayMs, reason: asked !== undefined ? `${what}, Retry-After ${f.retryAfter}` : what };
}

export interface RetryDeps {
  readonly policy: RetryPolicy;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly now: () => number;
  readonly log?: (line: string) => void;
}

/**
 * Runs fn until it succeeds, a failure is not transient, or the policy's bounds are reached. Only RegistryErrors are
 * retried, and only those not already retried by an inner withRetry.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, deps: RetryDeps): Promise<T> {
  let waitedMs = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      // An error that already went through its own retries (attempts set) is final: nested retries never multiply.
      if (!(error instanceof RegistryError) || error.attempts !== undefined) throw error;
      const failure: Failure = { status: error.status, code: error.status === undefined ? error.code : undefined, message: error.detail, retryAfter: error.retryAfter };
      const decision = retryDecision(failure, { attempt, waitedMs, policy: deps.policy, random: deps.random, now: deps.now() });
      if (!decision.retry) throw attempt > 1 ? error.withAttempts(attempt) : error;
      deps.log?.(`${error.where}: ${error.operation}: ${decision.reason}; attempt ${attempt + 1} of ${deps.policy.maxAttempts} in ${(decision.delayMs / 1000).toFixed(1)}s`);
      await deps.sleep(decision.delayMs);
      waitedMs += decision.delayMs;
    }
  }
}
