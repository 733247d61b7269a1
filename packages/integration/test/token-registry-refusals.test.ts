// What the token service and the token-auth registry (scripts/testbed/token-registry.sh) refuse: wrong passwords,
// tokens without the scope, tokens not signed by the registry's key, refresh tokens used as access tokens. Raw
// exchanges with the test CA, no client of ours. Shared setup: support/token-registry.ts.
// Run with: source <(bash scripts/testbed.sh env); source <(bash scripts/testbed/token-registry.sh env)
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { uniqueName } from '@moam/testkit';
import { createTokenSigner } from '../../testkit/src/token-service.ts';
import { basic, request, runTool, tempDir, tokenFor, tr } from './support/token-registry.ts';
import { removeTempDirs } from './support/temp-dirs.ts';

afterAll(removeTempDirs);

describe('what the token service and the registry refuse', () => {
  it('docker login with a wrong password: "unauthorized: incorrect username or password"', async () => {
    const dir = await tempDir('docker-config-wrong');
    const r = await runTool('docker', ['login', '--username', tr.ci.user, '--password-stdin', tr.registry], { env: { ...process.env, DOCKER_CONFIG: dir }, input: 'wrong' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('unauthorized: incorrect username or password');
  });

  it('the token endpoint answers bad credentials with 401 and a Basic challenge, never with an anonymous token', async () => {
    const r = await request(`${tr.realm}?service=${encodeURIComponent(tr.service)}&scope=repository:moam/x:pull`, { headers: { authorization: basic({ user: tr.ci.user, password: 'wrong' }) } });
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toMatch(/^Basic realm=/);
    expect(JSON.parse(r.body)).toEqual({ details: 'incorrect username or password' });
  });

  it('a token without the scope: the registry answers 401 insufficient_scope, naming the scope it wants', async () => {
    const repo = `moam/${uniqueName('scope')}`;
    const token = await tokenFor(tr.reader, [`repository:${repo}:pull,push`]);
    const r = await request(`https://${tr.registry}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(r.status).toBe(401);
    const challenge = String(r.headers['www-authenticate']);
    expect(challenge).toContain(`Bearer realm="${tr.realm}",service="${tr.service}"`);
    expect(challenge).toMatch(new RegExp(`scope="repository:${repo}:(push,pull|pull,push)"`));
    expect(challenge).toContain('error="insufficient_scope"');
    // The same token still pulls.
    expect((await request(`https://${tr.registry}/v2/${repo}/tags/list`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
  });

  it('registry 2.8 takes the signing key by libtrust kid or as an x5c certificate, and nothing else', async () => {
    const key = await readFile(tr.signingKey, 'utf8');
    const cert = await readFile(tr.signingCert, 'utf8');
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: tr.issuer, sub: 'test', aud: tr.service, iat: now, nbf: now, exp: now + 120, jti: randomBytes(8).toString('hex'), access: [] };
    const v2 = async (token: string) => {
      const r = await request(`https://${tr.registry}/v2/`, { headers: { authorization: `Bearer ${token}` } });
      return `${r.status}${String(r.headers['www-authenticate'] ?? '').includes('invalid_token') ? ' invalid_token' : ''}`;
    };
    expect(await v2(createTokenSigner({ privateKeyPem: key }).sign(claims))).toBe('200');
    expect(await v2(createTokenSigner({ privateKeyPem: key, certificatePem: cert, header: 'x5c' }).sign(claims))).toBe('200');
    expect(await v2(createTokenSigner().sign(claims))).toBe('401 invalid_token');
    expect(await v2(createTokenSigner({ privateKeyPem: key }).sign({ ...claims, aud: 'another-service' }))).toBe('401 invalid_token');
    expect(await v2(createTokenSigner({ privateKeyPem: key }).sign({ ...claims, exp: now - 120 }))).toBe('401 invalid_token');
  });

  it('a refresh token is no access token: the registry refuses it', async () => {
    const r = await request(tr.realm, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', username: tr.ci.user, password: tr.ci.password, service: tr.service, client_id: 'moam-test', access_type: 'offline' }).toString(),
    });
    expect(r.status, r.body).toBe(200);
    const { refresh_token: refresh, access_token: access } = JSON.parse(r.body) as { refresh_token: string; access_token: string };
    expect((await request(`https://${tr.registry}/v2/`, { headers: { authorization: `Bearer ${access}` } })).status).toBe(200);
    expect((await request(`https://${tr.registry}/v2/`, { headers: { authorization: `Bearer ${refresh}` } })).status).toBe(401);
  });
});
