import { verifyArgs } from '../cosign/args.ts';
import { type Digest, parseDigest } from '../digest.ts';
import { InputError } from '../errors.ts';
import { canonicalName, parseImageName } from '../image.ts';
import { formatPlatform, parsePlatform } from '../platform.ts';
import type { ExpectedSigner } from './expected-signer.ts';
import { type NormalizedSigner, normalizeSigner } from './normalize.ts';
import type { PolicyResult, Refusal } from './result.ts';

/*
 * `cosign verify` command lines, for the index and for each platform manifest, enforcing every field of the
 * expected signer. The argv comes from verifyArgs() (cosign/args.ts), with the flags it does not cover inserted
 * before "--": --certificate-github-workflow-trigger and --certificate-github-workflow-ref. cosign matches the
 * latter exactly (no regexp), so a ref PATTERN (tags/branches/any) is checked on cosign's JSON output instead:
 * every verified signature's `optional.githubWorkflowRef` (cmd/cosign/cli/verify PrintVerification), through
 * `jq -e 'any(...)'` - cosign prints only signatures that passed every flag, so any() picks one signature that
 * satisfies all checks. If cosign fails it prints nothing and jq -e exits non-zero too.
 * Private Sigstore material reaches cosign through files named in environment variables (SIGSTORE_ROOT_FILE,
 * SIGSTORE_REKOR_PUBLIC_KEY, SIGSTORE_CT_LOG_PUBLIC_KEY_FILE), so it needs the *Path fields.
 */

export interface CosignVerifyTarget {
  /** One of the signer's images, e.g. ghcr.io/owner/app. */
  image: string;
  /** Digest of the image index. */
  index: string;
  /** Platform manifest digests, e.g. { 'linux/amd64': 'sha256:...', 'linux/arm64': 'sha256:...' }. */
  platforms?: Readonly<Record<string, string>>;
}

export interface CosignVerifyCommand {
  /** "index" or the platform (linux/arm64). */
  label: string;
  ref: string;
  env: Record<string, string>;
  /** cosign's argv without the binary. */
  argv: string[];
  /** jq's argv (a pipeline stage after cosign), for a ref pattern. */
  jq?: string[];
  /** The command line, every word quoted for POSIX sh / bash. */
  line: string;
}

export interface CosignCommandOptions {
  /** The cosign binary in the line (default cosign). */
  cosign?: string;
  /** cosign version the flags are for (default 2.5.0; 2.x and 3.x accepted). */
  version?: string;
}

/** Quotes one word for POSIX sh: bare when it only holds characters no shell treats specially, else '...'. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function cosignVerifyCommands(signer: ExpectedSigner, target: CosignVerifyTarget, options: CosignCommandOptions = {}): PolicyResult<CosignVerifyCommand[]> {
  const s = normalizeSigner(signer);
  const image = parseImageName(target.image, 'image');
  if (!s.images.some((i) => canonicalName(i) === canonicalName(image))) {
    throw new InputError('image', `"${target.image}" is not one of the signer's images (${s.images.map((i) => i.name).join(', ')})`, 'give one of the images the expected signer lists');
  }
  const env = envFor(s);
  if (typeof env === 'string') return refusal(env);
  const notes: string[] = [];
  if (s.kind === 'key' && !s.publicKeyPath) notes.push('--key=cosign.pub: put the public key there, or give publicKeyPath');
  if (!s.tlog) notes.push('--insecure-ignore-tlog=true: the signatures are not in a transparency log');
  const refs: Array<[string, Digest]> = [['index', parseDigest(target.index, 'index')]];
  for (const [platform, digest] of Object.entries(target.platforms ?? {})) refs.push([formatPlatform(parsePlatform(platform, 'platforms')), parseDigest(digest, 'platforms')]);
  const cosign = options.cosign ?? 'cosign';
  const commands = refs.map(([label, digest]): CosignVerifyCommand => {
    const ref = `${image.name}@${digest}`;
    const argv = argvFor(s, ref, options.version ?? '2.5.0');
    const jq = s.kind === 'keyless' && s.ref.exact === undefined ? ['-e', `any(.[]; (.optional.githubWorkflowRef // "") | test(${JSON.stringify(s.ref.regexp)}))`] : undefined;
    const words = [...Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)}`), shellQuote(cosign), ...argv.map(shellQuote)];
    const line = jq ? `${words.join(' ')} | jq ${jq.map(shellQuote).join(' ')}` : words.join(' ');
    return { label, ref, env, argv, ...(jq ? { jq } : {}), line };
  });
  if (commands.some((c) => c.jq)) notes.push('the ref pattern is checked by jq on cosign\'s JSON output: run with set -o pipefail, or check jq\'s exit status (it is non-zero when cosign fails too)');
  return { ok: true, target: 'cosign-verify', document: commands, text: `${commands.map((c) => c.line).join('\n')}\n`, notes };
}

function argvFor(s: NormalizedSigner, ref: string, version: string): string[] {
  if (s.kind === 'key') {
    const args = verifyArgs({ version, ref, key: s.publicKeyPath ?? 'cosign.pub', insecureIgnoreTlog: !s.tlog });
    return insertBeforeRef(args, s.tlog && s.sigstore.rekorUrl ? [`--rekor-url=${s.sigstore.rekorUrl}`] : []);
  }
  const args = verifyArgs({
    version,
    ref,
    ...(s.san !== undefined ? { identity: s.san } : { identityRegexp: s.regexp ?? '' }),
    issuer: s.issuer,
    githubWorkflowRepository: s.repository,
    insecureIgnoreTlog: !s.tlog,
  });
  const extra: string[] = [];
  if (s.trigger) extra.push(`--certificate-github-workflow-trigger=${s.trigger}`);
  if (s.ref.exact !== undefined) extra.push(`--certificate-github-workflow-ref=${s.ref.exact}`);
  if (s.tlog && s.sigstore.rekorUrl) extra.push(`--rekor-url=${s.sigstore.rekorUrl}`);
  return insertBeforeRef(args, extra);
}

function insertBeforeRef(args: string[], extra: string[]): string[] {
  const end = args.lastIndexOf('--');
  return [...args.slice(0, end), ...extra, ...args.slice(end)];
}

/** The environment cosign reads private Sigstore material from; a string says what is missing. */
function envFor(s: NormalizedSigner): Record<string, string> | string {
  const env: Record<string, string> = {};
  const st = s.sigstore as Record<string, string | undefined>;
  const files: Array<[string, string, string, boolean]> = [
    ['fulcioCaPem', 'fulcioCaPath', 'SIGSTORE_ROOT_FILE', s.kind === 'keyless'],
    ['rekorPublicKeyPem', 'rekorPublicKeyPath', 'SIGSTORE_REKOR_PUBLIC_KEY', s.tlog],
    ['ctlogPublicKeyPem', 'ctlogPublicKeyPath', 'SIGSTORE_CT_LOG_PUBLIC_KEY_FILE', s.kind === 'keyless'],
  ];
  for (const [pem, path, variable, used] of files) {
    if (!used) continue;
    if (st[path]) env[variable] = st[path];
    else if (st[pem]) return `sigstore.${pem} is given without sigstore.${path}: cosign reads it from the file named by ${variable}`;
  }
  return env;
}

function refusal(why: string): Refusal {
  return {
    ok: false,
    target: 'cosign-verify',
    reason: why,
    cannotExpress: ['PEM material inline on the command line (cosign takes private Sigstore roots and keys as files)'],
    instead: ['give the matching *Path field (where the file is on the machine that runs cosign)'],
    sources: ['sigstore/cosign v2.5.0 pkg/cosign/env (SIGSTORE_ROOT_FILE, SIGSTORE_REKOR_PUBLIC_KEY, SIGSTORE_CT_LOG_PUBLIC_KEY_FILE)'],
  };
}
