// Stand-in for Sigstore's Fulcio CA (legacy v1 REST API, which cosign 2.5 uses) with an embedded-SCT CT log,
// so the real cosign binary can sign keyless offline. Test support only: never bundled.
//
// Certificates are built by hand in DER with node:crypto so that the precertificate TBS the SCT signs is
// byte-for-byte the final TBS minus the SCT extension (RFC 6962 §3.2, as certificate-transparency-go checks).
import { createHash, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bearer, decodeJwt, listen, readBody, sendJson } from './http-util.ts';
import { verifyJwt, type Jwks } from './oidc-service.ts';

// ---------------------------------------------------------------------------------------------- DER writer

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, ...content: Buffer[]): Buffer => {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
};
const seq = (...c: Buffer[]): Buffer => tlv(0x30, ...c);
const octets = (b: Buffer): Buffer => tlv(0x04, b);
const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));
const bitString = (b: Buffer, unused = 0): Buffer => tlv(0x03, Buffer.from([unused]), b);
const TRUE = Buffer.from([0x01, 0x01, 0xff]);
function oid(dotted: string): Buffer {
  const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number);
  const out = [40 * a + b];
  for (const n of rest) {
    const enc = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) enc.unshift(0x80 | (v & 0x7f));
    out.push(...enc);
  }
  return tlv(0x06, Buffer.from(out));
}
function integer(b: Buffer | number): Buffer {
  let bytes = typeof b === 'number' ? Buffer.from([b]) : b;
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  bytes = bytes.subarray(i);
  if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}
function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z'; // YYYYMMDDHHMMSSZ
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2))) : tlv(0x18, Buffer.from(iso));
}
const u16 = (n: number): Buffer => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const u24 = (n: number): Buffer => Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
const u64 = (n: number): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
};

// ------------------------------------------------------------------------------------------ certificates

const OID = {
  ecdsaSha256: '1.2.840.10045.4.3.2',
  ecdsaSha384: '1.2.840.10045.4.3.3',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  subjectKeyId: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyId: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  sctList: '1.3.6.1.4.1.11129.2.4.2',
  fulcio: '1.3.6.1.4.1.57264.1',
};

interface Extension {
  oid: string;
  critical?: boolean;
  value: Buffer; // extnValue contents (before the OCTET STRING wrapper)
}
const encodeExtension = (e: Extension): Buffer => seq(oid(e.oid), ...(e.critical ? [TRUE] : []), octets(e.value));

interface Ca {
  key: KeyObject;
  spki: Buffer;
  name: Buffer;
  certDer: Buffer;
  pem: string;
}

const nameOf = (cn: string): Buffer =>
  seq(tlv(0x31, seq(oid(OID.organization), utf8('moam test'))), tlv(0x31, seq(oid(OID.commonName), utf8(cn))));
const keyId = (spki: Buffer): Buffer => createHash('sha1').update(spki).digest();
const toPem = (der: Buffer): string => `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
const serial = (): Buffer => {
  const b = randomBytes(16);
  b[0] = ((b[0] ?? 0) & 0x7f) | 0x01;
  return b;
};

interface TbsInput {
  serial: Buffer;
  subject: Buffer;
  spki: Buffer;
  notBefore: Date;
  notAfter: Date;
  extensions: Extension[];
  hash: 'sha256' | 'sha384';
}
const sigAlg = (hash: 'sha256' | 'sha384'): Buffer => seq(oid(hash === 'sha256' ? OID.ecdsaSha256 : OID.ecdsaSha384));

function tbsCertificate(t: TbsInput, issuerName: Buffer): Buffer {
  return seq(
    tlv(0xa0, integer(2)),
    integer(t.serial),
    sigAlg(t.hash),
    issuerName,
    seq(time(t.notBefore), time(t.notAfter)),
    t.subject,
    t.spki,
    tlv(0xa3, seq(...t.extensions.map(encodeExtension))),
  );
}
const signCert = (tbs: Buffer, key: KeyObject, hash: 'sha256' | 'sha384'): Buffer => seq(tbs, sigAlg(hash), bitString(sign(hash, tbs, key)));

function makeCa(cn: string, parent: Ca | null, lifetimeDays: number, pathLen?: number): Ca {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const name = nameOf(cn);
  const now = Date.now();
  const extensions: Extension[] = [
    { oid: OID.keyUsage, critical: true, value: bitString(Buffer.from([0x06]), 1) }, // keyCertSign, cRLSign
    ...(parent ? [{ oid: OID.extKeyUsage, value: seq(oid(OID.codeSigning)) }] : []),
    { oid: OID.basicConstraints, critical: true, value: seq(TRUE, ...(pathLen === undefined ? [] : [integer(pathLen)])) },
    { oid: OID.subjectKeyId, value: octets(keyId(spki)) },
    ...(parent ? [{ oid: OID.authorityKeyId, value: seq(tlv(0x80, keyId(parent.spki))) }] : []),
  ];
  const tbs = tbsCertificate(
    { serial: serial(), subject: name, spki, notBefore: new Date(now - 3600_000), notAfter: new Date(now + lifetimeDays * 86400_000), extensions, hash: 'sha384' },
    parent ? parent.name : name,
  );
  const certDer = signCert(tbs, parent ? parent.key : privateKey, 'sha384');
  return { key: privateKey, spki, name, certDer, pem: toPem(certDer) };
}

// ------------------------------------------------------------------------------- SCT (RFC 6962 §3.2, 3.3)

interface CtLog {
  key: KeyObject;
  publicKeyPem: string;
  logId: Buffer;
}
function makeCtLog(): CtLog {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return { key: privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), logId: createHash('sha256').update(spki).digest() };
}

/** A v1 SCT for a precertificate entry: `precertTbs` is the leaf TBS without the SCT-list extension. */
function precertSct(log: CtLog, issuerSpki: Buffer, precertTbs: Buffer, timestamp: number): Buffer {
  const signed = Buffer.concat([
    Buffer.from([0, 0]), // sct_version v1, signature_type certificate_timestamp
    u64(timestamp),
    u16(1), // entry_type precert_entry
    createHash('sha256').update(issuerSpki).digest(),
    u24(precertTbs.length),
    precertTbs,
    u16(0), // no extensions
  ]);
  const sig = sign('sha256', signed, log.key);
  return Buffer.concat([Buffer.from([0]), log.logId, u64(timestamp), u16(0), Buffer.from([4, 3]), u16(sig.length), sig]);
}

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
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(path.join(os.tmpdir(), 'moam-fulcio-')));
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

    // 3. the leaf: precert TBS → SCT → final TBS (same bytes + the SCT list extension)
    const { san, extensions } = githubFulcioExtensions(claims);
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    const now = Date.now();
    const input: TbsInput = {
      serial: serial(),
      subject: seq(), // empty: the identity is the critical SAN
      spki,
      notBefore: new Date(now),
      notAfter: new Date(now + lifetime * 1000),
      hash: 'sha384',
      extensions: [
        { oid: OID.keyUsage, critical: true, value: bitString(Buffer.from([0x80]), 7) }, // digitalSignature
        { oid: OID.extKeyUsage, value: seq(oid(OID.codeSigning)) },
        { oid: OID.subjectKeyId, value: octets(keyId(spki)) },
        { oid: OID.authorityKeyId, value: seq(tlv(0x80, keyId(intermediate.spki))) },
        { oid: OID.subjectAltName, critical: true, value: seq(tlv(0x86, Buffer.from(san))) },
        ...extensions.map((e) => ({ oid: e.oid, value: e.raw ? Buffer.from(e.value, 'utf8') : utf8(e.value) })),
      ],
    };
    const precertTbs = tbsCertificate(input, intermediate.name);
    const sct = precertSct(ctlog, intermediate.spki, precertTbs, now);
    const sctList = Buffer.concat([u16(sct.length + 2), u16(sct.length), sct]);
    input.extensions.push({ oid: OID.sctList, value: octets(sctList) });
    const leaf = toPem(signCert(tbsCertificate(input, intermediate.name), intermediate.key, 'sha384'));
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
      if (ownDir) await rm(dir, { recursive: true, force: true });
    },
  };
}
