
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
 *    value starting with "-" could never be read as a flag (and the readers make sure no ref starts with one).
 */

export type SignatureFormat = 'legacy' | 'bundle';

/*
 * The builders take values the input readers (sign/inputs.ts, verify/inputs.ts, policy/normalize.ts) have already
 * checked and never throw: they pick flags, they do not judge. What the readers guarantee, and the builders rely on:
 *  - version: an exact cosign release of a supported major (2.x or 3.x; parseCosignVersion, assertSupportedMajor);
 *  - ref: name@sha256:… built by byDigest(ImageName, Digest), so never a tag, never whitespace, never a leading "-";
 *  - every other value goes on argv as --flag=value (or after -a), so no value can become a flag.
 */

interface SignArgsCommon {
  /** cosign version that will run ("2.5.0", "3.0.6"); its major decides which flags exist. */
  version: string;
  /** image@sha256:..., built by byDigest (never a tag). */
  ref: string;
  /** Sigstore keyless (Fulcio certificate from the workflow's OIDC token); the readers refuse it together with a key, and neither. */
  keyless: boolean;
  /** --key value: a path, env://VAR or a KMS URI. The key's password goes in COSIGN_PASSWORD, never here. */
  key?: string;
  /** Also sign each platform manifest of an index. */
  recursive: boolean;
  /** Record the signature in the Rekor transparency log. With bundle signatures cosign 3 refuses false without a signing config (the reader refuses it). */
  tlogUpload: boolean;
  fulcioUrl?: string;
  rekorUrl?: string;
  /** Signed annotations, -a key=value (keys and values without "=" and ",", as the reader ensures). */
  annotations?: ReadonlyArray<readonly [string, string]>;
  /** Path of a file holding the OIDC identity token (cosign reads the file; only the path is on argv). Keyless only. */
  identityTokenFile?: string;
}

/**
 * Legacy `.sig`-tag signatures take no signing config. Bundle signatures (cosign 3; the reader refuses them on 2.x)
 * may take a Sigstore signing config (e.g. one without transparency log services): it then decides about the
 * transparency log (tlogUpload is not passed), and it excludes service URLs (cosign refuses both together).
 */
export type SignArgsOptions = SignArgsCommon & ({ signatureFormat: 'legacy'; signingConfig?: undefined } | { signatureFormat: 'bundle'; signingConfig?: string });

/** The major version, which picks the flag surface (the readers only let 2.x and 3.x through). */
function cosignMajor(version: string): number {
  return Number.parseInt(version.trim().replace(/^v/, ''), 10);
}

/** argv for `cosign sign` (without the binary). The ref is last, after "--". */
export function signArgs(o: SignArgsOptions): string[] {
  const args = ['sign', '--yes'];
  const noTlog = o.tlogUpload ? [] : ['--tlog-upload=false'];
  const urls = [...(o.fulcioUrl ? [`--fulcio-url=${o.fulcioUrl}`] : []), ...(o.rekorUrl ? [`--rekor-url=${o.rekorUrl}`] : [])];
  if (cosignMajor(o.version) < 3) args.push(...noTlog, ...urls);
  else if (o.signatureFormat === 'legacy') args.push('--new-bundle-format=false', '--use-signing-config=false', ...noTlog, ...urls);
  else if (o.signingConfig) args.push(`--signing-config=${o.signingConfig}`, ...urls);
  // Bundle on cosign 3: the default path (new bundle format + the public signing config) unless URLs are given.
  else args.push(...(urls.length > 0 ? ['--use-signing-config=false'] : []), ...noTlog, ...urls);
  if (o.key) args.push(`--key=${o.key}`);
  if (o.identityTokenFile) args.push(`--identity-token=${o.identityTokenFile}`);
  if (o.recursive) args.push('--recursive');
  for (const [k, v] of o.annotations ?? []) args.push('-a', `${k}=${v}`);
  args.push('--', o.ref);
  return args;
}

interface VerifyArgsCommon {
  version: string;
  /** image@sha256:..., built by byDigest. */
  ref: string;
  /** Rekor to look an entry up in when a signature carries no bundle (private deployments). */
  rekorUrl?: string;
  /** Skip the transparency log check (private infrastructure, or signatures made with tlog upload off). */
  insecureIgnoreTlog?: boolean;
}

/** A key-based signature carries no certificate: nothing about a signer identity is checked (the reader refuses identity inputs next to a key). */
export interface KeyVerifyArgs extends VerifyArgsCommon {
  /** Public key (path, env://VAR, KMS URI). */
  key: string;
  identity?: undefined;
  identityRegexp?: undefined;
  issuer?: undefined;
  githubWorkflowRepository?: undefined;
  githubWorkflowRef?: undefined;
  githubWorkflowTrigger?: undefined;
}

/** A keyless signature: the signer identity, exact or as an anchored regexp (anchorRegexp / buildIdentityRegexp), and its issuer. */
export type KeylessVerifyArgs = VerifyArgsCommon & {
  key?: undefined;
  /** Exact OIDC issuer, e.g. https://token.actions.githubusercontent.com. */
  issuer: string;
  /** owner/repo (parseRepository); checked against the certificate's GitHub workflow repository extension. */
  githubWorkflowRepository?: string;
  /**
   * The source ref the signing run was triggered on (refs/tags/v1.2.3): the certificate's GitHub Workflow Ref
   * extension (1.3.6.1.4.1.57264.1.6, the token's `ref` claim), which for a reusable workflow is the CALLER's ref.
   */
  githubWorkflowRef?: string;
  /** The event that triggered the signing run (push, workflow_dispatch): GitHub Workflow Trigger (…57264.1.2). */
  githubWorkflowTrigger?: string;
} & ({ identity: string; identityRegexp?: undefined } | { identityRegexp: string; identity?: undefined });

export type VerifyArgsOptions = KeyVerifyArgs | KeylessVerifyArgs;

/**
 * argv for `cosign verify`. No --output flag: JSON on stdout is cosign verify's default in 2.x and 3.x
 * (`-o, --output ... (json|text) (default "json")`), and leaving it out keeps clear of the --output*
 * deprecations in 3.x.
 */
export function verifyArgs(o: VerifyArgsOptions): string[] {
  const args = ['verify'];
  if (o.key !== undefined) {
    args.push(`--key=${o.key}`);
  } else {
    args.push(o.identity !== undefined ? `--certificate-identity=${o.identity}` : `--certificate-identity-regexp=${o.identityRegexp}`, `--certificate-oidc-issuer=${o.issuer}`);
    if (o.githubWorkflowRepository) args.push(`--certificate-github-workflow-repository=${o.githubWorkflowRepository}`);
    if (o.githubWorkflowRef) args.push(`--certificate-github-workflow-ref=${o.githubWorkflowRef}`);
    if (o.githubWorkflowTrigger) args.push(`--certificate-github-workflow-trigger=${o.githubWorkflowTrigger}`);
  }
  if (o.rekorUrl) args.push(`--rekor-url=${o.rekorUrl}`);
  if (o.insecureIgnoreTlog) args.push('--insecure-ignore-tlog=true');
  args.push('--', o.ref);
  return args;
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
