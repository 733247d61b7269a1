// The transparency log's pure parts (src/rekor-log.ts): RFC 8785 canonical JSON, the RFC 6962 Merkle tree and its
// inclusion proofs, and signed entry timestamps and checkpoints, against published vectors and the public Rekor.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
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
import { PUBLIC_BUNDLE, PUBLIC_CHECKPOINT, PUBLIC_REKOR_KEY, b64, hex } from './support/public-rekor.ts';

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
