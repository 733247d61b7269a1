import { RegistryError } from './errors.ts';
import { type HttpFailure, classifyHttpFailure } from '../retry/http.ts';
import { type LoopState, type RetryDecision, type RetryPlan, type RetryPolicy, type Verdict, decideRetry, retrying } from '../retry/loop.ts';

// The registry client's retries: RegistryErrors judged by the HTTP classifier, run by the one retry loop.
export { RETRYABLE_NETWORK_CODES, RETRYABLE_STATUSES, parseRetryAfter } from '../retry/http.ts';
export { backoffDelay, type RetryDecision, type RetryPolicy } from '../retry/loop.ts';
/** What went wrong in one attempt, as far as the retry decision cares. */
export type Failure = HttpFailure;

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 15_000,
  maxRetryAfterMs: 60_000,
  maxTotalWaitMs: 120_000,
};

export function isRetryableFailure(f: Failure): boolean {
  return classifyHttpFailure(f, 0).retry;
}

/** Where the loop stands after a failure, and the time (for a Retry-After given as a date). */
export interface RetryContext extends LoopState {
  readonly now: number;
}

/** Whether to try again after a failure, and after how long. Pure: the table test drives it directly. */
export function retryDecision(f: Failure, ctx: RetryContext): RetryDecision {
  return decideRetry(classifyHttpFailure(f, ctx.now), ctx);
}

export interface RetryDeps {
  readonly policy: RetryPolicy;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly now: () => number;
  readonly log?: (line: string) => void;
}

function classifyRegistryError(error: unknown, now: number): Verdict {
  if (!(error instanceof RegistryError)) return { retry: false, why: 'not a registry failure' };
  // An error that already went through its own retries (attempts set) is final: nested retries never multiply.
  if (error.attempts !== undefined) return { retry: false, why: `already tried ${error.attempts} times` };
  return classifyHttpFailure({ status: error.status, code: error.status === undefined ? error.code : undefined, message: error.detail, retryAfter: error.retryAfter }, now);
}

function registryPlan<T>(policy: RetryPolicy): RetryPlan<T> {
  return {
    policy,
    classifyError: classifyRegistryError,
    announce: (outcome, next) => {
      const where = !outcome.ok && outcome.error instanceof RegistryError ? `${outcome.error.where}: ${outcome.error.operation}: ` : '';
      return `${where}${next.reason}; attempt ${next.attempt + 1} of ${next.maxAttempts} in ${(next.delayMs / 1000).toFixed(1)}s`;
    },
    giveUp: (error, end) => (error instanceof RegistryError && error.attempts === undefined && end.attempts > 1 ? error.withAttempts(end.attempts) : error),
  };
}

/**
 * Runs fn until it succeeds, a failure is not transient, or the policy's bounds are reached. Only RegistryErrors are
 * retried, and only those not already retried by an inner withRetry.
 */
export function withRetry<T>(fn: (attempt: number) => Promise<T>, deps: RetryDeps): Promise<T> {
  return retrying(fn, registryPlan<T>(deps.policy), deps);
}
