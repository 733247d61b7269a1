// Stand-in for GitHub Actions' OIDC token endpoint (what @actions/core getIDToken() calls) and for the
// issuer's discovery document/JWKS. Test support only: never bundled.
import { createHash, createPublicKey, generateKeyPairSync, randomBytes, randomUUID, sign, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { b64url, bearer, decodeJwt, listen, sendJson } from './http-util.ts';

export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';

/** The claims GitHub puts in an Actions OIDC token (all string-valued except the times and aud). */
export interface GitHubOidcClaims {
  iss: string;
  aud: string | string[];
  sub: string;
  jti: string;
  iat: number;
  nbf: number;
  exp: number;
  ref: string;
  ref_type: string;
  ref_protected: string;
  sha: string;
  repository: string;
  repository_id: string;
  repository_owner: string;
  repository_owner_id: string;
  repository_visibility: string;
  actor: string;
  actor_id: string;
  workflow: string;
  workflow_ref: string;
  workflow_sha: string;
  job_workflow_ref: string;
  job_workflow_sha: string;
  event_name: string;
  runner_environment: string;
  run_id: string;
  run_number: string;
  run_attempt: string;
  head_ref: string;
  base_ref: string;
  [claim: string]: unknown;
}

/** Claim values to set; `undefined` keeps the default, `null` removes the claim. */
export type ClaimOverrides = { [K in keyof GitHubOidcClaims]?: GitHubOidcClaims[K] | null | undefined };

export interface Jwks {
  keys: JsonWebKey[];
}

export interface OidcServiceOptions {
  /** `iss` of every token (default https://token.actions.githubusercontent.com). */
  issuer?: string;
  alg?: 'RS256' | 'ES256';
  /** Defaults for every token this instance issues; per-token overrides win. */
  claims?: ClaimOverrides;
  /** The ACTIONS_ID_TOKEN_REQUEST_TOKEN the endpoint accepts (default: random). */
  requestToken?: string;
  /** exp - iat (default 300 s, as GitHub). */
  lifetimeSeconds?: number;
}

export interface IdTokenRequest {
  audience: string | undefined;
  status: number;
}

export interface OidcService {
  /** Base URL of the stand-in (also serves /.well-known/openid-configuration and /.well-known/jwks). */
  url: string;
  issuer: string;
  alg: 'RS256' | 'ES256';
  kid: string;
  /** Exactly what getIDToken() needs. */
  env: { ACTIONS_ID_TOKEN_REQUEST_URL: string; ACTIONS_ID_TOKEN_REQUEST_TOKEN: string };
  jwks: Jwks;
  publicKey: KeyObject;
  publicKeyPem: string;
  /** Every request to the token endpoint, in order. */
  requests: IdTokenRequest[];
  /** Sign a token directly (no HTTP). Overrides are applied after the derived defaults. */
  mintToken(overrides?: ClaimOverrides): string;
  /** The claims a token would carry (for assertions). */
  claimsFor(overrides?: ClaimOverrides): GitHubOidcClaims;
  /** Change the defaults for later tokens (merged into the current defaults). */
  setClaims(overrides: ClaimOverrides): void;
  close(): Promise<void>;
}

/**
 * GitHub's claims for a workflow run, with the derived ones (sub, repository_owner, workflow_ref, job_workflow_ref,
 * *_sha, ref_type) computed from repository/ref/sha unless given explicitly. An override of `undefined` keeps the
 * default; `null` removes the claim.
 */
export function githubClaims(overrides: ClaimOverrides = {}, issuer = GITHUB_ACTIONS_ISSUER, lifetimeSeconds = 300): GitHubOidcClaims {
  const now = Math.floor(Date.now() / 1000);
  const repository = overrides.repository ?? 'octo-org/octo-repo';
  const ref = overrides.ref ?? 'refs/tags/v1.0.0';
  const sha = overrides.sha ?? 'a'.repeat(40);
  const owner = overrides.repository_owner ?? repository.split('/')[0] ?? '';
  const workflowRef = overrides.workflow_ref ?? `${repository}/.github/workflows/release.yml@${ref}`;
  const derived: GitHubOidcClaims = {
    iss: issuer,
    aud: `https://github.com/${owner}`,
    sub: `repo:${repository}:ref:${ref}`,
    jti: randomUUID(),
    iat: now,
    nbf: now - 5,
    exp: now + lifetimeSeconds,
    ref,
    ref_type: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    ref_protected: 'false',
    sha,
    repository,
    repository_id: '123456789',
    repository_owner: owner,
    repository_owner_id: '987654',
    repository_visibility: 'public',
    actor: owner,
    actor_id: '987654',
    workflow: 'Release',
    workflow_ref: workflowRef,
    workflow_sha: sha,
    job_workflow_ref: workflowRef,
    job_workflow_sha: sha,
    event_name: 'push',
    runner_environment: 'github-hosted',
    run_id: '4242424242',
    run_number: '7',
    run_attempt: '1',
    head_ref: '',
    base_ref: '',
  };
  const claims: Record<string, unknown> = { ...derived };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === null) delete claims[k]; // null removes a claim (negative tests)
    else if (v !== undefined) claims[k] = v; // undefined keeps the derived default
  }
  return claims as GitHubOidcClaims;
}

export interface VerifyJwtOptions {
  /** Keys to try (by `kid` when the header has one). */
  jwks: Jwks;
  now?: number;
}

/**
 * Verify a compact JWS (RS256/ES256) against a JWKS and check exp/nbf. Returns the payload; throws with a
 * reason otherwise. Issuer/audience checks are the caller's (they depend on the relying party).
 */
export function verifyJwt(token: string, { jwks, now = Math.floor(Date.now() / 1000) }: VerifyJwtOptions): Record<string, unknown> {
  const jwt = decodeJwt(token);
  const alg = jwt.header.alg;
  if (alg !== 'RS256' && alg !== 'ES256') throw new Error(`unsupported JWT alg ${String(alg)}`);
  const candidates = jwks.keys.filter((k) => (jwt.header.kid === undefined || k.kid === jwt.header.kid) && (k.alg === undefined || k.alg === alg));
  const ok = candidates.some((jwk) => {
    const key = createPublicKey({ key: jwk, format: 'jwk' });
    return verify('sha256', Buffer.from(jwt.signingInput), alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key, jwt.signature);
  });
  if (!ok) throw new Error('JWT signature does not verify with any key of the issuer');
  const { exp, nbf } = jwt.payload;
  if (typeof exp !== 'number' || exp <= now) throw new Error('JWT is expired');
  if (typeof nbf === 'number' && nbf > now + 60) throw new Error('JWT is not valid yet');
  return jwt.payload;
}

export async function startOidcService(options: OidcServiceOptions = {}): Promise<OidcService> {
  const issuer = options.issuer ?? GITHUB_ACTIONS_ISSUER;
  const alg = options.alg ?? 'RS256';
  const lifetime = options.lifetimeSeconds ?? 300;
  const requestToken = options.requestToken ?? randomBytes(24).toString('hex');
  let defaults: ClaimOverrides = { ...options.claims };
  const { privateKey, publicKey } =
    alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 40);
  const jwks: Jwks = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' }] };
  const requests: IdTokenRequest[] = [];

  const claimsFor = (overrides: ClaimOverrides = {}): GitHubOidcClaims => githubClaims({ ...defaults, ...overrides }, issuer, lifetime);
  const mintToken = (overrides: ClaimOverrides = {}): string => {
    const input = `${b64url(JSON.stringify({ typ: 'JWT', alg, kid, x5t: kid }))}.${b64url(JSON.stringify(claimsFor(overrides)))}`;
    const sig = sign('sha256', Buffer.from(input), alg === 'ES256' ? { key: privateKey, dsaEncoding: 'ieee-p1363' } : privateKey);
    return `${input}.${b64url(sig)}`;
  };

  const server = await listen((req, res, url) => {
    if (req.method !== 'GET') return sendJson(res, 405, { message: 'method not allowed' });
    if (url.pathname === '/.well-known/openid-configuration') {
      return sendJson(res, 200, {
        issuer,
        jwks_uri: `${server.url}/.well-known/jwks`,
        subject_types_supported: ['public', 'pairwise'],
        response_types_supported: ['id_token'],
        claims_supported: Object.keys(claimsFor()),
        id_token_signing_alg_values_supported: [alg],
        scopes_supported: ['openid'],
      });
    }
    if (url.pathname === '/.well-known/jwks') return sendJson(res, 200, jwks);
    if (url.pathname !== '/idtoken') return sendJson(res, 404, { message: 'not found' });
    const audience = url.searchParams.get('audience') ?? undefined;
    const token = bearer(req);
    const status = token === undefined ? 401 : token !== requestToken ? 403 : 200;
    requests.push({ audience, status });
    if (status === 401) return sendJson(res, 401, { message: 'Bearer token required' }, { 'www-authenticate': 'Bearer' });
    if (status === 403) return sendJson(res, 403, { message: 'The token is not authorized to request an ID token' });
    return sendJson(res, 200, { count: 1, value: mintToken(audience === undefined ? {} : { aud: audience }) });
  });

  return {
    url: server.url,
    issuer,
    alg,
    kid,
    // The runner hands out a URL that already has a query string; getIDToken() appends `&audience=`.
    env: { ACTIONS_ID_TOKEN_REQUEST_URL: `${server.url}/idtoken?api-version=2.0`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken },
    jwks,
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    requests,
    mintToken,
    claimsFor,
    setClaims(overrides) {
      defaults = { ...defaults, ...overrides };
    },
    close: server.close,
  };
}
