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
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { Refusal, type TokenIssue, type TokenUser, handleGet, handlePost, tokenAuthority } from './token-endpoint.ts';
import type { GrantRule, ResourceScope } from './token-scopes.ts';
import { type TokenSigner, type TokenSigningKey, createTokenSigner } from './token-signer.ts';

export type { TokenIssue, TokenUser } from './token-endpoint.ts';
export { type TokenSigner, type TokenSigningKey, createTokenSigner, libtrustKeyId } from './token-signer.ts';

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

const MAX_RECORDS = 1000;

// RFC 6749 5.1: token responses must not be cached.
function send(res: http.ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(data.length), 'Cache-Control': 'no-store', Pragma: 'no-cache', ...headers });
  res.end(data);
}

const logLine = (r: TokenIssue): string =>
  `${r.method} /token${r.grantType ? ` grant_type=${r.grantType}` : ''} client=${r.clientId ?? '-'} user=${r.user ?? (r.status === 200 ? '(anonymous)' : '-')} requested=[${r.requested.join(' ')}] granted=[${r.granted.join(' ')}]${r.refreshToken ? ' +refresh_token' : ''} -> ${r.status}`;

export async function startTokenService(options: TokenServiceOptions): Promise<TokenService> {
  const issuer = options.issuer ?? 'moam-test-token-service';
  const signer = createTokenSigner(options.signingKey);
  const log = options.log ?? (() => undefined);
  const requests: TokenIssue[] = [];
  const auth = tokenAuthority(
    {
      service: options.service,
      issuer,
      signer,
      users: options.users ?? [],
      anonymous: options.anonymous ?? [],
      lifetime: Math.max(60, options.expiresInSeconds ?? 300),
      now: options.now ?? Date.now,
    },
    options.realm ?? '',
  );

  const record = (r: TokenIssue) => {
    requests.push(r);
    if (requests.length > MAX_RECORDS) requests.splice(0, requests.length - MAX_RECORDS);
    log(logLine(r));
  };

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://token-service');
    void (async () => {
      if (url.pathname !== '/token') return send(res, 404, { details: 'not found' });
      if (req.method !== 'GET' && req.method !== 'POST') return send(res, 405, { details: 'method not allowed' }, { Allow: 'GET, POST' });
      try {
        const out = req.method === 'GET' ? handleGet(auth, req, url) : await handlePost(auth, req);
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
  auth.realm ||= `${url}/token`;
  return {
    url,
    realm: auth.realm,
    service: options.service,
    issuer,
    signer,
    requests,
    mintAccessToken: auth.mintAccessToken,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
