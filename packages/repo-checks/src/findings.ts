/** What every policy rule reports: the vocabulary shared by the rule modules and their callers. */

export type RuleId =
  | 'yaml'
  | 'pin-sha'
  | 'pin-comment'
  | 'top-permissions'
  | 'job-permissions'
  | 'id-token-scope'
  | 'packages-write-scope'
  | 'action-inputs'
  | 'workflow-call-inputs'
  | 'runner-label'
  | 'untrusted-in-run'
  | 'harden-runner-first'
  | 'action-metadata'
  | 'self-reference';

export interface Finding {
  file: string;
  rule: RuleId;
  job?: string;
  message: string;
}

/** A file the YAML parser refused: no other rule can say anything about it. */
export const notYaml = (file: string, error: unknown): Finding => ({ file, rule: 'yaml', message: `not YAML: ${error instanceof Error ? error.message : String(error)}` });
