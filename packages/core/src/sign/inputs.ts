import semver from 'semver';
import { InputError, Problems } from '../errors.ts';
import type { Digest } from '../digest.ts';
import { parseDigest } from '../digest.ts';
import { type ImageName, parseImageNames } from '../image.ts';
import { type InputReader, parseBoolean, parseKeyValues, parseList, requireInput } from '../inputs.ts';
import type { SignatureFormat } from '../cosign/args.ts';
import { type CosignInstallInputs, cosignVersionOf, isPem, readCosignInstallInputs } from '../cosign/setup.ts';
import { assertSupportedMajor } from '../cosign/version.ts';
import { type SigstoreTrustInputs, readSigstoreTrustInputs } from '../cosign/trust.ts';

export interface SignInputs {
  images: ImageName[];
  digest: Digest;
  keyless: boolean;
  key?: string;
  keyPassword?: string;
  recursive: boolean;
  signatureFormat: SignatureFormat;
  tlogUpload: boolean;
  /** Fulcio and Rekor URLs and trust material of a private Sigstore deployment (empty: the public instance). */
  trust: SigstoreTrustInputs;
  /** The caller accepts that a private repository's signing identity goes to the public Sigstore logs. */
  privateRepository: boolean;
  annotations: Array<[string, string]>;
  cosign: CosignInstallInputs;
}

/**
 * cosign reads -a as a comma-separated list of KEY=VALUE and splits each on every "=": a value with "=" is refused
 * late ("unable to parse annotation"), and one with "," is cut into two annotations, or refused.
 */
function parseSignAnnotations(value: string): Array<[string, string]> {
  const pairs = parseKeyValues(value, 'annotations');
  for (const [k, v] of pairs) {
    if (/\s/.test(k)) throw new InputError('annotations', `key "${k}" has whitespace`, 'give one KEY=VALUE per line, with a key such as org.example.run (no spaces)');
    if (/[=,]/.test(k) || /[=,]/.test(v)) {
      throw new InputError('annotations', `"${k}=${v}" has "=" or "," in its key or value, which cosign's -a cannot carry (it splits on both)`, 'keep one "=" between key and value and no ","; encode them in the value (e.g. %3D, %2C) if you must');
    }
  }
  return pairs;
}

export function readSignInputs(read: InputReader): SignInputs {
  const p = new Problems();
  const images = p.collect(() => parseImageNames(parseList(requireInput(read, 'images', 'ghcr.io/owner/app'))));
  const digest = p.collect(() => {
    const d = requireInput(read, 'digest', 'sha256:<64 hex> (the digest output of merge-manifest)');
    if (!d.startsWith('sha') && /^[\w][\w.-]*$/.test(d)) throw new InputError('digest', `"${d}" looks like a tag; signing is by digest only`, 'pass the index digest, e.g. digest: ${{ needs.merge.outputs.digest }}');
    return parseDigest(d, 'digest');
  });
  const key = read('key');
  if (key.startsWith('-') && !isPem(key)) p.add(`Input "key": "${key}" starts with "-"; a key is PEM content, a path, env://VAR or a KMS URI, never a flag. Fix: give the private key from cosign generate-key-pair`);
  // Empty (the default): keyless unless a key is given. An explicit keyless: true next to a key is a conflict.
  const keyless = p.collect(() => parseBoolean(read('keyless'), 'keyless', !key));
  if (keyless === true && key) p.add('Input "key": is set while keyless is true; these conflict. Fix: set keyless: false to sign with the key, or remove key to sign keyless');
  if (keyless === false && !key) p.add('Input "key": keyless is false but no key is given. Fix: set key (and key-password) or keyless: true');
  const recursive = p.collect(() => parseBoolean(read('recursive'), 'recursive', true));
  const signatureFormat = p.collect((): SignatureFormat => {
    const f = (read('signature-format') || 'legacy').toLowerCase();
    if (f !== 'legacy' && f !== 'bundle') throw new InputError('signature-format', `"${f}" is not a signature format`, 'use legacy (.sig tags; Kyverno, podman) or bundle (Sigstore bundle, cosign 3)');
    return f;
  });
  const tlogUpload = p.collect(() => parseBoolean(read('tlog-upload'), 'tlog-upload', true));
  const trust = p.collect(() => readSigstoreTrustInputs(read, { fulcioUrl: true }));
  for (const [input, url, service] of [['fulcio-url', trust?.fulcioUrl, 'Fulcio'], ['rekor-url', trust?.rekorUrl, 'Rekor']] as const) {
    if (url && !URL.canParse(url)) p.add(`Input "${input}": "${url}" is not a URL (its host is missing or malformed). Fix: give the base URL of your ${service}, e.g. https://${service.toLowerCase()}.example.com, or leave it empty for the public instance`);
  }
  const privateRepository = p.collect(() => parseBoolean(read('private-repository'), 'private-repository', false));
  const annotations = p.collect(() => parseSignAnnotations(read('annotations')));
  const cosign = p.collect(() => readCosignInstallInputs(read));
  if (cosign) p.collect(() => assertSupportedMajor(cosignVersionOf(cosign)));
  if (signatureFormat === 'bundle' && cosign && semver.major(cosignVersionOf(cosign)) < 3) {
    p.add(`Input "signature-format": bundle signatures need cosign 3, but cosign-version is ${cosignVersionOf(cosign)}. Fix: set cosign-version to a 3.x release, or use signature-format: legacy`);
  }
  // cosign 3 makes bundle signatures with a signing config, and refuses --tlog-upload=false with one; this action takes no signing config.
  if (signatureFormat === 'bundle' && tlogUpload === false) {
    p.add('Input "tlog-upload": is false, but cosign refuses --tlog-upload=false for bundle signatures (they are made with a signing config). Fix: use signature-format: legacy to sign without the transparency log, or set tlog-upload: true');
  }
  p.throwIfAny('invalid inputs');
  const keyPassword = read('key-password');
  return {
    images: images!,
    digest: digest!,
    keyless: keyless!,
    ...(key ? { key } : {}),
    ...(keyPassword ? { keyPassword } : {}),
    recursive: recursive!,
    signatureFormat: signatureFormat!,
    tlogUpload: tlogUpload!,
    trust: trust!,
    privateRepository: privateRepository!,
    annotations: annotations!,
    cosign: cosign!,
  };
}
