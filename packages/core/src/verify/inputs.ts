import { InputError, Problems } from '../errors.ts';
import { type ImageReference, parseImageReference } from '../image.ts';
import { type InputReader, parseBoolean, parseList, requireInput } from '../inputs.ts';
import { type Platform, parsePlatforms } from '../platform.ts';
import { anchorRegexp, buildIdentityRegexp, parseRepository } from '../cosign/identity.ts';
import { type CosignInstallInputs, cosignVersionOf, isPem, readCosignInstallInputs } from '../cosign/setup.ts';
import { assertSupportedMajor } from '../cosign/version.ts';
import { type SigstoreTrustInputs, readSigstoreTrustInputs } from '../cosign/trust.ts';
import { type PolicyKind, parsePolicyKinds } from './policies.ts';

export type RequiredAttestation = 'provenance' | 'sbom';

export interface VerifyInputs {
  image: ImageReference;
  platforms?: Platform[];
  /** The image holds the listed platforms and no others (default: it holds at least them). */
  exactPlatforms: boolean;
  issuer: string;
  /** Exactly one of identity / identityRegexp is set for keyless verification. */
  identity?: string;
  identityRegexp?: string;
  repository?: string;
  key?: string;
  /** The caller's source ref that must have triggered the signing run (refs/tags/v1.2.3). */
  sourceRef?: string;
  /** The event that must have triggered it (push). */
  trigger?: string;
  requireAttestations: RequiredAttestation[];
  /** Every platform (and the index) must say it was built on a GitHub-hosted runner. */
  requireGithubHosted: boolean;
  insecureIgnoreTlog: boolean;
  /** A private Sigstore deployment: Rekor URL and the trust material cosign checks against. */
  trust: SigstoreTrustInputs;
  /** Consumer policies to generate from the verified signer. */
  policies: PolicyKind[];
  policiesDir?: string;
  /** Upload the policies as this artifact (the reusable workflow's verify job). */
  policiesArtifact?: string;
  cosign: CosignInstallInputs;
}

export const GITHUB_OIDC_ISSUER = 'https://token.actions.githubusercontent.com';
export const DEFAULT_WORKFLOW = '.github/workflows/release.yml';
export const DEFAULT_REF_PATTERN = 'tags';

/** Inputs that describe a keyless signer, with their action.yml defaults (the runner sets those, so only another value counts as given). */
const KEYLESS_ONLY: ReadonlyArray<[string, string]> = [
  ['certificate-identity', ''],
  ['certificate-identity-regexp', ''],
  ['certificate-oidc-issuer', GITHUB_OIDC_ISSUER],
  ['workflow', DEFAULT_WORKFLOW],
  ['workflow-repository', ''],
  ['ref-pattern', DEFAULT_REF_PATTERN],
  ['source-ref', ''],
  ['trigger', ''],
];

/** A full git ref (refs/tags/v1.2.3, refs/heads/main): what GitHub puts in the token's `ref` claim. */
function parseSourceRef(value: string): string {
  const v = value.trim();
  // eslint-disable-next-line no-control-regex
  if (!/^refs\/(tags|heads|pull)\/./.test(v) || /[\s\x00-\x1f\x7f~^:?*[\\]/.test(v) || v.includes('..') || v.endsWith('/')) {
    throw new InputError('source-ref', `"${v}" is not a full git ref`, 'give the ref the release was triggered on, e.g. refs/tags/v1.2.3 (in a workflow: ${{ github.ref }})');
  }
  return v;
}

export function readVerifyInputs(read: InputReader, env: NodeJS.ProcessEnv): VerifyInputs {
  const p = new Problems();
  const image = p.collect(() => parseImageReference(requireInput(read, 'image', 'ghcr.io/owner/app:1.2.3'), 'image'));
  const platforms = p.collect(() => (read('platforms') ? parsePlatforms(parseList(read('platforms'))) : undefined));
  const exactPlatforms = p.collect(() => parseBoolean(read('exact-platforms'), 'exact-platforms', false));
  if (exactPlatforms && !read('platforms')) p.add('Input "exact-platforms": is true but platforms is empty. Fix: list the platforms the image must hold, or remove exact-platforms');
  const key = read('key') || undefined;
  if (key?.startsWith('-') && !isPem(key)) p.add(`Input "key": "${key}" starts with "-"; a key is a path, a PEM public key, env://VAR or a KMS URI, never a flag. Fix: give the public key the images were signed with`);
  // A key-based signature carries no certificate: an identity given next to a key would be silently ignored.
  if (key) {
    for (const [name, byDefault] of KEYLESS_ONLY) {
      if (read(name) && read(name) !== byDefault) p.add(`Input "${name}": is set together with key, but key-based signatures carry no certificate identity, so it would not be checked. Fix: remove ${name} to verify with the key, or remove key to verify keyless`);
    }
  }
  const issuer = read('certificate-oidc-issuer') || GITHUB_OIDC_ISSUER;
  if (!/^https:\/\/\S+$/.test(issuer)) p.add(`Input "certificate-oidc-issuer": "${issuer}" is not an https URL. Fix: use https://token.actions.githubusercontent.com for GitHub Actions`);
  const repository = p.collect(() => {
    const r = read('repository') || env.GITHUB_REPOSITORY || '';
    if (!r) {
      if (key) return undefined;
      throw new InputError('repository', 'is empty and GITHUB_REPOSITORY is not set', 'give the owner/repo that must have run the signing workflow');
    }
    return parseRepository(r, 'repository').full;
  });
  const exact = read('certificate-identity');
  const regexp = read('certificate-identity-regexp');
  if (exact && regexp) p.add('Input "certificate-identity-regexp": is set together with certificate-identity. Fix: give only one of them');
  // An exact identity next to the workflow that must have signed: the identity must be that workflow at an accepted
  // ref (a wiring mistake would otherwise verify whatever identity was passed in).
  p.collect(() => {
    if (!exact || key || !read('workflow-repository')) return;
    const workflowRepository = parseRepository(read('workflow-repository'), 'workflow-repository').full;
    const expected = buildIdentityRegexp({ ...(env.GITHUB_SERVER_URL ? { serverUrl: env.GITHUB_SERVER_URL } : {}), workflowRepository, workflowPath: read('workflow') || DEFAULT_WORKFLOW, refPattern: read('ref-pattern') || DEFAULT_REF_PATTERN });
    if (!new RegExp(expected).test(exact)) {
      throw new InputError('certificate-identity', `"${exact}" is not ${read('workflow') || DEFAULT_WORKFLOW} of ${workflowRepository} at a ref that ref-pattern ${read('ref-pattern') || DEFAULT_REF_PATTERN} accepts (${expected})`, 'pass the identity of that workflow (e.g. the signer-identity output of sign-recursive in it), or fix workflow, workflow-repository and ref-pattern');
    }
  });
  const identityRegexp = p.collect(() => {
    if (exact || key) return undefined;
    if (regexp) return anchorRegexp(regexp, 'certificate-identity-regexp');
    if (!repository) return undefined;
    const workflowRepository = read('workflow-repository') ? parseRepository(read('workflow-repository'), 'workflow-repository').full : repository;
    return buildIdentityRegexp({ ...(env.GITHUB_SERVER_URL ? { serverUrl: env.GITHUB_SERVER_URL } : {}), workflowRepository, workflowPath: read('workflow') || DEFAULT_WORKFLOW, refPattern: read('ref-pattern') || DEFAULT_REF_PATTERN });
  });
  // The runner hands over the action.yml default (provenance,sbom) when the input is not set, so an empty value is
  // one the workflow set on purpose: none, as documented.
  const requireAttestations = p.collect(() => {
    const kinds = parseList(read('require-attestations'));
    if (kinds.includes('none') && kinds.length > 1) throw new InputError('require-attestations', `"${read('require-attestations')}" lists none together with ${kinds.filter((k) => k !== 'none').join(', ')}`, 'give none (or leave it empty) for no attestations, or list provenance and/or sbom');
    return [...new Set(kinds.filter((a) => a !== 'none'))].map((a): RequiredAttestation => {
      if (a !== 'provenance' && a !== 'sbom') throw new InputError('require-attestations', `"${a}" is not an attestation kind`, 'list provenance and/or sbom, or none');
      return a;
    });
  });
  const sourceRef = p.collect(() => (read('source-ref') ? parseSourceRef(read('source-ref')) : undefined));
  const trigger = p.collect(() => {
    const t = read('trigger');
    if (t && !/^[a-z][a-z_]*$/.test(t)) throw new InputError('trigger', `"${t}" is not an event name`, 'give the event that triggered the signing run, e.g. push (in a workflow: ${{ github.event_name }})');
    return t || undefined;
  });
  const insecureIgnoreTlog = p.collect(() => parseBoolean(read('insecure-ignore-tlog'), 'insecure-ignore-tlog', false));
  const requireGithubHosted = p.collect(() => parseBoolean(read('require-github-hosted'), 'require-github-hosted', false));
  const trust = p.collect(() => readSigstoreTrustInputs(read, { fulcioUrl: false }));
  if (trust?.rekorUrl && !URL.canParse(trust.rekorUrl)) p.add(`Input "rekor-url": "${trust.rekorUrl}" is not a URL (its host is missing or malformed). Fix: give the base URL of your Rekor, e.g. https://rekor.example.com, or leave it empty for the public instance`);
  const policies = p.collect(() => parsePolicyKinds(read('policies')));
  const policiesArtifact = p.collect(() => {
    const a = read('policies-artifact');
    if (a && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$/.test(a)) throw new InputError('policies-artifact', `"${a}" is not usable as an artifact name`, 'use letters, digits, . _ - (e.g. consumer-policies)');
    return a || undefined;
  });
  const cosign = p.collect(() => readCosignInstallInputs(read));
  if (cosign) p.collect(() => assertSupportedMajor(cosignVersionOf(cosign)));
  p.throwIfAny('invalid inputs');
  return {
    image: image!,
    ...(platforms ? { platforms } : {}),
    exactPlatforms: exactPlatforms!,
    issuer,
    ...(exact ? { identity: exact } : {}),
    ...(identityRegexp ? { identityRegexp } : {}),
    ...(repository ? { repository } : {}),
    ...(key ? { key } : {}),
    ...(sourceRef ? { sourceRef } : {}),
    ...(trigger ? { trigger } : {}),
    requireAttestations: requireAttestations!,
    requireGithubHosted: requireGithubHosted!,
    insecureIgnoreTlog: insecureIgnoreTlog!,
    trust: trust!,
    policies: policies!,
    ...(read('policies-dir') ? { policiesDir: read('policies-dir') } : {}),
    ...(policiesArtifact ? { policiesArtifact } : {}),
    cosign: cosign!,
  };
}
