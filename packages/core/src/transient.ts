import { ToolError } from './exec.ts';
import type { Logger } from './ports.ts';

/** Trouble any HTTP service (registry, Fulcio, Rekor) may cure on a retry: busy or failing, a cut connection, a timeout. */
const TRANSIENT_HTTP = /\b(429|500|502|503|504)\b|too many requests|toomanyrequests|service unavailable|bad gateway|gateway time-?out|internal server error|connection reset|broken pipe|\bEOF\b|i\/o timeout|timeout|timed out|TLS handshake|context deadline exceeded/i;

export function isTransientServiceFailure(line: string): boolean {
  return TRANSIENT_HTTP.test(line);
}

/** Registry trouble that a retry can cure, recognised in a tool's last error line; a registry that refuses connections may be restarting. */
export function isTransientRegistryFailure(line: string): boolean {
  return isTransientServiceFailure(line) || /connection refused/i.test(line);
}

export interface RetryOptions {
  attempts?: number;
  /** What failed, for the warning: "registry" unless told. */
  label?: string;
  /** Which failures a retry can cure; by default the registry trouble above, read from the tool's last error line. */
  isTransient?: (line: string, error: unknown) => boolean;
}

/** Retries a tool call (imagetools, cosign) whose failure the registry may cure; any other failure is thrown at once. */
export async function withTransientRetries<T>(what: string, fn: () => Promise<T>, deps: { sleep: (ms: number) => Promise<void>; log: Pick<Logger, 'warning'> }, opts: RetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 5;
  const isTransient = opts.isTransient ?? isTransientRegistryFailure;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const line = failureLine(error);
      if (attempt >= attempts || !isTransient(line, error)) throw error;
      const wait = Math.min(1000 * 2 ** (attempt - 1), 8000);
      deps.log.warning(`${what}: transient ${opts.label ?? 'registry'} failure (${line}); retry ${attempt}/${attempts - 1} in ${wait} ms`);
      await deps.sleep(wait);
    }
  }
}

export function failureLine(error: unknown): string {
  return error instanceof ToolError ? error.lastLine : error instanceof Error ? error.message : String(error);
}

/** How long one registry-bound tool call (imagetools create, cosign sign) may take; MOAM_TOOL_TIMEOUT_SECONDS overrides. */
export function toolTimeoutMs(env: NodeJS.ProcessEnv, fallbackSeconds = 600): number {
  const s = Number(env.MOAM_TOOL_TIMEOUT_SECONDS);
  return (Number.isFinite(s) && s > 0 ? s : fallbackSeconds) * 1000;
}
