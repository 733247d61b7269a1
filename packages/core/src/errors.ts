/** A problem with what the user gave us: names the input and says how to fix it. */
export class InputError extends Error {
  override name = 'InputError';
  constructor(
    readonly input: string,
    readonly problem: string,
    readonly fix: string,
    options?: { cause?: unknown },
  ) {
    super(`Input "${input}": ${problem}. Fix: ${fix}`, options);
  }
}

/** Several independent problems found in one pass; reported together, never just the first. */
export class ProblemsError extends Error {
  override name = 'ProblemsError';
  constructor(
    readonly summary: string,
    readonly problems: readonly string[],
  ) {
    super(`${summary} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Collects problems and throws them all at once. */
export class Problems {
  private readonly list: string[] = [];
  add(problem: string): void {
    this.list.push(problem);
  }
  /** Runs fn; an InputError (or any Error) it throws becomes one more problem. Returns undefined then. */
  collect<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (error) {
      this.add(error instanceof Error ? error.message : String(error));
      return undefined;
    }
  }
  get all(): readonly string[] {
    return this.list;
  }
  throwIfAny(summary: string): void {
    if (this.list.length > 0) throw new ProblemsError(summary, this.list);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** How many characters of an outside value (a record field, an input) a message quotes. */
export const QUOTE_LIMIT = 120;

/**
 * An outside value quoted for an error or a summary: JSON-escaped (so a newline or a control character cannot forge
 * a log line) and cut to QUOTE_LIMIT characters, saying how long it really was. A 5 MB platform string in a
 * digest record must not become a 5 MB error line.
 */
export function quote(value: unknown, limit = QUOTE_LIMIT): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  if (text.length <= limit) return text;
  return `${text.slice(0, limit)}… (${typeof value === 'string' ? value.length : text.length} characters, cut)`;
}

/** The longest line a failure message keeps: the last guard for a value that was not quoted on the way. */
export const MESSAGE_LINE_LIMIT = 2000;

/** Cuts every line of a message to MESSAGE_LINE_LIMIT characters. */
export function boundLines(message: string, limit = MESSAGE_LINE_LIMIT): string {
  return message
    .split('\n')
    .map((line) => (line.length <= limit ? line : `${line.slice(0, limit)}… (line cut: ${line.length} characters)`))
    .join('\n');
}
