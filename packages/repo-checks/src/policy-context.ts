/** What the workflow rules resolve local actions and reusable workflows against. */
import { parse as parseYaml } from 'yaml';
import type { ActionMetadata } from './action-metadata.ts';
import { ourWorkflow } from './uses-ref.ts';
import { type Obj, asObj } from './yaml-values.ts';

export interface PolicyContext {
  /** Our actions by directory name (actions/<name>/action.yml). */
  actions: ReadonlyMap<string, ActionMetadata>;
  /** Our workflows by path relative to the repository root, e.g. .github/workflows/multi-arch.yml (raw YAML). */
  workflows: ReadonlyMap<string, string>;
  allowedRunners?: readonly string[];
}

/** The parsed reusable workflow a `uses:` calls, when it is ours and parses; else undefined. */
export function calledWorkflow(uses: string, ctx: PolicyContext): Obj | undefined {
  const path = ourWorkflow(uses)?.path;
  const source = path ? ctx.workflows.get(path) : undefined;
  if (source === undefined) return undefined;
  try {
    return asObj(parseYaml(source));
  } catch {
    return undefined;
  }
}
