import type { RegistryCredentials } from './docker-config.ts';

/** One challenge of a WWW-Authenticate header. scheme and parameter names are lower-cased. */
export interface AuthChallenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
  /** token68 form (`Negotiate abc==`), rare for registries. */
  readonly token68?: string;
}

const TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]/;
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*/;

/**
 * RFC 9110 WWW-Authenticate: several challenges (comma-separated, or several header lines), several parameters each,
 * quoted values with commas, spaces and backslash escapes; unquoted values may be URLs.
 */
export function parseWwwAuthenticate(header: string | readonly string[] | undefined): AuthChallenge[] {
  if (header === undefined) return [];
  if (typeof header !== 'string') return header.flatMap((h) => parseWwwAuthenticate(h));
  const s = header;
  const out: AuthChallenge[] = [];
  let i = 0;
  const skipWs = () => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  };
  const skipWsCommas = () => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === ',')) i++;
  };
  const readToken = () => {
    const start = i;
    while (i < s.length && TOKEN.test(s[i] ?? '')) i++;
    return s.slice(start, i);
  };
  const readValue = () => {
    if (s[i] === '"') {
      i++;
      let v = '';
      while (i < s.length && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < s.length) i++;
        v += s[i];
        i++;
      }
      i++; // closing quote (or end)
      return v;
    }
    const start = i;
    while (i < s.length && s[i] !== ',' && s[i] !== ' ' && s[i] !== '\t') i++;
    return s.slice(start, i);
  };

  while (true) {
    skipWsCommas();
    if (i >= s.length) break;
    const scheme = readToken();
    if (scheme === '') {
      i++; // junk character: skip it rather than loop
      continue;
    }
    const params: Record<string, string> = {};
    let token68: string | undefined;
    skipWs();
    // token68?
    const rest = s.slice(i);
    const t68 = TOKEN68.exec(rest);
    if (t68 && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+\s*=\s*[^=\s,]/.test(rest) && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+\s*=\s*"/.test(rest)) {
      const after = rest.slice(t68[0].length).trimStart();
      if (after === '' || after.startsWith(',')) {
        token68 = t68[0];
        i += t68[0].length;
      }
    }
    if (token68 === undefined) {
      while (i < s.length) {
        skipWs();
        const save = i;
        const name = readToken();
        skipWs();
        if (name === '' || s[i] !== '=') {
          i = save; // the next challenge's scheme
          break;
        }
        i++; // '='
        skipWs();
        params[name.toLowerCase()] = readValue();
        skipWs();
        if (s[i] === ',') {
          i++;
          skipWs();
          // a following "token =" continues this challenge; "token SP" starts the next one
          const look = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*(=?)/.exec(s.slice(i));
          if (!look || look[2] !== '=') break;
        } else {
          break;
        }
      }
    }
    out.push({ scheme: scheme.toLowerCase(), params, ...(token68 !== undefined ? { token68 } : {}) });
  }
  return out;
}

/** The challenge we can answer: Bearer preferred, then Basic. */
export function pickChallenge(challenges: readonly AuthChallenge[]): AuthChallenge | undefined {
  return challenges.find((c) => c.scheme === 'bearer' && c.params.realm) ?? challenges.find((c) => c.scheme === 'basic');
}

export type Action = 'pull' | 'push';

/** repository:<repo>:pull[,push] */
export function repositoryScope(repository: string, actions: readonly Action[]): string {
  return `repository:${repository}:${[...actions].join(',')}`;
}

/** Scopes named by a challenge's scope parameter (space-separated). */
export function challengeScopes(challenge: AuthChallenge | undefined): string[] {
  return (challenge?.params.scope ?? '').split(' ').filter((s) => s !== '');
}

/** Merges scopes: same resource type+name collapse into one with the union of actions, ordered. */
export function mergeScopes(...lists: ReadonlyArray<readonly string[]>): string[] {
  const byResource = new Map<string, Set<string>>();
  for (const scope of lists.flat()) {
    const colon = scope.lastIndexOf(':');
    if (colon <= 0) continue;
    const resource = scope.slice(0, colon);
    const actions = byResource.get(resource) ?? new Set<string>();
    for (const a of scope.slice(colon + 1).split(',')) if (a) actions.add(a);
    byResource.set(resource, actions);
  }
  return [...byResource.entries()].map(([resource, actions]) => `${resource}:${[...actions].sort().join(',')}`).sort();
}

export interface TokenRequest {
  readonly method: 'GET' | 'POST';
  readonly url: URL;
  readonly headers: Record<string, string>;
  readonly body?: Buffer;
}

/**
 * How to ask a Bearer realm for a token: with an identity (refresh) token, the OAuth2 POST form Docker uses;
 * otherwise GET with service + scope, Basic-authenticated when we have a username/password.
 */
export function buildTokenRequest(challenge: AuthChallenge, scopes: readonly string[], credentials: RegistryCredentials | undefined, clientId = 'moam'): TokenRequest {
  const realm = new URL(challenge.params.realm ?? '');
  const service = challenge.params.service;
  if (credentials?.identityToken) {
    const form = new URLSearchParams();
    form.set('grant_type', 'refresh_token');
    form.set('refresh_token', credentials.identityToken);
    if (service) form.set('service', service);
    if (scopes.length > 0) form.set('scope', scopes.join(' '));
    form.set('client_id', clientId);
    return { method: 'POST', url: realm, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: Buffer.from(form.toString()) };
  }
  const url = new URL(realm);
  if (service) url.searchParams.set('service', service);
  for (const scope of scopes) url.searchParams.append('scope', scope);
  const headers: Record<string, string> = {};
  if (credentials?.username !== undefined && credentials.password !== undefined) headers.Authorization = basicAuthorization(credentials.username, credentials.password);
  return { method: 'GET', url, headers };
}

export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/** `token` or `access_token`, and the lifetime (default 60s as the spec says). undefined when neither is present. */
export function parseTokenResponse(body: Buffer): { token: string; expiresInS: number } | undefined {
  let json: { token?: unknown; access_token?: unknown; expires_in?: unknown };
  try {
    json = JSON.parse(body.toString('utf8')) as typeof json;
  } catch {
    return undefined;
  }
  const token = typeof json.token === 'string' && json.token ? json.token : typeof json.access_token === 'string' && json.access_token ? json.access_token : undefined;
  if (!token) return undefined;
  const expiresInS = typeof json.expires_in === 'number' && json.expires_in > 0 ? json.expires_in : 60;
  return { token, expiresInS };
}

/**
 * The scopes a Bearer token grants, read from a JWT's `access` claim (the token spec's claim set, which Docker Hub
 * and distribution-based token services issue), as `type:name:actions` strings; undefined when the token is not
 * such a JWT (ghcr.io's are opaque). Clients must treat tokens as opaque for authorization: this is only for
 * saying in an error message what the token service granted. Never verified, never trusted.
 */
export function tokenGrants(token: string): string[] | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  let payload: { access?: unknown };
  try {
    payload = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8')) as typeof payload;
  } catch {
    return undefined;
  }
  if (!payload || typeof payload !== 'object' || !Array.isArray(payload.access)) return undefined;
  const out: string[] = [];
  for (const entry of payload.access as unknown[]) {
    const { type, name, actions } = (entry ?? {}) as { type?: unknown; name?: unknown; actions?: unknown };
    if (typeof type !== 'string' || typeof name !== 'string' || !Array.isArray(actions)) continue;
    const granted = actions.filter((a): a is string => typeof a === 'string' && a !== '');
    if (granted.length > 0) out.push(`${type}:${name}:${granted.join(',')}`);
  }
  return mergeScopes(out);
}

/** The parts of `needed` that `granted` lacks, per resource (`repository:a:push`); all of `needed` when granted is unknown. */
export function missingScopes(needed: readonly string[], granted: readonly string[] | undefined): string[] {
  if (granted === undefined) return mergeScopes(needed);
  const have = new Map<string, Set<string>>();
  for (const scope of mergeScopes(granted)) {
    const colon = scope.lastIndexOf(':');
    have.set(scope.slice(0, colon), new Set(scope.slice(colon + 1).split(',')));
  }
  const missing: string[] = [];
  for (const scope of mergeScopes(needed)) {
    const colon = scope.lastIndexOf(':');
    const resource = scope.slice(0, colon);
    const lacking = scope
      .slice(colon + 1)
      .split(',')
      .filter((a) => a && !have.get(resource)?.has(a));
    if (lacking.length > 0) missing.push(`${resource}:${lacking.join(',')}`);
  }
  return missing;
}
