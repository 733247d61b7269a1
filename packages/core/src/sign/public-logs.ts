import { InputError } from '../errors.ts';
import type { SigstoreTrustInputs } from '../cosign/trust.ts';

/** The public Sigstore instances cosign uses when no URL is given. */
const PUBLIC_FULCIO = 'https://fulcio.sigstore.dev';
const PUBLIC_REKOR = 'https://rekor.sigstore.dev';

const isPublic = (url: string | undefined, publicUrl: string): boolean => url === undefined || url.replace(/\/+$/, '') === publicUrl;

/**
 * Keyless signing with the public Sigstore makes the signing identity public for good: Fulcio logs every
 * certificate it issues in its public certificate transparency log, and the signature entry in the public Rekor
 * log carries the certificate. For a GitHub Actions identity that is the repository's name, the workflow path
 * and ref, the commit SHA, the trigger and the run's URL. A private (or internal) repository must opt in, as
 * slsa-github-generator's private-repository input asks. Key-based signing puts no identity in the logs.
 */
export function refusePublicLogs(opts: { keyless: boolean; tlogUpload: boolean; trust: SigstoreTrustInputs; privateRepository: boolean; repository?: string; visibility?: string }): InputError | undefined {
  if (!opts.keyless || opts.privateRepository) return undefined;
  if (opts.visibility !== 'private' && opts.visibility !== 'internal') return undefined;
  const logs = [
    ...(isPublic(opts.trust.fulcioUrl, PUBLIC_FULCIO) ? ["Fulcio's public certificate transparency log (every certificate it issues)"] : []),
    ...(opts.tlogUpload && isPublic(opts.trust.rekorUrl, PUBLIC_REKOR) ? ['the public Rekor transparency log (the signature entry with its certificate)'] : []),
  ];
  if (logs.length === 0) return undefined;
  return new InputError(
    'private-repository',
    `${opts.repository ?? 'this repository'} is ${opts.visibility}, and signing keyless with the public Sigstore would publish its name, the workflow path and ref, the commit SHA, the trigger and the run's URL in ${logs.join(' and in ')}, permanently (entries cannot be removed); nothing was signed`,
    'set private-repository: true to accept that, or sign with your own Sigstore (fulcio-url, rekor-url and their trust material), or sign with a key (keyless: false, key)',
  );
}
