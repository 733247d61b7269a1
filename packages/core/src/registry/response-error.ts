/** The RegistryError a registry's refusal becomes: shared by the request path, the token fetch and tags/list. */
import { challengeScopes, mergeScopes, missingScopes, parseWwwAuthenticate, tokenGrants } from './auth.ts';
import { header } from './call.ts';
import type { RegistryCredentials } from './docker-config.ts';
import { RegistryError, parseRegistryErrorBody, summariseRegistryErrors } from './errors.ts';
import type { HttpResponse } from './transport.ts';

const DEFAULT_DETAIL: Record<number, string> = { 401: 'authentication required', 403: 'access denied', 404: 'not found', 429: 'too many requests', 500: 'internal server error', 502: 'bad gateway', 503: 'service unavailable', 504: 'gateway timeout' };

/** The error's location fields only: an ImageName carries its name too, which a RegistryError has no place for. */
export function where(image: { registry: string; repository?: string }): { registry: string; repository?: string } {
  return image.repository ? { registry: image.registry, repository: image.repository } : { registry: image.registry };
}

/**
 * `sent`: the scopes the request needed and the Authorization it carried, so that a refusal can say which scope
 * the token lacked (the challenge's scope when the registry names it, else what we asked for) and, when the
 * token is a JWT with an access claim, what it did grant.
 */
export function errorFromResponse(
  image: { registry: string; repository?: string },
  operation: string,
  res: HttpResponse,
  credentials?: RegistryCredentials,
  sent?: { needed: readonly string[]; authorization?: string },
): RegistryError {
  const { code, detail } = summariseRegistryErrors(parseRegistryErrorBody(res.body));
  const retryAfter = header(res, 'retry-after');
  let fix: string | undefined;
  if (res.status === 401 || res.status === 403) {
    const r = image.registry;
    const insufficient = parseWwwAuthenticate(res.headers['www-authenticate']).find((c) => c.params.error === 'insufficient_scope');
    const bearer = sent?.authorization?.startsWith('Bearer ') ? sent.authorization.slice('Bearer '.length) : undefined;
    const granted = bearer !== undefined ? tokenGrants(bearer) : undefined;
    const needed = insufficient && challengeScopes(insufficient).length > 0 ? challengeScopes(insufficient) : (sent?.needed ?? []);
    const missing = missingScopes(needed, granted);
    const grantedHere = granted?.filter((g) => missing.some((m) => m.slice(0, m.lastIndexOf(':')) === g.slice(0, g.lastIndexOf(':'))));
    const scopeNote =
      granted && grantedHere && missing.length > 0
        ? `: the token lacks ${missing.join(' ')} (it grants ${grantedHere.length > 0 ? grantedHere.join(' ') : 'nothing there'})`
        : insufficient && needed.length > 0
          ? `: the request needs ${mergeScopes(needed).join(' ')} (insufficient_scope)`
          : '';
    fix = credentials
      ? res.status === 401 && !insufficient
        ? `the credentials for ${r} (from ${credentials.source}) were rejected; check the username and password/token, then log in again (docker login ${r}, or docker/login-action with registry: ${r})`
        : `the credentials for ${r} (from ${credentials.source}) are not allowed to do this${image.repository ? ` on ${image.repository}` : ''}${scopeNote}; check the account's or token's permissions (e.g. packages: write for ghcr.io)`
      : `no credentials for ${r} were found in the docker config; run "docker login ${r}" (or docker/login-action with registry: ${r}) before this step`;
  }
  return new RegistryError({
    ...where(image),
    operation,
    status: res.status,
    ...(code ? { code } : res.status === 401 ? { code: 'UNAUTHORIZED' } : res.status === 403 ? { code: 'DENIED' } : {}),
    detail: detail ?? DEFAULT_DETAIL[res.status] ?? `HTTP ${res.status}`,
    ...(fix ? { fix } : {}),
    ...(retryAfter ? { retryAfter } : {}),
  });
}
