import type { ExpectedSigner } from './expected-signer.ts';
import { type NormalizedKey, type NormalizedKeyless, normalizeSigner } from './normalize.ts';
import { policyControllerGlobs } from './image-patterns.ts';
import { checkPolicyName, defaultPolicyName } from './names.ts';
import type { PolicyResult } from './result.ts';
import { toYaml } from './yaml.ts';

/*
 * Sigstore policy-controller ClusterImagePolicy (policy.sigstore.dev/v1beta1), checked against the CRD of
 * sigstore/policy-controller v0.15.1 (cc75baab1d34; vendored in packages/core/test/fixtures/policy/).
 *
 * An authority's keyless identities match only issuer(RegExp) and subject(RegExp) (pkg/apis/policy/v1beta1
 * Identity; subject is compared exactly). The GitHub extensions reach the CIP-level `policy` instead: for every signature that passed an
 * authority, pkg/webhook/validator.go hands githubWorkflowRepo / githubWorkflowRef / githubWorkflowTrigger
 * (cosign's readers of the 1.3.6.1.4.1.57264.1.5 / .1.6 / .1.2 extensions) to the policy as
 * input.authorityMatches.<authority>.signatures[]. The policy is Rego, evaluated by cosign's
 * pkg/cosign/rego (Rego v0 syntax, package sigstore, boolean isCompliant), because a Rego comparison fails on a
 * missing field, where CUE unification would fill it in and pass. regex.match is Go's regexp.MatchString
 * (unanchored), so every regexp is anchored; every value is written as a JSON string literal (valid Rego).
 */

export const POLICY_CONTROLLER_SOURCES = [
  'sigstore/policy-controller v0.15.1 (cc75baab1d34) config/300-clusterimagepolicy.yaml',
  'sigstore/policy-controller v0.15.1 pkg/webhook/validator_result.go (PolicySignature, GithubExtensions)',
  'sigstore/cosign v3.0.5 pkg/cosign/rego/rego.go (ValidateJSONWithModuleInput: Rego v0, data.sigstore.isCompliant)',
];

const AUTHORITY = 'signer';

export interface PolicyControllerAuthority {
  name: string;
  keyless?: {
    url?: string;
    trustRootRef?: string;
    identities: Array<{ issuer: string; subject?: string; subjectRegExp?: string }>;
  };
  key?: { data: string; hashAlgorithm: 'sha256' };
  ctlog?: { url?: string; trustRootRef?: string };
}

export interface PolicyControllerClusterImagePolicy {
  apiVersion: 'policy.sigstore.dev/v1beta1';
  kind: 'ClusterImagePolicy';
  metadata: { name: string };
  spec: {
    mode: 'enforce';
    images: Array<{ glob: string }>;
    authorities: PolicyControllerAuthority[];
    policy?: { type: 'rego'; data: string };
  };
}

/** The Rego module checking the caller repository, ref and trigger of a signature that passed the authority. */
export function githubExtensionsRego(s: Pick<NormalizedKeyless, 'repository' | 'ref' | 'trigger'>, authority = AUTHORITY): string {
  const lit = (v: string): string => JSON.stringify(v);
  const lines = [
    'package sigstore',
    '',
    'default isCompliant = false',
    '',
    '# One signature that passed the authority (issuer + subject) must also come from the expected caller.',
    'isCompliant {',
    `  sig := input.authorityMatches[${lit(authority)}].signatures[_]`,
    `  sig.githubWorkflowRepo == ${lit(s.repository)}`,
    s.ref.exact !== undefined ? `  sig.githubWorkflowRef == ${lit(s.ref.exact)}` : `  regex.match(${lit(s.ref.regexp)}, sig.githubWorkflowRef)`,
    ...(s.trigger ? [`  sig.githubWorkflowTrigger == ${lit(s.trigger)}`] : []),
    '}',
  ];
  return `${lines.join('\n')}\n`;
}

function keylessAuthority(s: NormalizedKeyless, notes: string[]): PolicyControllerAuthority | string {
  const { fulcioUrl, fulcioCaPem, rekorUrl, rekorPublicKeyPem, ctlogPublicKeyPem, trustRootRef } = s.sigstore;
  // Private CA / log keys reach policy-controller only through a TrustRoot resource (the CIP has no inline field
  // for a Rekor or CT log key, and keyless.ca-cert is validated as a public key).
  if ((fulcioCaPem || rekorPublicKeyPem || ctlogPublicKeyPem) && !trustRootRef) return 'private Fulcio CA, Rekor or CT log keys given without sigstore.trustRootRef';
  const subject = s.regexp !== undefined ? { subjectRegExp: s.regexp } : { subject: s.san ?? '' };
  // KeylessRef.Validate wants url or ca-cert; the roots themselves come from TUF or the TrustRoot, never the URL.
  const keyless = { url: fulcioUrl ?? 'https://fulcio.sigstore.dev', ...(trustRootRef ? { trustRootRef } : {}) };
  if (!s.tlog) notes.push('no ctlog: the transparency log is not checked, and the short-lived certificate is checked against the current time');
  const ctlog = s.tlog ? { ctlog: trustRootRef ? { trustRootRef, ...(rekorUrl ? { url: rekorUrl } : {}) } : { url: rekorUrl ?? 'https://rekor.sigstore.dev' } } : {};
  return { name: AUTHORITY, keyless: { ...keyless, identities: [{ issuer: s.issuer, ...subject }] }, ...ctlog };
}

function keyAuthority(s: NormalizedKey): PolicyControllerAuthority | string {
  const { rekorUrl, rekorPublicKeyPem, trustRootRef } = s.sigstore;
  if (s.tlog && rekorPublicKeyPem && !trustRootRef) return 'a private Rekor key given without sigstore.trustRootRef';
  // Without ctlog, policy-controller skips the transparency log for a key (validator.go: no Rekor client).
  const ctlog = s.tlog ? { ctlog: trustRootRef ? { trustRootRef, ...(rekorUrl ? { url: rekorUrl } : {}) } : { url: rekorUrl ?? 'https://rekor.sigstore.dev' } } : {};
  return { name: AUTHORITY, key: { data: s.publicKeyPem, hashAlgorithm: 'sha256' }, ...ctlog };
}

/** A ClusterImagePolicy enforcing every field of the expected signer (identity in the authority, GitHub extensions in Rego). */
export function policyControllerClusterImagePolicy(signer: ExpectedSigner, options: { name?: string } = {}): PolicyResult<PolicyControllerClusterImagePolicy> {
  const s = normalizeSigner(signer);
  const notes: string[] = [];
  const name = checkPolicyName(options.name ?? defaultPolicyName(s.images));
  const authority = s.kind === 'keyless' ? keylessAuthority(s, notes) : keyAuthority(s);
  if (typeof authority === 'string') {
    return {
      ok: false,
      target: 'policy-controller-cluster-image-policy',
      reason: `${authority}: a ClusterImagePolicy takes private Sigstore material only through a TrustRoot resource`,
      cannotExpress: ['the private Fulcio CA / Rekor / CT log keys inline'],
      instead: ['create a TrustRoot (policy.sigstore.dev/v1alpha1) holding them and set sigstore.trustRootRef to its name'],
      sources: POLICY_CONTROLLER_SOURCES,
    };
  }
  const document: PolicyControllerClusterImagePolicy = {
    apiVersion: 'policy.sigstore.dev/v1beta1',
    kind: 'ClusterImagePolicy',
    metadata: { name },
    spec: {
      mode: 'enforce',
      images: policyControllerGlobs(s.images).map((glob) => ({ glob })),
      authorities: [authority],
      ...(s.kind === 'keyless' ? { policy: { type: 'rego' as const, data: githubExtensionsRego(s) } } : {}),
    },
  };
  return { ok: true, target: 'policy-controller-cluster-image-policy', document, text: toYaml(document), notes };
}
