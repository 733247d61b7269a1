// Stand-in for Sigstore's Rekor v1 transparency log (REST API v1, as rekor v1.3.9, which cosign 2.5.0 is built
// against), so the real cosign binary can sign with tlog upload on and verify the log entry offline. It serves
// exactly the four operations cosign 2.5 calls (pkg/cosign/tlog.go): createLogEntry, getLogEntryByUUID and
// getPublicKey (both only after a 409), and searchLogQuery (verify, when a signature has no bundle). Anything
// else gets go-openapi's 404. Only hashedrekord v0.0.1 entries are logged; they are checked the way Rekor
// checks them (pkg/types/hashedrekord/v0.0.1/entry.go) and refused with Rekor's status codes and messages.
// Test support only: never bundled.
import { X509Certificate, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { listen, readBody, sendJson } from './http-util.ts';
import { verifyPrehashed, type DigestAlgorithm } from './prehashed-signature.ts';
import { MerkleTree, canonicalJson, leafHash, logIdOf, signEntryTimestamp, signedCheckpoint, type LogIdentity, type SetPayload } from './rekor-log.ts';

export interface RekorOptions {
  /** The log's signing key. Rekor's default signer is a fresh ECDSA P-256 key; cosign accepts only ECDSA. */
  privateKey?: KeyObject;
  /** rekor_server.hostname (checkpoint origin and signer name); rekor-server defaults it to os.Hostname(). */
  hostname?: string;
  /** The Trillian tree ID (default: random positive int64, as Trillian creates). */
  treeId?: bigint;
  /** Milliseconds since the epoch for integratedTime (default Date.now): a log that integrates late or early. */
  clock?: () => number;
  /** Where to write the public key (default: a new temp dir, removed by close()). */
  dir?: string;
}

/** One logged hashedrekord entry, as it sits in the log. */
export interface LoggedEntry {
  /** treeID (16 hex) + uuid: the key of the LogEntry object and of the Location header. */
  entryID: string;
  /** hex leaf hash of the canonical body. */
  uuid: string;
  logIndex: number;
  integratedTime: number;
  hash: { algorithm: DigestAlgorithm; value: string };
  /** base64 signature, as logged. */
  signature: string;
  /** The canonical PEM Rekor stores: the public key, or the certificate(s) re-encoded. */
  publicKeyPem: string;
  /** base64 canonical body: LogEntry.body, the leaf. */
  body: string;
}

export interface RekorStandIn {
  url: string;
  /** For cosign verify: the log key it checks SETs (and inclusion-proof answers) with. */
  env: { SIGSTORE_REKOR_PUBLIC_KEY: string };
  publicKeyPem: string;
  /** hex SHA-256 of the DER public key. */
  logId: string;
  treeId: string;
  entries: LoggedEntry[];
  rejected: Array<{ method: string; path: string; status: number; message: string }>;
  close(): Promise<void>;
}

/** An answer that is not a 2xx: go-openapi's {code, message} (code is the validation code for 422s). */
class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}
const required = (name: string): Refusal => new Refusal(422, 602, `${name} in body is required`);
const goType = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v);
const unmarshal = (v: unknown, into: string): Refusal => new Refusal(500, 500, `json: cannot unmarshal ${goType(v)} into Go value of type ${into}`);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// ------------------------------------------------------------------------------------------- PEM

const toPem = (type: string, der: Buffer): string => `-----BEGIN ${type}-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END ${type}-----\n`;
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

interface Proposed {
  kind: string;
  apiVersion: string;
  spec: unknown;
}

/** go-openapi's binding of a ProposedEntry (discriminator, then the hashedrekord model's Validate): 500 or 422. */
function bindProposedEntry(value: unknown): Proposed {
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

interface HashedRekord {
  algorithm: DigestAlgorithm;
  value: string;
  signature: Buffer;
  publicKeyPem: string;
  canonical: Buffer;
}

/** V001Entry.Unmarshal (decode, schema Validate, cross-field validate incl. the signature) + Canonicalize. Throws Rekor's messages. */
function hashedRekord({ kind, apiVersion, spec }: Proposed): HashedRekord {
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

// -------------------------------------------------------------------------------------------- service

/** The body of a POST, bound like go-openapi: empty → 422 required, not JSON content → 415, unparsable → 500. */
async function readJson(req: http.IncomingMessage, name: string): Promise<unknown> {
  const body = await readBody(req, 32 * 1024 * 1024);
  if (body.length === 0) throw required(name);
  const type = (req.headers['content-type'] ?? 'application/octet-stream').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new Refusal(415, 415, `unsupported media type ${JSON.stringify(type)}, only [application/json] are allowed`);
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (err) {
    throw new Refusal(500, 500, (err as Error).message);
  }
}

const UUID_PATTERN = '^([0-9a-fA-F]{64}|[0-9a-fA-F]{80})$';

/** A random positive int64, the way Trillian picks tree IDs. */
const randomTreeId = (): bigint => (BigInt(`0x${randomBytes(8).toString('hex')}`) & (2n ** 63n - 1n)) || 1n;

export async function startRekor(options: RekorOptions = {}): Promise<RekorStandIn> {
  const privateKey = options.privateKey ?? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  if (privateKey.asymmetricKeyType !== 'ec') throw new Error('cosign verifies Rekor SETs with ECDSA keys only');
  const publicKey = createPublicKey(privateKey);
  const log: LogIdentity = { privateKey, publicKey, logId: logIdOf(publicKey), hostname: options.hostname ?? os.hostname(), treeId: String(options.treeId ?? randomTreeId()) };
  const treeHex = BigInt(log.treeId).toString(16).padStart(16, '0');
  const clock = options.clock ?? Date.now;
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(path.join(os.tmpdir(), 'moam-rekor-')));
  const keyFile = path.join(dir, 'rekor.pub');
  await writeFile(keyFile, publicKeyPem);

  const tree = new MerkleTree();
  const entries: LoggedEntry[] = [];
  const rejected: RekorStandIn['rejected'] = [];
  const byUuid = new Map<string, LoggedEntry>();

  /** A LogEntry ({entryID: LogEntryAnon}) with a fresh SET and an inclusion proof against the current tree head. */
  function logEntry(e: LoggedEntry): Record<string, unknown> {
    const payload: SetPayload = { body: e.body, integratedTime: e.integratedTime, logID: log.logId, logIndex: e.logIndex };
    const root = tree.root();
    const inclusionProof = {
      checkpoint: signedCheckpoint(log, tree.size, root),
      hashes: tree.proof(e.logIndex).map((h) => h.toString('hex')),
      logIndex: e.logIndex,
      rootHash: root.toString('hex'),
      treeSize: tree.size,
    };
    return { [e.entryID]: { ...payload, verification: { inclusionProof, signedEntryTimestamp: signEntryTimestamp(payload, privateKey).toString('base64') } } };
  }

  /** Rekor's getEntryURL: the request path + "/" + entryID, query kept minus apiKey. */
  function entryUrl(url: URL, entryID: string): string {
    const query = new URLSearchParams(url.searchParams);
    query.delete('apiKey');
    query.sort();
    return `${url.pathname}/${entryID}${query.size > 0 ? `?${query}` : ''}`;
  }

  /** createLogEntry: validate, refuse a duplicate leaf, append, integrate now. */
  function create(proposed: Proposed, url: URL): LoggedEntry {
    let entry: HashedRekord;
    try {
      entry = hashedRekord(proposed);
    } catch (err) {
      throw new Refusal(400, 400, `error processing entry: ${(err as Error).message}`);
    }
    const uuid = leafHash(entry.canonical).toString('hex');
    const existing = byUuid.get(uuid);
    // Trillian refuses a leaf it already holds; Rekor answers 409 with where the existing entry is.
    if (existing) throw new Refusal(409, 409, `an equivalent entry already exists in the transparency log with UUID ${existing.entryID}`, { location: entryUrl(url, existing.entryID) });
    const logged: LoggedEntry = {
      entryID: treeHex + uuid,
      uuid,
      logIndex: tree.append(entry.canonical),
      integratedTime: Math.floor(clock() / 1000),
      hash: { algorithm: entry.algorithm, value: entry.value },
      signature: entry.signature.toString('base64'),
      publicKeyPem: entry.publicKeyPem,
      body: entry.canonical.toString('base64'),
    };
    entries.push(logged);
    byUuid.set(uuid, logged);
    return logged;
  }

  function find(entryUuid: string): LoggedEntry | undefined {
    if (entryUuid.length === 80 && entryUuid.slice(0, 16).toLowerCase() !== treeHex) return undefined; // another shard
    return byUuid.get(entryUuid.slice(-64).toLowerCase());
  }

  /** searchLogQuery: entry UUIDs, proposed entries (found by leaf hash) and log indexes, at most 10 in all. */
  function search(query: unknown): unknown[] {
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
    const indexes = list('logIndexes').map((n, i) => {
      if (typeof n !== 'number' || !Number.isInteger(n)) throw unmarshal(n, 'int64');
      if (n < 0) throw new Refusal(422, 609, `logIndexes.${i} in body should be greater than or equal to 0`);
      return n;
    });
    const proposed = list('entries').map(bindProposedEntry);
    if (uuids.length + indexes.length + proposed.length > 10) throw new Refusal(422, 422, 'more than max allowed 10 entries in request');
    const found: Array<LoggedEntry | undefined> = uuids.filter((u) => u.length === 80).map(find);
    const hashes = uuids.filter((u) => u.length === 64).map((u) => u.toLowerCase());
    for (const p of proposed) {
      try {
        hashes.push(leafHash(hashedRekord(p).canonical).toString('hex'));
      } catch (err) {
        throw new Refusal(400, 400, (err as Error).message);
      }
    }
    found.push(...hashes.map((h) => byUuid.get(h)), ...indexes.map((i) => entries[i]));
    return found.filter((e) => e !== undefined).map(logEntry);
  }

  const server = await listen(async (req, res, url) => {
    try {
      const route = `${req.method} ${url.pathname}`;
      if (route === 'POST /api/v1/log/entries') {
        const e = create(bindProposedEntry(await readJson(req, 'proposedEntry')), url);
        return sendJson(res, 201, logEntry(e), { etag: e.entryID, location: entryUrl(url, e.entryID) });
      }
      if (route === 'POST /api/v1/log/entries/retrieve') return sendJson(res, 200, search(await readJson(req, 'entry')));
      const byId = /^GET \/api\/v1\/log\/entries\/([^/]+)$/.exec(route);
      if (byId) {
        const id = decodeURIComponent(byId[1] ?? '');
        if (!new RegExp(UUID_PATTERN).test(id)) throw new Refusal(422, 605, `entryUUID in path should match '${UUID_PATTERN}'`);
        const e = find(id);
        if (e) return sendJson(res, 200, logEntry(e));
        rejected.push({ method: 'GET', path: url.pathname, status: 404, message: '' });
        return void res.writeHead(404).end(); // the spec's NotFound response has no body
      }
      if (route === 'GET /api/v1/log/publicKey') {
        const treeId = url.searchParams.get('treeID') ?? '';
        if (treeId !== '' && !/^[0-9]+$/.test(treeId)) throw new Refusal(422, 605, "treeID in query should match '^[0-9]+$'");
        if (treeId !== '' && BigInt(treeId) !== BigInt(log.treeId)) throw new Refusal(400, 400, 'Bad Request');
        res.writeHead(200, { 'content-type': 'application/x-pem-file' });
        return void res.end(publicKeyPem);
      }
      throw new Refusal(404, 404, `path ${url.pathname} was not found`);
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      rejected.push({ method: req.method ?? '', path: url.pathname, status: err.status, message: err.message });
      sendJson(res, err.status, { code: err.code, message: err.message }, err.headers);
    }
  });

  return {
    url: server.url,
    env: { SIGSTORE_REKOR_PUBLIC_KEY: keyFile },
    publicKeyPem,
    logId: log.logId,
    treeId: log.treeId,
    entries,
    rejected,
    async close() {
      await server.close();
      if (ownDir) await rm(dir, { recursive: true, force: true });
    },
  };
}
