// The Fulcio stand-in's certificates: a CA chain, and leaves with an embedded SCT from a CT log of its own. Built
// by hand in DER so that the precertificate TBS the SCT signs is byte-for-byte the final TBS minus the SCT extension
// (RFC 6962 §3.2, as certificate-transparency-go checks). Test support only: never bundled.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { TRUE, bitString, integer, octets, oid, seq, time, tlv, toPem, u16, u24, u64, utf8 } from './der.ts';

export const OID = {
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

export interface Ca {
  key: KeyObject;
  spki: Buffer;
  name: Buffer;
  certDer: Buffer;
  pem: string;
}

const nameOf = (cn: string): Buffer =>
  seq(tlv(0x31, seq(oid(OID.organization), utf8('moam test'))), tlv(0x31, seq(oid(OID.commonName), utf8(cn))));
const keyId = (spki: Buffer): Buffer => createHash('sha1').update(spki).digest();
const certPem = (der: Buffer): string => toPem('CERTIFICATE', der);
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

export function makeCa(cn: string, parent: Ca | null, lifetimeDays: number, pathLen?: number): Ca {
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
  return { key: privateKey, spki, name, certDer, pem: certPem(certDer) };
}

// ------------------------------------------------------------------------------- SCT (RFC 6962 §3.2, 3.3)

export interface CtLog {
  key: KeyObject;
  publicKeyPem: string;
  logId: Buffer;
}
export function makeCtLog(): CtLog {
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

// ------------------------------------------------------------------------------------------ leaves

export interface LeafRequest {
  /** DER SubjectPublicKeyInfo of the key the certificate is for. */
  spki: Buffer;
  /** The identity: the only subject alternative name, a URI. */
  san: string;
  /** Fulcio's OID extensions: raw ones hold the bytes of the string, the others a DER UTF8String. */
  extensions: ReadonlyArray<{ oid: string; value: string; raw: boolean }>;
  lifetimeSeconds: number;
}

/** A code-signing leaf issued by `issuer`, as PEM: precert TBS → SCT → final TBS (same bytes + the SCT list extension). */
export function issueLeaf(issuer: Ca, ctlog: CtLog, leaf: LeafRequest): string {
  const now = Date.now();
  const input: TbsInput = {
    serial: serial(),
    subject: seq(), // empty: the identity is the critical SAN
    spki: leaf.spki,
    notBefore: new Date(now),
    notAfter: new Date(now + leaf.lifetimeSeconds * 1000),
    hash: 'sha384',
    extensions: [
      { oid: OID.keyUsage, critical: true, value: bitString(Buffer.from([0x80]), 7) }, // digitalSignature
      { oid: OID.extKeyUsage, value: seq(oid(OID.codeSigning)) },
      { oid: OID.subjectKeyId, value: octets(keyId(leaf.spki)) },
      { oid: OID.authorityKeyId, value: seq(tlv(0x80, keyId(issuer.spki))) },
      { oid: OID.subjectAltName, critical: true, value: seq(tlv(0x86, Buffer.from(leaf.san))) },
      ...leaf.extensions.map((e) => ({ oid: e.oid, value: e.raw ? Buffer.from(e.value, 'utf8') : utf8(e.value) })),
    ],
  };
  const precertTbs = tbsCertificate(input, issuer.name);
  const sct = precertSct(ctlog, issuer.spki, precertTbs, now);
  const sctList = Buffer.concat([u16(sct.length + 2), u16(sct.length), sct]);
  input.extensions.push({ oid: OID.sctList, value: octets(sctList) });
  return certPem(signCert(tbsCertificate(input, issuer.name), issuer.key, 'sha384'));
}
