// One retry loop (loop.ts) and one pure classifier per source of failures.
export { type Attempt, type GiveUp, type LoopState, type NextAttempt, type RetryDecision, type RetryLoopDeps, type RetryPlan, type RetryPolicy, type Verdict, MAX_SERVER_DELAY_MS, backoffDelay, decideRetry, retrying } from './loop.ts';
export { type HttpFailure, RETRYABLE_NETWORK_CODES, RETRYABLE_STATUSES, classifyHttpFailure, parseRetryAfter } from './http.ts';
export { type ToolTarget, classifyToolLine } from './tool-line.ts';
export { classifyVerifyOutcome } from './verify-outcome.ts';
export { classifyDownloadFailure, downloadFailureOf } from './download.ts';
