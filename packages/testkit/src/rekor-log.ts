// The log half of the Rekor stand-in, in the encodings Rekor v1 uses: RFC 8785 canonical JSON (entry bodies and
// the signed entry timestamp), an RFC 6962 Merkle tree with inclusion proofs (what Trillian keeps), and the
// signed checkpoint (a signed note, rekor pkg/util/checkpoint.go + signed_note.go). Pure functions and one
// small class, so unit tests can check them against published vectors. Test support only: never bundled.
import { createHash, sign, verify, type KeyObject } from 'node:crypto';

// ------------------------------------------------------------------------------- RFC 8785 canonical JSON

/**
 * RFC 8785 (JCS): object members sorted by UTF-16 code units (JavaScript's own string order), no whitespace,
 * strings and numbers serialised as ECMAScript's JSON.stringify does. Rekor canonicalises every entry body
 * and the SET payload this way (cyberphone/json-canonicalization).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`${value} is not representable in JSON`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  if (typeof value === 'object') {
    const members = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${members.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new TypeError(`a ${typeof value} is not representable in JSON`);
}

// ------------------------------------------------------------------------------ RFC 6962 Merkle tree

const sha256 = (...parts: Buffer[]): Buffer => createHash('sha256').update(Buffer.concat(parts)).digest();
/** RFC 6962 §2.1: MTH({d}) = SHA-256(0x00 || d). A Rekor entry's UUID is this hash of its canonical body. */
export const leafHash = (leaf: Buffer): Buffer => sha256(Buffer.from([0]), leaf);
/** RFC 6962 §2.1: an inner node, SHA-256(0x01 || left || right). */
export const nodeHash = (left: Buffer, right: Buffer): Buffer => sha256(Buffer.from([1]), left, right);

/** The largest power of two smaller than n (n > 1): where RFC 6962 splits a tree. */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]) over leaf hashes; the empty tree's root is SHA-256 of nothing. */
export function merkleRoot(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return leaves[0] as Buffer;
  const k = split(leaves.length);
  return nodeHash(merkleRoot(leaves.slice(0, k)), merkleRoot(leaves.slice(k)));
}

/** PATH(m, D[n]) (RFC 6962 §2.1.1): the audit path for leaf `index`, leaf to root, as Trillian returns it. */
export function inclusionProof(index: number, leaves: readonly Buffer[]): Buffer[] {
  if (index < 0 || index >= leaves.length) throw new RangeError(`leaf ${index} is not in a tree of ${leaves.length}`);
  if (leaves.length === 1) return [];
  const k = split(leaves.length);
  return index < k
    ? [...inclusionProof(index, leaves.slice(0, k)), merkleRoot(leaves.slice(k))]
    : [...inclusionProof(index - k, leaves.slice(k)), merkleRoot(leaves.slice(0, k))];
}

/** RFC 9162 §2.1.3.2, what cosign runs (transparency-dev/merkle proof.VerifyInclusion): exact proof length. */
export function verifyInclusion(index: number | bigint, size: number | bigint, leaf: Buffer, proof: readonly Buffer[], root: Buffer): boolean {
  let fn = BigInt(index);
  let sn = BigInt(size) - 1n;
  if (fn < 0n || fn > sn) return false;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && r.equals(root);
}

/** An append-only list of leaves with the tree over them. */
export class MerkleTree {
  private readonly hashes: Buffer[] = [];

  get size(): number {
    return this.hashes.length;
  }
  /** Appends a leaf (the canonical entry body); returns its index. */
  append(leaf: Buffer): number {
    return this.hashes.push(leafHash(leaf)) - 1;
  }
  indexOf(hash: Buffer): number {
    return this.hashes.findIndex((h) => h.equals(hash));
  }
  root(size = this.size): Buffer {
    return merkleRoot(this.hashes.slice(0, size));
  }
  proof(index: number, size = this.size): Buffer[] {
    return inclusionProof(index, this.hashes.slice(0, size));
  }
}

// ---------------------------------------------------------------------------------- log identity

/** What identifies a log: its key, its log ID (SHA-256 of the key's DER SPKI, RFC 6962 §3.2) and its origin. */
export interface LogIdentity {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** hex SHA-256 of the DER SubjectPublicKeyInfo: LogEntry.logID, and the key cosign looks the SET key up by. */
  logId: string;
  /** rekor_server.hostname: the checkpoint origin's first half and the note signer's name. */
  hostname: string;
  /** Trillian tree ID, decimal. */
  treeId: string;
}

export const logIdOf = (publicKey: KeyObject): string => sha256(publicKey.export({ type: 'spki', format: 'der' })).toString('hex');

// -------------------------------------------------------------------------------- signed checkpoint

/**
 * Rekor's checkpoint for a tree head: the note "<hostname> - <treeID>\n<size>\n<base64 root>\n", a blank line,
 * then "— <hostname> <base64(key hint || signature)>\n". The key hint is the first 4 bytes of SHA-256 of the
 * DER public key; the signature is ECDSA-SHA256 (ASN.1) over the note text.
 */
export function signedCheckpoint(log: LogIdentity, size: number, root: Buffer): string {
  const note = `${log.hostname} - ${log.treeId}\n${size}\n${root.toString('base64')}\n`;
  const hint = Buffer.from(log.logId.slice(0, 8), 'hex');
  const signature = sign('sha256', Buffer.from(note), log.privateKey);
  return `${note}\n\u2014 ${log.hostname} ${Buffer.concat([hint, signature]).toString('base64')}\n`;
}

export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Buffer;
  /** Extra note lines after the root hash (older Rekor added "Timestamp: …"). */
  other: string[];
}

/** Parses a signed checkpoint and returns it when a signature line from `publicKey` verifies; null otherwise. */
export function verifyCheckpoint(text: string, publicKey: KeyObject): Checkpoint | null {
  const cut = text.lastIndexOf('\n\n');
  if (cut < 0 || !text.endsWith('\n')) return null;
  const note = text.slice(0, cut + 1);
  const hint = Buffer.from(logIdOf(publicKey).slice(0, 8), 'hex');
  const verified = text
    .slice(cut + 2, -1)
    .split('\n')
    .some((line) => {
      const m = /^\u2014 (\S+) (\S+)$/.exec(line);
      const raw = Buffer.from(m?.[2] ?? '', 'base64');
      return raw.length > 4 && raw.subarray(0, 4).equals(hint) && verify('sha256', Buffer.from(note), publicKey, raw.subarray(4));
    });
  const [origin = '', size = '', root = '', ...other] = note.slice(0, -1).split('\n');
  if (!verified || origin === '' || !/^\d+$/.test(size)) return null;
  return { origin, size: Number(size), rootHash: Buffer.from(root, 'base64'), other };
}

// --------------------------------------------------------------------------- signed entry timestamp

/** What the SET signs, in cosign's bundle naming (cosign pkg/cosign/bundle RekorPayload). */
export interface SetPayload {
  /** base64 of the canonical entry body. */
  body: string;
  integratedTime: number;
  /** hex log ID. */
  logID: string;
  logIndex: number;
}

/** Rekor signs the canonical JSON of the entry without `verification` (api/entries.go signEntry). */
export const signEntryTimestamp = (payload: SetPayload, privateKey: KeyObject): Buffer => sign('sha256', Buffer.from(canonicalJson(payload)), privateKey);

/** cosign's VerifySET: ECDSA over SHA-256 of the canonical payload. */
export const verifyEntryTimestamp = (payload: SetPayload, set: Buffer, publicKey: KeyObject): boolean =>
  verify('sha256', Buffer.from(canonicalJson(payload)), publicKey, set);
