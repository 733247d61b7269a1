// Stand-in for Sigstore's Rekor v1 transparency log (REST API v1, as rekor v1.3.9, which cosign 2.5.0 is built
// against), so the real cosign binary can sign with tlog upload on and verify the log entry offline. It serves
// exactly the four operations cosign 2.5 calls (pkg/cosign/tlog.go): createLogEntry, getLogEntryByUUID and
// getPublicKey (both only after a 409), and searchLogQuery (verify, when a signature has no bundle). Anything
// else gets go-openapi's 404. Only hashedrekord v0.0.1 entries are logged; they are checked the way Rekor
// checks them (pkg/types/hashedrekord/v0.0.1/entry.go) and refused with Rekor's status codes and messages.
// Test support only: never bundled.
import { createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { listen, readBody, sendJson } from './http-util.ts';
import type { DigestAlgorithm } from './prehashed-signature.ts';
import { type HashedRekord, type Proposed, Refusal, UUID_PATTERN, bindProposedEntry, bindSearchQuery, hashedRekord, required } from './rekor-entry.ts';
import { MerkleTree, leafHash, logIdOf, signEntryTimestamp, signedCheckpoint, type LogIdentity, type SetPayload } from './rekor-log.ts';
import { trustDir } from './trust-dir.ts';

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

/** Rekor's getEntryURL: the request path + "/" + entryID, query kept minus apiKey. */
function entryUrl(url: URL, entryID: string): string {
  const query = new URLSearchParams(url.searchParams);
  query.delete('apiKey');
  query.sort();
  return `${url.pathname}/${entryID}${query.size > 0 ? `?${query}` : ''}`;
}

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
  const { dir, dispose } = await trustDir(options.dir, 'moam-rekor-');
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

  /** searchLogQuery: the entries the query names, by UUID, leaf hash of a proposed entry, or log index. */
  function search(query: unknown): unknown[] {
    const { uuids, logIndexes, entries: proposed } = bindSearchQuery(query);
    const found: Array<LoggedEntry | undefined> = uuids.filter((u) => u.length === 80).map(find);
    const hashes = uuids.filter((u) => u.length === 64).map((u) => u.toLowerCase());
    for (const p of proposed) {
      try {
        hashes.push(leafHash(hashedRekord(p).canonical).toString('hex'));
      } catch (err) {
        throw new Refusal(400, 400, (err as Error).message);
      }
    }
    found.push(...hashes.map((h) => byUuid.get(h)), ...logIndexes.map((i) => entries[i]));
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
      await dispose();
    },
  };
}
