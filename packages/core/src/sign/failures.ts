import { InputError } from '../errors.ts';
import { isTransientRegistryFailure, isTransientServiceFailure } from '../transient.ts';
import type { SignInputs } from './inputs.ts';
import type { SigstoreTrustInputs } from '../cosign/trust.ts';

/** Which service a failed `cosign sign` was talking to, read from cosign's own error chain ("getting signer: getting key from Fulcio: …"). */
export type SignFailureSource = 'fulcio' | 'rekor' | 'key' | 'registry';

export function signFailureSource(line: string): SignFailureSource {
  // Image references and registry API URLs are dropped first: a repository may be called "rekor" or "fulcio".
  line = line.replace(/\[[^\]]*\]/g, '[]').replace(/\S+\/v2\/\S*/g, '<registry>');
  if (/fulcio|signing ?cert/i.test(line)) return 'fulcio';
  if (/rekor|tlog|transparency log/i.test(line)) return 'rekor';
  if (/getting signer: (reading key|.*decrypt)|loading private key|invalid pem|reading key:/i.test(line)) return 'key';
  return 'registry';
}

export function isTransientSignFailure(line: string): boolean {
  const source = signFailureSource(line);
  if (source === 'key') return false;
  if (source === 'registry') return isTransientRegistryFailure(line);
  // A Sigstore service that answered 429/5xx or timed out may answer on a retry; one nobody listens on will not.
  return isTransientServiceFailure(line);
}

/**
 * Turns a permanent cosign sign failure that a setting causes (a Sigstore URL nobody answers on, a key cosign
 * cannot read) into an error naming that input; registry failures keep cosign's own line, which names the registry.
 */
export function signFailureAsInputError(line: string, inputs: Pick<SigstoreTrustInputs, 'fulcioUrl' | 'rekorUrl'> & Pick<SignInputs, 'keyless'>): InputError | undefined {
  const source = signFailureSource(line);
  if (source === 'fulcio') {
    return inputs.fulcioUrl
      ? new InputError('fulcio-url', `Fulcio at ${inputs.fulcioUrl} refused the signing certificate request (${line})`, 'give the base URL of a Fulcio that this runner can reach, or leave fulcio-url empty for the public instance')
      : new InputError('keyless', `the public Fulcio (https://fulcio.sigstore.dev) refused the signing certificate request (${line})`, 'allow fulcio.sigstore.dev and rekor.sigstore.dev in the runner\'s egress policy, or set fulcio-url to your own Fulcio');
  }
  if (source === 'rekor') {
    return inputs.rekorUrl
      ? new InputError('rekor-url', `Rekor at ${inputs.rekorUrl} refused the transparency log entry (${line})`, 'give the base URL of a Rekor that this runner can reach, or set tlog-upload: false for a private deployment')
      : new InputError('tlog-upload', `the public Rekor (https://rekor.sigstore.dev) refused the transparency log entry (${line})`, 'allow rekor.sigstore.dev in the runner\'s egress policy, set rekor-url to your own Rekor, or tlog-upload: false');
  }
  if (source === 'key') {
    return new InputError('key', `cosign cannot read the key (${line})`, 'give the PEM private key from cosign generate-key-pair (or a path / KMS URI) and its key-password');
  }
  return undefined;
}
