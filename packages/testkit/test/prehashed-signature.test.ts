// verifyPrehashed (src/prehashed-signature.ts): a signature checked over a given digest, as Rekor checks a
// hashedrekord, with sigstore's error messages.
import { createHash, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyPrehashed } from '../src/prehashed-signature.ts';
import { PUBLIC_BUNDLE, b64, hex } from './support/public-rekor.ts';

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
