/**
 * Per-job OIDC tokens on top of ONE OIDC stand-in (oidc-service.ts). The stand-in answers every request
 * token with the same identity; GitHub gives each job its own (job_workflow_ref differs between the caller's
 * and the called workflow's jobs, run_attempt between attempts). This broker hands each job with
 * `id-token: write` its own ACTIONS_ID_TOKEN_REQUEST_TOKEN and mints that job's claims with the stand-in's key,
 * so a Fulcio stand-in that trusts the stand-in trusts these tokens too.
 */
import { randomBytes } from 'node:crypto';
import { bearer, listen, sendJson } from '../http-util.ts';
import type { ClaimOverrides, OidcService } from '../oidc-service.ts';

export interface OidcRequest {
  job: string | undefined;
  audience: string | undefined;
  status: number;
}

export interface OidcBroker {
  /** ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN for one job; its tokens carry `claims` (plus the requested audience). */
  envFor(job: string, claims: ClaimOverrides): { ACTIONS_ID_TOKEN_REQUEST_URL: string; ACTIONS_ID_TOKEN_REQUEST_TOKEN: string };
  /** Every token request, in order, with the job it was for. */
  requests: OidcRequest[];
  close(): Promise<void>;
}

export async function startOidcBroker(issuer: OidcService): Promise<OidcBroker> {
  const jobs = new Map<string, { job: string; claims: ClaimOverrides }>();
  const requests: OidcRequest[] = [];
  const server = await listen((req, res, url) => {
    if (req.method !== 'GET' || url.pathname !== '/idtoken') return sendJson(res, 404, { message: 'not found' });
    const audience = url.searchParams.get('audience') ?? undefined;
    const token = bearer(req);
    const entry = token === undefined ? undefined : jobs.get(token);
    const status = token === undefined ? 401 : entry ? 200 : 403;
    requests.push({ job: entry?.job, audience, status });
    if (status === 401) return sendJson(res, 401, { message: 'Bearer token required' }, { 'www-authenticate': 'Bearer' });
    if (!entry) return sendJson(res, 403, { message: 'The token is not authorized to request an ID token' });
    return sendJson(res, 200, { count: 1, value: issuer.mintToken(audience === undefined ? entry.claims : { ...entry.claims, aud: audience }) });
  });
  return {
    envFor(job, claims) {
      const token = randomBytes(24).toString('hex');
      jobs.set(token, { job, claims });
      // As the runner: a URL that already has a query string; getIDToken() appends `&audience=`.
      return { ACTIONS_ID_TOKEN_REQUEST_URL: `${server.url}/idtoken?api-version=2.0`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: token };
    },
    requests,
    close: server.close,
  };
}
