// Stand-in for Sigstore's Fulcio CA (legacy v1 REST API, which cosign 2.5 uses) with an embedded-SCT CT log,
// so the real cosign binary can sign keyless offline. Test support only: never bundled.
//
// This module checks the identity token and the proof of possession, and maps the token's claims to Fulcio's
// certificate extensions; fulcio-certs.ts builds the certificates.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { OID, issueLeaf, makeCa, makeCtLog } from './fulcio-certs.ts';
import { bearer, decodeJwt, listen, readBody, sendJson } from './http-util.ts';
import { verifyJwt, type Jwks } from './oidc-service.ts';
import { trustDir } from './trust-dir.ts';

// ------------------------------------------------------------------------------------- Fulcio mapping

/** Fulcio's certificate extensions for a GitHub Actions token (fulcio docs/oid-info.md). */
export function githubFulcioExtensions(claims: Record<string, unknown>): { san: string; extensions: Array<{ oid: string; value: string; raw: boolean }> } {
  const c = (k: string): string => (typeof claims[k] === 'string' ? (claims[k] as string) : '');
  // https://github.com/ + the claims' values, or '' when one is missing
  const gh = (...keys: string[]): string => (keys.every((k) => c(k) !== '') ? `https://github.com/${keys.map(c).join('')}` : '');
  const exts: Array<[number, string]> = [
    [1, c('iss')],
    [2, c('event_name')],
    [3, c('sha')],
    [4, c('workflow')],
    [5, c('repository')],
    [6, c('ref')],
    [8, c('iss')],
    [9, gh('job_workflow_ref')],
    [10, c('job_workflow_sha')],
    [11, c('runner_environment')],
    [12, gh('repository')],
    [13, c('sha')],
    [14, c('ref')],
    [15, c('repository_id')],
    [16, gh('repository_owner')],
    [17, c('repository_owner_id')],
    [18, gh('workflow_ref')],
    [19, c('workflow_sha')],
    [20, c('event_name')],
    [21, gh('repository', 'run_id', 'run_attempt') && `https://github.com/${c('repository')}/actions/runs/${c('run_id')}/attempts/${c('run_attempt')}`],
    [22, c('repository_visibility')],
  ];
  return {
    san: gh('job_workflow_ref'),
    // .1 to .6 are the deprecated raw-string extensions; .8 on are DER UTF8String. Empty values are omitted.
    extensions: exts.filter(([, v]) => v !== '').map(([n, value]) => ({ oid: `${OID.fulcio}.${n}`, value, raw: n <= 6 })),
  };
}

// -------------------------------------------------------------------------------------------- service

export interface TrustedIssuer {
  issuer: string;
  jwks: Jwks;
}

export interface FulcioOptions {
  /** OIDC issuers whose tokens are accepted (an OidcService fits this shape). */
  issuers: TrustedIssuer[];
  /** Required `aud` (Fulcio's client ID), default "sigstore". */
  audience?: string;
  /** Leaf lifetime, default 600 s like Fulcio. */
  certLifetimeSeconds?: number;
  /** Where to write the trust files (default: a new temp dir, removed by close()). */
  dir?: string;
}

export interface IssuedCert {
  san: string;
  claims: Record<string, unknown>;
  certPem: string;
}

export interface FulcioStandIn {
  url: string;
  /** For cosign sign/verify: the trust bundle (root + intermediate) and the CT log key. */
  env: { SIGSTORE_ROOT_FILE: string; SIGSTORE_CT_LOG_PUBLIC_KEY_FILE: string };
  rootPem: string;
  intermediatePem: string;
  ctLogPublicKeyPem: string;
  issued: IssuedCert[];
  rejected: Array<{ status: number; message: string }>;
  close(): Promise<void>;
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly grpcCode: number,
    message: string,
  ) {
    super(message);
  }
}
const unauthenticated = (why: string): Refusal => new Refusal(401, 16, `There was an error processing the identity token: ${why}`);
const invalidArgument = (msg: string): Refusal => new Refusal(400, 3, msg);

function parsePublicKey(content: unknown): KeyObject {
  if (typeof content !== 'string' || content === '') throw invalidArgument('The public key supplied in the request could not be parsed: missing publicKey.content');
  const raw = Buffer.from(content, 'base64');
  try {
    const text = raw.toString('utf8');
    return text.includes('-----BEGIN') ? createPublicKey(text) : createPublicKey({ key: raw, format: 'der', type: 'spki' });
  } catch (err) {
    throw invalidArgument(`The public key supplied in the request could not be parsed: ${(err as Error).message}`);
  }
}

export async function startFulcio(options: FulcioOptions): Promise<FulcioStandIn> {
  const audience = options.audience ?? 'sigstore';
  const lifetime = options.certLifetimeSeconds ?? 600;
  const root = makeCa('moam fulcio stand-in root', null, 3650);
  const intermediate = makeCa('moam fulcio stand-in intermediate', root, 3650, 0);
  const ctlog = makeCtLog();
  const { dir, dispose } = await trustDir(options.dir, 'moam-fulcio-');
  const rootFile = path.join(dir, 'fulcio-roots.pem');
  const ctFile = path.join(dir, 'ctlog.pub.pem');
  await writeFile(rootFile, root.pem + intermediate.pem);
  await writeFile(ctFile, ctlog.publicKeyPem);
  const issued: IssuedCert[] = [];
  const rejected: FulcioStandIn['rejected'] = [];

  function issue(token: string, body: Record<string, unknown>): string {
    // 1. the identity token: a trusted issuer's signature, its iss, our audience, not expired
    let unverified: Record<string, unknown>;
    try {
      unverified = decodeJwt(token).payload;
    } catch (err) {
      throw unauthenticated((err as Error).message);
    }
    const trust = options.issuers.find((i) => i.issuer === unverified.iss);
    if (!trust) throw unauthenticated(`issuer ${String(unverified.iss)} is not trusted`);
    let claims: Record<string, unknown>;
    try {
      claims = verifyJwt(token, { jwks: trust.jwks });
    } catch (err) {
      throw unauthenticated((err as Error).message);
    }
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!aud.includes(audience)) throw unauthenticated(`token audience ${aud.join(',')} does not include ${audience}`);
    if (typeof claims.sub !== 'string' || claims.sub === '') throw unauthenticated('token has no sub');
    if (typeof claims.job_workflow_ref !== 'string' || claims.job_workflow_ref === '') throw unauthenticated('token has no job_workflow_ref');

    // 2. proof of possession: the signature over the token's subject verifies with the submitted key
    if (body.certificateSigningRequest) throw invalidArgument('certificateSigningRequest is not supported by this stand-in; send publicKey + signedEmailAddress');
    const publicKey = parsePublicKey((body.publicKey as Record<string, unknown> | undefined)?.content);
    const proof = typeof body.signedEmailAddress === 'string' ? Buffer.from(body.signedEmailAddress, 'base64') : Buffer.alloc(0);
    const hash = publicKey.asymmetricKeyType === 'ed25519' ? null : 'sha256';
    let proven: boolean;
    try {
      proven = proof.length > 0 && verify(hash, Buffer.from(claims.sub), publicKey, proof);
    } catch {
      proven = false;
    }
    if (!proven) throw invalidArgument('The signature supplied in the request could not be verified');

    // 3. the leaf, for that key and the token's identity
    const { san, extensions } = githubFulcioExtensions(claims);
    const leaf = issueLeaf(intermediate, ctlog, { spki: publicKey.export({ type: 'spki', format: 'der' }), san, extensions, lifetimeSeconds: lifetime });
    issued.push({ san, claims, certPem: leaf });
    return leaf + intermediate.pem + root.pem;
  }

  const server = await listen(async (req, res, url) => {
    if (req.method === 'GET' && url.pathname === '/api/v1/rootCert') {
      res.writeHead(200, { 'content-type': 'application/pem-certificate-chain' });
      return void res.end(intermediate.pem + root.pem);
    }
    if (req.method !== 'POST' || url.pathname !== '/api/v1/signingCert') return sendJson(res, 404, { code: 5, message: 'Not Found' });
    try {
      const token = bearer(req);
      if (!token) throw unauthenticated('missing bearer token');
      let body: Record<string, unknown>;
      try {
        body = JSON.parse((await readBody(req, 1024 * 1024)).toString('utf8')) as Record<string, unknown>;
      } catch {
        throw invalidArgument('request body is not JSON');
      }
      const chain = issue(token, body ?? {});
      res.writeHead(201, { 'content-type': 'application/pem-certificate-chain' });
      res.end(chain);
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      rejected.push({ status: err.status, message: err.message });
      sendJson(res, err.status, { code: err.grpcCode, message: err.message });
    }
  });

  return {
    url: server.url,
    env: { SIGSTORE_ROOT_FILE: rootFile, SIGSTORE_CT_LOG_PUBLIC_KEY_FILE: ctFile },
    rootPem: root.pem,
    intermediatePem: intermediate.pem,
    ctLogPublicKeyPem: ctlog.publicKeyPem,
    issued,
    rejected,
    async close() {
      await server.close();
      await dispose();
    },
  };
}
