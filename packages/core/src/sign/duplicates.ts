import { X509Certificate, createPublicKey, verify } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Digest } from '../digest.ts';
import { isDigest } from '../digest.ts';
import type { ImageName } from '../image.ts';
import type { RegistryReads } from '../ports.ts';
import { signatureTag } from './targets.ts';

/*
 * cosign's legacy signatures live in one manifest per signed digest, tagged sha256-<hex>.sig, one layer per
 * signature. Two runs that sign the same digest at the same moment both find no signature, both sign, and cosign
 * appends: the digest ends up with two layers from one signer. Nothing before the push can tell them apart, so
 * after signing we count this signer's layers and say so. Annotations are cosign's (pkg/oci/static/options.go).
 */
const CERTIFICATE = 'dev.sigstore.cosign/certificate';
const SIGNATURE = 'dev.cosignproject.cosign/signature';

export interface SignatureLayer {
  digest: string;
  annotations?: Record<string, string>;
}

/** Whose signature a layer is: compared with the keyless identity (certificate SAN) or the public key. */
export type OwnSignatureTest = (layer: SignatureLayer) => Promise<boolean>;

/** A keyless signature is this signer's when its certificate names the same identity (URI SAN). */
export function byIdentity(identity: string): OwnSignatureTest {
  return async (layer) => {
    const pem = layer.annotations?.[CERTIFICATE];
    if (!pem) return false;
    try {
      return (new X509Certificate(pem).subjectAltName ?? '').split(/,\s*/).includes(`URI:${identity}`);
    } catch {
      return false;
    }
  };
}

/** A key-based signature is this signer's when it verifies over its payload with the public key. */
export function byPublicKey(publicKeyFile: () => Promise<string>, payloadOf: (digest: Digest) => Promise<Buffer>): OwnSignatureTest {
  return async (layer) => {
    const signature = layer.annotations?.[SIGNATURE];
    if (!signature || layer.annotations?.[CERTIFICATE] || !isDigest(layer.digest)) return false;
    const key = createPublicKey(await readFile(await publicKeyFile(), 'utf8'));
    return verify('sha256', await payloadOf(layer.digest), key, Buffer.from(signature, 'base64'));
  };
}

/**
 * How many signatures of this signer the digest carries. Only a .sig manifest with more than one layer is looked
 * into: one layer is the signature just made.
 */
export async function countOwnSignatures(registry: Pick<RegistryReads, 'getManifest'>, image: ImageName, digest: string, isOwn: OwnSignatureTest): Promise<number> {
  const sig = await registry.getManifest(image, signatureTag(digest));
  const layers = ((sig.json as { layers?: SignatureLayer[] }).layers ?? []).filter((l) => typeof l?.digest === 'string');
  if (layers.length <= 1) return layers.length;
  let own = 0;
  for (const layer of layers) if (await isOwn(layer)) own++;
  return own;
}

export function duplicateWarning(ref: string, count: number): string {
  return `${ref} now carries ${count} signatures from this signer: another run signed it at the same moment (both found it unsigned). Verification is not affected. Keep releases of one image from running concurrently (the reusable workflow's concurrency group does that).`;
}
