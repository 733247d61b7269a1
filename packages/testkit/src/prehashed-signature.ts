// Verify a signature over a digest the caller was handed, as Rekor does for a hashedrekord entry (it only ever
// sees data.hash, never the signed bytes). node:crypto cannot do this: verify() always hashes its input, so
// ECDSA is done here with BigInt curve arithmetic, and RSA PKCS#1 v1.5 by opening the signature with
// publicDecrypt and comparing the DigestInfo. Error messages are sigstore's (pkg/signature), which Rekor
// passes through in its 400 answers. Test support only: never bundled.
import { createECDH, constants, publicDecrypt, type KeyObject } from 'node:crypto';

export type DigestAlgorithm = 'sha256' | 'sha384' | 'sha512';

// ------------------------------------------------------------------------------------------- ECDSA

interface Curve {
  p: bigint;
  n: bigint;
  g: Point;
}
type Point = { x: bigint; y: bigint; z: bigint } | null; // Jacobian coordinates; null is the point at infinity

const hexInt = (b: Buffer): bigint => (b.length === 0 ? 0n : BigInt(`0x${b.toString('hex')}`));

/** The generator is the public key of private key 1, so only p and n are written down (FIPS 186-4 D.1.2). */
function curve(opensslName: string, p: bigint, n: bigint): Curve {
  const ecdh = createECDH(opensslName);
  ecdh.setPrivateKey(Buffer.from([1]));
  const g = ecdh.getPublicKey(); // 0x04 || X || Y
  const half = (g.length - 1) / 2;
  return { p, n, g: { x: hexInt(g.subarray(1, 1 + half)), y: hexInt(g.subarray(1 + half)), z: 1n } };
}

let curves: Record<string, Curve> | undefined;
function curveFor(jwkCrv: string | undefined): Curve {
  curves ??= {
    'P-256': curve('prime256v1', 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n, 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n),
    'P-384': curve('secp384r1', 2n ** 384n - 2n ** 128n - 2n ** 96n + 2n ** 32n - 1n, 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n),
    'P-521': curve('secp521r1', 2n ** 521n - 1n, 0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n),
  };
  const c = jwkCrv === undefined ? undefined : curves[jwkCrv];
  if (!c) throw new Error(`unsupported ECDSA curve ${String(jwkCrv)}`);
  return c;
}

const mod = (a: bigint, m: bigint): bigint => ((a % m) + m) % m;
function inverse(a: bigint, m: bigint): bigint {
  let [r0, r1, s0, s1] = [mod(a, m), m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1, s0, s1] = [r1, r0 - q * r1, s1, s0 - q * s1];
  }
  return mod(s0, m);
}

// Point doubling and addition for a = -3 (all NIST prime curves), "dbl-2001-b" and "add-2007-bl".
function double(P: Point, p: bigint): Point {
  if (P === null || P.y === 0n) return null;
  const delta = mod(P.z * P.z, p);
  const gamma = mod(P.y * P.y, p);
  const beta = mod(P.x * gamma, p);
  const alpha = mod(3n * (P.x - delta) * (P.x + delta), p);
  const x = mod(alpha * alpha - 8n * beta, p);
  const z = mod((P.y + P.z) ** 2n - gamma - delta, p);
  const y = mod(alpha * (4n * beta - x) - 8n * gamma * gamma, p);
  return { x, y, z };
}
function add(P: Point, Q: Point, p: bigint): Point {
  if (P === null) return Q;
  if (Q === null) return P;
  const z1z1 = mod(P.z * P.z, p);
  const z2z2 = mod(Q.z * Q.z, p);
  const u1 = mod(P.x * z2z2, p);
  const u2 = mod(Q.x * z1z1, p);
  const s1 = mod(P.y * Q.z * z2z2, p);
  const s2 = mod(Q.y * P.z * z1z1, p);
  const h = mod(u2 - u1, p);
  const r = mod(s2 - s1, p);
  if (h === 0n) return r === 0n ? double(P, p) : null;
  const hh = mod(h * h, p);
  const hhh = mod(h * hh, p);
  const v = mod(u1 * hh, p);
  const x = mod(r * r - hhh - 2n * v, p);
  const y = mod(r * (v - x) - s1 * hhh, p);
  return { x, y, z: mod(P.z * Q.z * h, p) };
}
/** a·A + b·B (Shamir's trick). */
function twoMultiply(a: bigint, A: Point, b: bigint, B: Point, p: bigint): Point {
  const both = add(A, B, p);
  let R: Point = null;
  for (let i = BigInt(Math.max(a.toString(2).length, b.toString(2).length)) - 1n; i >= 0n; i--) {
    R = double(R, p);
    const bitA = (a >> i) & 1n;
    const bitB = (b >> i) & 1n;
    if (bitA && bitB) R = add(R, both, p);
    else if (bitA) R = add(R, A, p);
    else if (bitB) R = add(R, B, p);
  }
  return R;
}

/** A DER SEQUENCE { INTEGER r, INTEGER s }; `exact` is false when bytes trail it (Go's asn1.Unmarshal allows that). */
function parseDerSignature(der: Buffer): { r: bigint; s: bigint; exact: boolean } | null {
  let at = 0;
  const read = (tag: number, limit: number): Buffer | null => {
    if (at + 2 > limit || der[at] !== tag) return null;
    let len = der[at + 1] ?? 0;
    at += 2;
    if (len & 0x80) {
      const count = len & 0x7f;
      if (count === 0 || count > 2 || at + count > limit) return null;
      len = der.readUIntBE(at, count);
      at += count;
    }
    if (at + len > limit) return null;
    at += len;
    return der.subarray(at - len, at);
  };
  const seq = read(0x30, der.length);
  if (!seq) return null;
  const end = at;
  at = end - seq.length;
  const r = read(0x02, end);
  const s = read(0x02, end);
  if (!r?.length || !s?.length) return null;
  // A negative INTEGER parses in Go too, and then fails verification: keep it as -1.
  const value = (b: Buffer): bigint => ((b[0] ?? 0) & 0x80 ? -1n : hexInt(b));
  return { r: value(r), s: value(s), exact: at === end && end === der.length };
}

/** Go's hashToInt: the leftmost bits of the digest, as many as the order has. */
function digestToInt(digest: Buffer, n: bigint): bigint {
  const orderBits = n.toString(2).length;
  const truncated = digest.subarray(0, Math.ceil(orderBits / 8));
  const excess = truncated.length * 8 - orderBits;
  return excess > 0 ? hexInt(truncated) >> BigInt(excess) : hexInt(truncated);
}

function ecdsaVerify(key: KeyObject, digest: Buffer, r: bigint, s: bigint): boolean {
  const jwk = key.export({ format: 'jwk' });
  const c = curveFor(jwk.crv);
  if (r <= 0n || s <= 0n || r >= c.n || s >= c.n) return false;
  const q: Point = { x: hexInt(Buffer.from(jwk.x ?? '', 'base64url')), y: hexInt(Buffer.from(jwk.y ?? '', 'base64url')), z: 1n };
  const w = inverse(s, c.n);
  const R = twoMultiply(mod(digestToInt(digest, c.n) * w, c.n), c.g, mod(r * w, c.n), q, c.p);
  if (R === null) return false;
  const zInv = inverse(R.z, c.p);
  return mod(mod(R.x * zInv * zInv, c.p), c.n) === r;
}

/** sigstore's ECDSAVerifier: ASN.1 DER first, IEEE P1363 (r || s) when the bytes are not DER. */
function verifyEcdsa(key: KeyObject, digest: Buffer, signature: Buffer): void {
  const der = parseDerSignature(signature);
  if (der) {
    if (!der.exact || !ecdsaVerify(key, digest, der.r, der.s)) throw new Error('invalid signature when validating ASN.1 encoded signature');
    return;
  }
  if (signature.length === 0 || signature.length > 132 || signature.length % 2 !== 0) throw new Error('ecdsa: Invalid IEEE_P1363 encoded bytes');
  const half = signature.length / 2;
  if (!ecdsaVerify(key, digest, hexInt(signature.subarray(0, half)), hexInt(signature.subarray(half)))) {
    throw new Error('invalid signature when validating IEEE_P1363 encoded signature');
  }
}

// --------------------------------------------------------------------------------------------- RSA

// DER DigestInfo prefixes (RFC 8017 §9.2 note 1).
const DIGEST_INFO: Record<DigestAlgorithm, string> = {
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};

function verifyRsaPkcs1(key: KeyObject, algorithm: DigestAlgorithm, digest: Buffer, signature: Buffer): void {
  const size = Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  let opened: Buffer | undefined;
  try {
    opened = signature.length === size ? publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, signature) : undefined;
  } catch {
    opened = undefined;
  }
  if (!opened?.equals(Buffer.concat([Buffer.from(DIGEST_INFO[algorithm], 'hex'), digest]))) throw new Error('crypto/rsa: verification error');
}

// ---------------------------------------------------------------------------------------------- API

/**
 * Throws (with sigstore's message) unless `signature` is `key`'s signature over `digest`. ECDSA (P-256/384/521)
 * and RSA PKCS#1 v1.5 like sigstore's default verifiers; Ed25519ph (what Rekor uses for Ed25519 keys in a
 * hashedrekord) is not available in node:crypto, so Ed25519 keys are refused.
 */
export function verifyPrehashed(key: KeyObject, algorithm: DigestAlgorithm, digest: Buffer, signature: Buffer): void {
  if (signature.length === 0) throw new Error('X509 signature has not been initialized');
  switch (key.asymmetricKeyType) {
    case 'ec':
      return verifyEcdsa(key, digest, signature);
    case 'rsa':
      return verifyRsaPkcs1(key, algorithm, digest, signature);
    case 'ed25519':
      throw new Error('ed25519ph signatures over a digest are not supported by this stand-in');
    default:
      throw new Error(`unsupported public key type: ${String(key.asymmetricKeyType)}`);
  }
}
