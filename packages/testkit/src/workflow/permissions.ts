/**
 * GITHUB_TOKEN permissions: `read-all`, `write-all`, `{}` or a scope mapping, on the workflow or the job.
 * A job without its own uses the workflow's; a workflow without any uses the repository default (here the
 * "restricted" default: contents and packages read). In a called workflow the caller job's permissions are the
 * ceiling: a nested job asking for more makes GitHub refuse the whole run at startup, and so does run.ts.
 */
import { WorkflowError, type Where, type Yaml } from './yaml.ts';

export const SCOPES = [
  'actions',
  'attestations',
  'checks',
  'contents',
  'deployments',
  'discussions',
  'id-token',
  'issues',
  'models',
  'packages',
  'pages',
  'pull-requests',
  'repository-projects',
  'security-events',
  'statuses',
] as const;
export type Scope = (typeof SCOPES)[number];
export type Level = 'none' | 'read' | 'write';
export type Permissions = Record<Scope, Level>;

const RANK: Record<Level, number> = { none: 0, read: 1, write: 2 };

const all = (level: Level): Permissions => Object.fromEntries(SCOPES.map((s) => [s, level])) as Permissions;

/** The repository default when no `permissions:` applies (Settings > Actions: "Read repository contents and packages"). */
export const RESTRICTED_DEFAULT: Permissions = { ...all('none'), contents: 'read', packages: 'read' };

export function parsePermissions(raw: Yaml, where: Where): Permissions {
  if (raw === 'read-all') return { ...all('read'), 'id-token': 'none' };
  if (raw === 'write-all') return all('write');
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new WorkflowError(`permissions: ${JSON.stringify(raw)} is not read-all, write-all or a mapping`, where);
  const p = all('none');
  for (const [scope, level] of Object.entries(raw)) {
    if (!(SCOPES as readonly string[]).includes(scope)) throw new WorkflowError(`permissions: unknown scope ${scope}`, where);
    if (level !== 'none' && level !== 'read' && level !== 'write') throw new WorkflowError(`permissions: ${scope}: ${JSON.stringify(level)} is not none, read or write`, where);
    p[scope as Scope] = level;
  }
  return p;
}

/** The scopes where `requested` asks for more than `ceiling`, as GitHub words the startup error. */
export function exceeding(requested: Permissions, ceiling: Permissions): string[] {
  return SCOPES.filter((s) => RANK[requested[s]] > RANK[ceiling[s]]).map((s) => `'${s}: ${requested[s]}', but is only allowed '${s}: ${ceiling[s]}'`);
}

/** Only the scopes that are granted, e.g. { contents: 'read', 'id-token': 'write' }. */
export function granted(p: Permissions): Partial<Permissions> {
  return Object.fromEntries(SCOPES.filter((s) => p[s] !== 'none').map((s) => [s, p[s]]));
}
