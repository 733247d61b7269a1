// Whole documents: each generator's output for a keyless signer (our reusable workflow, at a tag) and a key signer,
// compared in full, plus the variants that change shape. Here: policy-controller's ClusterImagePolicy and its
// Rego (also for a private Sigstore through a TrustRoot).
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ExpectedSigner } from '../../src/policy/expected-signer.ts';
import { githubExtensionsRego, policyControllerClusterImagePolicy } from '../../src/policy/policy-controller.ts';
import { NAME, documentOf } from './documents-support.ts';
import { CA_PEM, KEY_SIGNER, MOAM, PUBLIC_KEY, REKOR_KEY, REUSABLE } from './support.ts';

const REGO = `package sigstore

default isCompliant = false

# One signature that passed the authority (issuer + subject) must also come from the expected caller.
isCompliant {
  sig := input.authorityMatches["signer"].signatures[_]
  sig.githubWorkflowRepo == "octo-org/app"
  regex.match("^refs/tags/.+$", sig.githubWorkflowRef)
  sig.githubWorkflowTrigger == "push"
}
`;

describe('policy-controller ClusterImagePolicy', () => {
  it.each<[string, ExpectedSigner, unknown]>([
    [
      'keyless, reusable workflow at a tag',
      REUSABLE,
      {
        apiVersion: 'policy.sigstore.dev/v1beta1',
        kind: 'ClusterImagePolicy',
        metadata: { name: NAME },
        spec: {
          mode: 'enforce',
          images: [{ glob: 'ghcr.io/octo-org/app:*' }, { glob: 'ghcr.io/octo-org/app@*' }],
          authorities: [
            {
              name: 'signer',
              keyless: { url: 'https://fulcio.sigstore.dev', identities: [{ issuer: 'https://token.actions.githubusercontent.com', subject: `${MOAM}@refs/tags/v1` }] },
              ctlog: { url: 'https://rekor.sigstore.dev' },
            },
          ],
          policy: { type: 'rego', data: REGO },
        },
      },
    ],
    [
      'keyless, private Sigstore through a TrustRoot',
      { ...REUSABLE, sigstore: { fulcioUrl: 'https://fulcio.internal', rekorUrl: 'https://rekor.internal', fulcioCaPem: CA_PEM, rekorPublicKeyPem: REKOR_KEY, trustRootRef: 'internal-sigstore' } },
      {
        apiVersion: 'policy.sigstore.dev/v1beta1',
        kind: 'ClusterImagePolicy',
        metadata: { name: NAME },
        spec: {
          mode: 'enforce',
          images: [{ glob: 'ghcr.io/octo-org/app:*' }, { glob: 'ghcr.io/octo-org/app@*' }],
          authorities: [
            {
              name: 'signer',
              keyless: { url: 'https://fulcio.internal', trustRootRef: 'internal-sigstore', identities: [{ issuer: 'https://token.actions.githubusercontent.com', subject: `${MOAM}@refs/tags/v1` }] },
              ctlog: { trustRootRef: 'internal-sigstore', url: 'https://rekor.internal' },
            },
          ],
          policy: { type: 'rego', data: REGO },
        },
      },
    ],
    [
      'key, no transparency log (no ctlog: policy-controller skips the log)',
      { ...KEY_SIGNER, images: ['docker.io/octo/app'] },
      {
        apiVersion: 'policy.sigstore.dev/v1beta1',
        kind: 'ClusterImagePolicy',
        metadata: { name: 'moam-verify-docker-io-octo-app' },
        spec: { mode: 'enforce', images: [{ glob: 'index.docker.io/octo/app:*' }, { glob: 'index.docker.io/octo/app@*' }], authorities: [{ name: 'signer', key: { data: PUBLIC_KEY, hashAlgorithm: 'sha256' } }] },
      },
    ],
  ])('%s', (_name, signer, expected) => {
    const r = policyControllerClusterImagePolicy(signer);
    expect(documentOf(r)).toEqual(expected);
    if (r.ok) expect(parse(r.text)).toEqual(expected);
  });

  it('refuses private key material without a TrustRoot (a CIP has no inline field for it)', () => {
    const r = policyControllerClusterImagePolicy({ ...REUSABLE, sigstore: { fulcioCaPem: CA_PEM } });
    expect(r).toMatchObject({ ok: false, instead: ['create a TrustRoot (policy.sigstore.dev/v1alpha1) holding them and set sigstore.trustRootRef to its name'] });
  });

  it('Rego: an exact ref is compared, every literal is a JSON string', () => {
    expect(githubExtensionsRego({ repository: 'o/r', ref: { pattern: 'refs/tags/v1', exact: 'refs/tags/v1', regexp: '^refs/tags/v1$', glob: 'refs/tags/v1' } }, 'a"b')).toBe(
      `package sigstore

default isCompliant = false

# One signature that passed the authority (issuer + subject) must also come from the expected caller.
isCompliant {
  sig := input.authorityMatches["a\\"b"].signatures[_]
  sig.githubWorkflowRepo == "o/r"
  sig.githubWorkflowRef == "refs/tags/v1"
}
`,
    );
  });
});
