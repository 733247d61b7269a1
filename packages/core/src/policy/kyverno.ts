import { escapeRegexp } from '../cosign/identity.ts';
import type { ExpectedSigner } from './expected-signer.ts';
import { type NormalizedKey, type NormalizedKeyless, normalizeSigner } from './normalize.ts';
import { kyvernoImageReferences, kyvernoNames } from './image-patterns.ts';
import { checkPolicyName, defaultPolicyName } from './names.ts';
import type { PolicyResult } from './result.ts';
import { toYaml } from './yaml.ts';

/*
 * Kyverno policies, checked against the CRDs of kyverno v1.19.0 (ee97ce09538b; vendored in
 * packages/core/test/fixtures/policy/).
 *
 * ClusterPolicy (kyverno.io/v1) verifyImages, as pkg/image/verifiers/cpol/cosign/cosign.go matches it:
 *  - keyless.subject and every additionalExtensions value are Kyverno wildcards (`*`, `?`) matched against the
 *    WHOLE value; an exact SAN or ref holds neither (git forbids them in refs), otherwise the SAN goes to
 *    subjectRegExp, escaped;
 *  - keyless.subjectRegExp is Go's regexp.MatchString, unanchored: it is always anchored here;
 *  - additionalExtensions keys are cosign's names: githubWorkflowRepository (.1.5), githubWorkflowRef (.1.6),
 *    githubWorkflowTrigger (.1.2) - the caller's repository, ref and event;
 *  - a keyless attestor needs rekor.url or roots (KeylessAttestor.Validate); `failureAction` per verifyImages rule
 *    exists since Kyverno 1.13 (spec.validationFailureAction is deprecated there; legacyFailureAction emits it).
 *
 * ImageValidatingPolicy (policies.kyverno.io/v1): its schema has keyless.additionalExtensions, but the v1.19.0
 * verifier does not read it (pkg/image/verifiers/ivpol/cosign/opts.go copies only identities and roots into the
 * cosign check options), and its CEL library (verifyImageSignatures, verifyAttestationSignatures, getImageData,
 * extractPayload; pkg/cel/libs/imageverify/lib.go) exposes no certificate field. A keyless IVP would accept a
 * signature from ANY repository that can produce the SAN (every caller of a reusable workflow), so it is refused.
 */

export const KYVERNO_SOURCES = [
  'kyverno/kyverno v1.19.0 (ee97ce09538b) config/crds/kyverno/kyverno.io_clusterpolicies.yaml',
  'kyverno/kyverno v1.19.0 pkg/image/verifiers/cpol/cosign/cosign.go (matchCertificateData, matchExtensions)',
  'kyverno/kyverno v1.19.0 config/crds/policies.kyverno.io/policies.kyverno.io_imagevalidatingpolicies.yaml',
  'kyverno/kyverno v1.19.0 pkg/image/verifiers/ivpol/cosign/opts.go (keyless: identities and roots only)',
];

const PUBLIC_REKOR = 'https://rekor.sigstore.dev';
const WEBHOOK_TIMEOUT_SECONDS = 30;

export interface KyvernoOptions {
  /** metadata.name; default derived from the first image (moam-verify-ghcr-io-owner-app). */
  name?: string;
  /** Kyverno < 1.13: spec.validationFailureAction instead of the per-rule failureAction. */
  legacyFailureAction?: boolean;
}

export interface KyvernoRekor {
  url: string;
  pubkey?: string;
  ignoreTlog?: boolean;
}

export interface KyvernoKeylessAttestor {
  issuer: string;
  subject?: string;
  subjectRegExp?: string;
  additionalExtensions: Record<string, string>;
  rekor: KyvernoRekor;
  roots?: string;
  ctlog?: { pubkey?: string };
}

export interface KyvernoKeyAttestor {
  publicKeys: string;
  signatureAlgorithm: 'sha256';
  rekor: KyvernoRekor;
  ctlog: { ignoreSCT: true };
}

export interface KyvernoClusterPolicy {
  apiVersion: 'kyverno.io/v1';
  kind: 'ClusterPolicy';
  metadata: { name: string; annotations: Record<string, string> };
  spec: {
    validationFailureAction?: 'Enforce';
    background: false;
    failurePolicy: 'Fail';
    webhookTimeoutSeconds: number;
    rules: Array<{
      name: string;
      match: { any: Array<{ resources: { kinds: string[] } }> };
      verifyImages: Array<{
        imageReferences: string[];
        type: 'Cosign';
        failureAction?: 'Enforce';
        mutateDigest: true;
        verifyDigest: true;
        required: true;
        attestors: Array<{ entries: Array<{ keyless: KyvernoKeylessAttestor } | { keys: KyvernoKeyAttestor }> }>;
      }>;
    }>;
  };
}

/** Kyverno wildcard characters: a value holding one would match more than itself. */
const WILDCARD = /[*?]/;

function rekor(url: string | undefined, pubkey: string | undefined, tlog: boolean): KyvernoRekor {
  return { url: url ?? PUBLIC_REKOR, ...(tlog && pubkey ? { pubkey } : {}), ...(tlog ? {} : { ignoreTlog: true }) };
}

function keylessAttestor(s: NormalizedKeyless, notes: string[]): KyvernoKeylessAttestor {
  const identity = s.regexp !== undefined ? { subjectRegExp: s.regexp } : WILDCARD.test(s.san ?? '') ? { subjectRegExp: `^${escapeRegexp(s.san ?? '')}$` } : { subject: s.san ?? '' };
  const additionalExtensions: Record<string, string> = { githubWorkflowRepository: s.repository, githubWorkflowRef: s.ref.glob };
  if (s.trigger) additionalExtensions.githubWorkflowTrigger = s.trigger;
  const { fulcioCaPem, rekorUrl, rekorPublicKeyPem, ctlogPublicKeyPem } = s.sigstore;
  if (fulcioCaPem && !ctlogPublicKeyPem) notes.push('the certificate SCT is checked against the public-good CT log key: give sigstore.ctlogPublicKeyPem for a private Fulcio');
  if (!s.tlog) notes.push('rekor.ignoreTlog: true - without a log entry the short-lived certificate is checked against the current time, so signatures fail once it expires (10 minutes)');
  return {
    issuer: s.issuer,
    ...identity,
    additionalExtensions,
    rekor: rekor(rekorUrl, rekorPublicKeyPem, s.tlog),
    ...(fulcioCaPem ? { roots: fulcioCaPem } : {}),
    ...(ctlogPublicKeyPem ? { ctlog: { pubkey: ctlogPublicKeyPem } } : {}),
  };
}

function keyAttestor(s: NormalizedKey): KyvernoKeyAttestor {
  return { publicKeys: s.publicKeyPem, signatureAlgorithm: 'sha256', rekor: rekor(s.sigstore.rekorUrl, s.sigstore.rekorPublicKeyPem, s.tlog), ctlog: { ignoreSCT: true } };
}

function describeSigner(s: NormalizedKeyless | NormalizedKey): string {
  if (s.kind === 'key') return 'signed with the given public key';
  const who = s.san !== undefined ? s.san : `an identity matching ${s.regexp}`;
  return `signed keyless by ${who} (issuer ${s.issuer}), run by ${s.repository} at ${s.ref.pattern}${s.trigger ? ` on ${s.trigger}` : ''}`;
}

/** A ClusterPolicy whose verifyImages rule enforces every field of the expected signer. */
export function kyvernoClusterPolicy(signer: ExpectedSigner, options: KyvernoOptions = {}): PolicyResult<KyvernoClusterPolicy> {
  const s = normalizeSigner(signer);
  const notes: string[] = [];
  const name = checkPolicyName(options.name ?? defaultPolicyName(s.images));
  const entry = s.kind === 'keyless' ? { keyless: keylessAttestor(s, notes) } : { keys: keyAttestor(s) };
  const document: KyvernoClusterPolicy = {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: {
      name,
      annotations: {
        'policies.kyverno.io/title': 'Verify image signatures',
        'policies.kyverno.io/description': `Generated by multi-arch-of-madness: ${s.images.map((i) => kyvernoNames(i)[0]).join(', ')} must be ${describeSigner(s)}.`,
      },
    },
    spec: {
      ...(options.legacyFailureAction ? { validationFailureAction: 'Enforce' as const } : {}),
      // Admission only: a background scan would re-verify every running image against the registry.
      background: false,
      failurePolicy: 'Fail',
      // Verification fetches signatures from the registry: Kyverno's 10 s default is tight.
      webhookTimeoutSeconds: WEBHOOK_TIMEOUT_SECONDS,
      rules: [
        {
          name: 'verify-signature',
          // Kyverno's autogen extends a Pod rule to Deployments, Jobs, CronJobs, ...
          match: { any: [{ resources: { kinds: ['Pod'] } }] },
          verifyImages: [
            {
              imageReferences: kyvernoImageReferences(s.images),
              type: 'Cosign',
              ...(options.legacyFailureAction ? {} : { failureAction: 'Enforce' as const }),
              mutateDigest: true,
              verifyDigest: true,
              required: true,
              attestors: [{ entries: [entry] }],
            },
          ],
        },
      ],
    },
  };
  return { ok: true, target: 'kyverno-cluster-policy', document, text: toYaml(document), notes };
}

export interface KyvernoImageValidatingPolicy {
  apiVersion: 'policies.kyverno.io/v1';
  kind: 'ImageValidatingPolicy';
  metadata: { name: string };
  spec: {
    validationActions: ['Deny'];
    failurePolicy: 'Fail';
    webhookConfiguration: { timeoutSeconds: number };
    matchConstraints: { resourceRules: Array<{ apiGroups: string[]; apiVersions: string[]; operations: string[]; resources: string[] }> };
    matchImageReferences: Array<{ glob: string }>;
    validationConfigurations: { mutateDigest: true; verifyDigest: true; required: true };
    attestors: Array<{
      name: string;
      cosign: { key: { data: string; hashAlgorithm: 'sha256' }; ctlog: { url?: string; rekorPubKey?: string; insecureIgnoreTlog?: true; insecureIgnoreSCT: true } };
    }>;
    validations: Array<{ expression: string; message: string }>;
  };
}

const ATTESTOR = 'signer';

/**
 * The ImageValidatingPolicy form: generated for a key; refused for keyless (see the header comment: the caller
 * repository, ref and trigger cannot be checked by an IVP in Kyverno 1.19).
 */
export function kyvernoImageValidatingPolicy(signer: ExpectedSigner, options: Pick<KyvernoOptions, 'name'> = {}): PolicyResult<KyvernoImageValidatingPolicy> {
  const s = normalizeSigner(signer);
  if (s.kind === 'keyless') {
    return {
      ok: false,
      target: 'kyverno-image-validating-policy',
      reason:
        'Kyverno 1.19 ImageValidatingPolicy checks a keyless signature only by issuer and subject: keyless.additionalExtensions is in its schema but its verifier ignores it, and its CEL functions expose no certificate field',
      cannotExpress: [
        `the caller repository ${s.repository} (GitHub Workflow Repository extension): without it, every repository whose run can produce the SAN passes - every caller of a reusable workflow, or of a workflow file with on: workflow_call`,
        `the caller ref ${s.ref.pattern} (GitHub Workflow Ref extension)`,
        ...(s.trigger ? [`the trigger ${s.trigger} (GitHub Workflow Trigger extension)`] : []),
      ],
      instead: ['use kyvernoClusterPolicy() (kyverno.io/v1 ClusterPolicy verifyImages checks additionalExtensions)', 'or policyControllerClusterImagePolicy()'],
      sources: KYVERNO_SOURCES.slice(2),
    };
  }
  const name = checkPolicyName(options.name ?? defaultPolicyName(s.images));
  const { rekorUrl, rekorPublicKeyPem } = s.sigstore;
  const ctlog = s.tlog
    ? { ...(rekorUrl ? { url: rekorUrl } : {}), ...(rekorPublicKeyPem ? { rekorPubKey: rekorPublicKeyPem } : {}), insecureIgnoreSCT: true as const }
    : { insecureIgnoreTlog: true as const, insecureIgnoreSCT: true as const };
  const verify = `verifyImageSignatures(image, [attestors.${ATTESTOR}]) > 0`;
  const document: KyvernoImageValidatingPolicy = {
    apiVersion: 'policies.kyverno.io/v1',
    kind: 'ImageValidatingPolicy',
    metadata: { name },
    spec: {
      validationActions: ['Deny'],
      failurePolicy: 'Fail',
      webhookConfiguration: { timeoutSeconds: WEBHOOK_TIMEOUT_SECONDS },
      matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }] },
      // IVP globs match the image as written in the pod spec (gobwas/glob, `*` spans "/").
      matchImageReferences: kyvernoImageReferences(s.images).map((glob) => ({ glob })),
      validationConfigurations: { mutateDigest: true, verifyDigest: true, required: true },
      attestors: [{ name: ATTESTOR, cosign: { key: { data: s.publicKeyPem, hashAlgorithm: 'sha256' }, ctlog } }],
      // images.* holds only the images matchImageReferences selected; init and ephemeral containers count too.
      validations: [
        {
          expression: `(images.containers + images.initContainers + images.ephemeralContainers).all(image, ${verify})`,
          message: `every image of ${s.images.map((i) => kyvernoNames(i)[0]).join(', ')} must be signed with the expected key`,
        },
      ],
    },
  };
  return { ok: true, target: 'kyverno-image-validating-policy', document, text: toYaml(document), notes: [] };
}
