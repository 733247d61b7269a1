import type { ExpectedSigner } from './expected-signer.ts';
import { type NormalizedKey, normalizeSigner } from './normalize.ts';
import { containersScope } from './image-patterns.ts';
import type { PolicyResult, Refusal } from './result.ts';
import { toYaml } from './yaml.ts';

/*
 * containers-policy.json(5) and containers-registries.d(5) for podman, CRI-O, skopeo and buildah.
 *
 * Read: containers/container-libs image/docs/containers-policy.json.5.md and image/signature/fulcio_cert.go at
 * f0ddf1a745bb (2026-04-01, after image/v5.39.2; same text as containers/image v5.36.x); Debian trixie ships
 * podman 5.4.2 / skopeo 1.18.0 built with golang-github-containers-image 5.34.2, whose man page documents the same
 * `sigstoreSigned` fields. Debian bookworm's podman 4.3.1 (containers/image 5.23.1) knows only keyPath/keyData.
 *
 * `sigstoreSigned` with a key checks the signature against that key (and, with rekorPublicKey*, a Rekor SET).
 * `sigstoreSigned` with `fulcio` can only match `subjectEmail` against the certificate's e-mail SANs
 * (fulcio_cert.go: `slices.Contains(untrustedCertificate.EmailAddresses, f.subjectEmail)`; its FIXME lists URIs and
 * "various values about GitHub workflows" as not matched). A GitHub Actions certificate has a single URI SAN and no
 * e-mail, so no keyless GitHub identity can be expressed: containersPolicy() refuses instead of emitting a
 * policy that could never accept the image (or, with a made-up e-mail, would suggest a check that does not exist).
 */

export const CONTAINERS_POLICY_SOURCES = [
  'containers/container-libs image/docs/containers-policy.json.5.md @ f0ddf1a745bb (2026-04-01; image/v5.39.2 and v5.40.0-dev)',
  'containers/container-libs image/signature/fulcio_cert.go @ f0ddf1a745bb: matches only subjectEmail against EmailAddresses',
];

export type ContainersRequirement =
  | { type: 'reject' }
  | { type: 'insecureAcceptAnything' }
  | {
      type: 'sigstoreSigned';
      keyPath?: string;
      keyData?: string;
      rekorPublicKeyPath?: string;
      rekorPublicKeyData?: string;
      signedIdentity: { type: 'matchRepository' };
    };

export interface ContainersPolicy {
  default: ContainersRequirement[];
  transports: { docker: Record<string, ContainersRequirement[]> };
}

export interface ContainersPolicyOptions {
  /**
   * What every image outside the signer's repositories gets: reject (the man page's strong recommendation; a
   * host that runs only these images) or insecureAcceptAnything (constrain these repositories, leave others).
   */
  defaultPolicy?: 'reject' | 'insecureAcceptAnything';
}

const b64 = (pem: string): string => Buffer.from(pem, 'utf8').toString('base64');

/** policy.json for the expected signer, or a refusal for a keyless signer (see the header comment). */
export function containersPolicy(signer: ExpectedSigner, options: ContainersPolicyOptions = {}): PolicyResult<ContainersPolicy> {
  const s = normalizeSigner(signer);
  if (s.kind === 'keyless') return keylessRefusal(s.tlog);
  const notes: string[] = [];
  const requirement = keyRequirement(s, notes);
  if ('ok' in requirement) return requirement;
  const docker: Record<string, ContainersRequirement[]> = {};
  for (const image of s.images) docker[containersScope(image)] = [requirement];
  const document: ContainersPolicy = { default: [{ type: options.defaultPolicy ?? 'reject' }], transports: { docker } };
  notes.push('install registries.d (registriesD()) next to it: without use-sigstore-attachments the signatures are never fetched and every pull is refused');
  if (s.publicKeyPath) notes.push(`the public key must be at ${s.publicKeyPath} on every host`);
  notes.push('cosign signatures name only the repository (matchRepository): any signed image of that repository passes under any tag; pull by digest where the tag matters');
  return { ok: true, target: 'containers-policy.json', document, text: `${JSON.stringify(document, null, 2)}\n`, notes };
}

function keyRequirement(s: NormalizedKey, notes: string[]): ContainersRequirement | Refusal {
  const key = s.publicKeyPath ? { keyPath: s.publicKeyPath } : { keyData: b64(s.publicKeyPem) };
  if (!s.tlog) return { type: 'sigstoreSigned', ...key, signedIdentity: { type: 'matchRepository' } };
  const { rekorPublicKeyPath, rekorPublicKeyPem } = s.sigstore;
  if (!rekorPublicKeyPath && !rekorPublicKeyPem) {
    return {
      ok: false,
      target: 'containers-policy.json',
      reason: 'tlog is true but no Rekor public key is given: containers-policy.json checks a Rekor SET only against keys it is handed',
      cannotExpress: ['the transparency log check (the public-good Rekor key is not built in: rekorPublicKeyPath/rekorPublicKeyData must be given)'],
      instead: ['give sigstore.rekorPublicKeyPem (or rekorPublicKeyPath) of the Rekor that logged the signatures', 'or set tlog: false to check the key alone'],
      sources: CONTAINERS_POLICY_SOURCES,
    };
  }
  notes.push('signatures without a Rekor SET (signed with tlog-upload: false) are refused by this policy');
  const rekor = rekorPublicKeyPath ? { rekorPublicKeyPath } : { rekorPublicKeyData: b64(rekorPublicKeyPem ?? '') };
  return { type: 'sigstoreSigned', ...key, ...rekor, signedIdentity: { type: 'matchRepository' } };
}

function keylessRefusal(tlog: boolean): Refusal {
  const cannotExpress = [
    'the certificate identity: a GitHub Actions certificate carries the workflow as a URI SAN (https://github.com/OWNER/REPO/.github/workflows/FILE@REF) and no e-mail; sigstoreSigned.fulcio matches only subjectEmail, exactly, against the e-mail SANs (no URI, no regexp, no prefix)',
    'the caller repository, ref and trigger (Fulcio extensions 1.3.6.1.4.1.57264.1.5 / .1.6 / .1.2 and their .1.12+ successors): fulcio has no field for any certificate extension',
  ];
  if (!tlog) cannotExpress.push('a keyless signature without a transparency log entry: fulcio requires rekorPublicKeyPath/rekorPublicKeyData and a Rekor SET in every signature');
  return {
    ok: false,
    target: 'containers-policy.json',
    reason: 'containers-policy.json cannot express a GitHub Actions keyless signer; a fulcio policy would either reject every such image or check less than it appears to',
    cannotExpress,
    instead: [
      'sign with a key as well (sign-recursive with keyless: false, key, key-password) and install the key-based policy from containersPolicy() on hosts',
      'verify the keyless signature with cosign before the image reaches the host (cosignVerifyCommands()), or enforce it in Kubernetes with kyvernoClusterPolicy() or policyControllerClusterImagePolicy()',
    ],
    sources: CONTAINERS_POLICY_SOURCES,
  };
}

export interface RegistriesD {
  docker: Record<string, { 'use-sigstore-attachments': true }>;
}

/**
 * A registries.d file (any *.yaml in /etc/containers/registries.d) turning on sigstore attachments for the
 * signer's repositories; without it podman/skopeo never look at the `.sig` tags. Needed for keyless too (cosign
 * writes the same attachments), so it is generated for every signer.
 */
export function registriesD(signer: ExpectedSigner): { ok: true; target: 'registries.d'; document: RegistriesD; text: string; notes: string[] } {
  const s = normalizeSigner(signer);
  const docker: RegistriesD['docker'] = {};
  for (const image of s.images) docker[containersScope(image)] = { 'use-sigstore-attachments': true };
  const document: RegistriesD = { docker };
  return {
    ok: true,
    target: 'registries.d',
    document,
    text: toYaml(document),
    notes: ['a scope may appear in only one file of the registries.d directory: merge by hand if another file already names these repositories'],
  };
}
