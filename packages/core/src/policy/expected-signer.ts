import { type RefPattern, buildIdentityRegexp } from '../cosign/identity.ts';

/*
 * The one description of "who must have signed this image" that every consumer policy is generated from.
 *
 * What Fulcio puts into a certificate for a GitHub Actions token (fulcio docs/oid-info.md), and therefore what a
 * consumer can match:
 *  - SAN (URI): https://github.com/ + job_workflow_ref, i.e. the workflow FILE that ran and the ref it ran at:
 *      direct call:           https://github.com/OWNER/REPO/.github/workflows/release.yml@refs/tags/v1.2.3
 *      our reusable workflow: https://github.com/moam-project/multi-arch-of-madness/.github/workflows/multi-arch.yml@refs/tags/v1
 *                             (or @<40-hex sha> when the caller pins it by SHA: no refs/ prefix then)
 *  - 1.3.6.1.4.1.57264.1.1: the OIDC issuer (https://token.actions.githubusercontent.com)
 *  - .1.5 GitHub Workflow Repository: the CALLER (the repository whose workflow run asked for the token)
 *  - .1.6 GitHub Workflow Ref: the caller's ref (GITHUB_REF), .1.2 GitHub Workflow Trigger: the event name.
 * With a reusable workflow the SAN names the reusable workflow, not the caller: any repository may call it, so a
 * policy that checks only the SAN accepts images signed for every caller. The caller repository is in .1.5 only.
 */

export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';

/** This project's reusable workflow (the SAN of signatures made through it). */
export const MOAM_REUSABLE_WORKFLOW = { repository: 'moam-project/multi-arch-of-madness', path: '.github/workflows/multi-arch.yml' } as const;

/** The certificate identity (URI SAN): exactly, or an RE2 regexp anchored at both ends (^...$). */
export type SignerIdentity = { san: string; regexp?: undefined } | { regexp: string; san?: undefined };

/** Material of a private Sigstore deployment (the public-good instance needs none of it). */
export interface PrivateSigstore {
  fulcioUrl?: string;
  /** Fulcio root (and intermediate) certificates, PEM. */
  fulcioCaPem?: string;
  /** Where consumers keep fulcioCaPem on disk (containers-policy.json caPath, cosign SIGSTORE_ROOT_FILE). */
  fulcioCaPath?: string;
  rekorUrl?: string;
  rekorPublicKeyPem?: string;
  rekorPublicKeyPath?: string;
  /** Certificate transparency log public key, PEM (SCT verification). */
  ctlogPublicKeyPem?: string;
  ctlogPublicKeyPath?: string;
  /** policy-controller: name of the TrustRoot resource (policy.sigstore.dev/v1alpha1) holding the material above. */
  trustRootRef?: string;
}

interface SignerBase {
  /** Image repositories (no tag or digest) the policy applies to, e.g. ghcr.io/owner/app. */
  images: readonly string[];
  /**
   * Whether the signatures are in a transparency log the consumer must check. Default: true for keyless (the
   * certificate is short-lived; the log entry proves it was valid at signing time), false for a key.
   */
  tlog?: boolean;
}

export interface KeylessSigner extends SignerBase {
  kind: 'keyless';
  /** OIDC issuer, GITHUB_ACTIONS_ISSUER for GitHub Actions. */
  issuer: string;
  identity: SignerIdentity;
  /** The caller repository, owner/repo (GitHub Workflow Repository extension). */
  repository: string;
  /** Which refs of the caller may have run the signing: tags, branches, any, or one exact ref (refs/tags/v1.2.3). */
  sourceRef: RefPattern | string;
  /** The event that triggered the run (GitHub Workflow Trigger extension), e.g. push. */
  trigger?: string;
  sigstore?: PrivateSigstore;
}

export interface KeySigner extends SignerBase {
  kind: 'key';
  /** The public key, PEM (cosign generate-key-pair's cosign.pub). */
  publicKeyPem: string;
  /** Where consumers keep it on disk (containers-policy.json keyPath, cosign --key); keyData / inline otherwise. */
  publicKeyPath?: string;
  /** Rekor of the signatures, when tlog is true and not the public-good instance. */
  sigstore?: Pick<PrivateSigstore, 'rekorUrl' | 'rekorPublicKeyPem' | 'rekorPublicKeyPath' | 'trustRootRef'>;
}

export type ExpectedSigner = KeylessSigner | KeySigner;

const SHA = /^[0-9a-f]{40}$/;

/**
 * The certificate identity of a GitHub workflow: the exact SAN for one ref or a 40-hex commit SHA (how a caller
 * pins a reusable workflow: `uses: owner/repo/.github/workflows/x.yml@<sha>` gives a SAN ending in @<sha>), an
 * anchored regexp for tags / branches / any (built by buildIdentityRegexp, which validates and escapes every part).
 */
export function githubWorkflowIdentity(o: { serverUrl?: string; workflowRepository: string; workflowPath: string; ref: RefPattern | string }): SignerIdentity {
  const ref = o.ref.trim();
  const opts = { ...(o.serverUrl ? { serverUrl: o.serverUrl } : {}), workflowRepository: o.workflowRepository, workflowPath: o.workflowPath };
  if (ref === 'tags' || ref === 'branches' || ref === 'any') return { regexp: buildIdentityRegexp({ ...opts, refPattern: ref }) };
  // An exact ref or SHA: build (and so validate) the regexp of the same workflow at that ref, then read the SAN
  // back from it, so the exact SAN and the regexp can never disagree on how a part is spelled.
  const exactRef = SHA.test(ref) ? 'refs/heads/sha-placeholder' : ref;
  const re = buildIdentityRegexp({ ...opts, refPattern: exactRef });
  const prefix = unescapeLiteral(re.slice(1, re.lastIndexOf('@')));
  return { san: `${prefix}@${ref}` };
}

/** The identity of a signature made through this project's reusable workflow at `ref` (refs/tags/v1 or a SHA). */
export function moamReusableWorkflowIdentity(ref: string, serverUrl?: string): SignerIdentity {
  return githubWorkflowIdentity({ ...(serverUrl ? { serverUrl } : {}), workflowRepository: MOAM_REUSABLE_WORKFLOW.repository, workflowPath: MOAM_REUSABLE_WORKFLOW.path, ref });
}

/** Reverses escapeRegexp on a regexp that is a pure escaped literal. */
function unescapeLiteral(re: string): string {
  return re.replace(/\\(.)/g, '$1');
}
