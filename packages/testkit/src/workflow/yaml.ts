/**
 * The YAML values the executor reads, and the error that says where in a workflow it refused one: the vocabulary
 * of model.ts and of the modules model.ts itself uses (permissions.ts), kept apart so that neither imports the other.
 */

export type Yaml = string | number | boolean | null | Yaml[] | { [key: string]: Yaml };
export type YamlMap = { [key: string]: Yaml };

export interface Where {
  file?: string;
  job?: string;
  step?: string;
}

/** Anything the executor refuses before a job starts: invalid, unsupported or unmapped constructs. */
export class WorkflowError extends Error {
  constructor(
    message: string,
    readonly where: Where = {},
  ) {
    super(`${describe(where)}${message}`);
    this.name = 'WorkflowError';
  }
}

export function describe(where: Where): string {
  const parts = [where.file, where.job && `job "${where.job}"`, where.step && `step ${where.step}`].filter(Boolean);
  return parts.length ? `${parts.join(', ')}: ` : '';
}
