import { ToolError } from './exec.ts';
import type { Logger } from './ports.ts';
import { type Attempt, MAX_SERVER_DELAY_MS, type RetryPolicy, type Verdict, retrying } from './retry/loop.ts';
import { classifyToolLine } from './retry/tool-line.ts';

/** Trouble any HTTP service (registry, Fulcio, Rekor) may cure on a retry: busy or failing, a cut connection, a timeout. */
export function isTransientServiceFailure(line: string): boolean {
  return classifyToolLine(line, 'service').retry;
}

/** Registry trouble that a retry can cure, recognised in a tool's last error line; a registry that refuses connections may be restarting. */
export function isTransientRegistryFailure(line: string): boolean {
  return classifyToolLine(line, 'registry').retry;
}

export interface RetryOptions {
  attempts?: number;
  /** What failed, for the warning: "registry" unless told. */
  label?: string;
  /** Which failures a retry can cure; by default the registry trouble above, read from the tool's last error line. */
  isTransient?: (line: string, error: unknown) => boolean;
}

export interface ToolRetryDeps {
  sleep: (ms: number) => Promise<void>;
  log: Pick<Logger, 'warning'>;
}

/** How a tool call is judged and described; the waits are the same for every tool. */
export interface ToolRetryRules<T> {
  attempts?: number;
  label?: string;
  classifyError: (error: unknown) => Verdict;
  classifyValue?: (value: T) => Verdict;
  /** The line the warning quotes for a value judged transient. */
  lineOf?: (value: T) => string;
}

/** Waits between tool attempts: 1 s, 2 s, 4 s, 8 s, without jitter (one job's own calls, not a crowd of clients). */
function toolPolicy(attempts: number): RetryPolicy {
  return { maxAttempts: attempts, baseDelayMs: 1000, maxDelayMs: 8000, jitter: 0, maxRetryAfterMs: MAX_SERVER_DELAY_MS, maxTotalWaitMs: Number.POSITIVE_INFINITY };
}

/** Runs a tool call through the retry loop, warning before each retry with the tool's own words. */
export function retryToolCall<T>(what: string, fn: () => Promise<T>, deps: ToolRetryDeps, rules: ToolRetryRules<T>): Promise<T> {
  const attempts = rules.attempts ?? 5;
  const lineOf = (o: Attempt<T>) => (o.ok ? (rules.lineOf?.(o.value) ?? String(o.value)) : failureLine(o.error));
  return retrying(
    fn,
    {
      policy: toolPolicy(attempts),
      classifyError: rules.classifyError,
      classifyValue: rules.classifyValue,
      announce: (o, next) => `${what}: transient ${rules.label ?? 'registry'} failure (${lineOf(o)}); retry ${next.attempt}/${attempts - 1} in ${next.delayMs} ms`,
    },
    { sleep: deps.sleep, log: (line) => deps.log.warning(line) },
  );
}

/** Retries a tool call (imagetools, cosign) whose failure the registry may cure; any other failure is thrown at once. */
export function withTransientRetries<T>(what: string, fn: () => Promise<T>, deps: ToolRetryDeps, opts: RetryOptions = {}): Promise<T> {
  const isTransient = opts.isTransient;
  const classifyError = (error: unknown): Verdict => {
    const line = failureLine(error);
    return isTransient ? { retry: isTransient(line, error), why: line } : classifyToolLine(line, 'registry');
  };
  return retryToolCall(what, fn, deps, { classifyError, attempts: opts.attempts, label: opts.label });
}

export function failureLine(error: unknown): string {
  return error instanceof ToolError ? error.lastLine : error instanceof Error ? error.message : String(error);
}

/** How long one registry-bound tool call (imagetools create, cosign sign) may take; MOAM_TOOL_TIMEOUT_SECONDS overrides. */
export function toolTimeoutMs(env: NodeJS.ProcessEnv, fallbackSeconds = 600): number {
  const s = Number(env.MOAM_TOOL_TIMEOUT_SECONDS);
  return (Number.isFinite(s) && s > 0 ? s : fallbackSeconds) * 1000;
}
