// The token endpoint's two protocols, apart from the server that carries them: token.md's GET (Basic credentials
// or none) and oauth.md's POST form (password and refresh_token grants). Each turns one request into an answer and
// a record, or throws a Refusal with both. Test support only: never bundled.
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { readBody } from './http-util.ts';
import { type GrantRule, type ResourceScope, formatScope, grantScopes, parseScopes } from './token-scopes.ts';
import type { TokenSigner } from './token-signer.ts';

export interface TokenUser {
  readonly name: string;
  readonly password: string;
  readonly grants: readonly GrantRule[];
  /**
   * Hand this user a refresh token on `GET ...&offline_token=true`, as `docker login` asks for: docker then stores
   * it as `identitytoken` instead of the password (what ACR and Harbor robot accounts do). Off by default, like
   * Docker Hub and ghcr.io, where `docker login` keeps the password. POST with access_type=offline always gets one
   * (the OAuth2 page says it "will be returned").
   */
  readonly refreshTokens?: boolean;
}

/** One answered token request, without secrets. */
export interface TokenIssue {
  readonly method: string;
  readonly grantType?: string;
  readonly clientId?: string;
  /** Authenticated user; undefined for anonymous and refused requests. */
  readonly user?: string;
  readonly requested: readonly string[];
  readonly granted: readonly string[];
  readonly status: number;
  readonly refreshToken: boolean;
}

/** A token request answered with an error status (thrown, then sent and recorded). */
export class Refusal {
  /** What was asked, for the record; set by the handler that refused. */
  issue?: Omit<TokenIssue, 'status'>;
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {}
}

export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
  issue: Omit<TokenIssue, 'status'>;
}

export interface TokenAuthorityOptions {
  readonly service: string;
  readonly issuer: string;
  readonly signer: TokenSigner;
  readonly users: readonly TokenUser[];
  readonly anonymous: readonly GrantRule[];
  /** Access token lifetime in seconds. */
  readonly lifetime: number;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
}

/** Who may have which token: credentials checked, grants applied, tokens minted and read back. */
export interface TokenAuthority extends TokenAuthorityOptions {
  /** The realm of the Basic challenge (known once the service listens, before any request). */
  realm: string;
  authenticate(name: string, password: string): TokenUser | undefined;
  /** Grants what the rules allow of what was asked (anonymous rules for everyone, plus the user's). */
  grant(requested: readonly string[], user: TokenUser | undefined): ResourceScope[];
  mintAccessToken(subject: string, access: readonly ResourceScope[]): string;
  mintRefreshToken(user: TokenUser): string;
  userOfRefreshToken(token: string): TokenUser | undefined;
}

/** The claim that marks our refresh tokens; their audience is the token service, never the registry. */
const REFRESH = 'moam-refresh';

export function tokenAuthority(options: TokenAuthorityOptions, realm: string): TokenAuthority {
  const { service, issuer, signer, now, lifetime, anonymous } = options;
  const users = new Map(options.users.map((u) => [u.name, u]));
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return {
    ...options,
    realm,
    authenticate(name, password) {
      const user = users.get(name);
      // Compare digests in constant time; an unknown user costs the same as a wrong password.
      const ok = timingSafeEqual(digest(password), digest(user?.password ?? `\0${randomUUID()}`));
      return user && ok ? user : undefined;
    },
    grant: (requested, user) => grantScopes(parseScopes(requested), [...anonymous, ...(user?.grants ?? [])]),
    mintAccessToken(subject, access) {
      const iat = Math.floor(now() / 1000);
      return signer.sign({
        iss: issuer,
        sub: subject,
        aud: service, // a string: registry 2.8.2's ClaimSet.Audience is a string
        exp: iat + lifetime,
        nbf: iat,
        iat,
        jti: randomUUID(),
        access: access.map((a) => ({ type: a.type, ...(a.class ? { class: a.class } : {}), name: a.name, actions: [...a.actions] })),
      });
    },
    // Opaque to clients (oauth.md); here a JWS so that it survives a restart of the service. Its audience is the
    // token service itself, so the registry (which wants aud = service) refuses it as an access token. No expiry:
    // "The refresh token does not have an expiration".
    mintRefreshToken: (user) => signer.sign({ iss: issuer, sub: user.name, aud: issuer, svc: service, iat: Math.floor(now() / 1000), jti: randomUUID(), [REFRESH]: true }),
    userOfRefreshToken(token) {
      const p = signer.verify(token);
      if (!p || p[REFRESH] !== true || p.iss !== issuer || p.aud !== issuer || p.svc !== service || typeof p.sub !== 'string') return undefined;
      return users.get(p.sub);
    },
  };
}

const issuedAt = (auth: TokenAuthority) => new Date(Math.floor(auth.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
const grantedList = (granted: readonly ResourceScope[]) => granted.filter((g) => g.actions.length > 0).map(formatScope);

function checkService(auth: TokenAuthority, service: string | null, oauth: boolean): void {
  if (service === auth.service) return;
  const message = service ? `this token service issues tokens for "${auth.service}", not "${service}"` : 'the service parameter is required';
  throw oauth ? new Refusal(400, { error: 'invalid_request', error_description: message }) : new Refusal(400, { details: message });
}

/** Runs a handler; a Refusal it throws carries what was asked, for the record. */
function recording(base: Omit<TokenIssue, 'status'>, answer: () => TokenAnswer): TokenAnswer {
  try {
    return answer();
  } catch (e) {
    if (e instanceof Refusal) e.issue = base;
    throw e;
  }
}

/** token.md: Basic credentials or none; credentials that fail are a 401, never a quiet downgrade to anonymous. */
export function handleGet(auth: TokenAuthority, req: http.IncomingMessage, url: URL): TokenAnswer {
  const requested = url.searchParams.getAll('scope');
  const base = { method: 'GET', ...(url.searchParams.get('client_id') ? { clientId: url.searchParams.get('client_id') as string } : {}), requested, granted: [], refreshToken: false };
  return recording(base, () => {
    checkService(auth, url.searchParams.get('service'), false);
    let user: TokenUser | undefined;
    const authorization = req.headers.authorization;
    if (authorization !== undefined) {
      const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
      const decoded = m ? Buffer.from(m[1] as string, 'base64').toString('utf8') : '';
      const colon = decoded.indexOf(':');
      user = colon > 0 ? auth.authenticate(decoded.slice(0, colon), decoded.slice(colon + 1)) : undefined;
      // Docker Hub's shape: {"details": ...}, which docker's client turns into "unauthorized: <details>".
      if (!user) throw new Refusal(401, { details: 'incorrect username or password' }, { 'WWW-Authenticate': `Basic realm="${auth.realm}",charset="UTF-8"` });
    }
    // `account` (docker sends its username) is informational; the credentials decide who this is.
    const granted = auth.grant(requested, user);
    const token = auth.mintAccessToken(user?.name ?? '', granted);
    const refresh = url.searchParams.get('offline_token') === 'true' && user?.refreshTokens === true;
    return {
      status: 200,
      body: { token, access_token: token, expires_in: auth.lifetime, issued_at: issuedAt(auth), ...(refresh && user ? { refresh_token: auth.mintRefreshToken(user) } : {}) },
      issue: { ...base, ...(user ? { user: user.name } : {}), granted: grantedList(granted), refreshToken: refresh },
    };
  });
}

/** The user a password or refresh_token grant proves, and the refresh token to hand back (if any). */
function grantUser(auth: TokenAuthority, grantType: string, form: URLSearchParams): { user: TokenUser; refreshToken?: string } {
  if (grantType === 'password') {
    const user = auth.authenticate(form.get('username') ?? '', form.get('password') ?? '');
    if (!user) throw new Refusal(400, { error: 'invalid_grant', error_description: 'incorrect username or password' });
    return { user, ...(form.get('access_type') === 'offline' ? { refreshToken: auth.mintRefreshToken(user) } : {}) };
  }
  if (grantType === 'refresh_token') {
    const presented = form.get('refresh_token') ?? '';
    const user = auth.userOfRefreshToken(presented);
    if (!user) throw new Refusal(400, { error: 'invalid_grant', error_description: 'the refresh token is not valid for this service' });
    // "If the grant type is refresh_token this will only return the same refresh token and not a new one."
    return { user, ...(form.get('access_type') === 'offline' ? { refreshToken: presented } : {}) };
  }
  throw new Refusal(400, { error: 'unsupported_grant_type', error_description: `grant_type "${grantType}" is not supported (password, refresh_token)` });
}

/** oauth.md: the OAuth2 form. Errors are RFC 6749 section 5.2's: 400 invalid_request / invalid_grant / unsupported_grant_type. */
export async function handlePost(auth: TokenAuthority, req: http.IncomingMessage): Promise<TokenAnswer> {
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  const raw = await readBody(req, 64 * 1024);
  const form = new URLSearchParams(contentType === 'application/x-www-form-urlencoded' ? raw.toString('utf8') : '');
  const grantType = form.get('grant_type') ?? '';
  const clientId = form.get('client_id') ?? '';
  const requested = form.getAll('scope').flatMap((s) => s.split(' ')).filter((s) => s !== '');
  const base = { method: 'POST', ...(grantType ? { grantType } : {}), ...(clientId ? { clientId } : {}), requested, granted: [], refreshToken: false };
  return recording(base, () => {
    if (contentType !== 'application/x-www-form-urlencoded') throw new Refusal(400, { error: 'invalid_request', error_description: 'the body must be application/x-www-form-urlencoded' });
    if (!grantType) throw new Refusal(400, { error: 'invalid_request', error_description: 'grant_type is required' });
    checkService(auth, form.get('service'), true);
    if (!clientId) throw new Refusal(400, { error: 'invalid_request', error_description: 'client_id is required' });
    const { user, refreshToken } = grantUser(auth, grantType, form);
    const granted = auth.grant(requested, user);
    const token = auth.mintAccessToken(user.name, granted);
    return {
      status: 200,
      // scope is REQUIRED in this response: the scopes the token grants (a subset of those asked for).
      body: { access_token: token, scope: grantedList(granted).join(' '), expires_in: auth.lifetime, issued_at: issuedAt(auth), ...(refreshToken ? { refresh_token: refreshToken } : {}) },
      issue: { ...base, user: user.name, granted: grantedList(granted), refreshToken: refreshToken !== undefined },
    };
  });
}
