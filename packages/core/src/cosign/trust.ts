import { existsSync } from 'node:fs';
import { InputError } from '../errors.ts';
import type { InputReader } from '../inputs.ts';
import type { Scratch } from '../scratch.ts';
import { isPem } from './setup.ts';

/*
 * A private Sigstore deployment: cosign 2.x takes its service URLs as flags and its trust material from
 * environment variables (sigstore-go's and cosign's SIGSTORE_* knobs, read instead of the public TUF root):
 *   SIGSTORE_ROOT_FILE                the Fulcio root (and intermediate) certificates, PEM
 *   SIGSTORE_REKOR_PUBLIC_KEY         the Rekor log's public key, PEM (checks the signed entry timestamp)
 *   SIGSTORE_CT_LOG_PUBLIC_KEY_FILE   the certificate transparency log's public key, PEM (checks the SCT)
 * Each input takes PEM content or a path; content goes to a scratch file removed when the step ends.
 */
export interface SigstoreTrustInputs {
  fulcioUrl?: string;
  rekorUrl?: string;
  fulcioRoot?: string;
  rekorPublicKey?: string;
  ctLogPublicKey?: string;
}

const MATERIAL: ReadonlyArray<[keyof SigstoreTrustInputs, string, string, string]> = [
  ['fulcioRoot', 'fulcio-root', 'SIGSTORE_ROOT_FILE', 'the root (and intermediate) certificates of your Fulcio, PEM content or a path'],
  ['rekorPublicKey', 'rekor-public-key', 'SIGSTORE_REKOR_PUBLIC_KEY', "your Rekor's public key, PEM content or a path"],
  ['ctLogPublicKey', 'ct-log-public-key', 'SIGSTORE_CT_LOG_PUBLIC_KEY_FILE', "your certificate transparency log's public key, PEM content or a path"],
];

function url(read: InputReader, name: string): string | undefined {
  const v = read(name);
  if (v && !/^https?:\/\/\S+$/.test(v)) throw new InputError(name, `"${v}" is not an http(s) URL`, 'give the base URL of your Sigstore service, or leave it empty for the public instance');
  return v || undefined;
}

/** Reads the private-deployment inputs that exist on the action (fulcio-url only where signing needs it). */
export function readSigstoreTrustInputs(read: InputReader, opts: { fulcioUrl: boolean }): SigstoreTrustInputs {
  const out: SigstoreTrustInputs = {};
  if (opts.fulcioUrl) {
    const f = url(read, 'fulcio-url');
    if (f) out.fulcioUrl = f;
  }
  const r = url(read, 'rekor-url');
  if (r) out.rekorUrl = r;
  for (const [key, input, , what] of MATERIAL) {
    const v = read(input);
    if (!v) continue;
    if (!isPem(v) && (v.startsWith('-') || !existsSync(v))) throw new InputError(input, `"${v.slice(0, 80)}" is neither PEM content nor a file that exists`, `give ${what}`);
    out[key] = v;
  }
  return out;
}

/** The environment cosign reads the trust material from; PEM content is written to scratch files first. */
export async function sigstoreTrustEnv(trust: SigstoreTrustInputs, scratch: Scratch): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const [key, , variable] of MATERIAL) {
    const v = trust[key];
    if (!v) continue;
    env[variable] = isPem(v) ? await scratch.write(`${variable.toLowerCase()}.pem`, v.endsWith('\n') ? v : `${v}\n`) : v;
  }
  return env;
}
