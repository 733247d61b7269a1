// What the Rekor stand-in accepts, and how it refuses: go-openapi's binding of request bodies (proposed entries,
// search queries) with its status codes and messages, and the hashedrekord v0.0.1 type checked the way Rekor checks
// it (pkg/types/hashedrekord/v0.0.1/entry.go). Pure functions, no server. Test support only: never bundled.
import { X509Certificate, createPublicKey, type KeyObject } from 'node:crypto';
import { toPem } from './der.ts';
import { verifyPrehashed, type DigestAlgorithm } from './prehashed-signature.ts';
import { canonicalJson } from './rekor-log.ts';

/** An answer that is not a 2xx: go-openapi's {code, message} (code is the validation code for 422s). */
export class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}
export const required = (name: string): Refusal => new Refusal(422, 602, `${name} in body is required`);
const goType = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v);
export const unmarshal = (v: unknown, into: string): Refusal => new Refusal(500, 500, `json: cannot unmarshal ${goType(v)} into Go value of type ${into}`);
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// ------------------------------------------------------------------------------------------- PEM

const PEM_BLOCK = /-----BEGIN ([^\r\n-]+)-----\r?\n([\s\S]*?)-----END \1-----/g;

/** The key or certificate(s) of signature.publicKey.content, like rekor's x509.NewPublicKey, and its canonical PEM. */
function parsePublicKey(content: Buffer): { key: KeyObject; pem: string } {
  const text = content.toString('latin1').trim();
  const blocks = [...text.matchAll(PEM_BLOCK)].map((m) => ({ type: m[1] ?? '', der: Buffer.from((m[2] ?? '').replace(/\s/g, ''), 'base64'), end: (m.index ?? 0) + m[0].length }));
  const first = blocks[0];
  if (!first) throw new Error('invalid public key: failure decoding PEM');
  if (text.slice(first.end).trim() !== '') {
    // A chain (leaf first, root last): every block a certificate, each signed by the next.
    const certs = blocks.map((b) => {
      if (b.type !== 'CERTIFICATE') throw new Error('x509: malformed certificate');
      return new X509Certificate(b.der);
    });
    certs.slice(0, -1).forEach((c, i) => {
      const issuer = certs[i + 1] as X509Certificate;
      if (!c.checkIssued(issuer) || !c.verify(issuer.publicKey)) throw new Error('x509: certificate signed by unknown authority');
    });
    return { key: (certs[0] as X509Certificate).publicKey, pem: certs.map((c) => toPem('CERTIFICATE', c.raw)).join('') };
  }
  try {
    if (first.type === 'PUBLIC KEY') {
      const key = createPublicKey({ key: first.der, format: 'der', type: 'spki' });
      return { key, pem: toPem('PUBLIC KEY', key.export({ type: 'spki', format: 'der' })) };
    }
    if (first.type === 'CERTIFICATE') return { key: new X509Certificate(first.der).publicKey, pem: toPem('CERTIFICATE', first.der) };
  } catch (err) {
    throw new Error(`x509: failed to parse ${first.type.toLowerCase()}: ${(err as Error).message}`, { cause: err });
  }
  throw new Error(`invalid public key: cannot handle type ${first.type}`);
}

// ------------------------------------------------------------------------------- hashedrekord v0.0.1

const KINDS = ['alpine', 'cose', 'dsse', 'hashedrekord', 'helm', 'intoto', 'jar', 'rekord', 'rfc3161', 'rpm', 'tuf'];
// openapi.yaml's apiVersion pattern (semantic versioning).
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
const HASH_HEX: Record<DigestAlgorithm, number> = { sha256: 64, sha384: 96, sha512: 128 };

export interface Proposed {
  kind: string;
  apiVersion: string;
  spec: unknown;
}

/** go-openapi's binding of a ProposedEntry (discriminator, then the hashedrekord model's Validate): 500 or 422. */
export function bindProposedEntry(value: unknown): Proposed {
  if (!isObject(value)) throw unmarshal(value, 'models.ProposedEntry');
  const { kind, apiVersion, spec } = value;
  if (kind !== undefined && kind !== null && typeof kind !== 'string') throw unmarshal(kind, 'string');
  if (!kind) throw required('kind');
  if (!KINDS.includes(kind)) throw new Refusal(422, 422, `invalid kind value: ${JSON.stringify(kind)}`);
  if (apiVersion !== undefined && apiVersion !== null && typeof apiVersion !== 'string') throw unmarshal(apiVersion, 'string');
  if (typeof apiVersion !== 'string') throw required('apiVersion');
  if (!SEMVER.test(apiVersion)) throw new Refusal(422, 605, `apiVersion in body should match '${SEMVER.source}'`);
  if (spec === undefined || spec === null) throw required('spec');
  return { kind, apiVersion, spec };
}

/** Go's base64.StdEncoding (padding required, CR/LF ignored), which mapstructure applies to []byte fields. */
function base64Field(v: unknown, name: string): Buffer {
  if (typeof v !== 'string') throw new Error(`'${name}' expected type 'string', got unconvertible type '${goType(v)}'`);
  const s = v.replace(/[\r\n]/g, '');
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s)) {
    const at = s.search(/[^A-Za-z0-9+/=]/);
    throw new Error(`failed parsing base64 data: illegal base64 data at input byte ${at >= 0 ? at : s.length}`);
  }
  return Buffer.from(s, 'base64');
}
function objectField(v: unknown, name: string): Record<string, unknown> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw new Error(`'${name}' expected a map, got '${goType(v)}'`);
  return v;
}

export interface HashedRekord {
  algorithm: DigestAlgorithm;
  value: string;
  signature: Buffer;
  publicKeyPem: string;
  canonical: Buffer;
}

/** V001Entry.Unmarshal (decode, schema Validate, cross-field validate incl. the signature) + Canonicalize. Throws Rekor's messages. */
export function hashedRekord({ kind, apiVersion, spec }: Proposed): HashedRekord {
  if (kind !== 'hashedrekord') throw new Error(`this Rekor stand-in logs hashedrekord entries only, not ${kind}`);
  if (apiVersion.replace(/\+.*$/, '') !== '0.0.1') throw new Error(`hashedrekord implementation for version '${apiVersion}' not found: unable to locate entry for version ${apiVersion}`);
  const root = objectField(spec, '');
  const data = objectField(root?.data, 'data');
  const hash = objectField(data?.hash, 'data.hash');
  const sig = objectField(root?.signature, 'signature');
  const key = objectField(sig?.publicKey, 'signature.publicKey');
  const signature = sig?.content === undefined ? Buffer.alloc(0) : base64Field(sig.content, 'signature.content');
  const keyContent = key?.content === undefined ? Buffer.alloc(0) : base64Field(key.content, 'signature.publicKey.content');
  // the schema's Validate
  const problems: string[] = [];
  if (!data) problems.push('data in body is required');
  if (hash) {
    if (hash.algorithm === undefined) problems.push('data.hash.algorithm in body is required');
    else if (!Object.hasOwn(HASH_HEX, String(hash.algorithm))) problems.push('data.hash.algorithm in body should be one of [sha256 sha384 sha512]');
    if (hash.value === undefined) problems.push('data.hash.value in body is required');
  }
  if (!sig) problems.push('signature in body is required');
  if (problems.length > 0) throw new Error(`validation failure list:\n${problems.join('\n')}`);
  // validate(): the key, the hash, then the signature over the hash with that key
  if (!key) throw new Error('missing public key');
  const publicKey = parsePublicKey(keyContent);
  if (!hash) throw new Error('missing hash');
  const algorithm = hash.algorithm as DigestAlgorithm;
  const value = String(hash.value);
  if (!new RegExp(`^[a-f0-9]{${HASH_HEX[algorithm]}}$`).test(value)) throw new Error('invalid value for hash');
  try {
    verifyPrehashed(publicKey.key, algorithm, Buffer.from(value, 'hex'), signature);
  } catch (err) {
    throw new Error(`verifying signature: ${(err as Error).message}`, { cause: err });
  }
  const canonical = canonicalJson({
    apiVersion: '0.0.1',
    kind: 'hashedrekord',
    spec: { data: { hash: { algorithm, value } }, signature: { content: signature.toString('base64'), publicKey: { content: Buffer.from(publicKey.pem).toString('base64') } } },
  });
  return { algorithm, value, signature, publicKeyPem: publicKey.pem, canonical: Buffer.from(canonical) };
}

// ------------------------------------------------------------------------------------------ search

export const UUID_PATTERN = '^([0-9a-fA-F]{64}|[0-9a-fA-F]{80})$';

export interface SearchQuery {
  /** 64 hex (a leaf hash) or 80 hex (tree ID + leaf hash). */
  uuids: string[];
  logIndexes: number[];
  entries: Proposed[];
}

/** searchLogQuery's body, bound like go-openapi: entry UUIDs, proposed entries and log indexes, at most 10 in all. */
export function bindSearchQuery(query: unknown): SearchQuery {
  if (!isObject(query)) throw unmarshal(query, 'models.SearchLogQuery');
  const list = (name: string): unknown[] => {
    const v = query[name];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw unmarshal(v, `[]${name}`);
    if (v.length < 1) throw new Refusal(422, 612, `${name} in body should have at least 1 items`);
    if (v.length > 10) throw new Refusal(422, 611, `${name} in body should have at most 10 items`);
    return v;
  };
  const uuids = list('entryUUIDs').map((u, i) => {
    if (typeof u !== 'string' || !new RegExp(UUID_PATTERN).test(u)) throw new Refusal(422, 605, `entryUUIDs.${i} in body should match '${UUID_PATTERN}'`);
    return u;
  });
  const logIndexes = list('logIndexes').map((n, i) => {
    if (typeof n !== 'number' || !Number.isInteger(n)) throw unmarshal(n, 'int64');
    if (n < 0) throw new Refusal(422, 609, `logIndexes.${i} in body should be greater than or equal to 0`);
    return n;
  });
  const entries = list('entries').map(bindProposedEntry);
  if (uuids.length + logIndexes.length + entries.length > 10) throw new Refusal(422, 422, 'more than max allowed 10 entries in request');
  return { uuids, logIndexes, entries };
}
