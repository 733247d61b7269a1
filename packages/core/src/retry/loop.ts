/*
 * The one retry loop. Every retrying caller (the registry client, tool calls such as imagetools and cosign sign,
 * cosign verify, the cosign download) runs through retrying(); what differs between them is a pure classifier
 * (failure -> Verdict, see http.ts, tool-line.ts, verify-outcome.ts, download.ts), a policy (attempts and waits)
 * and how a retry is announced.
 */

/** What a classifier says about one attempt's outcome. Pure data: the table tests compare it whole. */
export interface Verdict {
  /** Whether another attempt may cure it. */
  readonly retry: boolean;
  /** What was seen, in words fit for a log line ("HTTP 503", "connection reset", "HTTP 404 is not transient"). */
  readonly why: string;
  /** A wait the other side asked for (Retry-After); it replaces the backoff step, capped by the policy. */
  readonly delayMs?: number;
}

export interface RetryPolicy {
  /** Attempts in total, the first one included. */
  readonly maxAttempts: number;
  /** Backoff before the 2nd attempt; doubles each time. */
  readonly baseDelayMs: number;
  /** Cap of one exponential backoff step. */
  readonly maxDelayMs: number;
  /** Cap of one wait asked for by the server (Retry-After). */
  readonly maxRetryAfterMs: number;
  /** Give up rather than wait longer than this in total. */
  readonly maxTotalWaitMs: number;
  /** Share of each backoff step left to chance: 0.5 (the default) waits 50-100% of it, 0 waits it exactly. */
  readonly jitter?: number;
  /** Fixed waits instead of the exponential steps: before the 2nd attempt, the 3rd, …; the last one repeats. */
  readonly delaysMs?: readonly number[];
}

/** A cap for waits a server asks for, when a policy has no reason to pick another. */
export const MAX_SERVER_DELAY_MS = 60_000;

export type RetryDecision = { readonly retry: true; readonly delayMs: number; readonly reason: string } | { readonly retry: false; readonly reason: string };

/** Backoff before the next attempt: base·2^(n-1), capped, scaled into [1 - jitter, 1]; or the policy's fixed table. failedAttempts is 1 after the first failure. */
export function backoffDelay(failedAttempts: number, policy: RetryPolicy, random: () => number): number {
  const step = Math.max(0, failedAttempts - 1);
  if (policy.delaysMs) return policy.delaysMs[Math.min(step, policy.delaysMs.length - 1)] ?? 0;
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** step);
  const jitter = policy.jitter ?? 0.5;
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(exp * (1 - jitter + jitter * r));
}

export interface LoopState {
  /** Attempts made so far, the failed one included (1 after the first failure). */
  readonly attempt: number;
  /** Time already spent waiting between attempts. */
  readonly waitedMs: number;
  readonly policy: RetryPolicy;
  readonly random: () => number;
}

/** Whether to try again after a verdict, and after how long. Pure: the table tests drive it directly. */
export function decideRetry(verdict: Verdict, s: LoopState): RetryDecision {
  if (!verdict.retry) return { retry: false, reason: verdict.why };
  if (s.attempt >= s.policy.maxAttempts) return { retry: false, reason: `${verdict.why}; gave up after ${s.attempt} attempts` };
  const delayMs = verdict.delayMs !== undefined ? Math.min(verdict.delayMs, s.policy.maxRetryAfterMs) : backoffDelay(s.attempt, s.policy, s.random);
  if (s.waitedMs + delayMs > s.policy.maxTotalWaitMs) {
    return { retry: false, reason: `${verdict.why}; waiting ${Math.round(delayMs / 1000)}s more would exceed the ${Math.round(s.policy.maxTotalWaitMs / 1000)}s retry budget` };
  }
  return { retry: true, delayMs, reason: verdict.why };
}

/** One attempt's outcome: a value (which a classifier may still judge transient, like a cut cosign verify) or an error. */
export type Attempt<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

export interface NextAttempt {
  /** The attempt that just failed (1 after the first). */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly delayMs: number;
  readonly reason: string;
}

export interface GiveUp {
  /** Attempts made, the last one included. */
  readonly attempts: number;
  /** True when the failure was transient but the attempts or the wait budget ran out. */
  readonly exhausted: boolean;
  readonly verdict: Verdict;
}

/** What differs between the sources that retry: the classifiers, the policy, the log line and the final error. */
export interface RetryPlan<T> {
  readonly policy: RetryPolicy;
  readonly classifyError: (error: unknown, now: number) => Verdict;
  /** Judges a returned value too (cosign verify returns its outcome); without it every value is final. */
  readonly classifyValue?: (value: T, now: number) => Verdict;
  /** The line logged before the next attempt. */
  readonly announce: (outcome: Attempt<T>, next: NextAttempt) => string;
  /** What is thrown for an error that ends the loop; the error itself by default. */
  readonly giveUp?: (error: unknown, end: GiveUp) => unknown;
}

export interface RetryLoopDeps {
  readonly sleep: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => number;
  readonly log?: (line: string) => void;
}

/**
 * Runs fn until its outcome is final: a value the plan does not judge transient, an error that is not transient,
 * or the policy's bounds (attempts, total wait) reached. A transient value left at the end is returned as is.
 */
export async function retrying<T>(fn: (attempt: number) => Promise<T>, plan: RetryPlan<T>, deps: RetryLoopDeps): Promise<T> {
  const random = deps.random ?? Math.random;
  const now = deps.now ?? Date.now;
  let waitedMs = 0;
  for (let attempt = 1; ; attempt++) {
    let outcome: Attempt<T>;
    try {
      outcome = { ok: true, value: await fn(attempt) };
    } catch (error) {
      outcome = { ok: false, error };
    }
    let verdict: Verdict;
    if (!outcome.ok) verdict = plan.classifyError(outcome.error, now());
    else if (plan.classifyValue) verdict = plan.classifyValue(outcome.value, now());
    else return outcome.value;
    const decision = decideRetry(verdict, { attempt, waitedMs, policy: plan.policy, random });
    if (!decision.retry) {
      if (outcome.ok) return outcome.value;
      throw plan.giveUp ? plan.giveUp(outcome.error, { attempts: attempt, exhausted: verdict.retry, verdict }) : outcome.error;
    }
    deps.log?.(plan.announce(outcome, { attempt, maxAttempts: plan.policy.maxAttempts, delayMs: decision.delayMs, reason: decision.reason }));
    await deps.sleep(decision.delayMs);
    waitedMs += decision.delayMs;
  }
}
