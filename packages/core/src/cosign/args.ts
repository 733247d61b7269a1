import semver from 'semver';
import { InputError } from '../errors.ts';
import { anchorRegexp, parseRepository } from './identity.ts';
import { assertSupportedMajor, parseCosignVersion } from './version.ts';

/*
 * Pure builders for cosign's argv, per cosign version.
 *
 * Flag surface (cosign 3.x was not run here: the 3.x rows come from cosign's docs, CHANGELOG and issues):
 *  - cosign 3.0 turned on by default what 2.6 added behind flags: the protobuf bundle format
 *    (--new-bundle-format, stored as an OCI 1.1 referrer) and a signing config fetched from the public TUF
 *    root (--use-signing-config). Legacy `.sig`-tag signatures on 3.x need BOTH set to false; with only
 *    --new-bundle-format=false cosign 3 fails with "must provide --new-bundle-format or --bundle where
 *    applicable with --signing-config or --use-signing-config" (attune-io/attune#232).
 *  - cosign 3.0.3 deprecated --tlog-upload (sigstore/cosign#4458). With a signing config (the 3.x default),
 *    --tlog-upload=false is an error: "--tlog-upload=false is not supported with --signing-config or
 *    --use-signing-config. Provide a signing config with --signing-config without a transparency log
 *    service" (sigstore/cosign#4686, #5043 on v3.1.3, moby/buildkit#6737). It still works, with a
 *    deprecation warning, together with --use-signing-config=false (sigstore/cosign#4778), i.e. for legacy
 *    signatures. A bundle signature without a transparency log therefore needs a signing config file
 *    without tlog services (`cosign signing-config create`), passed as signingConfig.
 *  - Service URLs (--fulcio-url/--rekor-url) and a signing config are exclusive ("Require exclusively a
 *    SigningConfig or service URLs when signing", 2.6.0 #4403; "cannot specify service URLs and use signing
 *    config"), so explicit URLs on 3.x come with --use-signing-config=false.
 *  - --signing-config and --use-signing-config may not be combined (cobra flag group, sigstore/cosign#4778).
 *  - cosign 2.x before 2.6 has none of --new-bundle-format/--use-signing-config/--signing-config on `sign`,
 *    so they are never passed to 2.x, and bundle signing is refused there.
 *  - Secrets never go on argv: the key password is read by cosign from COSIGN_PASSWORD, and the keyless
 *    identity token either from a file (`--identity-token <path>`: "the token or a path to a file containing
 *    the token is accepted") or from SIGSTORE_ID_TOKEN (cosign's envvar OIDC provider); see cosignEnv().
 *  - The image reference is the last argument, after "--" (cobra/pflag ends flag parsing there), so even a
 *    value starting with "-" could never be read as a flag; refs are also refused if they start with "-".
 */

export const SIGNATURE_FORMAT_INPUT = 'signature-format';
export const TLOG_UPLOAD_INPUT = 'tlog-upload';
export const KEY_INPUT = 'key';
export const ANNOTATIONS_INPUT = 'annotations';
export const IDENTITY_INPUT = 'certificate-identity';
export const ISSUER_INPUT = 'certificate-oidc-issuer';
export const SIGNING_CONFIG_INPUT = 'signing-config';
export const SOURCE_REF_INPUT = 'source-ref';
export const TRIGGER_INPUT = 'trigger';

export type SignatureFormat = 'legacy' | 'bundle';

export interface SignArgsOptions {
  /** cosign version that will run ("2.5.0", "3.0.6"); decides which flags exist. */
  version: string;
  /** image@sha256:..., already validated (never a tag). */
  ref: string;
  /** Sigstore keyless (Fulcio certificate from the workflow's OIDC token). Exclusive with key. */
  keyless: boolean;
  /** --key value: a path, env://VAR or a KMS URI. The key's password goes in COSIGN_PASSWORD, never here. */
  key?: string;
  /** Also sign each platform manifest of an index. */
  recursive: boolean;
  signatureFormat: SignatureFormat;
  /** Record the signature in the Rekor transparency log. */
  tlogUpload: boolean;
  fulcioUrl?: string;
  rekorUrl?: string;
  /** Path of a Sigstore signing config (cosign >= 3, bundle format), e.g. one without transparency log services. */
  signingConfig?: string;
  /** Signed annotations, -a key=value. */
  annotations?: ReadonlyArray<readonly [string, string]>;
  /** Path of a file holding the OIDC identity token (cosign reads the file; only the path is on argv). */
  identityTokenFile?: string;
}

function major(version: string): number {
  return assertSupportedMajor(parseCosignVersion(version));
}

function refuseDash(value: string, input: string, what: string): string {
  if (value.startsWith('-')) throw new InputError(input, `${what} "${value}" starts with "-" and would be read as an option`, 'give a value, not a flag');
  return value;
}

function checkRef(ref: string): string {
  const r = ref.trim();
  if (r === '' || r.startsWith('-') || /\s/.test(r)) throw new Error(`internal: image reference "${ref}" is empty, has whitespace or starts with "-"`);
  return r;
}

function checkUrl(value: string, input: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new InputError(input, `"${value}" is not a URL`, 'give an https:// URL');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new InputError(input, `"${value}" is not an http(s) URL`, 'give an https:// URL');
  return value;
}

/** argv for `cosign sign` (without the binary). The ref is last, after "--". */
export function signArgs(o: SignArgsOptions): string[] {
  const v = parseCosignVersion(o.version);
  const m = major(o.version);
  const ref = checkRef(o.ref);
  const args = ['sign', '--yes'];

  if (o.keyless && o.key) throw new InputError(KEY_INPUT, 'is set together with keyless signing', 'either set a key, or sign keyless (not both)');
  if (!o.keyless && !o.key) throw new InputError(KEY_INPUT, 'is empty and keyless signing is off', 'set a key (path, env://VAR or KMS URI), or sign keyless');
  if (o.identityTokenFile && !o.keyless) throw new InputError(KEY_INPUT, 'is set together with an identity token', 'the identity token is for keyless signing; drop one of them');

  if (o.signatureFormat !== 'legacy' && o.signatureFormat !== 'bundle') {
    throw new InputError(SIGNATURE_FORMAT_INPUT, `"${String(o.signatureFormat)}" is not legacy or bundle`, 'use legacy (.sig tag, readable by every cosign) or bundle (Sigstore bundle as an OCI referrer, cosign 3)');
  }
  const urls = Boolean(o.fulcioUrl || o.rekorUrl);
  if (o.fulcioUrl) checkUrl(o.fulcioUrl, 'fulcio-url');
  if (o.rekorUrl) checkUrl(o.rekorUrl, 'rekor-url');

  if (m < 3) {
    if (o.signatureFormat === 'bundle') {
      throw new InputError(SIGNATURE_FORMAT_INPUT, `bundle signatures need cosign 3, but cosign-version is ${v}`, 'set cosign-version to a 3.x release, or use signature-format: legacy');
    }
    if (o.signingConfig) throw new InputError(SIGNING_CONFIG_INPUT, `needs cosign 3, but cosign-version is ${v}`, 'set cosign-version to a 3.x release, or leave signing-config empty');
    if (!o.tlogUpload) args.push('--tlog-upload=false');
    if (o.fulcioUrl) args.push(`--fulcio-url=${o.fulcioUrl}`);
    if (o.rekorUrl) args.push(`--rekor-url=${o.rekorUrl}`);
  } else if (o.signatureFormat === 'legacy') {
    if (o.signingConfig) throw new InputError(SIGNING_CONFIG_INPUT, 'is set, but legacy signatures are made without a signing config', 'use signature-format: bundle with a signing config, or leave signing-config empty');
    args.push('--new-bundle-format=false', '--use-signing-config=false');
    if (!o.tlogUpload) args.push('--tlog-upload=false');
    if (o.fulcioUrl) args.push(`--fulcio-url=${o.fulcioUrl}`);
    if (o.rekorUrl) args.push(`--rekor-url=${o.rekorUrl}`);
  } else {
    // bundle on cosign 3: the default path (new bundle format + signing config).
    if (o.signingConfig) {
      if (urls) throw new InputError(SIGNING_CONFIG_INPUT, 'is set together with fulcio-url/rekor-url', 'cosign takes either a signing config or service URLs; put the URLs in the signing config');
      args.push(`--signing-config=${refuseDash(o.signingConfig, SIGNING_CONFIG_INPUT, 'path')}`);
    } else if (!o.tlogUpload) {
      throw new InputError(
        TLOG_UPLOAD_INPUT,
        `is false, but cosign ${v} refuses --tlog-upload=false with bundle signatures (it signs with a signing config)`,
        'pass a signing config without transparency log services (create one with `cosign signing-config create`) as signing-config, or use signature-format: legacy',
      );
    } else if (urls) {
      args.push('--use-signing-config=false');
      if (o.fulcioUrl) args.push(`--fulcio-url=${o.fulcioUrl}`);
      if (o.rekorUrl) args.push(`--rekor-url=${o.rekorUrl}`);
    }
  }

  if (o.key) args.push(`--key=${refuseDash(o.key, KEY_INPUT, 'key')}`);
  if (o.identityTokenFile) args.push(`--identity-token=${refuseDash(o.identityTokenFile, 'identity-token', 'path')}`);
  if (o.recursive) args.push('--recursive');
  for (const [k, val] of o.annotations ?? []) {
    if (k === '' || k.includes('=') || /\s/.test(k)) throw new InputError(ANNOTATIONS_INPUT, `key "${k}" is empty, has whitespace or contains "="`, 'give one KEY=VALUE per line');
    args.push('-a', `${k}=${val}`);
  }
  args.push('--', ref);
  return args;
}

export interface VerifyArgsOptions {
  version: string;
  /** image@sha256:... */
  ref: string;
  /** Exact signer identity (certificate SAN). Exclusive with identityRegexp. */
  identity?: string;
  /** Signer identity regexp; anchored with anchorRegexp() before use. */
  identityRegexp?: string;
  /** Exact OIDC issuer, e.g. https://token.actions.githubusercontent.com. Required for keyless verification. */
  issuer?: string;
  /** owner/repo; checked against the certificate's GitHub workflow repository extension. */
  githubWorkflowRepository?: string;
  /**
   * The source ref the signing run was triggered on (refs/tags/v1.2.3): the certificate's GitHub Workflow Ref
   * extension (1.3.6.1.4.1.57264.1.6, the token's `ref` claim), which for a reusable workflow is the CALLER's ref.
   */
  githubWorkflowRef?: string;
  /** The event that triggered the signing run (push, workflow_dispatch): GitHub Workflow Trigger (…57264.1.2). */
  githubWorkflowTrigger?: string;
  /** Rekor to look an entry up in when a signature carries no bundle (private deployments). */
  rekorUrl?: string;
  /** Public key (path, env://VAR, KMS URI) for key-based signatures; then identity/issuer are not used. */
  key?: string;
  /** Skip the transparency log check (private infrastructure, or signatures made with tlog upload off). */
  insecureIgnoreTlog?: boolean;
}

/**
 * argv for `cosign verify`. No --output flag: JSON on stdout is cosign verify's default in 2.x and 3.x
 * (`-o, --output ... (json|text) (default "json")`), and leaving it out keeps clear of the --output*
 * deprecations in 3.x.
 */
export function verifyArgs(o: VerifyArgsOptions): string[] {
  major(o.version);
  const ref = checkRef(o.ref);
  const args = ['verify'];
  if (o.key) {
    if (o.identity || o.identityRegexp || o.githubWorkflowRepository || o.githubWorkflowRef || o.githubWorkflowTrigger) {
      throw new InputError(IDENTITY_INPUT, 'is set together with a public key', 'key-based signatures carry no identity: give either a key, or identity + issuer for keyless signatures');
    }
    args.push(`--key=${refuseDash(o.key, KEY_INPUT, 'key')}`);
  } else {
    if (Boolean(o.identity) === Boolean(o.identityRegexp)) {
      throw new InputError(IDENTITY_INPUT, o.identity ? 'and certificate-identity-regexp are both set' : 'and certificate-identity-regexp are both empty', 'set exactly one: the exact signer identity, or an anchored regexp for it');
    }
    if (!o.issuer) throw new InputError(ISSUER_INPUT, 'is empty', 'set the OIDC issuer, e.g. https://token.actions.githubusercontent.com for GitHub Actions');
    if (o.identity) args.push(`--certificate-identity=${o.identity}`);
    if (o.identityRegexp) args.push(`--certificate-identity-regexp=${anchorRegexp(o.identityRegexp)}`);
    args.push(`--certificate-oidc-issuer=${o.issuer}`);
    if (o.githubWorkflowRepository) args.push(`--certificate-github-workflow-repository=${parseRepository(o.githubWorkflowRepository).full}`);
    if (o.githubWorkflowRef) args.push(`--certificate-github-workflow-ref=${refuseDash(o.githubWorkflowRef, SOURCE_REF_INPUT, 'ref')}`);
    if (o.githubWorkflowTrigger) args.push(`--certificate-github-workflow-trigger=${refuseDash(o.githubWorkflowTrigger, TRIGGER_INPUT, 'trigger')}`);
  }
  if (o.rekorUrl) args.push(`--rekor-url=${checkUrl(o.rekorUrl, 'rekor-url')}`);
  if (o.insecureIgnoreTlog) args.push('--insecure-ignore-tlog=true');
  args.push('--', ref);
  return args;
}

export type TriangulateType = 'signature' | 'attestation' | 'sbom' | 'digest';

/**
 * argv for `cosign triangulate --type <type> <ref>`: prints where cosign stores that artifact for a digest
 * (the `sha256-<hex>.sig` tag for legacy signatures). Bundle signatures (cosign 3) are OCI 1.1 referrers,
 * not tags, so counting them needs the referrers API instead.
 */
export function triangulateArgs(o: { version: string; ref: string; type?: TriangulateType }): string[] {
  major(o.version);
  return ['triangulate', `--type=${o.type ?? 'signature'}`, '--', checkRef(o.ref)];
}

/**
 * Environment for a cosign run: secrets travel here, never on argv. Returns the variables and the
 * values to mask in logs (pass them as ExecOptions.secrets).
 */
export function cosignEnv(o: { keyPassword?: string; identityToken?: string }): { env: Record<string, string>; secrets: string[] } {
  const env: Record<string, string> = {};
  const secrets: string[] = [];
  if (o.keyPassword !== undefined) {
    env.COSIGN_PASSWORD = o.keyPassword;
    if (o.keyPassword) secrets.push(o.keyPassword);
  }
  if (o.identityToken) {
    env.SIGSTORE_ID_TOKEN = o.identityToken;
    secrets.push(o.identityToken);
  }
  return { env, secrets };
}

/** True for cosign versions whose default `sign` output is a Sigstore bundle (3.x). */
export function defaultsToBundle(version: string): boolean {
  return semver.gte(parseCosignVersion(version), '3.0.0');
}
