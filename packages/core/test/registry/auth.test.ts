import { describe, expect, it } from 'vitest';
import { type AuthChallenge, buildTokenRequest, mergeScopes, missingScopes, parseTokenResponse, parseWwwAuthenticate, pickChallenge, repositoryScope, tokenGrants } from '../../src/registry/auth.ts';
import { parseRegistryErrorBody, summariseRegistryErrors } from '../../src/registry/errors.ts';

describe('parseWwwAuthenticate', () => {
  it.each<[string, string | string[] | undefined, AuthChallenge[]]>([
    [
      'Docker Hub bearer with a quoted scope holding a comma',
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push"',
      [{ scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:samalba/my-app:pull,push' } }],
    ],
    ['basic with a spaced realm', 'Basic realm="Registry Realm"', [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]],
    ['scheme and parameter names are case-insensitive', 'BEARER Realm="https://r/token",SERVICE="s"', [{ scheme: 'bearer', params: { realm: 'https://r/token', service: 's' } }]],
    ['unquoted values, URLs included', 'Bearer realm=https://auth.example.com/token,service=example', [{ scheme: 'bearer', params: { realm: 'https://auth.example.com/token', service: 'example' } }]],
    ['whitespace around = and commas', 'Bearer realm = "x" ,  service= "y"', [{ scheme: 'bearer', params: { realm: 'x', service: 'y' } }]],
    ['escaped quotes and backslashes', 'Bearer realm="a\\"b\\\\c",error="insufficient_scope"', [{ scheme: 'bearer', params: { realm: 'a"b\\c', error: 'insufficient_scope' } }]],
    [
      'several scopes, space-separated, with commas',
      'Bearer realm="https://r/token",service="s",scope="repository:a:pull,push repository:b:pull"',
      [{ scheme: 'bearer', params: { realm: 'https://r/token', service: 's', scope: 'repository:a:pull,push repository:b:pull' } }],
    ],
    [
      'error and error_description with commas inside',
      'Bearer realm="https://r/token",error="invalid_token",error_description="The access token expired, get a new one"',
      [{ scheme: 'bearer', params: { realm: 'https://r/token', error: 'invalid_token', error_description: 'The access token expired, get a new one' } }],
    ],
    [
      'two challenges in one header',
      'Basic realm="fallback", Bearer realm="https://r/token",service="s"',
      [
        { scheme: 'basic', params: { realm: 'fallback' } },
        { scheme: 'bearer', params: { realm: 'https://r/token', service: 's' } },
      ],
    ],
    [
      'two header lines',
      ['Bearer realm="https://r/token"', 'Basic realm="b"'],
      [
        { scheme: 'bearer', params: { realm: 'https://r/token' } },
        { scheme: 'basic', params: { realm: 'b' } },
      ],
    ],
    ['token68', 'Negotiate abc+/def==', [{ scheme: 'negotiate', params: {}, token68: 'abc+/def==' }]],
    [
      'token68 then another challenge',
      'Negotiate abc==, Basic realm="x"',
      [
        { scheme: 'negotiate', params: {}, token68: 'abc==' },
        { scheme: 'basic', params: { realm: 'x' } },
      ],
    ],
    ['scheme without parameters', 'Basic', [{ scheme: 'basic', params: {} }]],
    ['empty quoted value', 'Bearer realm="",service="s"', [{ scheme: 'bearer', params: { realm: '', service: 's' } }]],
    ['empty header', '', []],
    ['no header', undefined, []],
  ])('%s', (_name, header, expected) => {
    expect(parseWwwAuthenticate(header)).toEqual(expected);
  });

  it('picks Bearer (with a realm) over Basic', () => {
    expect(pickChallenge(parseWwwAuthenticate('Basic realm="x", Bearer realm="https://r/token"'))?.scheme).toBe('bearer');
    expect(pickChallenge(parseWwwAuthenticate('Bearer service="no-realm", Basic realm="x"'))?.scheme).toBe('basic');
    expect(pickChallenge(parseWwwAuthenticate('Negotiate abc=='))).toBeUndefined();
  });
});

describe('scopes', () => {
  it.each<[string[][], string[]]>([
    [[['repository:a:pull']], ['repository:a:pull']],
    [[['repository:a:pull'], ['repository:a:push,pull']], ['repository:a:pull,push']],
    [[['repository:b:pull', 'repository:a:pull,push']], ['repository:a:pull,push', 'repository:b:pull']],
    [[['repository:localhost/x:pull']], ['repository:localhost/x:pull']],
    [[['registry:catalog:*'], []], ['registry:catalog:*']],
  ])('mergeScopes(%j) -> %j', (lists, expected) => {
    expect(mergeScopes(...lists)).toEqual(expected);
  });

  it('builds repository scopes', () => {
    expect(repositoryScope('library/alpine', ['pull'])).toBe('repository:library/alpine:pull');
    expect(repositoryScope('o/app', ['pull', 'push'])).toBe('repository:o/app:pull,push');
  });
});

describe('token requests', () => {
  const challenge: AuthChallenge = { scheme: 'bearer', params: { realm: 'https://auth.example.com/token?x=1', service: 'registry.example.com' } };

  it('GETs the realm with service and every scope, Basic-authenticated with a username/password', () => {
    const r = buildTokenRequest(challenge, ['repository:a:pull,push', 'repository:b:pull'], { username: 'u', password: 'p:w', source: 'test' });
    expect(r.method).toBe('GET');
    expect(r.url.origin + r.url.pathname).toBe('https://auth.example.com/token');
    expect(r.url.searchParams.get('x')).toBe('1');
    expect(r.url.searchParams.get('service')).toBe('registry.example.com');
    expect(r.url.searchParams.getAll('scope')).toEqual(['repository:a:pull,push', 'repository:b:pull']);
    expect(r.headers.Authorization).toBe(`Basic ${Buffer.from('u:p:w').toString('base64')}`);
  });

  it('GETs anonymously without credentials', () => {
    const r = buildTokenRequest(challenge, ['repository:a:pull'], undefined);
    expect(r.headers.Authorization).toBeUndefined();
  });

  it('POSTs the OAuth2 refresh-token form with an identity token', () => {
    const r = buildTokenRequest(challenge, ['repository:a:pull', 'repository:b:pull'], { identityToken: 'refresh-me', source: 'test' });
    expect(r.method).toBe('POST');
    expect(r.headers['Content-Type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(r.body?.toString());
    expect(Object.fromEntries(form)).toEqual({ grant_type: 'refresh_token', refresh_token: 'refresh-me', service: 'registry.example.com', scope: 'repository:a:pull repository:b:pull', client_id: 'moam' });
  });

  it.each<[string, { token: string; expiresInS: number } | undefined]>([
    ['{"token":"t1","expires_in":300}', { token: 't1', expiresInS: 300 }],
    ['{"access_token":"t2"}', { token: 't2', expiresInS: 60 }],
    ['{"token":"","access_token":"t3","expires_in":0}', { token: 't3', expiresInS: 60 }],
    ['{"nothing":true}', undefined],
    ['not json', undefined],
  ])('parseTokenResponse(%s)', (body, expected) => {
    expect(parseTokenResponse(Buffer.from(body))).toEqual(expected);
  });
});

describe('what a token grants (for error messages only)', () => {
  const jwt = (payload: unknown) => `${Buffer.from('{"alg":"ES256"}').toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.c2ln`;

  it('reads the access claim of a JWT; empty grants drop out', () => {
    const token = jwt({ access: [{ type: 'repository', name: 'o/app', actions: ['pull'] }, { type: 'repository', name: 'o/src', actions: [] }, { type: 'repository', name: 'o/app', actions: ['push'] }] });
    expect(tokenGrants(token)).toEqual(['repository:o/app:pull,push']);
    expect(tokenGrants(jwt({ access: [] }))).toEqual([]);
  });

  it.each(['djE6b3BhcXVl', 'a.b', `x.${Buffer.from('not json').toString('base64url')}.y`, jwt({ sub: 'no access claim' }), jwt([1])])('an opaque token (%s) grants unknown', (token) => {
    expect(tokenGrants(token)).toBeUndefined();
  });

  it('missingScopes: what is needed and not granted, per resource', () => {
    expect(missingScopes(['repository:o/app:pull,push'], ['repository:o/app:pull'])).toEqual(['repository:o/app:push']);
    expect(missingScopes(['repository:o/app:pull,push', 'repository:o/src:pull'], ['repository:o/app:pull,push'])).toEqual(['repository:o/src:pull']);
    expect(missingScopes(['repository:o/app:pull'], ['repository:o/app:pull,push'])).toEqual([]);
    expect(missingScopes(['repository:o/app:push,pull'], undefined)).toEqual(['repository:o/app:pull,push']);
  });
});

describe('error bodies of token services', () => {
  it.each<[string, { code?: string; detail?: string }]>([
    ['{"details":"incorrect username or password"}', { detail: 'incorrect username or password' }],
    ['{"error":"invalid_grant","error_description":"incorrect username or password"}', { detail: 'invalid_grant: incorrect username or password' }],
    ['{"error":"invalid_grant"}', { detail: 'invalid_grant' }],
    ['{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}', { code: 'UNAUTHORIZED', detail: 'authentication required' }],
  ])('%s', (body, expected) => {
    expect(summariseRegistryErrors(parseRegistryErrorBody(body))).toEqual(expected);
  });
});
