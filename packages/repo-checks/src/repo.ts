/** The repository's workflows and action metadata, read from disk for the checks. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ActionMetadata, parseActionMetadata } from './action-metadata.ts';
import type { PolicyContext } from './policy-context.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface RepoFile {
  /** Path relative to the repository root, with forward slashes. */
  path: string;
  source: string;
}

const read = (rel: string): RepoFile => ({ path: rel, source: readFileSync(path.join(REPO_ROOT, rel), 'utf8') });

export function workflowFiles(root = REPO_ROOT): RepoFile[] {
  const dir = path.join(root, '.github/workflows');
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => read(`.github/workflows/${f}`));
}

export function actionFiles(root = REPO_ROOT): RepoFile[] {
  const dir = path.join(root, 'actions');
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(path.join(dir, d.name)).filter((f) => f === 'action.yml' || f === 'action.yaml').map((f) => `actions/${d.name}/${f}`))
    .sort()
    .map(read);
}

/** The context the policy checks resolve local actions and reusable workflows against. */
export function repoContext(): PolicyContext {
  const actions = new Map<string, ActionMetadata>();
  for (const f of actionFiles()) actions.set(f.path.split('/')[1]!, parseActionMetadata(f.source));
  const workflows = new Map(workflowFiles().map((f) => [f.path, f.source] as const));
  return { actions, workflows };
}
