import { InputError, Problems } from '../errors.ts';
import { type ImageName, parseImageName } from '../image.ts';
import { anchorRegexp, escapeRegexp, parseRepository } from '../cosign/identity.ts';
import type { ExpectedSigner, KeySigner, PrivateSigstore, SignerIdentity } from './expected-signer.ts';

/*
 * Validation of an ExpectedSigner, and the one normalized shape every generator reads: images parsed, the identity
 * regexp anchored (anchorRegexp), the source ref in each matcher syntax (regexp, Kyverno wildcard, exact).
 */

/** How a ref constraint reads in each matcher syntax. `exact` is set for one exact ref. */
export interface RefMatcher {
  pattern: string;
  exact?: string;
  /** Anchored RE2 regexp. */
  regexp: string;
  /** Kyverno wildcard (* and ?), matched against the whole value. */
  glob: string;
}

export interface NormalizedKeyless {
  kind: 'keyless';
  images: ImageName[];
  issuer: string;
  /** Exactly one of san / regexp (anchored). */
  san?: string;
  regexp?: string;
  repository: string;
  ref: RefMatcher;
  trigger?: string;
  sigstore: PrivateSigstore;
  tlog: boolean;
}

export interface NormalizedKey {
  kind: 'key';
  images: ImageName[];
  publicKeyPem: string;
  publicKeyPath?: string;
  sigstore: NonNullable<KeySigner['sigstore']>;
  tlog: boolean;
}

export type NormalizedSigner = NormalizedKeyless | NormalizedKey;

/** Input names used in the errors (the fields of ExpectedSigner). */
const F = {
  images: 'images',
  issuer: 'issuer',
  identity: 'identity',
  repository: 'repository',
  sourceRef: 'sourceRef',
  trigger: 'trigger',
  key: 'publicKeyPem',
  sigstore: 'sigstore',
} as const;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;

/**
 * Validates an ExpectedSigner and puts it in the one shape the generators read. Reports every problem at once
 * (ProblemsError). Regexps are anchored and checked by anchorRegexp; every literal a generator interpolates into a
 * regexp goes through escapeRegexp.
 */
export function normalizeSigner(signer: ExpectedSigner): NormalizedSigner {
  const p = new Problems();
  const images = normalizeImages(signer.images, p);
  if (signer.kind === 'key') {
    const publicKeyPem = p.collect(() => requirePem(signer.publicKeyPem, F.key, 'PUBLIC KEY')) ?? '';
    const publicKeyPath = signer.publicKeyPath === undefined ? undefined : p.collect(() => requirePath(signer.publicKeyPath ?? '', 'publicKeyPath'));
    const sigstore = p.collect(() => normalizeSigstore(signer.sigstore ?? {})) ?? {};
    p.throwIfAny('the expected signer is not valid');
    return { kind: 'key', images, publicKeyPem, ...(publicKeyPath ? { publicKeyPath } : {}), sigstore, tlog: signer.tlog ?? false };
  }
  if ((signer.kind as string) !== 'keyless') throw new InputError('kind', `"${String(signer.kind)}" is not keyless or key`, 'set kind: keyless (GitHub OIDC certificate) or kind: key (public key)');
  const issuer = p.collect(() => requireUrl(signer.issuer, F.issuer, 'https://token.actions.githubusercontent.com for GitHub Actions', true)) ?? '';
  const identity = p.collect(() => normalizeIdentity(signer.identity)) ?? {};
  const repository = p.collect(() => parseRepository(signer.repository ?? '', F.repository).full) ?? '';
  const ref = p.collect(() => refMatcher(signer.sourceRef));
  const trigger = signer.trigger === undefined ? undefined : p.collect(() => parseTrigger(signer.trigger ?? ''));
  const sigstore = p.collect(() => normalizeSigstore(signer.sigstore ?? {})) ?? {};
  p.throwIfAny('the expected signer is not valid');
  return { kind: 'keyless', images, issuer, ...identity, repository, ref: ref as RefMatcher, ...(trigger ? { trigger } : {}), sigstore, tlog: signer.tlog ?? true };
}

function normalizeImages(images: readonly string[] | undefined, p: Problems): ImageName[] {
  if (!images || images.length === 0) {
    p.add(new InputError(F.images, 'is empty', 'list the image repositories the policy applies to, e.g. ghcr.io/owner/app').message);
    return [];
  }
  const out: ImageName[] = [];
  const seen = new Set<string>();
  for (const raw of images) {
    const image = p.collect(() => parseImageName(raw, F.images));
    if (!image) continue;
    const key = `${image.registry}/${image.repository}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(image);
  }
  return out;
}

function normalizeIdentity(identity: SignerIdentity | undefined): { san?: string; regexp?: string } {
  const fix = 'give identity: { san } (the exact certificate SAN) or identity: { regexp } (an RE2 regexp, anchored ^...$); githubWorkflowIdentity() builds either';
  if (!identity || (identity.san === undefined) === (identity.regexp === undefined)) throw new InputError(F.identity, 'needs exactly one of san and regexp', fix);
  if (identity.san !== undefined) {
    const san = identity.san.trim();
    if (san === '' || /\s/.test(san) || CONTROL.test(san)) throw new InputError(F.identity, `san ${JSON.stringify(identity.san)} is empty or has whitespace`, fix);
    return { san };
  }
  return { regexp: anchorRegexp(identity.regexp ?? '', F.identity) };
}

/** tags / branches / any / one exact ref, in the three syntaxes the consumers use. */
export function refMatcher(pattern: string | undefined): RefMatcher {
  const p = (pattern ?? '').trim();
  if (p === 'tags') return { pattern: p, regexp: '^refs/tags/.+$', glob: 'refs/tags/*' };
  if (p === 'branches') return { pattern: p, regexp: '^refs/heads/.+$', glob: 'refs/heads/*' };
  if (p === 'any') return { pattern: p, regexp: '^refs/.+$', glob: 'refs/*' };
  const fix = 'use tags, branches, any, or one exact ref such as refs/tags/v1.2.3 or refs/heads/main';
  // git check-ref-format forbids "*", "?", "[", "\", "^", ":", "~", whitespace and control characters in a ref,
  // so an exact ref is also a literal Kyverno wildcard pattern.
  if (!p.startsWith('refs/') || p.length <= 'refs/'.length || /[\s*?[\\^:~]/.test(p) || CONTROL.test(p) || p.includes('..') || p.endsWith('/') || p.endsWith('.lock')) {
    throw new InputError(F.sourceRef, `${JSON.stringify(pattern ?? '')} is not tags, branches, any or a valid full ref`, fix);
  }
  return { pattern: p, exact: p, regexp: `^${escapeRegexp(p)}$`, glob: p };
}

function parseTrigger(value: string): string {
  const v = value.trim();
  // GitHub event names: push, workflow_dispatch, release, ...
  if (!/^[a-z][a-z_]{0,63}$/.test(v)) throw new InputError(F.trigger, `${JSON.stringify(value)} is not a GitHub event name`, 'give the event that runs the signing workflow, e.g. push or workflow_dispatch');
  return v;
}

function normalizeSigstore(s: PrivateSigstore): PrivateSigstore {
  const out: PrivateSigstore = {};
  if (s.fulcioUrl !== undefined) out.fulcioUrl = requireUrl(s.fulcioUrl, `${F.sigstore}.fulcioUrl`, 'https://fulcio.example.com', false);
  if (s.rekorUrl !== undefined) out.rekorUrl = requireUrl(s.rekorUrl, `${F.sigstore}.rekorUrl`, 'https://rekor.example.com', false);
  if (s.fulcioCaPem !== undefined) out.fulcioCaPem = requirePem(s.fulcioCaPem, `${F.sigstore}.fulcioCaPem`, 'CERTIFICATE');
  if (s.rekorPublicKeyPem !== undefined) out.rekorPublicKeyPem = requirePem(s.rekorPublicKeyPem, `${F.sigstore}.rekorPublicKeyPem`, 'PUBLIC KEY');
  if (s.ctlogPublicKeyPem !== undefined) out.ctlogPublicKeyPem = requirePem(s.ctlogPublicKeyPem, `${F.sigstore}.ctlogPublicKeyPem`, 'PUBLIC KEY');
  for (const k of ['fulcioCaPath', 'rekorPublicKeyPath', 'ctlogPublicKeyPath'] as const) {
    const v = s[k];
    if (v !== undefined) out[k] = requirePath(v, `${F.sigstore}.${k}`);
  }
  if (s.trustRootRef !== undefined) {
    if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(s.trustRootRef)) throw new InputError(`${F.sigstore}.trustRootRef`, `${JSON.stringify(s.trustRootRef)} is not a Kubernetes resource name`, 'give the name of the TrustRoot resource');
    out.trustRootRef = s.trustRootRef;
  }
  return out;
}

function requireUrl(value: string | undefined, input: string, example: string, httpsOnly: boolean): string {
  const v = (value ?? '').trim();
  let u: URL | undefined;
  try {
    u = new URL(v);
  } catch {
    u = undefined;
  }
  const okScheme = u && (u.protocol === 'https:' || (!httpsOnly && u.protocol === 'http:'));
  if (!u || !okScheme || u.username || u.password || u.search || u.hash || /\s/.test(v)) {
    throw new InputError(input, `${JSON.stringify(value ?? '')} is not an ${httpsOnly ? 'https' : 'http(s)'} URL`, `give a URL such as ${example}`);
  }
  return v;
}

function requirePem(value: string | undefined, input: string, type: 'PUBLIC KEY' | 'CERTIFICATE'): string {
  const v = (value ?? '').trim();
  if (!v.startsWith(`-----BEGIN ${type}-----`) || !v.includes(`-----END ${type}-----`)) {
    throw new InputError(input, `is not a PEM ${type.toLowerCase()} (-----BEGIN ${type}-----)`, type === 'PUBLIC KEY' ? 'give the PEM content of the public key (cosign.pub)' : 'give the PEM content of the CA certificate(s)');
  }
  return `${v}\n`;
}

function requirePath(value: string, input: string): string {
  const v = value.trim();
  // Spaces are fine (every consumer quotes: JSON, YAML, the shell lines); control characters never are.
  if (!v.startsWith('/') || CONTROL.test(v)) throw new InputError(input, `${JSON.stringify(value)} is not an absolute path`, 'give where the consumer keeps the file, e.g. /etc/containers/keys/app.pub');
  return v;
}
