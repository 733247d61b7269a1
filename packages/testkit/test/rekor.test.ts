// The Rekor stand-in (src/rekor.ts) over HTTP: what it logs and answers as the public Rekor would (entries, proofs,
// refusals, duplicates, search, its key), and its options.
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyObject, createHash, createPublicKey, generateKeyPairSync, sign, webcrypto } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as x509 from '@peculiar/x509';
import { startRekor, type RekorStandIn } from '../src/rekor.ts';
import { canonicalJson, leafHash, logIdOf, verifyCheckpoint, verifyEntryTimestamp, verifyInclusion } from '../src/rekor-log.ts';
import { PUBLIC_BUNDLE, b64, hex } from './support/public-rekor.ts';

interface Anon {
  body: string;
  integratedTime: number;
  logID: string;
  logIndex: number;
  verification: { signedEntryTimestamp: string; inclusionProof: { checkpoint: string; hashes: string[]; logIndex: number; rootHash: string; treeSize: number } };
}

/** A hashedrekord proposal as cosign sends it (pkg/cosign/tlog.go rekorEntry). */
function proposal(data: Buffer, privateKey: KeyObject, pem: string, hashAlg: 'sha256' | 'sha384' = 'sha256', signature = sign(hashAlg, data, privateKey)): Record<string, unknown> {
  return {
    apiVersion: '0.0.1',
    spec: { data: { hash: { algorithm: hashAlg, value: createHash(hashAlg).update(data).digest('hex') } }, signature: { content: signature.toString('base64'), publicKey: { content: Buffer.from(pem).toString('base64') } } },
    kind: 'hashedrekord',
  };
}

let rekor: RekorStandIn;
const signer = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signerPem = signer.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const post = (body: unknown, path = '/api/v1/log/entries', contentType = 'application/json'): Promise<Response> =>
  fetch(`${rekor.url}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });
const only = (entry: Record<string, unknown>): [string, Anon] => Object.entries(entry)[0] as [string, Anon];
const setPayload = ({ body, integratedTime, logID, logIndex }: Anon) => ({ body, integratedTime, logID, logIndex });

beforeAll(async () => {
  rekor = await startRekor({ hostname: 'rekor.moam.test' });
});
afterAll(async () => {
  await rekor?.close();
});

describe('Rekor stand-in over HTTP', () => {
  it('logs a hashedrekord: 201, ETag/Location, the canonical body, a SET and an inclusion proof cosign would accept', async () => {
    const sent = proposal(Buffer.from('first'), signer.privateKey, signerPem);
    const res = await post(sent);
    expect(res.status).toBe(201);
    const [entryID, anon] = only((await res.json()) as Record<string, unknown>);
    expect(entryID).toBe(`${BigInt(rekor.treeId).toString(16).padStart(16, '0')}${leafHash(b64(anon.body)).toString('hex')}`);
    expect(res.headers.get('etag')).toBe(entryID);
    expect(res.headers.get('location')).toBe(`/api/v1/log/entries/${entryID}`);
    expect(anon.logID).toBe(rekor.logId);
    expect(rekor.logId).toBe(createHash('sha256').update(createPublicKey(rekor.publicKeyPem).export({ type: 'spki', format: 'der' })).digest('hex'));
    expect(anon.logIndex).toBe(0);
    expect(Math.abs(anon.integratedTime - Date.now() / 1000)).toBeLessThan(5);
    expect(b64(anon.body).toString('utf8')).toBe(canonicalJson(sent)); // node's SPKI PEM is already Go's PEM
    const key = createPublicKey(rekor.publicKeyPem);
    const { signedEntryTimestamp, inclusionProof: proof } = anon.verification;
    expect(verifyEntryTimestamp(setPayload(anon), b64(signedEntryTimestamp), key)).toBe(true);
    expect(proof).toMatchObject({ logIndex: 0, treeSize: 1, hashes: [], rootHash: leafHash(b64(anon.body)).toString('hex') });
    expect(verifyCheckpoint(proof.checkpoint, key)).toEqual({ origin: `rekor.moam.test - ${rekor.treeId}`, size: 1, rootHash: hex(proof.rootHash), other: [] });
    expect(rekor.entries).toHaveLength(1);
    expect(rekor.entries[0]).toMatchObject({ entryID, logIndex: 0, body: anon.body, publicKeyPem: signerPem, hash: { algorithm: 'sha256', value: createHash('sha256').update('first').digest('hex') } });
    expect(await readFile(rekor.env.SIGSTORE_REKOR_PUBLIC_KEY, 'utf8')).toBe(rekor.publicKeyPem);
  });

  it('writes the same body as the public Rekor did for the same proposal', async () => {
    const spec = (JSON.parse(b64(PUBLIC_BUNDLE.Payload.body).toString('utf8')) as { spec: unknown }).spec;
    const res = await post({ kind: 'hashedrekord', apiVersion: '0.0.1', spec });
    expect(res.status).toBe(201);
    expect(only((await res.json()) as Record<string, unknown>)[1].body).toBe(PUBLIC_BUNDLE.Payload.body);
  });

  it('logs certificates (re-encoded as PEM) and chains that verify, refuses a chain that does not', async () => {
    x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
    const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const caKeys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
    const leafKeys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
    const validity = { notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 600_000) };
    const ca = await x509.X509CertificateGenerator.createSelfSigned({ serialNumber: '01', name: 'CN=moam test ca', keys: caKeys, signingAlgorithm: alg, extensions: [new x509.BasicConstraintsExtension(true, 0, true)], ...validity });
    const leaf = await x509.X509CertificateGenerator.create({ serialNumber: '02', subject: 'CN=moam test leaf', issuer: ca.subject, publicKey: leafKeys.publicKey, signingKey: caKeys.privateKey, signingAlgorithm: alg, ...validity });
    const privateKey = KeyObject.from(leafKeys.privateKey);
    const leafPem = `${leaf.toString('pem')}\n`;
    const single = await post(proposal(Buffer.from('cert'), privateKey, leafPem.replace(/\n/g, '\r\n')));
    expect(single.status).toBe(201);
    expect(rekor.entries.at(-1)?.publicKeyPem).toBe(leafPem);
    const chain = await post(proposal(Buffer.from('chain'), privateKey, leafPem + ca.toString('pem')));
    expect(chain.status).toBe(201);
    expect(rekor.entries.at(-1)?.publicKeyPem.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    const stranger = await x509.X509CertificateGenerator.createSelfSigned({ serialNumber: '03', name: 'CN=moam test ca', keys: await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']), signingAlgorithm: alg, ...validity });
    const broken = await post(proposal(Buffer.from('broken chain'), privateKey, leafPem + stranger.toString('pem')));
    expect(broken.status).toBe(400);
    expect(await broken.json()).toEqual({ code: 400, message: 'error processing entry: x509: certificate signed by unknown authority' });
  });

  it('refuses what Rekor refuses, with its status codes and {code, message}', async () => {
    const good = proposal(Buffer.from('refusals'), signer.privateKey, signerPem);
    const spec = good.spec as { data: { hash: { algorithm: string; value: string } }; signature: { content: string; publicKey: { content: string } } };
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const rsaPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const cases: Array<[string, unknown, number, unknown]> = [
      ['a signature over other data', proposal(Buffer.from('refusals'), signer.privateKey, signerPem, 'sha256', sign('sha256', Buffer.from('other'), signer.privateKey)), 400, { code: 400, message: 'error processing entry: verifying signature: invalid signature when validating ASN.1 encoded signature' }],
      ['a signature by another key', proposal(Buffer.from('refusals'), other.privateKey, signerPem), 400, { code: 400, message: 'error processing entry: verifying signature: invalid signature when validating ASN.1 encoded signature' }],
      ['an ECDSA signature for an RSA key', proposal(Buffer.from('refusals'), signer.privateKey, rsaPem), 400, { code: 400, message: 'error processing entry: verifying signature: crypto/rsa: verification error' }],
      ['no signature', { ...good, spec: { ...spec, signature: { publicKey: spec.signature.publicKey } } }, 400, { code: 400, message: 'error processing entry: verifying signature: X509 signature has not been initialized' }],
      ['a key that is not PEM', { ...good, spec: { ...spec, signature: { ...spec.signature, publicKey: { content: Buffer.from('not a key').toString('base64') } } } }, 400, { code: 400, message: 'error processing entry: invalid public key: failure decoding PEM' }],
      ['a private key', { ...good, spec: { ...spec, signature: { ...spec.signature, publicKey: { content: Buffer.from(signer.privateKey.export({ type: 'pkcs8', format: 'pem' })).toString('base64') } } } }, 400, { code: 400, message: 'error processing entry: invalid public key: cannot handle type PRIVATE KEY' }],
      ['no public key', { ...good, spec: { ...spec, signature: { content: spec.signature.content } } }, 400, { code: 400, message: 'error processing entry: missing public key' }],
      ['an upper-case hash', { ...good, spec: { ...spec, data: { hash: { ...spec.data.hash, value: spec.data.hash.value.toUpperCase() } } } }, 400, { code: 400, message: 'error processing entry: invalid value for hash' }],
      ['a hash of the wrong length', { ...good, spec: { ...spec, data: { hash: { algorithm: 'sha384', value: spec.data.hash.value } } } }, 400, { code: 400, message: 'error processing entry: invalid value for hash' }],
      ['an unknown hash algorithm', { ...good, spec: { ...spec, data: { hash: { ...spec.data.hash, algorithm: 'md5' } } } }, 400, { code: 400, message: 'error processing entry: validation failure list:\ndata.hash.algorithm in body should be one of [sha256 sha384 sha512]' }],
      ['no data', { ...good, spec: { signature: spec.signature } }, 400, { code: 400, message: 'error processing entry: validation failure list:\ndata in body is required' }],
      ['bad base64', { ...good, spec: { ...spec, signature: { ...spec.signature, content: 'not base64!' } } }, 400, { code: 400, message: 'error processing entry: failed parsing base64 data: illegal base64 data at input byte 3' }],
      ['another version', { ...good, apiVersion: '0.0.2' }, 400, { code: 400, message: "error processing entry: hashedrekord implementation for version '0.0.2' not found: unable to locate entry for version 0.0.2" }],
      ['a kind the stand-in does not log', { ...good, kind: 'dsse' }, 400, { code: 400, message: 'error processing entry: this Rekor stand-in logs hashedrekord entries only, not dsse' }],
      ['no kind', { apiVersion: '0.0.1', spec }, 422, { code: 602, message: 'kind in body is required' }],
      ['an unknown kind', { ...good, kind: 'mystery' }, 422, { code: 422, message: 'invalid kind value: "mystery"' }],
      ['no apiVersion', { kind: 'hashedrekord', spec }, 422, { code: 602, message: 'apiVersion in body is required' }],
      ['no spec', { kind: 'hashedrekord', apiVersion: '0.0.1' }, 422, { code: 602, message: 'spec in body is required' }],
      ['an empty body', '', 422, { code: 602, message: 'proposedEntry in body is required' }],
    ];
    for (const [name, body, status, answer] of cases) {
      const res = await post(body);
      expect([name, res.status, await res.json()]).toEqual([name, status, answer]);
    }
    const notJson = await post('{"kind":');
    expect(notJson.status).toBe(500); // go-openapi serves a JSON syntax error as a plain 500
    expect(((await notJson.json()) as { code: number }).code).toBe(500);
    const text = await post(JSON.stringify(good), '/api/v1/log/entries', 'text/plain');
    expect([text.status, await text.json()]).toEqual([415, { code: 415, message: 'unsupported media type "text/plain", only [application/json] are allowed' }]);
    expect(rekor.entries.some((e) => e.hash.value === spec.data.hash.value)).toBe(false);
    expect(rekor.rejected.slice(-(cases.length + 2)).map((r) => r.status)).toEqual([...cases.map((c) => c[2]), 500, 415]);
  });

  it('answers a duplicate with 409 and the existing entry’s Location, which GET serves with a current proof', async () => {
    const entry = proposal(Buffer.from('twice'), signer.privateKey, signerPem);
    const first = await post(entry);
    const [entryID, created] = only((await first.json()) as Record<string, unknown>);
    const before = rekor.entries.length;
    const again = await post(entry);
    expect(again.status).toBe(409);
    expect(again.headers.get('location')).toBe(`/api/v1/log/entries/${entryID}`);
    expect(await again.json()).toEqual({ code: 409, message: `an equivalent entry already exists in the transparency log with UUID ${entryID}` });
    expect(rekor.entries).toHaveLength(before);
    await post(proposal(Buffer.from('after'), signer.privateKey, signerPem)); // the tree grows: the proof must follow
    for (const id of [entryID, entryID.slice(16), entryID.toUpperCase()]) {
      const got = await fetch(`${rekor.url}/api/v1/log/entries/${id}`);
      expect(got.status).toBe(200);
      const [key, anon] = only((await got.json()) as Record<string, unknown>);
      expect(key).toBe(entryID);
      expect(anon.body).toBe(created.body);
      const p = anon.verification.inclusionProof;
      expect(p.treeSize).toBe(rekor.entries.length);
      expect(verifyInclusion(p.logIndex, p.treeSize, leafHash(b64(anon.body)), p.hashes.map(hex), hex(p.rootHash))).toBe(true);
      expect(verifyCheckpoint(p.checkpoint, createPublicKey(rekor.publicKeyPem))?.rootHash.toString('hex')).toBe(p.rootHash);
    }
    const missing = await fetch(`${rekor.url}/api/v1/log/entries/${'ab'.repeat(32)}`);
    expect([missing.status, await missing.text()]).toEqual([404, '']);
    const otherShard = await fetch(`${rekor.url}/api/v1/log/entries/${'0'.repeat(15)}1${entryID.slice(16)}`);
    expect(otherShard.status).toBe(404);
    const malformed = await fetch(`${rekor.url}/api/v1/log/entries/xyz`);
    expect([malformed.status, await malformed.json()]).toEqual([422, { code: 605, message: "entryUUID in path should match '^([0-9a-fA-F]{64}|[0-9a-fA-F]{80})$'" }]);
  });

  it('serves its public key (PEM) for its tree, 400 for another tree', async () => {
    for (const query of ['', `?treeID=${rekor.treeId}`]) {
      const res = await fetch(`${rekor.url}/api/v1/log/publicKey${query}`);
      expect([res.status, res.headers.get('content-type'), await res.text()]).toEqual([200, 'application/x-pem-file', rekor.publicKeyPem]);
    }
    const other = await fetch(`${rekor.url}/api/v1/log/publicKey?treeID=1`);
    expect([other.status, await other.json()]).toEqual([400, { code: 400, message: 'Bad Request' }]);
  });

  it('searches by proposed entry, UUID and index (what cosign verify does without a bundle)', async () => {
    const data = Buffer.from('searched');
    const entry = proposal(data, signer.privateKey, signerPem);
    await post(entry);
    const logged = rekor.entries.at(-1);
    const search = async (q: unknown): Promise<Array<Record<string, unknown>>> => {
      const res = await post(q, '/api/v1/log/entries/retrieve');
      expect(res.status).toBe(200);
      return (await res.json()) as Array<Record<string, unknown>>;
    };
    const keysOf = (r: Array<Record<string, unknown>>): string[] => r.map((e) => Object.keys(e)[0] as string);
    expect(keysOf(await search({ entries: [entry] }))).toEqual([logged?.entryID]);
    expect(keysOf(await search({ entryUUIDs: [logged?.uuid, logged?.entryID], logIndexes: [0] }))).toEqual([logged?.entryID, logged?.entryID, rekor.entries[0]?.entryID]);
    expect(await search({ entries: [proposal(Buffer.from('never logged'), signer.privateKey, signerPem)] })).toEqual([]);
    const invalid = await post({ entries: [proposal(data, signer.privateKey, signerPem, 'sha256', sign('sha256', Buffer.from('x'), signer.privateKey))] }, '/api/v1/log/entries/retrieve');
    expect([invalid.status, await invalid.json()]).toEqual([400, { code: 400, message: 'verifying signature: invalid signature when validating ASN.1 encoded signature' }]);
    const tooMany = await post({ logIndexes: [0, 1, 2, 3, 4, 5], entryUUIDs: Array(5).fill(logged?.uuid) }, '/api/v1/log/entries/retrieve');
    expect([tooMany.status, await tooMany.json()]).toEqual([422, { code: 422, message: 'more than max allowed 10 entries in request' }]);
  });

  it('answers other paths with go-openapi’s 404', async () => {
    for (const [method, path] of [['GET', '/api/v1/log'], ['GET', '/api/v1/log/proof'], ['POST', '/api/v1/index/retrieve'], ['DELETE', '/api/v1/log/entries']]) {
      const res = await fetch(`${rekor.url}${path}`, { method });
      expect([res.status, await res.json()]).toEqual([404, { code: 404, message: `path ${path} was not found` }]);
    }
  });
});

describe('Rekor stand-in options', () => {
  it('signs with the key it is given and integrates at the time its clock says', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const late = await startRekor({ privateKey, clock: () => Date.UTC(2030, 0, 1), treeId: 42n });
    try {
      expect(late.publicKeyPem).toBe(publicKey.export({ type: 'spki', format: 'pem' }));
      expect(late.logId).toBe(logIdOf(publicKey));
      expect(late.treeId).toBe('42');
      const res = await fetch(`${late.url}/api/v1/log/entries`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(proposal(Buffer.from('late'), signer.privateKey, signerPem)) });
      const [entryID, anon] = only((await res.json()) as Record<string, unknown>);
      expect(entryID.startsWith('000000000000002a')).toBe(true);
      expect(anon.integratedTime).toBe(Date.UTC(2030, 0, 1) / 1000);
      expect(verifyEntryTimestamp(setPayload(anon), b64(anon.verification.signedEntryTimestamp), publicKey)).toBe(true);
      expect(verifyEntryTimestamp(setPayload(anon), b64(anon.verification.signedEntryTimestamp), createPublicKey(rekor.publicKeyPem))).toBe(false);
    } finally {
      await late.close();
    }
    await expect(startRekor({ privateKey: generateKeyPairSync('ed25519').privateKey })).rejects.toThrow(/ECDSA/);
  });
});
