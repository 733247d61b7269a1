// The token service's signing key: JWS access and refresh tokens in the form registry 2.8 verifies (ES256/ES384/RS256,
// the key named by libtrust's key id or carried as an x5c certificate). Test support only: never bundled.
import { X509Certificate, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { b64url, decodeJwt } from './http-util.ts';

export interface TokenSigningKey {
  /** PKCS#8 (or SEC1/PKCS#1) PEM of an EC P-256/P-384 or RSA key. */
  readonly privateKeyPem: string;
  /** The certificate of that key, as put in the registry's rootcertbundle; required for the x5c header. */
  readonly certificatePem?: string;
  /** How the JWT header names the key. Default "kid". */
  readonly header?: 'kid' | 'x5c';
}

export interface TokenSigner {
  readonly alg: 'ES256' | 'ES384' | 'RS256';
  /** libtrust key id of the public key: what registry 2.8 looks `kid` up by. */
  readonly kid: string;
  readonly publicKey: KeyObject;
  readonly header: 'kid' | 'x5c';
  /** A compact JWS of the payload. */
  sign(payload: Record<string, unknown>): string;
  /** The payload when `token` is a JWS this signer made (signature and alg checked, nothing else); else undefined. */
  verify(token: string): Record<string, unknown> | undefined;
}

/**
 * libtrust's key id (github.com/docker/libtrust keyIDFromCryptoKey): SHA-256 of the DER SubjectPublicKeyInfo,
 * truncated to 240 bits, base32 without padding, in 12 colon-separated groups of 4 (ABCD:EFGH:...).
 */
export function libtrustKeyId(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const bytes = createHash('sha256').update(der).digest().subarray(0, 30);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = ((value << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  // 240 bits are exactly 48 base32 characters: no remainder, no padding.
  return (out.match(/.{4}/g) ?? []).join(':');
}

export function createTokenSigner(key?: TokenSigningKey): TokenSigner {
  const privateKey = key ? createPrivateKey(key.privateKeyPem) : generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const publicKey = createPublicKey(privateKey);
  const details = privateKey.asymmetricKeyDetails;
  let alg: TokenSigner['alg'];
  if (privateKey.asymmetricKeyType === 'rsa') alg = 'RS256';
  else if (privateKey.asymmetricKeyType === 'ec' && details?.namedCurve === 'prime256v1') alg = 'ES256';
  else if (privateKey.asymmetricKeyType === 'ec' && details?.namedCurve === 'secp384r1') alg = 'ES384';
  else throw new Error(`token signing key: unsupported key type ${privateKey.asymmetricKeyType ?? '?'} ${details?.namedCurve ?? ''} (use EC P-256/P-384 or RSA)`);
  const hash = alg === 'ES384' ? 'sha384' : 'sha256';
  // JWS wants ECDSA signatures as r||s (IEEE P1363), which is also what libtrust verifies; Node's default is DER.
  const keyFor = <K extends KeyObject>(k: K) => (alg === 'RS256' ? k : { key: k, dsaEncoding: 'ieee-p1363' as const });
  const kid = libtrustKeyId(publicKey);
  const headerKind = key?.header ?? 'kid';
  let x5c: string[] | undefined;
  if (headerKind === 'x5c') {
    if (!key?.certificatePem) throw new Error('token signing key: the x5c header needs the certificate');
    const cert = new X509Certificate(key.certificatePem);
    if (!cert.checkPrivateKey(privateKey)) throw new Error('token signing key: the certificate is not the private key\'s');
    x5c = [cert.raw.toString('base64')];
  }
  const header = { typ: 'JWT', alg, ...(x5c ? { x5c } : { kid }) };
  const encodedHeader = b64url(JSON.stringify(header));
  return {
    alg,
    kid,
    publicKey,
    header: headerKind,
    sign(payload) {
      const input = `${encodedHeader}.${b64url(JSON.stringify(payload))}`;
      return `${input}.${b64url(sign(hash, Buffer.from(input), keyFor(privateKey)))}`;
    },
    verify(token) {
      try {
        const jwt = decodeJwt(token);
        if (jwt.header.alg !== alg) return undefined;
        return verify(hash, Buffer.from(jwt.signingInput), keyFor(publicKey), jwt.signature) ? jwt.payload : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
