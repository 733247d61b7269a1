import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyObject, createHash, createPublicKey, generateKeyPairSync, sign, webcrypto } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as x509 from '@peculiar/x509';
import { startRekor, type RekorStandIn } from '../src/rekor.ts';
import { verifyPrehashed } from '../src/prehashed-signature.ts';
import {
  MerkleTree,
  canonicalJson,
  inclusionProof,
  leafHash,
  logIdOf,
  merkleRoot,
  nodeHash,
  verifyCheckpoint,
  verifyEntryTimestamp,
  verifyInclusion,
} from '../src/rekor-log.ts';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');
const b64 = (s: string): Buffer => Buffer.from(s, 'base64');

// ------------------------------------------------------------------------------------------ vectors

// RFC 6962 test data as transparency-dev/merkle keeps it (testonly/constants.go, testdata/inclusion/*/happy-path.json).
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(hex);
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
].map(hex);
const INCLUSION: Array<{ index: number; size: number; proof: string[] }> = [
  { index: 0, size: 1, proof: [] },
  { index: 0, size: 8, proof: ['lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c=', 'Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=', 'a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ='] },
  { index: 5, size: 8, proof: ['vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms=', 'yoVOoSjtBQtBs1/8G4e46yveRh6eO1WW7Oa51ZdaCuA=', '037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc='] },
  { index: 2, size: 3, proof: ['+sVCA+fMaWzw38tCySodnbr3CtnmIfS9jZhmLwDjwSU='] },
  { index: 1, size: 5, proof: ['bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=', 'Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=', 'vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms='] },
];

// The public Rekor's key (rekor.sigstore.dev, in Sigstore's trusted root) and real entries it signed:
// a cosign `dev.sigstore.cosign/bundle` annotation from ghcr.io/freedomofpress/dangerzone/v1 (a key-signed
// hashedrekord) and a checkpoint from a 2025 sigstore bundle's inclusion proof.
const PUBLIC_REKOR_KEY = createPublicKey({ key: b64('MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE2G2Y+2tabdTV5BcGiBIx0a9fAFwrkBbmLSGtks4L3qX6yYY0zufBnhC8Ur/iy55GhWP/9A/bY2LhC30M9+RYtw=='), format: 'der', type: 'spki' });
const PUBLIC_BUNDLE = {
  SignedEntryTimestamp: 'MEYCIQCsAt/PgYO2WFKoQX/P42vXCWJVUEgqRLXZ0BlrKwY40QIhAOTu/oE7jDtL8XP4PiZJhJ3nSlW3yXUp5ErSmjedzdCv',
  Payload: {
    body: 'eyJhcGlWZXJzaW9uIjoiMC4wLjEiLCJraW5kIjoiaGFzaGVkcmVrb3JkIiwic3BlYyI6eyJkYXRhIjp7Imhhc2giOnsiYWxnb3JpdGhtIjoic2hhMjU2IiwidmFsdWUiOiI4OGI4YTJhYzViODI5ZjQ3YmQyNWE1YTRkOWMyY2NiMGZjY2ZmN2Y1M2ExNzQ3N2I2ZDliNTY4MDQzNmFhODBmIn19LCJzaWduYXR1cmUiOnsiY29udGVudCI6Ik1FUUNJQVFTY25UMDNNVmZteGpZeVc1cUFtdlE2VFNvdWtQdXcwSG1TVmxNQndZRUFpQXpHYjc2Y3ZEYjRDSEorSDZ0RDAwYlcxU2gxQ0s2b3BhUm1JMmlzdDRwMkE9PSIsInB1YmxpY0tleSI6eyJjb250ZW50IjoiTFMwdExTMUNSVWRKVGlCUVZVSk1TVU1nUzBWWkxTMHRMUzBLVFVacmQwVjNXVWhMYjFwSmVtb3dRMEZSV1VsTGIxcEplbW93UkVGUlkwUlJaMEZGTTBOVmJHNTNhRGd5TlZvMWQxRkJTbFkyVkdWclJXazJZa05MTWdwWmRrRm5OMEVyWVdWbGNrMDFhSFpqTkVORFEwcEdRbUZsTlVGcWJuTnFSMGgyTkZZdk0zaDZjM05qYXpabE5URlhLMkl3YWxVMGNWWjNQVDBLTFMwdExTMUZUa1FnVUZWQ1RFbERJRXRGV1MwdExTMHRDZz09In19fX0=',
    integratedTime: 1770622892,
    logIndex: 929816779,
    logID: 'c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d',
  },
};
const PUBLIC_CHECKPOINT =
  'rekor.sigstore.dev - 1193050959916656506\n604939772\npMLuZ9LswMdPA8hK2gigUVdmpRDdhVGTdXXHHuK9i5A=\n\n\u2014 rekor.sigstore.dev wNI9ajBGAiEA0edmUQ86q0DrZPl295Agpgnf2LBXL/fUYQ6LFu72kuICIQDCS0hMHJjnxgj1vmV4mbBNzuGhGSvS8FiCQSTcnWoGzQ==\n';

// ----------------------------------------------------------------------------------------- pure parts

describe('RFC 8785 canonical JSON', () => {
  it('writes the RFC 8785 §3.2.2 sample byte for byte', () => {
    const input = JSON.parse('{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}') as unknown;
    expect(canonicalJson(input)).toBe('{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
  });

  it('sorts members by UTF-16 code units (RFC 8785 §3.2.3), recursively, and refuses what JSON cannot hold', () => {
    const input = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
    const order = ['Carriage Return', 'One', 'Control', 'Latin Small Letter O With Diaeresis', 'Euro Sign', 'Emoji: Grinning Face', 'Hebrew Letter Dalet With Dagesh'];
    const keyOf = (name: string): string => Object.entries(input).find(([, v]) => v === name)?.[0] ?? '';
    // Compared as text: parsing it back would move the integer-like key "1" first (JavaScript's property order).
    expect(canonicalJson(input)).toBe(`{${order.map((name) => `${JSON.stringify(keyOf(name))}:${JSON.stringify(name)}`).join(',')}}`);
    expect(canonicalJson({ b: [{ z: 1, a: 2 }], a: { logIndex: 1, logID: 'x' } })).toBe('{"a":{"logID":"x","logIndex":1},"b":[{"a":2,"z":1}]}');
    expect(() => canonicalJson({ n: Infinity })).toThrow(/not representable/);
  });

  it('is how the public Rekor wrote a real entry body: the body is already canonical', () => {
    const body = b64(PUBLIC_BUNDLE.Payload.body).toString('utf8');
    expect(canonicalJson(JSON.parse(body))).toBe(body);
    expect(body.startsWith('{"apiVersion":"0.0.1","kind":"hashedrekord","spec":{"data":{"hash":{"algorithm":"sha256","value":"88b8a2ac')).toBe(true);
  });
});

describe('RFC 6962 Merkle tree', () => {
  it('has the RFC 6962 root for every tree size 0..8', () => {
    const hashes = LEAVES.map(leafHash);
    ROOTS.forEach((root, size) => expect(merkleRoot(hashes.slice(0, size)).toString('hex')).toBe(root.toString('hex')));
    const tree = new MerkleTree();
    LEAVES.forEach((l) => tree.append(l));
    expect(tree.root().equals(ROOTS[8] as Buffer)).toBe(true);
    expect(tree.root(5).equals(ROOTS[5] as Buffer)).toBe(true);
    expect(tree.indexOf(leafHash(hex('3031')))).toBe(4);
  });

  it('produces and verifies the published inclusion proofs', () => {
    const hashes = LEAVES.map(leafHash);
    for (const v of INCLUSION) {
      const proof = inclusionProof(v.index, hashes.slice(0, v.size));
      expect(proof.map((p) => p.toString('base64'))).toEqual(v.proof);
      expect(verifyInclusion(v.index, v.size, hashes[v.index] as Buffer, proof, ROOTS[v.size] as Buffer)).toBe(true);
    }
  });

  it('proves every leaf of every tree up to 8, and refuses tampered proofs, indexes, sizes and lengths', () => {
    const hashes = LEAVES.map(leafHash);
    for (let size = 1; size <= 8; size++) {
      for (let index = 0; index < size; index++) {
        const proof = inclusionProof(index, hashes.slice(0, size));
        const leaf = hashes[index] as Buffer;
        const root = ROOTS[size] as Buffer;
        expect(verifyInclusion(index, size, leaf, proof, root)).toBe(true);
        expect(verifyInclusion(index, size, leafHash(Buffer.from('other')), proof, root)).toBe(false);
        expect(verifyInclusion(index, size, leaf, [...proof, root], root)).toBe(false);
        if (proof.length > 0) {
          expect(verifyInclusion(index, size, leaf, proof.slice(1), root)).toBe(false);
          expect(verifyInclusion(index ^ 1, size, leaf, proof, root)).toBe(false);
          expect(verifyInclusion(index, size, leaf, [nodeHash(proof[0] as Buffer, proof[0] as Buffer), ...proof.slice(1)], root)).toBe(false);
        }
      }
    }
    expect(verifyInclusion(8, 8, hashes[0] as Buffer, [], ROOTS[8] as Buffer)).toBe(false);
  });

  it('verifies Rekor’s own inclusion vector (rekor pkg/verify/verify_test.go TestInclusion)', () => {
    const body = b64(
      'eyJhcGlWZXJzaW9uIjoiMC4wLjEiLCJraW5kIjoicmVrb3JkIiwic3BlYyI6eyJkYXRhIjp7Imhhc2giOnsiYWxnb3JpdGhtIjoic2hhMjU2IiwidmFsdWUiOiJlY2RjNTUzNmY3M2JkYWU4ODE2ZjBlYTQwNzI2ZWY1ZTliODEwZDkxNDQ5MzA3NTkwM2JiOTA2MjNkOTdiMWQ4In19LCJzaWduYXR1cmUiOnsiY29udGVudCI6Ik1FWUNJUUQvUGRQUW1LV0MxKzBCTkVkNWdLdlFHcjF4eGwzaWVVZmZ2M2prMXp6Skt3SWhBTEJqM3hmQXlXeGx6NGpwb0lFSVYxVWZLOXZua1VVT1NvZVp4QlpQSEtQQyIsImZvcm1hdCI6Ing1MDkiLCJwdWJsaWNLZXkiOnsiY29udGVudCI6IkxTMHRMUzFDUlVkSlRpQlFWVUpNU1VNZ1MwVlpMUzB0TFMwS1RVWnJkMFYzV1VoTGIxcEplbW93UTBGUldVbExiMXBKZW1vd1JFRlJZMFJSWjBGRlRVOWpWR1pTUWxNNWFtbFlUVGd4UmxvNFoyMHZNU3R2YldWTmR3cHRiaTh6TkRjdk5UVTJaeTlzY21sVE56SjFUV2haT1V4alZDczFWVW8yWmtkQ1oyeHlOVm80VERCS1RsTjFZWE41WldRNVQzUmhVblozUFQwS0xTMHRMUzFGVGtRZ1VGVkNURWxESUV0RldTMHRMUzB0Q2c9PSJ9fX19',
    );
    const proof = [hex('59a575f157274702c38de3ab1e1784226f391fb79500ebf9f02b4439fb77574c')];
    const root = hex('5be1758dd2228acfaf2546b4b6ce8aa40c82a3748f3dcb550e0d67ba34f02a45');
    expect(verifyInclusion(1, 2, leafHash(body), proof, root)).toBe(true);
    expect(verifyInclusion(1, 2, leafHash(Buffer.concat([body, Buffer.from(' ')])), proof, root)).toBe(false);
  });
});

describe('signed entry timestamp and checkpoint, against the public Rekor', () => {
  it('the log ID is SHA-256 of the DER public key', () => {
    expect(logIdOf(PUBLIC_REKOR_KEY)).toBe('c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d');
  });

  it('a real SET verifies over canonical {body, integratedTime, logID, logIndex}, and not once a field changes', () => {
    const set = b64(PUBLIC_BUNDLE.SignedEntryTimestamp);
    expect(verifyEntryTimestamp(PUBLIC_BUNDLE.Payload, set, PUBLIC_REKOR_KEY)).toBe(true);
    expect(verifyEntryTimestamp({ ...PUBLIC_BUNDLE.Payload, integratedTime: PUBLIC_BUNDLE.Payload.integratedTime + 1 }, set, PUBLIC_REKOR_KEY)).toBe(false);
    expect(verifyEntryTimestamp({ ...PUBLIC_BUNDLE.Payload, logIndex: 0 }, set, PUBLIC_REKOR_KEY)).toBe(false);
  });

  it('a real checkpoint verifies with the log key (key hint + ECDSA over the note), and not when edited or under another key', () => {
    expect(verifyCheckpoint(PUBLIC_CHECKPOINT, PUBLIC_REKOR_KEY)).toEqual({
      origin: 'rekor.sigstore.dev - 1193050959916656506',
      size: 604939772,
      rootHash: b64('pMLuZ9LswMdPA8hK2gigUVdmpRDdhVGTdXXHHuK9i5A='),
      other: [],
    });
    expect(verifyCheckpoint(PUBLIC_CHECKPOINT.replace('604939772', '604939773'), PUBLIC_REKOR_KEY)).toBeNull();
    expect(verifyCheckpoint(PUBLIC_CHECKPOINT, generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey)).toBeNull();
  });
});

describe('signature over a given digest (what Rekor checks a hashedrekord with)', () => {
  it('verifies ECDSA P-256/384/521 in DER and IEEE P1363 and RSA PKCS#1 v1.5, for sha256/384/512', () => {
    const keys = [...['P-256', 'P-384', 'P-521'].map((namedCurve) => generateKeyPairSync('ec', { namedCurve })), generateKeyPairSync('rsa', { modulusLength: 2048 })];
    for (const { privateKey, publicKey } of keys) {
      for (const alg of ['sha256', 'sha384', 'sha512'] as const) {
        const data = Buffer.from(`payload for ${String(publicKey.asymmetricKeyDetails?.namedCurve ?? 'rsa')}`);
        const digest = createHash(alg).update(data).digest();
        expect(() => verifyPrehashed(publicKey, alg, digest, sign(alg, data, privateKey))).not.toThrow();
        if (publicKey.asymmetricKeyType === 'ec') expect(() => verifyPrehashed(publicKey, alg, digest, sign(alg, data, { key: privateKey, dsaEncoding: 'ieee-p1363' }))).not.toThrow();
        const other = createHash(alg).update('something else').digest();
        expect(() => verifyPrehashed(publicKey, alg, other, sign(alg, data, privateKey))).toThrow(publicKey.asymmetricKeyType === 'ec' ? 'invalid signature when validating ASN.1 encoded signature' : 'crypto/rsa: verification error');
      }
    }
  });

  it('accepts the public Rekor entry’s own signature, refuses other keys and malformed signatures with sigstore’s messages', () => {
    const spec = (JSON.parse(b64(PUBLIC_BUNDLE.Payload.body).toString('utf8')) as { spec: { data: { hash: { value: string } }; signature: { content: string; publicKey: { content: string } } } }).spec;
    const key = createPublicKey(b64(spec.signature.publicKey.content).toString('utf8'));
    const digest = hex(spec.data.hash.value);
    const sig = b64(spec.signature.content);
    expect(() => verifyPrehashed(key, 'sha256', digest, sig)).not.toThrow();
    expect(() => verifyPrehashed(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey, 'sha256', digest, sig)).toThrow('invalid signature when validating ASN.1 encoded signature');
    expect(() => verifyPrehashed(key, 'sha256', digest, Buffer.concat([sig, Buffer.from([0])]))).toThrow('invalid signature when validating ASN.1 encoded signature');
    expect(() => verifyPrehashed(key, 'sha256', digest, Buffer.from('abc'))).toThrow('ecdsa: Invalid IEEE_P1363 encoded bytes');
    expect(() => verifyPrehashed(key, 'sha256', digest, Buffer.alloc(64, 1))).toThrow('invalid signature when validating IEEE_P1363 encoded signature');
    expect(() => verifyPrehashed(key, 'sha256', digest, Buffer.alloc(0))).toThrow('X509 signature has not been initialized');
  });
});

// ------------------------------------------------------------------------------------------ service

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
