// Grant rules of the test bed's registry token service (token-service.ts): parsing the scopes a client asks for and
// intersecting them with what a principal may do, as the Docker registry token specification describes
// (https://distribution.github.io/distribution/spec/auth/scope/ and /token/). Pure: no I/O. Test support only.

/** One resource scope: `type[(class)]:name:action[,action]*`. */
export interface ResourceScope {
  readonly type: string;
  /** `repository(plugin)` → class "plugin". Kept in the token, not used for matching (registry 2.8 ignores it too). */
  readonly class?: string;
  readonly name: string;
  readonly actions: readonly string[];
}

/** What a principal may do on the resources whose names match `names`. */
export interface GrantRule {
  /** Resource type; default "repository". */
  readonly type?: string;
  /**
   * A name or a pattern: `*` matches within one path component (no `/`), `**` matches anything, `/` included.
   * `moam/**`: every repository under the moam namespace; `moam/pushable-*`: those one level below it whose name
   * starts with pushable-.
   */
  readonly names: string;
  /** Actions granted; `*` grants all of them. */
  readonly actions: readonly string[];
}

/** The actions a registry (distribution 2.8) checks on a repository: GET/HEAD need pull, POST/PUT/PATCH pull+push, DELETE delete. */
export const REPOSITORY_ACTIONS: readonly string[] = ['pull', 'push', 'delete'];

const TYPE = /^[a-z0-9]+$/;
// The grammar says /[a-z]*/; `*` also occurs (registry:catalog:*).
const ACTION = /^(?:[a-z]*|\*)$/;
// distribution's reference grammar: path components of lower-case alphanumerics joined by separators ([._]|__|[-]*),
// optionally behind a host[:port] component.
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*$/;
const HOST = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?$/;

/** A repository name as distribution accepts it (at most 255 characters). */
export function isValidRepositoryName(name: string): boolean {
  if (name.length === 0 || name.length > 255) return false;
  const parts = name.split('/');
  const first = parts[0] ?? '';
  // A first component with a dot or a port, or "localhost", names a registry host rather than a path component.
  const rest = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost') && HOST.test(first) ? parts.slice(1) : parts;
  return rest.length > 0 && rest.every((c) => COMPONENT.test(c));
}

/**
 * One `type[(class)]:name:actions` scope, or undefined when it does not follow the grammar. The name may contain
 * colons (a host:port prefix), so the type ends at the first colon and the actions start after the last one.
 */
export function parseScope(text: string): ResourceScope | undefined {
  const first = text.indexOf(':');
  const last = text.lastIndexOf(':');
  if (first <= 0 || last <= first + 1) return undefined;
  const typePart = text.slice(0, first);
  const name = text.slice(first + 1, last);
  const actions = text.slice(last + 1).split(',');
  const m = /^([a-z0-9]+)(?:\(([a-z0-9]+)\))?$/.exec(typePart);
  if (!m || !TYPE.test(m[1] ?? '')) return undefined;
  if (!actions.every((a) => ACTION.test(a))) return undefined;
  const type = m[1] as string;
  if (type === 'repository' && !isValidRepositoryName(name)) return undefined;
  return { type, ...(m[2] ? { class: m[2] } : {}), name, actions: [...new Set(actions.filter((a) => a !== ''))].sort() };
}

/**
 * Every scope of every value (a value may hold several, space-separated, as in the OAuth2 form and a challenge's
 * scope parameter). Malformed scopes are skipped, as distribution's reference token server does: they grant
 * nothing, and the registry then answers insufficient_scope. The same resource asked for twice is merged.
 */
export function parseScopes(values: Iterable<string>): ResourceScope[] {
  const merged = new Map<string, ResourceScope>();
  for (const value of values) {
    for (const text of value.split(' ')) {
      if (text === '') continue;
      const scope = parseScope(text);
      if (!scope) continue;
      const key = `${scope.type}:${scope.name}`;
      const prev = merged.get(key);
      merged.set(key, prev ? { ...prev, actions: [...new Set([...prev.actions, ...scope.actions])].sort() } : scope);
    }
  }
  return [...merged.values()];
}

/** `type[(class)]:name:a,b` */
export function formatScope(scope: ResourceScope): string {
  return `${scope.type}${scope.class ? `(${scope.class})` : ''}:${scope.name}:${scope.actions.join(',')}`;
}

/** Whether `name` matches a rule's pattern (`*` within a path component, `**` across them). */
export function matchesPattern(pattern: string, name: string): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*' && pattern[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^/]*';
    else re += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`${re}$`).test(name);
}

/** Union of the actions the rules grant on one resource. A rule's `*` stands for every action, `*` itself included. */
export function allowedActions(rules: readonly GrantRule[], type: string, name: string): Set<string> {
  const out = new Set<string>();
  for (const rule of rules) {
    if ((rule.type ?? 'repository') !== type || !matchesPattern(rule.names, name)) continue;
    for (const a of rule.actions) {
      if (a === '*') for (const all of [...(type === 'repository' ? REPOSITORY_ACTIONS : []), '*']) out.add(all);
      else out.add(a);
    }
  }
  return out;
}

/**
 * The token's access claim: for each requested resource, the intersection of the requested and the allowed
 * actions. A resource the principal may not touch stays in the list with no actions: the spec says the
 * intersected set is what goes into the token, and a partial (or empty) grant is not an error of the token
 * server; the registry refuses the request later (401 insufficient_scope).
 */
export function grantScopes(requested: readonly ResourceScope[], rules: readonly GrantRule[]): ResourceScope[] {
  return requested.map((scope) => {
    const allowed = allowedActions(rules, scope.type, scope.name);
    return { ...scope, actions: scope.actions.filter((a) => allowed.has(a)) };
  });
}
