/** The GitHub Actions OIDC token as the signer sees it: its claims and the identity Fulcio will certify. */

/** Decodes (without verifying: cosign and Fulcio do that) the claims of the OIDC token we were given. */
export function tokenClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (!payload) throw new Error('the OIDC token is not a JWT');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The certificate identity Fulcio issues for a GitHub Actions token: the job's workflow at its ref. */
export function keylessIdentity(claims: Record<string, unknown>, serverUrl = 'https://github.com'): { identity: string; issuer: string } {
  const ref = claims.job_workflow_ref;
  const iss = claims.iss;
  if (typeof ref !== 'string' || typeof iss !== 'string') throw new Error('the OIDC token has no job_workflow_ref/iss claims; is it a GitHub Actions token?');
  return { identity: `${serverUrl.replace(/\/$/, '')}/${ref}`, issuer: iss };
}
