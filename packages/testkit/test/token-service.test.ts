import { X509Certificate, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from '../src/http-util.ts';
import { type GrantRule, allowedActions, formatScope, grantScopes, isValidRepositoryName, matchesPattern, parseScope, parseScopes } from '../src/token-scopes.ts';
import { type TokenService, createTokenSigner, libtrustKeyId, startTokenService } from '../src/token-service.ts';

// A fixed P-256 key and its self-signed certificate (what the test bed puts in the registry's rootcertbundle).
const KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgc1zSwn4USNdvWJPi
qKG1DHsiZzJV4u/lAflr89j8clyhRANCAAT/+muVkvhLE+kGNO0hUs4Or/wYwKJo
lhljvCYBUwRgXFSzEvBuK2nkqVVIyblpYYFFAwBbIGZTNWZv5K2HwlWC
-----END PRIVATE KEY-----
`;
const CERT = `-----BEGIN CERTIFICATE-----
MIIBpTCCAUugAwIBAgIUV0mvco7X5w6D7Nec4RcZAYF/JCwwCgYIKoZIzj0EAwIw
JzElMCMGA1UEAwwcbW9hbSB0b2tlbiBzZXJ2aWNlIHVuaXQgdGVzdDAgFw0yNjEy
MDEyMzA3NTdaGA8yMTI2MTEwNzIzMDc1N1owJzElMCMGA1UEAwwcbW9hbSB0b2tl
biBzZXJ2aWNlIHVuaXQgdGVzdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABP/6
a5WS+EsT6QY07SFSzg6v/BjAomiWGWO8JgFTBGBcVLMS8G4raeSpVUjJuWlhgUUD
AFsgZlM1Zm/krYfCVYKjUzBRMB0GA1UdDgQWBBQ2znkVi3MQXz+W4ydfrCuRP0B5
KTAfBgNVHSMEGDAWgBQ2znkVi3MQXz+W4ydfrCuRP0B5KTAPBgNVHRMBAf8EBTAD
AQH/MAoGCCqGSM49BAMCA0gAMEUCIAP3osNugpnewBJMOG0YpURDm2P3JAE3aboj
53XM24iYAiEAoNRukgwF97pkqSWjuI7FlUAy877U+F7RL8KI8IcKKg0=
-----END CERTIFICATE-----
`;
// Computed independently: python3 base64.b32encode(sha256(openssl pkey -pubout -outform DER)[:30]), grouped by 4.
const KID = 'SFQW:OBW5:3YQ5:2NHI:JIKA:XQ2F:LOUI:727W:6RES:2LYD:VK24:5PXQ';

describe('scopes', () => {
  it('parses type[(class)]:name:actions, names with a host:port, and refuses what the grammar does not allow', () => {
    expect(parseScope('repository:moam/app:pull,push')).toEqual({ type: 'repository', name: 'moam/app', actions: ['pull', 'push'] });
    expect(parseScope('repository(plugin):moam/p:pull')).toEqual({ type: 'repository', class: 'plugin', name: 'moam/p', actions: ['pull'] });
    expect(parseScope('repository:localhost:5000/moam/app:push,pull,push')).toEqual({ type: 'repository', name: 'localhost:5000/moam/app', actions: ['pull', 'push'] });
    expect(parseScope('registry:catalog:*')).toEqual({ type: 'registry', name: 'catalog', actions: ['*'] });
    for (const bad of ['repository:Moam/App:pull', 'repository:moam/app', 'repository::pull', ':moam/app:pull', 'repository:moam//app:pull', 'Repo:moam/app:pull', 'repository:moam/app:pull;rm', 'repository:moam/app:pu*ll']) {
      expect(parseScope(bad), bad).toBeUndefined();
    }
    expect(isValidRepositoryName('registry.moam.test:443/moam/app')).toBe(true);
    expect(isValidRepositoryName('moam/my_app__x.y-z')).toBe(true);
    expect(isValidRepositoryName('moam/-app')).toBe(false);
  });

  it('splits space-separated lists, merges the same resource, skips malformed scopes', () => {
    const scopes = parseScopes(['repository:moam/a:pull repository:moam/b:push', 'repository:moam/a:push', 'nonsense', '']);
    expect(scopes.map(formatScope)).toEqual(['repository:moam/a:pull,push', 'repository:moam/b:push']);
  });

  it('matches * within a path component and ** across them', () => {
    expect(matchesPattern('moam/**', 'moam/app')).toBe(true);
    expect(matchesPattern('moam/**', 'moam/team/app')).toBe(true);
    expect(matchesPattern('moam/**', 'moamx/app')).toBe(false);
    expect(matchesPattern('moam/pushable-*', 'moam/pushable-1')).toBe(true);
    expect(matchesPattern('moam/pushable-*', 'moam/pushable-1/x')).toBe(false);
    expect(matchesPattern('moam/app', 'moam/app')).toBe(true);
    expect(matchesPattern('moam/a.p', 'moam/axp')).toBe(false);
  });

  it('grants the intersection per resource; a resource without access stays, with no actions', () => {
    const rules: GrantRule[] = [
      { names: 'moam/pushable-*', actions: ['pull', 'push'] },
      { names: 'moam/**', actions: ['pull'] },
      { names: 'admin/**', actions: ['*'] },
    ];
    const granted = grantScopes(parseScopes(['repository:moam/pushable-1:pull,push', 'repository:moam/other:pull,push', 'repository:elsewhere/x:pull', 'repository:admin/x:delete,push', 'registry:catalog:*']), rules);
    expect(granted.map(formatScope)).toEqual(['repository:moam/pushable-1:pull,push', 'repository:moam/other:pull', 'repository:elsewhere/x:', 'repository:admin/x:delete,push', 'registry:catalog:']);
    expect([...allowedActions(rules, 'repository', 'admin/y')].sort()).toEqual(['*', 'delete', 'pull', 'push']);
  });
});

describe('token signing', () => {
  it('names the key with the libtrust key id registry 2.8 looks up in its rootcertbundle', () => {
    expect(libtrustKeyId(createPublicKey(KEY))).toBe(KID);
    expect(libtrustKeyId(new X509Certificate(CERT).publicKey)).toBe(KID);
    const signer = createTokenSigner({ privateKeyPem: KEY });
    const jwt = decodeJwt(signer.sign({ a: 1 }));
    expect(jwt.header).toEqual({ typ: 'JWT', alg: 'ES256', kid: KID });
    // r||s, 64 bytes: the JWS form libtrust verifies, not DER.
    expect(jwt.signature).toHaveLength(64);
    expect(signer.verify(signer.sign({ a: 1 }))).toEqual({ a: 1 });
    expect(createTokenSigner().verify(signer.sign({ a: 1 }))).toBeUndefined();
  });

  it('or carries the certificate in x5c, and refuses a certificate of another key', () => {
    const signer = createTokenSigner({ privateKeyPem: KEY, certificatePem: CERT, header: 'x5c' });
    const header = decodeJwt(signer.sign({})).header;
    expect(header).toEqual({ typ: 'JWT', alg: 'ES256', x5c: [new X509Certificate(CERT).raw.toString('base64')] });
    expect(() => createTokenSigner({ privateKeyPem: KEY, header: 'x5c' })).toThrow(/needs the certificate/);
    const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => createTokenSigner({ privateKeyPem: otherKey, certificatePem: CERT, header: 'x5c' })).toThrow(/not the private key's/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const rsaSigner = createTokenSigner({ privateKeyPem: rsa });
    expect(rsaSigner.alg).toBe('RS256');
    expect(rsaSigner.verify(rsaSigner.sign({ b: 2 }))).toEqual({ b: 2 });
  });
});

describe('token endpoint', () => {
  let ts: TokenService;
  const NOW = Date.UTC(2030, 0, 1, 12, 0, 0);
  const users = [
    { name: 'ci', password: 'ci-pw', grants: [{ names: 'moam/**', actions: ['pull', 'push'] }] },
    { name: 'pusher', password: 'pusher-pw', grants: [{ names: 'moam/pushable-*', actions: ['pull', 'push'] }] },
    { name: 'reader', password: 'reader-pw', grants: [{ names: 'moam/**', actions: ['pull'] }] },
    { name: 'robot', password: 'robot-pw', grants: [{ names: 'moam/**', actions: ['pull', 'push'] }], refreshTokens: true },
  ];
  beforeAll(async () => {
    ts = await startTokenService({ service: 'registry.test', issuer: 'test-issuer', signingKey: { privateKeyPem: KEY }, users, anonymous: [{ names: 'public/**', actions: ['pull'] }], now: () => NOW });
  });
  afterAll(async () => ts?.close());

  const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
  const get = async (params: Array<[string, string]>, authorization?: string) => {
    const url = new URL('/token', ts.url);
    for (const [k, v] of params) url.searchParams.append(k, v);
    const res = await fetch(url, { headers: authorization ? { authorization } : {} });
    return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
  };
  const post = async (form: Record<string, string>, contentType = 'application/x-www-form-urlencoded') => {
    const res = await fetch(new URL('/token', ts.url), { method: 'POST', headers: { 'content-type': contentType }, body: new URLSearchParams(form).toString() });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const access = (token: unknown) => decodeJwt(token as string).payload.access;

  it('GET with Basic credentials: a JWT for the service with the intersection of asked and allowed', async () => {
    const r = await get([['service', 'registry.test'], ['scope', 'repository:moam/app:pull,push'], ['scope', 'repository:other/x:pull']], basic('reader', 'reader-pw'));
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.json.token).toBe(r.json.access_token);
    expect(r.json).toMatchObject({ expires_in: 300, issued_at: '2030-01-01T12:00:00Z' });
    expect(r.json.refresh_token).toBeUndefined();
    const jwt = decodeJwt(r.json.token as string);
    expect(jwt.header.kid).toBe(KID);
    expect(jwt.payload).toMatchObject({ iss: 'test-issuer', sub: 'reader', aud: 'registry.test', iat: NOW / 1000, nbf: NOW / 1000, exp: NOW / 1000 + 300 });
    expect(jwt.payload.access).toEqual([
      { type: 'repository', name: 'moam/app', actions: ['pull'] },
      { type: 'repository', name: 'other/x', actions: [] },
    ]);
    expect(ts.signer.verify(r.json.token as string)).toBeDefined();
    expect(ts.requests.at(-1)).toMatchObject({ method: 'GET', user: 'reader', granted: ['repository:moam/app:pull'], status: 200 });
  });

  it('GET anonymously: the anonymous grants only, and a token with no access for /v2/ (no scope)', async () => {
    const r = await get([['service', 'registry.test'], ['scope', 'repository:public/base:pull,push'], ['scope', 'repository:moam/app:pull']]);
    expect(r.status).toBe(200);
    expect(decodeJwt(r.json.token as string).payload.sub).toBe('');
    expect(access(r.json.token)).toEqual([
      { type: 'repository', name: 'public/base', actions: ['pull'] },
      { type: 'repository', name: 'moam/app', actions: [] },
    ]);
    expect(access((await get([['service', 'registry.test']])).json.token)).toEqual([]);
  });

  it('GET with wrong credentials: 401 with a Basic challenge and Docker Hub\'s {"details"}; never an anonymous token', async () => {
    for (const authorization of [basic('ci', 'wrong'), basic('nobody', 'ci-pw'), 'Basic !!!', 'Bearer abc', basic('', '')]) {
      const r = await get([['service', 'registry.test'], ['scope', 'repository:public/base:pull']], authorization);
      expect(r.status, authorization).toBe(401);
      expect(r.headers.get('www-authenticate')).toBe(`Basic realm="${ts.realm}",charset="UTF-8"`);
      expect(r.json).toEqual({ details: 'incorrect username or password' });
      expect(ts.requests.at(-1)).toEqual({ method: 'GET', requested: ['repository:public/base:pull'], granted: [], refreshToken: false, status: 401 });
    }
  });

  it('GET for another service or none: 400', async () => {
    expect((await get([['service', 'other'], ['scope', 'repository:moam/app:pull']], basic('ci', 'ci-pw'))).status).toBe(400);
    expect((await get([['scope', 'repository:moam/app:pull']], basic('ci', 'ci-pw'))).json.details).toMatch(/service parameter is required/);
  });

  it('offline_token=true: a refresh token only for users that get them (docker login then stores an identitytoken)', async () => {
    const params: Array<[string, string]> = [['service', 'registry.test'], ['offline_token', 'true'], ['client_id', 'docker'], ['account', 'x']];
    expect((await get(params, basic('ci', 'ci-pw'))).json.refresh_token).toBeUndefined();
    const robot = await get(params, basic('robot', 'robot-pw'));
    expect(typeof robot.json.refresh_token).toBe('string');
    // A refresh token is not an access token: its audience is the token service, not the registry.
    expect(decodeJwt(robot.json.refresh_token as string).payload.aud).toBe('test-issuer');
    const refreshed = await post({ grant_type: 'refresh_token', refresh_token: robot.json.refresh_token as string, service: 'registry.test', client_id: 'moam', scope: 'repository:moam/app:pull,push repository:elsewhere/x:pull' });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.scope).toBe('repository:moam/app:pull,push');
    expect(refreshed.json.refresh_token).toBeUndefined();
    expect(decodeJwt(refreshed.json.access_token as string).payload.sub).toBe('robot');
  });

  it('POST grant_type=password (containerd): access_token and the granted scope; a refresh token with access_type=offline', async () => {
    const r = await post({ grant_type: 'password', username: 'pusher', password: 'pusher-pw', service: 'registry.test', client_id: 'containerd-client', scope: 'repository:moam/pushable-1:pull,push repository:moam/src:pull' });
    expect(r.status).toBe(200);
    expect(r.json.token).toBeUndefined();
    expect(r.json.scope).toBe('repository:moam/pushable-1:pull,push');
    expect(access(r.json.access_token)).toEqual([
      { type: 'repository', name: 'moam/pushable-1', actions: ['pull', 'push'] },
      { type: 'repository', name: 'moam/src', actions: [] },
    ]);
    const offline = await post({ grant_type: 'password', username: 'ci', password: 'ci-pw', service: 'registry.test', client_id: 'x', access_type: 'offline' });
    const rt = offline.json.refresh_token as string;
    expect(offline.json.scope).toBe('');
    // refresh_token grant with access_type=offline hands back the same refresh token.
    const again = await post({ grant_type: 'refresh_token', refresh_token: rt, service: 'registry.test', client_id: 'x', access_type: 'offline', scope: 'repository:moam/app:push' });
    expect(again.json).toMatchObject({ refresh_token: rt, scope: 'repository:moam/app:push' });
  });

  it.each<[string, string, Record<string, string>, string?]>([
    ['a wrong password', 'invalid_grant', { grant_type: 'password', username: 'ci', password: 'nope', service: 'registry.test', client_id: 'x' }],
    ['a forged refresh token', 'invalid_grant', { grant_type: 'refresh_token', refresh_token: createTokenSigner().sign({ sub: 'ci', 'moam-refresh': true }), service: 'registry.test', client_id: 'x' }],
    ['an access token as refresh token', 'invalid_grant', { grant_type: 'refresh_token', refresh_token: 'eyJ0eXAiOiJKV1QifQ.e30.', service: 'registry.test', client_id: 'x' }],
    ['authorization_code (reserved)', 'unsupported_grant_type', { grant_type: 'authorization_code', code: 'c', service: 'registry.test', client_id: 'x' }],
    ['no client_id', 'invalid_request', { grant_type: 'password', username: 'ci', password: 'ci-pw', service: 'registry.test' }],
    ['another service', 'invalid_request', { grant_type: 'password', username: 'ci', password: 'ci-pw', service: 'other', client_id: 'x' }],
    ['a JSON body', 'invalid_request', { grant_type: 'password', username: 'ci', password: 'ci-pw', service: 'registry.test', client_id: 'x' }, 'application/json'],
  ])('POST refuses %s with 400 %s (RFC 6749 5.2)', async (_name, error, form, contentType) => {
    const r = await post(form, contentType);
    expect(r.status).toBe(400);
    expect(r.json.error).toBe(error);
    expect(r.json.access_token).toBeUndefined();
  });

  it('a refresh token of a user that is gone, or for another service, is refused', async () => {
    const other = await startTokenService({ service: 'other.test', issuer: 'test-issuer', signingKey: { privateKeyPem: KEY }, users: [users[3]!] });
    try {
      const res = await fetch(new URL('/token?service=other.test&offline_token=true', other.url), { headers: { authorization: basic('robot', 'robot-pw') } });
      const rt = ((await res.json()) as { refresh_token: string }).refresh_token;
      expect((await post({ grant_type: 'refresh_token', refresh_token: rt, service: 'registry.test', client_id: 'x' })).json.error).toBe('invalid_grant');
    } finally {
      await other.close();
    }
  });

  it('answers 404 elsewhere and 405 for other methods', async () => {
    expect((await fetch(new URL('/v2/', ts.url))).status).toBe(404);
    const del = await fetch(new URL('/token', ts.url), { method: 'DELETE' });
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toBe('GET, POST');
  });

  it('mints tokens with exactly the access given (tests of a registry refusing a scope)', () => {
    const token = ts.mintAccessToken('ci', [{ type: 'repository', name: 'moam/app', actions: ['pull'] }]);
    expect(decodeJwt(token).payload).toMatchObject({ sub: 'ci', aud: 'registry.test', access: [{ type: 'repository', name: 'moam/app', actions: ['pull'] }] });
  });
});
