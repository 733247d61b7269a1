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
