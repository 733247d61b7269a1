import { InputError, Problems } from '../errors.ts';
import { type ImageReference, parseImageReference } from '../image.ts';
import { type InputReader, parseBoolean, parseList, requireInput } from '../inputs.ts';
import { type Platform, parsePlatforms } from '../platform.ts';
import { anchorRegexp, buildIdentityRegexp, parseRepository } from '../cosign/identity.ts';
import { type CosignInstallInputs, readCosignInstallInputs } from '../sign/cosign-setup.ts';

export type RequiredAttestation = 'provenance' | 'sbom';

export interface VerifyInputs {
  image: ImageReference;
  platforms?: Platform[];
  issuer: string;
  /** Exactly one of identity / identityRegexp is set for keyless verification. */
  identity?: string;
  identityRegexp?: string;
  repository?: string;
  key?: string;
  requireAttestations: RequiredAttestation[];
  insecureIgnoreTlog: boolean;
  cosign: CosignInstallInputs;
}

export function readVerifyInputs(read: InputReader, env: NodeJS.ProcessEnv): VerifyInputs {
  const p = new Problems();
  const image = p.collect(() => parseImageReference(requireInput(read, 'image', 'ghcr.io/owner/app:1.2.3'), 'image'));
  const platforms = p.collect(() => (read('platforms') ? parsePlatforms(parseList(read('platforms'))) : undefined));
  const key = read('key') || undefined;
  const issuer = read('certificate-oidc-issuer') || 'https://token.actions.githubusercontent.com';
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
  const identityRegexp = p.collect(() => {
    if (exact || key) return undefined;
    if (regexp) return anchorRegexp(regexp, 'certificate-identity-regexp');
    if (!repository) return undefined;
    const workflowRepository = read('workflow-repository') ? parseRepository(read('workflow-repository'), 'workflow-repository').full : repository;
    return buildIdentityRegexp({ ...(env.GITHUB_SERVER_URL ? { serverUrl: env.GITHUB_SERVER_URL } : {}), workflowRepository, workflowPath: read('workflow') || '.github/workflows/release.yml', refPattern: read('ref-pattern') || 'tags' });
  });
  const requireAttestations = p.collect(() =>
    parseList(read('require-attestations') === '' ? 'provenance,sbom' : read('require-attestations')).filter((a) => a !== 'none').map((a): RequiredAttestation => {
      if (a !== 'provenance' && a !== 'sbom') throw new InputError('require-attestations', `"${a}" is not an attestation kind`, 'list provenance and/or sbom, or none');
      return a;
    }),
  );
  const insecureIgnoreTlog = p.collect(() => parseBoolean(read('insecure-ignore-tlog'), 'insecure-ignore-tlog', false));
  const cosign = p.collect(() => readCosignInstallInputs(read));
  p.throwIfAny('invalid inputs');
  return {
    image: image!,
    ...(platforms ? { platforms } : {}),
    issuer,
    ...(exact ? { identity: exact } : {}),
    ...(identityRegexp ? { identityRegexp } : {}),
    ...(repository ? { repository } : {}),
    ...(key ? { key } : {}),
    requireAttestations: requireAttestations!,
    insecureIgnoreTlog: insecureIgnoreTlog!,
    cosign: cosign!,
  };
}
