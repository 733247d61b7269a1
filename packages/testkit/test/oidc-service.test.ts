import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as core from '@actions/core';
import { startOidcService, verifyJwt, githubClaims, GITHUB_ACTIONS_ISSUER, type OidcService } from '../src/oidc-service.ts';
import { decodeJwt, withEnv } from '../src/http-util.ts';

let rs: OidcService;
let es: OidcService;

beforeAll(async () => {
  rs = await startOidcService({ claims: { repository: 'moam-org/multi-arch', repository_id: '555' } });
  es = await startOidcService({ alg: 'ES256', issuer: 'https://issuer.example.test' });
});
afterAll(async () => {
  await rs?.close();
  await es?.close();
});

describe('OIDC token endpoint stand-in with the real @actions/core getIDToken()', () => {
  it('issues an RS256 token with GitHub claims for the requested audience', async () => {
    const token = await withEnv(rs.env, () => core.getIDToken('sigstore'));
    const { header, payload } = decodeJwt(token);
    expect(header).toMatchObject({ alg: 'RS256', typ: 'JWT', kid: rs.kid });
    expect(payload).toMatchObject({
      iss: GITHUB_ACTIONS_ISSUER,
      aud: 'sigstore',
      sub: 'repo:moam-org/multi-arch:ref:refs/tags/v1.0.0',
      repository: 'moam-org/multi-arch',
      repository_owner: 'moam-org',
      repository_id: '555',
      ref: 'refs/tags/v1.0.0',
      ref_type: 'tag',
      workflow_ref: 'moam-org/multi-arch/.github/workflows/release.yml@refs/tags/v1.0.0',
      job_workflow_ref: 'moam-org/multi-arch/.github/workflows/release.yml@refs/tags/v1.0.0',
      runner_environment: 'github-hosted',
      event_name: 'push',
      run_attempt: '1',
    });
    expect(payload.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(payload.job_workflow_sha).toBe(payload.sha);
    const iat = payload.iat as number;
    expect(payload.exp).toBe(iat + 300);
    expect(payload.nbf as number).toBeLessThanOrEqual(iat);
    expect(verifyJwt(token, { jwks: rs.jwks })).toMatchObject({ aud: 'sigstore' });
    expect(rs.requests.at(-1)).toEqual({ audience: 'sigstore', status: 200 });
  });

  it('defaults aud to https://github.com/<owner> when no audience is asked for', async () => {
    const token = await withEnv(rs.env, () => core.getIDToken());
    expect(decodeJwt(token).payload.aud).toBe('https://github.com/moam-org');
  });

  it('signs ES256 with a configurable issuer and serves discovery + JWKS', async () => {
    const token = await withEnv(es.env, () => core.getIDToken('sigstore'));
    expect(decodeJwt(token).header.alg).toBe('ES256');
    expect(verifyJwt(token, { jwks: es.jwks }).iss).toBe('https://issuer.example.test');
    const disc = (await (await fetch(`${es.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(disc).toMatchObject({ issuer: 'https://issuer.example.test', jwks_uri: `${es.url}/.well-known/jwks`, id_token_signing_alg_values_supported: ['ES256'] });
    expect(await (await fetch(String(disc.jwks_uri))).json()).toEqual(es.jwks);
  });

  it('lets a test sign as another repository, workflow or ref (setClaims and mintToken)', async () => {
    rs.setClaims({ repository: 'evil/fork', ref: 'refs/heads/main', workflow_ref: 'evil/fork/.github/workflows/x.yml@refs/heads/main' });
    try {
      const { payload } = decodeJwt(await withEnv(rs.env, () => core.getIDToken('sigstore')));
      expect(payload).toMatchObject({
        repository: 'evil/fork',
        repository_owner: 'evil',
        sub: 'repo:evil/fork:ref:refs/heads/main',
        ref_type: 'branch',
        job_workflow_ref: 'evil/fork/.github/workflows/x.yml@refs/heads/main',
      });
    } finally {
      rs.setClaims({ repository: 'moam-org/multi-arch', ref: undefined, workflow_ref: undefined });
    }
    const direct = rs.mintToken({ aud: 'sigstore', event_name: 'workflow_dispatch', run_attempt: '3', exp: 1 });
    const { payload } = decodeJwt(direct);
    expect(payload).toMatchObject({ repository: 'moam-org/multi-arch', ref: 'refs/tags/v1.0.0', event_name: 'workflow_dispatch', run_attempt: '3' });
    expect(() => verifyJwt(direct, { jwks: rs.jwks })).toThrow(/expired/);
    expect(() => verifyJwt(rs.mintToken(), { jwks: es.jwks })).toThrow(/does not verify/);
  });

  it('refuses a missing (401) or wrong (403) request bearer token', async () => {
    await expect(withEnv({ ...rs.env, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'not-the-token' }, () => core.getIDToken('sigstore'))).rejects.toThrow(/Failed to get ID Token[\s\S]*Error Code : 403/);
    const res = await fetch(`${rs.env.ACTIONS_ID_TOKEN_REQUEST_URL}&audience=sigstore`);
    expect(res.status).toBe(401);
    expect(rs.requests.slice(-2).map((r) => r.status)).toEqual([403, 401]);
  });

  it('derives the GitHub claim set from repository/ref/sha', () => {
    const c = githubClaims({ repository: 'o/r', ref: 'refs/heads/dev', sha: 'f'.repeat(40), workflow_ref: 'o/r/.github/workflows/ci.yml@refs/heads/dev', job_workflow_ref: 'o/shared/.github/workflows/build.yml@refs/tags/v2' });
    expect(c).toMatchObject({ sub: 'repo:o/r:ref:refs/heads/dev', repository_owner: 'o', workflow_sha: 'f'.repeat(40), job_workflow_ref: 'o/shared/.github/workflows/build.yml@refs/tags/v2' });
  });
});
