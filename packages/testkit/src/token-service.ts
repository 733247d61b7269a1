// A Docker registry token service (the "authorization server" of https://distribution.github.io/distribution/spec/auth/token/),
// so that a real registry 2.8 with `auth: token` behaves like ghcr.io or Docker Hub: a 401 with a Bearer challenge,
// then a token endpoint that grants only the scopes the credentials allow. Test support only: never bundled.
//
//   GET  /token?service=..&scope=..&scope=..[&offline_token=true]   Basic credentials or anonymous (token.md)
//   POST /token  grant_type=password|refresh_token (OAuth2 form, oauth.md): what containerd (buildx imagetools,
//                dockerd's containerd image store) sends when it has credentials, and what a client holding an
//                identity token (refresh token) sends.
//
// Access tokens are JWTs as registry 2.8's registry/auth/token verifies them (jwt.md): iss = the registry's
// `issuer`, aud = its `service`, exp/nbf/iat, and `access` = [{type, name, actions}]. The header names the signing
// key with `kid` in libtrust's key-id format (the registry looks it up among the public keys of its
// `rootcertbundle`), or carries the certificate in `x5c` (verified against the same bundle). Debian's registry
// 2.8.2 accepts both; `kid` is the default because that is what auth.docker.io sends.
import { X509Certificate, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { b64url, decodeJwt, readBody } from './http-util.ts';
import { type GrantRule, type ResourceScope, formatScope, grantScopes, parseScopes } from './token-scopes.ts';

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

export interface TokenSigningKey {
  /** PKCS#8 (or SEC1/PKCS#1) PEM of an EC P-256/P-384 or RSA key. */
  readonly privateKeyPem: string;
  /** The certificate of that key, as put in the registry's rootcertbundle; required for the x5c header. */
  readonly certificatePem?: string;
  /** How the JWT header names the key. Default "kid". */
  readonly header?: 'kid' | 'x5c';
}

export interface TokenSigner {
  readonly alg: 'ES256' | 'ES384' | 'RS256';
  /** libtrust key id of the public key: what registry 2.8 looks `kid` up by. */
  readonly kid: string;
  readonly publicKey: KeyObject;
  readonly header: 'kid' | 'x5c';
  /** A compact JWS of the payload. */
  sign(payload: Record<string, unknown>): string;
  /** The payload when `token` is a JWS this signer made (signature and alg checked, nothing else); else undefined. */
  verify(token: string): Record<string, unknown> | undefined;
}

/**
 * libtrust's key id (github.com/docker/libtrust keyIDFromCryptoKey): SHA-256 of the DER SubjectPublicKeyInfo,
 * truncated to 240 bits, base32 without padding, in 12 colon-separated groups of 4 (ABCD:EFGH:...).
 */
export function libtrustKeyId(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const bytes = createHash('sha256').update(der).digest().subarray(0, 30);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = ((value << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  // 240 bits are exactly 48 base32 characters: no remainder, no padding.
  return (out.match(/.{4}/g) ?? []).join(':');
}

export function createTokenSigner(key?: TokenSigningKey): TokenSigner {
  const privateKey = key ? createPrivateKey(key.privateKeyPem) : generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const publicKey = createPublicKey(privateKey);
  const details = privateKey.asymmetricKeyDetails;
  let alg: TokenSigner['alg'];
  if (privateKey.asymmetricKeyType === 'rsa') alg = 'RS256';
  else if (privateKey.asymmetricKeyType === 'ec' && details?.namedCurve === 'prime256v1') alg = 'ES256';
  else if (privateKey.asymmetricKeyType === 'ec' && details?.namedCurve === 'secp384r1') alg = 'ES384';
  else throw new Error(`token signing key: unsupported key type ${privateKey.asymmetricKeyType ?? '?'} ${details?.namedCurve ?? ''} (use EC P-256/P-384 or RSA)`);
  const hash = alg === 'ES384' ? 'sha384' : 'sha256';
  // JWS wants ECDSA signatures as r||s (IEEE P1363), which is also what libtrust verifies; Node's default is DER.
  const keyFor = <K extends KeyObject>(k: K) => (alg === 'RS256' ? k : { key: k, dsaEncoding: 'ieee-p1363' as const });
  const kid = libtrustKeyId(publicKey);
  const headerKind = key?.header ?? 'kid';
  let x5c: string[] | undefined;
  if (headerKind === 'x5c') {
    if (!key?.certificatePem) throw new Error('token signing key: the x5c header needs the certificate');
    const cert = new X509Certificate(key.certificatePem);
    if (!cert.checkPrivateKey(privateKey)) throw new Error('token signing key: the certificate is not the private key\'s');
    x5c = [cert.raw.toString('base64')];
  }
  const header = { typ: 'JWT', alg, ...(x5c ? { x5c } : { kid }) };
  const encodedHeader = b64url(JSON.stringify(header));
  return {
    alg,
    kid,
    publicKey,
    header: headerKind,
    sign(payload) {
      const input = `${encodedHeader}.${b64url(JSON.stringify(payload))}`;
      return `${input}.${b64url(sign(hash, Buffer.from(input), keyFor(privateKey)))}`;
    },
    verify(token) {
      try {
        const jwt = decodeJwt(token);
        if (jwt.header.alg !== alg) return undefined;
        return verify(hash, Buffer.from(jwt.signingInput), keyFor(publicKey), jwt.signature) ? jwt.payload : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

export interface TokenServiceOptions {
  /** The registry's `auth.token.service`: the only service tokens are issued for (their `aud`). */
  readonly service: string;
  /** The registry's `auth.token.issuer` (`iss`). Default "moam-test-token-service". */
  readonly issuer?: string;
  readonly users?: readonly TokenUser[];
  /** What a client without credentials may do (e.g. pull public repositories). Default: nothing. */
  readonly anonymous?: readonly GrantRule[];
  /** Default: a fresh P-256 key (fine in process; a registry needs its certificate in rootcertbundle). */
  readonly signingKey?: TokenSigningKey;
  /** Access token lifetime; never below 60 s, which the spec says clients may assume. Default 300. */
  readonly expiresInSeconds?: number;
  /** Listen address. Default 127.0.0.1, port 0. */
  readonly host?: string;
  readonly port?: number;
  /** PEM server certificate and key: serve HTTPS (what a realm must be for clients to send credentials). */
  readonly tls?: { readonly cert: string; readonly key: string };
  /** The realm URL clients are sent to (the registry's `auth.token.realm`), for the Basic challenge. Default <url>/token. */
  readonly realm?: string;
  readonly log?: (line: string) => void;
  /** Milliseconds since the epoch. */
  readonly now?: () => number;
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

export interface TokenService {
  /** http(s)://host:port, no trailing slash. */
  readonly url: string;
  readonly realm: string;
  readonly service: string;
  readonly issuer: string;
  readonly signer: TokenSigner;
  /** The last 1000 requests, oldest first. */
  readonly requests: TokenIssue[];
  /** An access token for `subject` with exactly this access (tests: tokens that lack a scope). */
  mintAccessToken(subject: string, access: readonly ResourceScope[]): string;
  close(): Promise<void>;
}

/** The claim that marks our refresh tokens; their audience is the token service, never the registry. */
const REFRESH = 'moam-refresh';
const MAX_RECORDS = 1000;

type Principal = { readonly user?: TokenUser };

/** A token request answered with an error status (thrown, then sent and recorded). */
class Refusal {
  /** What was asked, for the record; set by the handler that refused. */
  issue?: Omit<TokenIssue, 'status'>;
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {}
}

export async function startTokenService(options: TokenServiceOptions): Promise<TokenService> {
  const issuer = options.issuer ?? 'moam-test-token-service';
  const signer = createTokenSigner(options.signingKey);
  const now = options.now ?? Date.now;
  const lifetime = Math.max(60, options.expiresInSeconds ?? 300);
  const users = new Map((options.users ?? []).map((u) => [u.name, u]));
  const anonymous = options.anonymous ?? [];
  const log = options.log ?? (() => undefined);
  const requests: TokenIssue[] = [];
  let realm = options.realm ?? '';

  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  const authenticate = (name: string, password: string): TokenUser | undefined => {
    const user = users.get(name);
    // Compare digests in constant time; an unknown user costs the same as a wrong password.
    const ok = timingSafeEqual(digest(password), digest(user?.password ?? `\0${randomUUID()}`));
    return user && ok ? user : undefined;
  };
  const rulesOf = (p: Principal): GrantRule[] => [...anonymous, ...(p.user?.grants ?? [])];

  const mintAccessToken = (subject: string, access: readonly ResourceScope[]): string => {
    const iat = Math.floor(now() / 1000);
    return signer.sign({
      iss: issuer,
      sub: subject,
      aud: options.service, // a string: registry 2.8.2's ClaimSet.Audience is a string
      exp: iat + lifetime,
      nbf: iat,
      iat,
      jti: randomUUID(),
      access: access.map((a) => ({ type: a.type, ...(a.class ? { class: a.class } : {}), name: a.name, actions: [...a.actions] })),
    });
  };
  // Opaque to clients (oauth.md); here a JWS so that it survives a restart of the service. Its audience is the
  // token service itself, so the registry (which wants aud = service) refuses it as an access token. No expiry:
  // "The refresh token does not have an expiration".
  const mintRefreshToken = (user: TokenUser): string => signer.sign({ iss: issuer, sub: user.name, aud: issuer, svc: options.service, iat: Math.floor(now() / 1000), jti: randomUUID(), [REFRESH]: true });
  const userOfRefreshToken = (token: string): TokenUser | undefined => {
    const p = signer.verify(token);
    if (!p || p[REFRESH] !== true || p.iss !== issuer || p.aud !== issuer || p.svc !== options.service || typeof p.sub !== 'string') return undefined;
    return users.get(p.sub);
  };

  const issuedAt = () => new Date(Math.floor(now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  const record = (r: TokenIssue) => {
    requests.push(r);
    if (requests.length > MAX_RECORDS) requests.splice(0, requests.length - MAX_RECORDS);
    log(
      `${r.method} /token${r.grantType ? ` grant_type=${r.grantType}` : ''} client=${r.clientId ?? '-'} user=${r.user ?? (r.status === 200 ? '(anonymous)' : '-')} requested=[${r.requested.join(' ')}] granted=[${r.granted.join(' ')}]${r.refreshToken ? ' +refresh_token' : ''} -> ${r.status}`,
    );
  };
  const grantedList = (granted: readonly ResourceScope[]) => granted.filter((g) => g.actions.length > 0).map(formatScope);

  const checkService = (service: string | null, oauth: boolean) => {
    if (service === options.service) return;
    const message = service ? `this token service issues tokens for "${options.service}", not "${service}"` : 'the service parameter is required';
    throw oauth ? new Refusal(400, { error: 'invalid_request', error_description: message }) : new Refusal(400, { details: message });
  };

  /** token.md: Basic credentials or none; credentials that fail are a 401, never a quiet downgrade to anonymous. */
  const handleGet = (req: http.IncomingMessage, url: URL): { status: number; body: Record<string, unknown>; issue: Omit<TokenIssue, 'status'> } => {
    const requested = url.searchParams.getAll('scope');
    const base = { method: 'GET', ...(url.searchParams.get('client_id') ? { clientId: url.searchParams.get('client_id') as string } : {}), requested, granted: [], refreshToken: false };
    try {
      checkService(url.searchParams.get('service'), false);
      let principal: Principal = {};
      const authorization = req.headers.authorization;
      if (authorization !== undefined) {
        const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
        const decoded = m ? Buffer.from(m[1] as string, 'base64').toString('utf8') : '';
        const colon = decoded.indexOf(':');
        const user = colon > 0 ? authenticate(decoded.slice(0, colon), decoded.slice(colon + 1)) : undefined;
        // Docker Hub's shape: {"details": ...}, which docker's client turns into "unauthorized: <details>".
        if (!user) throw new Refusal(401, { details: 'incorrect username or password' }, { 'WWW-Authenticate': `Basic realm="${realm}",charset="UTF-8"` });
        principal = { user };
      }
      // `account` (docker sends its username) is informational; the credentials decide who this is.
      const granted = grantScopes(parseScopes(requested), rulesOf(principal));
      const token = mintAccessToken(principal.user?.name ?? '', granted);
      const refresh = url.searchParams.get('offline_token') === 'true' && principal.user?.refreshTokens === true;
      return {
        status: 200,
        body: { token, access_token: token, expires_in: lifetime, issued_at: issuedAt(), ...(refresh && principal.user ? { refresh_token: mintRefreshToken(principal.user) } : {}) },
        issue: { ...base, ...(principal.user ? { user: principal.user.name } : {}), granted: grantedList(granted), refreshToken: refresh },
      };
    } catch (e) {
      if (e instanceof Refusal) e.issue = base;
      throw e;
    }
  };

  /** oauth.md: the OAuth2 form. Errors are RFC 6749 section 5.2's: 400 invalid_request / invalid_grant / unsupported_grant_type. */
  const handlePost = async (req: http.IncomingMessage): Promise<{ status: number; body: Record<string, unknown>; issue: Omit<TokenIssue, 'status'> }> => {
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    const raw = await readBody(req, 64 * 1024);
    const form = new URLSearchParams(contentType === 'application/x-www-form-urlencoded' ? raw.toString('utf8') : '');
    const grantType = form.get('grant_type') ?? '';
    const clientId = form.get('client_id') ?? '';
    const requested = form.getAll('scope').flatMap((s) => s.split(' ')).filter((s) => s !== '');
    const base = { method: 'POST', ...(grantType ? { grantType } : {}), ...(clientId ? { clientId } : {}), requested, granted: [], refreshToken: false };
    try {
      if (contentType !== 'application/x-www-form-urlencoded') throw new Refusal(400, { error: 'invalid_request', error_description: 'the body must be application/x-www-form-urlencoded' });
      if (!grantType) throw new Refusal(400, { error: 'invalid_request', error_description: 'grant_type is required' });
      checkService(form.get('service'), true);
      if (!clientId) throw new Refusal(400, { error: 'invalid_request', error_description: 'client_id is required' });
      let user: TokenUser | undefined;
      let refreshToken: string | undefined;
      if (grantType === 'password') {
        user = authenticate(form.get('username') ?? '', form.get('password') ?? '');
        if (!user) throw new Refusal(400, { error: 'invalid_grant', error_description: 'incorrect username or password' });
        if (form.get('access_type') === 'offline') refreshToken = mintRefreshToken(user);
      } else if (grantType === 'refresh_token') {
        const presented = form.get('refresh_token') ?? '';
        user = userOfRefreshToken(presented);
        if (!user) throw new Refusal(400, { error: 'invalid_grant', error_description: 'the refresh token is not valid for this service' });
        // "If the grant type is refresh_token this will only return the same refresh token and not a new one."
        if (form.get('access_type') === 'offline') refreshToken = presented;
      } else {
        throw new Refusal(400, { error: 'unsupported_grant_type', error_description: `grant_type "${grantType}" is not supported (password, refresh_token)` });
      }
      const granted = grantScopes(parseScopes(requested), rulesOf({ user }));
      const token = mintAccessToken(user.name, granted);
      return {
        status: 200,
        // scope is REQUIRED in this response: the scopes the token grants (a subset of those asked for).
        body: { access_token: token, scope: grantedList(granted).join(' '), expires_in: lifetime, issued_at: issuedAt(), ...(refreshToken ? { refresh_token: refreshToken } : {}) },
        issue: { ...base, user: user.name, granted: grantedList(granted), refreshToken: refreshToken !== undefined },
      };
    } catch (e) {
      if (e instanceof Refusal) e.issue = base;
      throw e;
    }
  };

  const send = (res: http.ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const data = Buffer.from(JSON.stringify(body));
    // RFC 6749 5.1: token responses must not be cached.
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(data.length), 'Cache-Control': 'no-store', Pragma: 'no-cache', ...headers });
    res.end(data);
  };

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://token-service');
    void (async () => {
      if (url.pathname !== '/token') return send(res, 404, { details: 'not found' });
      if (req.method !== 'GET' && req.method !== 'POST') return send(res, 405, { details: 'method not allowed' }, { Allow: 'GET, POST' });
      try {
        const out = req.method === 'GET' ? handleGet(req, url) : await handlePost(req);
        record({ ...out.issue, status: out.status });
        send(res, out.status, out.body);
      } catch (e) {
        if (e instanceof Refusal) {
          if (e.issue) record({ ...e.issue, status: e.status });
          return send(res, e.status, e.body, e.headers);
        }
        log(`${req.method ?? '?'} ${url.pathname}: ${(e as Error).stack ?? String(e)}`);
        if (!res.headersSent) send(res, 500, { details: (e as Error).message });
        else res.destroy();
      }
    })();
  };

  const server = options.tls ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, handler) : http.createServer(handler);
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  const url = `${options.tls ? 'https' : 'http'}://${host}:${port}`;
  realm ||= `${url}/token`;
  return {
    url,
    realm,
    service: options.service,
    issuer,
    signer,
    requests,
    mintAccessToken,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
